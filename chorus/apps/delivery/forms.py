from __future__ import annotations

from django import forms
from django.utils import timezone

from chorus.apps.core.forms import NhsukForm
from chorus.apps.places.models import Area, Level
from chorus.apps.programmes.models import Programme

from . import pipeline, seven_steps, standards
from .actions import PARTNER_ACTIVITY_KINDS
from .models import ConnectorProfile, EventKind

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": f"Enter {label.lower().rstrip('?')}",
            "invalid": "Enter a real date, for example 21/11/2026",
        },
    )


def _wards(programme: Programme):
    return Area.objects.filter(level=Level.WARD, parent=programme.local_authority_id).order_by("name")


class PartnerActivityForm(NhsukForm):
    kind = forms.ChoiceField(
        label="What kind of activity was it?",
        choices=[(k.value, k.label) for k in PARTNER_ACTIVITY_KINDS],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of activity it was"},
    )
    title = forms.CharField(
        label="Name of the activity",
        required=False,
        max_length=200,
        help_text="Optional, for example Coffee morning at the community centre",
    )
    date = _date("When did it take place?")
    ward = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        required=False,
        label="Which ward was it in?",
        empty_label="Choose a ward",
    )
    participants = forms.IntegerField(
        label="How many people took part?",
        min_value=1,
        max_value=100_000,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-5", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter how many people took part",
            "min_value": "Enter how many people took part: 1 or more",
            "invalid": "Enter how many people took part as a number, like 12",
        },
    )

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = _wards(programme)
        self.fields["date"].initial = timezone.localdate()

    def clean_date(self):
        when = self.cleaned_data["date"]
        if when > timezone.localdate():
            raise forms.ValidationError("The date must be today or in the past")
        return when


class RecruitForm(NhsukForm):
    name = forms.CharField(label="Name", max_length=150, error_messages={"required": "Enter their name"})
    recruited_on = _date("Date recruited")
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(), required=False, label="Ward they live or work in", empty_label="Choose"
    )
    languages = forms.CharField(
        label="Languages they speak", required=False, max_length=200, help_text="For example English, Polish"
    )
    lived_experience = forms.CharField(
        label="Lived experience",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What they bring, in their words, for example carer, long-term condition, refugee",
    )

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = _wards(programme)


class StatusForm(NhsukForm):
    status = forms.ChoiceField(
        label="Move them to", widget=forms.RadioSelect, error_messages={"required": "Select the new status"}
    )
    on = _date("Date of the change")
    reason = forms.CharField(
        label="Reason", required=False, max_length=300, help_text="Required when someone leaves"
    )

    def __init__(self, *args, profile: ConnectorProfile, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (s.value, pipeline.LABELS[s]) for s in pipeline.allowed_next(profile.status)
        ]
        self.fields["on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        if data.get("status") == pipeline.Stage.LEFT and not data.get("reason", "").strip():
            self.add_error("reason", "Enter why they left")
        return data


class TrainingForm(NhsukForm):
    module = forms.CharField(
        label="Training module", max_length=200, error_messages={"required": "Enter the module"}
    )
    completed_on = _date("Date completed")


class SupervisionForm(NhsukForm):
    met_on = _date("Date of supervision")
    note = forms.CharField(
        label="Supervision note",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the note"},
    )


class ConcernForm(NhsukForm):
    concern = forms.CharField(
        label="What is the concern?",
        help_text=(
            "Say who may be at risk and why, and what you have done. Only the programme's safeguarding lead "
            "will read this. If someone is in immediate danger, call 999 first."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Describe the concern"},
    )


class StepForm(NhsukForm):
    step = forms.TypedChoiceField(
        label="Step", choices=[(n, f"{n}. {name}") for n, name in seven_steps.STEPS.items()], coerce=int
    )
    started_on = _date("Date started", required=False)
    completed_on = _date(
        "Date completed", required=False, help_text="Leave empty while the step is under way"
    )
    evidence = forms.CharField(
        label="Evidence",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What shows the step happened: minutes, a report back to residents, a list of new groups",
    )
    evidence_link = forms.URLField(label="Link to evidence", required=False, assume_scheme="https")
    evidence_file = forms.FileField(label="Evidence file", required=False, help_text="Up to 2 MB")

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file must be smaller than 2 MB")
        return upload


class AssessmentForm(NhsukForm):
    assessor = forms.ChoiceField(
        label="Who made this assessment?",
        choices=list(standards.ASSESSORS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Select residents or staff"},
    )
    assessed_on = _date("Date of the assessment")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in standards.STANDARDS.items():
            self.fields[f"score_{key}"] = forms.TypedChoiceField(
                label=f"{label}: score",
                choices=[(n, str(n)) for n in range(1, 6)],
                coerce=int,
                widget=forms.RadioSelect,
                help_text="1 = not yet, 5 = fully met",
                error_messages={"required": f"Select a score for {label.lower()}"},
            )
            self.fields[f"evidence_{key}"] = forms.CharField(
                label=f"{label}: evidence", required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def scores(self) -> dict[str, tuple[int, str]]:
        return {
            key: (self.cleaned_data[f"score_{key}"], self.cleaned_data[f"evidence_{key}"])
            for key in standards.STANDARDS
        }


class EventForm(NhsukForm):
    kind = forms.ChoiceField(
        label="Kind of event",
        choices=EventKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of event"},
    )
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter the title"})
    date = _date("Date")
    place = forms.CharField(label="Place", max_length=200, error_messages={"required": "Enter the place"})
    capacity = forms.IntegerField(label="Capacity", required=False, min_value=1)


class SignInSheetForm(NhsukForm):
    file = forms.FileField(
        label="Sign-in sheet",
        help_text="A CSV or Excel (.xlsx) file, up to 2 MB, with columns name, organisation (optional) and "
        "signed_in (yes or no).",
        error_messages={"required": "Choose a CSV or Excel file"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("The file must be a CSV or Excel (.xlsx) file")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file must be smaller than 2 MB")
        return upload
