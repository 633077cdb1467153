"""The programme settings form: it reads what was typed; change_programme_settings judges it."""

from __future__ import annotations

from django import forms

from chorus.apps.core.forms import NhsukForm

from .actions import AGES_HEARD_REFUSED, FEEDBACK_DAYS_MAX, FEEDBACK_DAYS_MIN, NAME_MAX_LENGTH
from .models import AgesHeard, AudioRetention, Programme

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": "Enter a real date, for example 21/11/2026"}


class ProgrammeSettingsForm(NhsukForm):
    name = forms.CharField(
        label="Name",
        max_length=NAME_MAX_LENGTH,
        error_messages={
            "required": "Enter the programme's name",
            "max_length": f"The name must be {NAME_MAX_LENGTH} characters or fewer",
        },
    )
    summary = forms.CharField(
        label="Summary",
        required=False,
        help_text="What the programme is for, in a few sentences.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    start_date = forms.DateField(
        label="Start date", required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS
    )
    end_date = forms.DateField(
        label="End date", required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS
    )
    feedback_days = forms.IntegerField(
        label="Days within which residents hear back",
        help_text=(
            f"After a listening event, residents are owed “what we heard” within this many days "
            f"({FEEDBACK_DAYS_MIN} to {FEEDBACK_DAYS_MAX})."
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-4"}),
        error_messages={
            "required": f"Enter how many days residents should hear back within, "
            f"from {FEEDBACK_DAYS_MIN} to {FEEDBACK_DAYS_MAX}",
            "invalid": f"Enter a whole number of days, from {FEEDBACK_DAYS_MIN} to {FEEDBACK_DAYS_MAX}",
        },
    )
    keep_original_text = forms.BooleanField(
        label="Keep residents' original words (encrypted) beside the redacted text",
        required=False,
    )
    audio_retention = forms.ChoiceField(
        label="After a recorded conversation is transcribed",
        choices=AudioRetention.choices,
        widget=forms.RadioSelect,
        required=False,  # a post without it (an older page) keeps the current setting
        help_text="Only the redacted transcript is needed for analysis. Kept audio lets analysts play a "
        "quote back; it is erased with the resident's words.",
    )
    is_public = forms.BooleanField(label="Make the programme public", required=False)
    focus_areas = forms.ModelMultipleChoiceField(
        label="Focus areas",
        queryset=None,
        required=False,
        help_text="The wards the programme focuses on. Select all that apply.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose focus areas only from the wards listed"},
    )
    ages_heard = forms.ChoiceField(
        label="Ages the programme sets out to hear",
        choices=AgesHeard.choices,
        widget=forms.RadioSelect,
        required=False,  # a post without it (an older page) keeps the current setting
        help_text="“Who we heard from” compares the ages of the people heard with the ages of the people "
        "living in the area. Choose “Everyone” if the programme means to hear children too, so the page "
        "shows when children are not being heard. “Not set” compares children only once someone under 16 "
        "has been heard.",
        error_messages={"invalid_choice": AGES_HEARD_REFUSED},
    )

    get_involved = forms.CharField(
        label="How residents can get involved",
        required=False,
        help_text="Shown on the public page: groups, events and how to join in, in plain words.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    contact_email = forms.CharField(
        label="Contact email for residents",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    contact_phone = forms.CharField(
        label="Contact phone number for residents",
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "class": "nhsuk-input--width-20"}),
    )
    logo = forms.FileField(
        label="Programme logo",
        required=False,
        help_text="A PNG, JPEG or WebP picture for the public page. Leave empty to keep the current one.",
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )

    def __init__(self, *args, programme: Programme, wards, **kwargs):
        if not args or args[0] is None:
            kwargs.setdefault(
                "initial",
                {
                    "name": programme.name,
                    "summary": programme.summary,
                    "start_date": programme.start_date,
                    "end_date": programme.end_date,
                    "feedback_days": programme.feedback_days,
                    "keep_original_text": programme.keep_original_text,
                    "audio_retention": programme.audio_retention,
                    "is_public": programme.is_public,
                    "focus_areas": list(programme.focus_areas.values_list("pk", flat=True)),
                    "ages_heard": programme.ages_heard,
                    "get_involved": programme.get_involved,
                    "contact_email": programme.contact_email,
                    "contact_phone": programme.contact_phone,
                },
            )
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["focus_areas"].queryset = wards

    def clean_audio_retention(self) -> str:
        return self.cleaned_data.get("audio_retention") or self.programme.audio_retention

    def clean_ages_heard(self) -> str:
        return self.cleaned_data.get("ages_heard") or self.programme.ages_heard
