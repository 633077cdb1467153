from __future__ import annotations

from django import forms

from chorus.apps.core.forms import NhsukForm
from chorus.ingest import Mapping
from chorus.ingest.mapping import TARGET_FIELDS

from .models import SourceKind

NOT_IN_FILE = ""


class SourceForm(NhsukForm):
    name = forms.CharField(label="Name", max_length=120, help_text="For example: Kobo community survey 2026.")
    kind = forms.ChoiceField(label="How records arrive", choices=SourceKind.choices, widget=forms.RadioSelect)


class UploadForm(NhsukForm):
    file = forms.FileField(
        label="Spreadsheet",
        help_text="CSV (any encoding or separator), Excel .xlsx, or KoboToolbox or ODK Central JSON.",
        error_messages={"required": "Choose the file to import."},
    )


class MappingForm(NhsukForm):
    """One select per field Chorus knows, each offering the file's headings."""

    date_order = forms.ChoiceField(
        label="How to read dates like 04/05/2024",
        choices=[
            ("auto", "Work it out from the file"),
            ("dmy", "Day first (UK: 4 May)"),
            ("mdy", "Month first (US: 5 April)"),
        ],
    )

    def __init__(self, *args, headers: list[str], initial_mapping: Mapping, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices = [(NOT_IN_FILE, "Not in this file")] + [(header, header) for header in headers]
        for target in TARGET_FIELDS:
            self.fields[f"map_{target.name}"] = forms.ChoiceField(
                label=target.label,
                choices=choices,
                required=False,
                initial=initial_mapping.columns.get(target.name, NOT_IN_FILE),
            )
        self.fields["date_order"].initial = initial_mapping.date_order
        self.order_fields([f"map_{target.name}" for target in TARGET_FIELDS] + ["date_order"])

    def mapping(self) -> Mapping:
        columns = {
            target.name: self.cleaned_data[f"map_{target.name}"]
            for target in TARGET_FIELDS
            if self.cleaned_data.get(f"map_{target.name}")
        }
        mapping = Mapping(
            columns=columns,
            confidence={target: 1.0 for target in columns},
            headers=list(self.headers),
            date_order=self.cleaned_data["date_order"],
        )
        return mapping.for_headers(self.headers)

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            for problem in self.mapping().problems():
                field = "map_text" if "text" in problem else None
                self.add_error(field, problem)
        return cleaned


class RowCorrectionForm(NhsukForm):
    def __init__(self, *args, raw: dict[str, str], headers: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # In the file's column order (PostgreSQL's jsonb does not keep the order of keys).
        position = {header: index for index, header in enumerate(headers or [])}
        self.columns = sorted(raw, key=lambda column: position.get(column, len(position)))
        for index, column in enumerate(self.columns):
            value = raw[column]
            self.fields[f"col_{index}"] = forms.CharField(
                label=column,
                required=False,
                initial=value,
                widget=forms.Textarea(attrs={"rows": 3}) if len(value) > 60 else forms.TextInput,
            )

    def values(self) -> dict[str, str]:
        return {
            column: self.cleaned_data.get(f"col_{index}", "") for index, column in enumerate(self.columns)
        }


class EraseForm(NhsukForm):
    confirm = forms.BooleanField(
        label="I understand this deletes everything this participant said, and all made from it",
        error_messages={"required": "Confirm that you want to erase this participant."},
    )


class EraseRowForm(NhsukForm):
    confirm = forms.BooleanField(
        label="I understand this empties the row for good: it cannot be corrected or imported afterwards",
        error_messages={"required": "Confirm that you want to erase this row."},
    )
