from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm

from chorus.apps.core.forms import NhsukBoundField, NhsukForm


class SignInForm(AuthenticationForm):
    bound_field_class = NhsukBoundField
    template_name = "nhsuk/form.html"
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is not active. Ask your programme lead to reactivate it.",
    }


class StartPasswordResetForm(PasswordResetForm):
    bound_field_class = NhsukBoundField
    template_name = "nhsuk/form.html"


class ChooseNewPasswordForm(SetPasswordForm):
    bound_field_class = NhsukBoundField
    template_name = "nhsuk/form.html"


class CodeForm(NhsukForm):
    code = forms.CharField(
        label="Code",
        max_length=40,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "class": "nhsuk-input--width-10",
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autocapitalize": "none",
            }
        ),
    )

    def __init__(self, *args, label: str = "Code", help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = label
        self.fields["code"].help_text = help_text


class InviteForm(NhsukForm):
    display_name = forms.CharField(label="Their name", max_length=150, required=False)
    email = forms.EmailField(
        label="Their email address",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address, like name@example.org",
        },
    )
    role = forms.ChoiceField(
        label="Role", widget=forms.RadioSelect, error_messages={"required": "Choose a role"}
    )
    organisation = forms.ChoiceField(
        label="Partner organisation", required=False, help_text="Only for a partner organisation member."
    )

    def __init__(self, *args, roles, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles
        self.fields["organisation"].choices = [("", "None")] + [(str(o.pk), o.name) for o in organisations]


class RoleForm(NhsukForm):
    role = forms.ChoiceField(label="Role")
    organisation = forms.ChoiceField(label="Partner organisation", required=False)

    def __init__(self, *args, roles, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles
        self.fields["organisation"].choices = [("", "None")] + [(str(o.pk), o.name) for o in organisations]
