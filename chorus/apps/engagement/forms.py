from __future__ import annotations

import re
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from chorus import equality
from chorus.apps.core.forms import NhsukForm
from chorus.apps.places.models import Area, Level
from chorus.apps.programmes.models import Programme
from chorus.privacy.contact import Contact, NotAContact, parse_contact

from .actions import ContributionInput
from .models import Activity, ActivityKind, Contribution

POSTCODE_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
YES_NO = [("yes", _("Yes")), ("no", _("No"))]
NOT_ANSWERED = [("", _("Not asked"))]
# The languages a connector may say a resident spoke, each named in its own language so that anyone can find
# theirs whatever language the page is in; the community languages are those the coding app detects.
SPOKEN_LANGUAGES = [
    ("en", "English"),
    ("ar", "العربية (Arabic)"),
    ("bn", "বাংলা (Bengali)"),
    ("pl", "Polski (Polish)"),
    ("pt", "Português (Portuguese)"),
    ("ro", "Română (Romanian)"),
    ("so", "Soomaali (Somali)"),
    ("es", "Español (Spanish)"),
    ("tr", "Türkçe (Turkish)"),
    ("ur", "اردو (Urdu)"),
]

# The labels of chorus.equality's answers (plain Python, without Django), for the pages in other languages.
ANSWER_LABELS = {
    "Under 16": _("Under 16"),
    "16 to 24": _("16 to 24"),
    "25 to 34": _("25 to 34"),
    "35 to 44": _("35 to 44"),
    "45 to 54": _("45 to 54"),
    "55 to 64": _("55 to 64"),
    "65 to 74": _("65 to 74"),
    "75 or over": _("75 or over"),
    "Prefer not to say": _("Prefer not to say"),
    "Female": _("Female"),
    "Male": _("Male"),
    "Yes": _("Yes"),
    "No": _("No"),
    "Asian, Asian British or Asian Welsh": _("Asian, Asian British or Asian Welsh"),
    "Bangladeshi": _("Bangladeshi"),
    "Chinese": _("Chinese"),
    "Indian": _("Indian"),
    "Pakistani": _("Pakistani"),
    "Any other Asian background": _("Any other Asian background"),
    "Black, Black British, Black Welsh, Caribbean or African": _(
        "Black, Black British, Black Welsh, Caribbean or African"
    ),
    "African": _("African"),
    "Caribbean": _("Caribbean"),
    "Any other Black, Black British or Caribbean background": _(
        "Any other Black, Black British or Caribbean background"
    ),
    "Mixed or Multiple ethnic groups": _("Mixed or Multiple ethnic groups"),
    "White and Asian": _("White and Asian"),
    "White and Black African": _("White and Black African"),
    "White and Black Caribbean": _("White and Black Caribbean"),
    "Any other Mixed or Multiple ethnic background": _("Any other Mixed or Multiple ethnic background"),
    "White": _("White"),
    "English, Welsh, Scottish, Northern Irish or British": _(
        "English, Welsh, Scottish, Northern Irish or British"
    ),
    "Irish": _("Irish"),
    "Gypsy or Irish Traveller": _("Gypsy or Irish Traveller"),
    "Roma": _("Roma"),
    "Any other White background": _("Any other White background"),
    "Other ethnic group": _("Other ethnic group"),
    "Arab": _("Arab"),
    "Any other ethnic group": _("Any other ethnic group"),
}


def _translated(choices: list) -> list:
    """Choices (with optgroups) with their labels in the page's language."""
    return [
        (value, _translated(label) if isinstance(label, list) else ANSWER_LABELS.get(label, label))
        for value, label in choices
    ]


def _optional_radios(label: str, choices: list[tuple[str, str]]) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=_translated(choices), required=False, widget=forms.RadioSelect
    )


def _consent(label: str, error: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=YES_NO, widget=forms.RadioSelect, error_messages={"required": error}
    )


def page_language() -> str:
    """The ISO 639-1 code of the language the page is shown in ("en" for en-gb)."""
    return (get_language() or "en").split("-")[0]


class RecordConversationForm(NhsukForm):
    """One resident's words, where they live, optional equality answers and their consent.

    With `activity`, the words are recorded at that activity (a partner's coffee morning): its programme and
    date are the activity's, so those questions are not asked.
    """

    submission_key = forms.CharField(widget=forms.HiddenInput)
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.none(),
        label=_("Programme"),
        empty_label=None,
        error_messages={
            "invalid_choice": _(
                "You can no longer record conversations in this programme; choose another programme"
            )
        },
    )
    date = forms.DateField(
        label=_("When did you talk?"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter the date you talked, for example 21/11/2026")},
    )
    language = forms.ChoiceField(
        label=_("Which language did they speak?"),
        choices=[("", _("Another language, or not sure"))] + SPOKEN_LANGUAGES,
        required=False,
    )
    text = forms.CharField(
        label=_("What matters to them about their health and wellbeing?"),
        help_text=_("Write their words as closely as you can. Leave out names, phone numbers and addresses."),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Enter what the resident told you")},
    )
    ward = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        required=False,
        label=_("Which ward do they live in?"),
        empty_label=_("Choose a ward"),
        error_messages={
            "invalid_choice": _("That ward is no longer in your programme's area; choose another ward")
        },
    )
    postcode_district = forms.CharField(
        label=_("Or the first part of their postcode"),
        required=False,
        max_length=10,
        help_text=_("For example SS1 or PL1. Do not write the full postcode."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "class": "nhsuk-input--width-5"}
        ),
    )
    age_band = forms.ChoiceField(
        label=_("Age"), choices=NOT_ANSWERED + _translated(equality.AGE_BANDS), required=False
    )
    sex = _optional_radios(_("Sex"), equality.SEXES)
    gender_identity_same = _optional_radios(
        _("Is the gender they identify with the same as their sex registered at birth?"),
        equality.GENDER_IDENTITY_SAME,
    )
    ethnicity = forms.ChoiceField(
        label=_("Ethnic group"),
        choices=NOT_ANSWERED + _translated(equality.ethnicity_choices_grouped()),
        required=False,
    )
    disability = _optional_radios(
        _("Do they have a disability or long-term condition that limits their day-to-day activities?"),
        equality.YES_NO,
    )
    carer = _optional_radios(
        _("Do they look after or support someone because of illness, disability or age?"), equality.YES_NO
    )
    consent_analysis = _consent(
        _("Do they agree that what they said can be used to understand what matters to local people?"),
        _("Select yes or no: do they agree to their words being used for analysis?"),
    )
    consent_quote = _consent(
        _("Do they agree to be quoted without their name?"),
        _("Select yes or no: do they agree to be quoted without their name?"),
    )
    consent_open_data = _consent(
        _("Do they agree to their answers being shared as anonymous open data?"),
        _("Select yes or no: do they agree to anonymous open data?"),
    )
    consent_recontact = _consent(
        _("Do they want to hear what happened because of what they said?"),
        _("Select yes or no: do they want to be contacted about what happened?"),
    )
    hear_back_contact = forms.CharField(
        label=_("If yes: their email address or mobile number (optional)"),
        help_text=_(
            "So we can tell them what happened. Kept encrypted and seen only by those who send "
            "feedback. Leave empty if they will hear at events or in the newsletter."
        ),
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    EQUALITY_FIELDS = ("age_band", "sex", "gender_identity_same", "ethnicity", "disability", "carer")
    CONSENT_FIELDS = ("consent_analysis", "consent_quote", "consent_open_data", "consent_recontact")

    def __init__(self, *args, programmes, activity: Activity | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity = activity
        if activity is not None:  # the activity says which programme and when
            programmes = Programme.objects.filter(pk=activity.programme_id)
            del self.fields["programme"], self.fields["date"]
        self.fields["ward"].queryset = (
            Area.objects.filter(level=Level.WARD, parent__programmes__in=programmes)
            .distinct()
            .order_by("name")
        )
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4().hex)
            self.initial.setdefault("language", page_language())
            if activity is not None:
                self.initial.setdefault("ward", activity.area_id)
            else:
                self.initial.setdefault("date", timezone.localdate())
                if programmes.count() == 1:
                    self.initial.setdefault("programme", programmes.first())
        if "programme" in self.fields:
            self.fields["programme"].queryset = programmes
            if programmes.count() == 1:
                self.fields["programme"].widget = forms.HiddenInput()

    def clean_postcode_district(self) -> str:
        value = re.sub(r"\s+", "", self.cleaned_data.get("postcode_district", "")).upper()
        if value and not POSTCODE_DISTRICT.match(value):
            raise forms.ValidationError(
                _("Enter the first part of the postcode only, like SS1 or PL1"), code="postcode_district"
            )
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
            raise forms.ValidationError(
                _("The date of the conversation must be today or in the past"), code="future_date"
            )
        return value

    def clean(self):
        cleaned = super().clean()  # consent to analysis is checked by the action, with the message it gives
        if cleaned.get("hear_back_contact") and cleaned.get("consent_recontact") != "yes":
            self.add_error(
                "hear_back_contact",
                _(
                    "They did not agree to be contacted about what happened, so leave their contact details "
                    "empty"
                ),
            )
        programme = self.activity.programme if self.activity is not None else cleaned.get("programme")
        ward = cleaned.get("ward")
        if (
            programme
            and ward
            and programme.local_authority_id
            and ward.parent_id != programme.local_authority_id
        ):
            message = _("%(ward)s is not in %(area)s; choose a ward in the programme's area") % {
                "ward": ward,
                "area": programme.local_authority,
            }
            self.add_error("ward", forms.ValidationError(message, code="ward_outside_programme"))
        return cleaned

    def to_input(self) -> ContributionInput:
        data = self.cleaned_data
        return ContributionInput(
            text=data["text"],
            ward=data["ward"],
            postcode_district=data["postcode_district"],
            language=data["language"],
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
    language = forms.ChoiceField(label="Language", required=False, choices=[("", "All")])
    awaiting_translation = forms.BooleanField(label="Only those awaiting a human translation", required=False)

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices(
            Contribution.objects.filter(programme__in=programmes)
        )
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

    @property
    def filtering(self) -> bool:
        """Whether any filter is filled in (a page number alone is none), valid or not."""
        return self.is_bound and any(self.data.get(name) for name in self.fields)

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
        if data["language"]:
            wanted = data["language"]
            contributions = contributions.filter(language="" if wanted == NOT_KNOWN_LANGUAGE else wanted)
        if data["awaiting_translation"]:
            contributions = contributions.filter(translation_requested=True)
        return contributions


def language_choices(contributions) -> list[tuple[str, str]]:
    """ "All", then each language the contributions are in by its English name, then "Not known"."""
    from chorus.coding.languages import language_name

    codes = set(contributions.order_by().values_list("language", flat=True).distinct())
    named = sorted(((code, language_name(code)) for code in codes if code), key=lambda pair: pair[1])
    return [("", "All"), *named, *([(NOT_KNOWN_LANGUAGE, "Not known")] if "" in codes else [])]


NOT_KNOWN_LANGUAGE = "und"


class TranslationRequestForm(NhsukForm):
    requested = forms.BooleanField(required=False)


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
