from django import forms


class NewTokenForm(forms.Form):
    name = forms.CharField(
        label="What is the token for?",
        max_length=100,
        help_text="For example, “ICB dashboard”. You can revoke it at any time.",
    )
