"""NHS.UK design system markup for Django forms."""

from __future__ import annotations

from django import forms
from django.forms.boundfield import BoundField

WIDGET_CLASS = {
    "textarea": "nhsuk-textarea",
    "select": "nhsuk-select",
    "text": "nhsuk-input",
    "email": "nhsuk-input",
    "password": "nhsuk-input",
    "search": "nhsuk-input",
    "number": "nhsuk-input",
    "date": "nhsuk-input",
}


class NhsukBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        kind = (
            "textarea"
            if isinstance(widget, forms.Textarea)
            else ("select" if isinstance(widget, forms.Select) else getattr(widget, "input_type", ""))
        )
        base = WIDGET_CLASS.get(kind)
        if base:
            classes = [base, widget.attrs.get("class", ""), attrs.get("class", "")]
            if self.errors:
                classes.append(f"{base}--error")
            attrs["class"] = " ".join(c for c in classes if c)
        described_by = []
        if self.help_text:
            described_by.append(f"{self.auto_id}-hint")
        if self.errors:
            described_by.append(f"{self.auto_id}-error")
        if described_by:
            attrs["aria-describedby"] = " ".join(described_by)
        return attrs

    @property
    def is_radios(self) -> bool:
        return isinstance(self.field.widget, forms.RadioSelect)

    @property
    def is_checkbox(self) -> bool:
        return isinstance(self.field.widget, forms.CheckboxInput)


class NhsukForm(forms.Form):
    bound_field_class = NhsukBoundField
    template_name = "nhsuk/form.html"


class NhsukModelForm(forms.ModelForm):
    bound_field_class = NhsukBoundField
    template_name = "nhsuk/form.html"
