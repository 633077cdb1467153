from __future__ import annotations

import re
import uuid

from django import forms
from django.utils import timezone

from chorus import equality
from chorus.apps.core.forms import NhsukForm
from chorus.apps.places.models import Area, Level
from chorus.apps.programmes.models import Programme
from chorus.privacy.contact import Contact, NotAContact, parse_contact

from .actions import ContributionInput
from .models import ActivityKind

POSTCODE_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
YES_NO = [("yes", "Yes"), ("no", "No")]
NOT_ANSWERED = [("", "Not asked")]


def _optional_radios(label: str, choices: list[tuple[str, str]]) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, required=False, widget=forms.RadioSelect)


def _consent(label: str, question: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": f"Select yes or no: {question}"},
    )


class RecordConversationForm(NhsukForm):
    submission_key = forms.CharField(widget=forms.HiddenInput)
    programme = forms.ModelChoiceField(queryset=Programme.objects.none(), label="Programme", empty_label=None)
    date = forms.DateField(
        label="When did you talk?",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter the date you talked, for example 21/11/2026"},
    )
    text = forms.CharField(
        label="What matters to them about their health and wellbeing?",
        help_text="Write their words as closely as you can. Leave out names, phone numbers and addresses.",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter what the resident told you"},
    )
    ward = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        required=False,
        label="Which ward do they live in?",
        empty_label="Choose a ward",
    )
    postcode_district = forms.CharField(
        label="Or the first part of their postcode",
        required=False,
        max_length=10,
        help_text="For example SS1 or PL1. Do not write the full postcode.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "class": "nhsuk-input--width-5"}
        ),
    )
    age_band = forms.ChoiceField(label="Age", choices=NOT_ANSWERED + equality.AGE_BANDS, required=False)
    sex = _optional_radios("Sex", equality.SEXES)
    gender_identity_same = _optional_radios(
        "Is the gender they identify with the same as their sex registered at birth?",
        equality.GENDER_IDENTITY_SAME,
    )
    ethnicity = forms.ChoiceField(
        label="Ethnic group",
        choices=[("", "Not asked")] + equality.ethnicity_choices_grouped(),
        required=False,
    )
    disability = _optional_radios(
        "Do they have a disability or long-term condition that limits their day-to-day activities?",
        equality.YES_NO,
    )
    carer = _optional_radios(
        "Do they look after or support someone because of illness, disability or age?", equality.YES_NO
    )
    consent_analysis = _consent(
        "Do they agree that what they said can be used to understand what matters to local people?",
        "do they agree to their words being used for analysis?",
    )
    consent_quote = _consent(
        "Do they agree to be quoted without their name?", "do they agree to be quoted without their name?"
    )
    consent_open_data = _consent(
        "Do they agree to their answers being shared as anonymous open data?",
        "do they agree to anonymous open data?",
    )
    consent_recontact = _consent(
        "Do they want to hear what happened because of what they said?",
        "do they want to be contacted about what happened?",
    )
    hear_back_contact = forms.CharField(
        label="If yes: their email address or mobile number (optional)",
        help_text="So we can tell them what happened. Kept encrypted and seen only by those who send "
        "feedback. Leave empty if they will hear at events or in the newsletter.",
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    EQUALITY_FIELDS = ("age_band", "sex", "gender_identity_same", "ethnicity", "disability", "carer")
    CONSENT_FIELDS = ("consent_analysis", "consent_quote", "consent_open_data", "consent_recontact")

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["ward"].queryset = (
            Area.objects.filter(level=Level.WARD, parent__programmes__in=programmes)
            .distinct()
            .order_by("name")
        )
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4().hex)
            self.initial.setdefault("date", timezone.localdate())
            if programmes.count() == 1:
                self.initial.setdefault("programme", programmes.first())
        if programmes.count() == 1:
            self.fields["programme"].widget = forms.HiddenInput()

    def clean_postcode_district(self) -> str:
        value = re.sub(r"\s+", "", self.cleaned_data.get("postcode_district", "")).upper()
        if value and not POSTCODE_DISTRICT.match(value):
            raise forms.ValidationError("Enter the first part of the postcode only, like SS1 or PL1")
        return value

    def clean_hear_back_contact(self) -> Contact | None:
        value = self.cleaned_data.get("hear_back_contact", "").strip()
        if not value:
            return None
        try:
            return parse_contact(value)
        except NotAContact as error:
            raise forms.ValidationError(str(error)) from error

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date of the conversation must be today or in the past")
        return value

    def clean(self):
        cleaned = super().clean()  # consent to analysis is checked by the action, with the message it gives
        if cleaned.get("hear_back_contact") and cleaned.get("consent_recontact") != "yes":
            self.add_error(
                "hear_back_contact",
                "They did not agree to be contacted about what happened, so leave their contact details "
                "empty",
            )
        programme, ward = cleaned.get("programme"), cleaned.get("ward")
        if (
            programme
            and ward
            and programme.local_authority_id
            and ward.parent_id != programme.local_authority_id
        ):
            self.add_error(
                "ward", f"{ward} is not in {programme.local_authority}; choose a ward in the programme's area"
            )
        return cleaned

    def to_input(self) -> ContributionInput:
        data = self.cleaned_data
        return ContributionInput(
            text=data["text"],
            ward=data["ward"],
            postcode_district=data["postcode_district"],
            consent_analysis=data["consent_analysis"] == "yes",
            consent_quote=data["consent_quote"] == "yes",
            consent_open_data=data["consent_open_data"] == "yes",
            consent_recontact=data["consent_recontact"] == "yes",
            hear_back=data.get("hear_back_contact"),
            **{name: data.get(name, "") for name in self.EQUALITY_FIELDS},
        )


class ContributionFilterForm(NhsukForm):
    q = forms.CharField(
        label="Words", required=False, help_text="Find contributions that contain these words"
    )
    programme = forms.ModelChoiceField(queryset=Programme.objects.none(), required=False, empty_label="All")
    ward = forms.ModelChoiceField(queryset=Area.objects.none(), required=False, empty_label="All")
    kind = forms.ChoiceField(
        label="Activity", choices=[("", "All")] + list(ActivityKind.choices), required=False
    )
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["ward"].queryset = (
            Area.objects.filter(level=Level.WARD, parent__programmes__in=programmes)
            .distinct()
            .order_by("name")
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date")
        return cleaned

    def apply(self, contributions):
        if not self.is_valid():
            return contributions
        data = self.cleaned_data
        if data["q"]:
            for word in data["q"].split():
                contributions = contributions.filter(text__icontains=word)
        if data["programme"]:
            contributions = contributions.filter(programme=data["programme"])
        if data["ward"]:
            contributions = contributions.filter(ward=data["ward"])
        if data["kind"]:
            contributions = contributions.filter(activity__kind=data["kind"])
        if data["date_from"]:
            contributions = contributions.filter(activity__date__gte=data["date_from"])
        if data["date_to"]:
            contributions = contributions.filter(activity__date__lte=data["date_to"])
        return contributions


class WithdrawConsentForm(NhsukForm):
    scope = forms.ChoiceField(
        label="Which consent has the resident withdrawn?",
        widget=forms.RadioSelect,
        choices=[
            ("quote", "Being quoted"),
            ("open_data", "Being included in open data"),
            ("recontact", "Being contacted about what happened"),
            ("analysis", "Everything: remove what they said from Chorus"),
        ],
        error_messages={"required": "Select which consent the resident has withdrawn"},
    )
