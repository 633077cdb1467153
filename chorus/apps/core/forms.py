"""NHS.UK design system markup for Django forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from chorus.apps.core.errors import ActionError

WIDGET_CLASS = {
    "textarea": "nhsuk-textarea",
    "select": "nhsuk-select",
    "text": "nhsuk-input",
    "email": "nhsuk-input",
    "tel": "nhsuk-input",
    "url": "nhsuk-input",
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


def run_action[T](form: forms.BaseForm, action: Callable[..., T], /, *args: Any, **kwargs: Any) -> T | None:
    """Call a write action for a valid form; if it refuses, put its message on the form and return None.

    Each message goes beside the field the action names, when the form has that field, else above the form.
    Check ``form.errors`` afterwards rather than the result: some writes return nothing when they succeed.
    """
    try:
        return action(*args, **kwargs)
    except ActionError as error:
        for field, message in (error.errors or {None: error.message}).items():
            form.add_error(field if field in form.fields else None, message)
        return None


def render_form(
    request: HttpRequest, template: str, context: dict[str, Any], *, form_key: str = "form"
) -> HttpResponse:
    """Render a page with a form: status 400 when the form came back with errors, so tools can tell."""
    return render(request, template, context, status=400 if context[form_key].errors else 200)
