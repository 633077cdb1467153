from __future__ import annotations

from django import forms

from chorus.apps.core.forms import NhsukForm
from chorus.maps.simulate import DISCRETE_TRANSFERS, RULES, SimulationSettings

from .actions import IMPORT_FORMATS, Strength
from .models import AggregationMethod, ExperienceMap, Sign

SIGN_CHOICES = [(str(value), label) for value, label in Sign.choices]


def _strength_choices(experience_map: ExperienceMap | None) -> list[tuple[str, str]]:
    terms = experience_map.strength_terms if experience_map is not None else {}
    from .models import default_strength_terms

    return [(term, term.capitalize()) for term in (terms or default_strength_terms())]


class LinkStrengthFields(NhsukForm):
    sign = forms.ChoiceField(
        label="Does the cause make the effect more or less?",
        choices=SIGN_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the link is positive or negative"},
    )
    term = forms.ChoiceField(
        label="How strong is the link?",
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how strong the link is"},
    )

    def __init__(self, *args, experience_map: ExperienceMap | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = _strength_choices(experience_map)

    def strength(self) -> Strength:
        return Strength(sign=int(self.cleaned_data["sign"]), term=self.cleaned_data["term"])


def _factor_field(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=120,
        help_text=help_text,
        error_messages={"required": f"Enter the {label.lower()}"},
        widget=forms.TextInput(attrs={"list": "factor-names", "autocomplete": "off"}),
    )


class CodeLinkForm(LinkStrengthFields):
    quote = forms.CharField(
        label="The words that show the link",
        help_text="Copy the words exactly from what the resident said.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    source = _factor_field("Cause", "The factor that changes something, for example 'damp'")
    target = _factor_field("Effect", "The factor it changes, for example 'breathing problems'")

    field_order = ["quote", "source", "target", "sign", "term"]


class LinkForm(LinkStrengthFields):
    source = _factor_field("Cause")
    target = _factor_field("Effect")
    note = forms.CharField(
        label="Note (optional)",
        help_text="What the group said about this link. Leave out names.",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    field_order = ["source", "target", "sign", "term", "note"]


class EditLinkForm(LinkStrengthFields):
    note = forms.CharField(label="Note (optional)", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class FactorForm(NhsukForm):
    name = forms.CharField(
        label="Factor", max_length=120, error_messages={"required": "Enter the factor's name"}
    )
    description = forms.CharField(
        label="Description (optional)", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class NewMapForm(NhsukForm):
    name = forms.CharField(
        label="Name of the map", max_length=200, error_messages={"required": "Enter a name for the map"}
    )
    description = forms.CharField(
        label="Description (optional)",
        help_text="For example, who drew it and when",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class ImportMapForm(NhsukForm):
    name = forms.CharField(
        label="Name of the map", max_length=200, error_messages={"required": "Enter a name for the map"}
    )
    format = forms.ChoiceField(
        label="What kind of file is it?",
        choices=list(IMPORT_FORMATS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of file"},
    )
    file = forms.FileField(label="File", error_messages={"required": "Choose a file to import"})


class CombineMapsForm(NhsukForm):
    name = forms.CharField(
        label="Name of the community map",
        max_length=200,
        error_messages={"required": "Enter a name for the community map"},
    )
    sources = forms.ModelMultipleChoiceField(
        label="Maps to combine",
        queryset=ExperienceMap.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least two maps to combine"},
    )
    method = forms.ChoiceField(
        label="How should the strengths be combined?",
        choices=AggregationMethod.choices,
        initial=AggregationMethod.MEAN_WITH_ZEROS,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how to combine the strengths"},
    )

    def __init__(self, *args, maps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].queryset = maps

    def clean_sources(self):
        sources = self.cleaned_data["sources"]
        if len(sources) < 2:
            raise forms.ValidationError("Select at least two maps to combine")
        return sources


RULE_LABELS = {rule: rule.replace("-", " ").capitalize() for rule in RULES}
TRANSFER_LABELS = {
    "sigmoid": "Sigmoid: a smooth curve from 0 to 1",
    "tanh": "Hyperbolic tangent (tanh): a smooth curve from −1 to 1",
    "bivalent": "Bivalent: each factor is off (0) or on (1)",
    "trivalent": "Trivalent: each factor falls (−1), stays (0) or rises (1)",
}
MAX_STEEPNESS = 10.0  # beyond this sigmoid and tanh are practically the bivalent and trivalent steps


def describe_settings(settings: SimulationSettings) -> str:
    """The settings a run used, in words, so results are never read without them."""
    words = f"{RULE_LABELS[settings.rule]} update rule, {settings.transfer} transfer"
    if settings.transfer not in DISCRETE_TRANSFERS:
        words += f", λ = {settings.steepness:g}"
    return words


class ScenarioForm(NhsukForm):
    """One "hold" checkbox and one slider (0..1) per factor, built from the map's factors, and the settings.

    Transfer and λ may be left out (older links to the page): they then take the library's defaults.
    """

    rule = forms.ChoiceField(
        label="Update rule",
        choices=list(RULE_LABELS.items()),
        initial="kosko",
        help_text="Modified Kosko keeps some of each factor's own value from step to step.",
    )
    transfer = forms.ChoiceField(
        label="Transfer function",
        help_text="How the pushes into a factor become its new level.",
        choices=list(TRANSFER_LABELS.items()),
        initial=SimulationSettings.transfer,
        required=False,
        widget=forms.RadioSelect,
    )
    steepness = forms.FloatField(
        label="Steepness (λ) of the sigmoid or tanh curve",
        help_text=f"More than 0 and at most {MAX_STEEPNESS:g}; 1 is usual. Bivalent and trivalent ignore it.",
        initial=SimulationSettings.steepness,
        required=False,
        max_value=MAX_STEEPNESS,
        error_messages={
            "invalid": "λ must be a number, for example 1",
            "max_value": f"λ must be {MAX_STEEPNESS:g} or less",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-4"}),
    )

    def __init__(self, *args, factors, **kwargs):
        super().__init__(*args, **kwargs)
        self.factors = list(factors)
        for factor in self.factors:
            self.fields[f"hold_{factor.pk}"] = forms.BooleanField(label=f"Hold {factor.name}", required=False)
            self.fields[f"value_{factor.pk}"] = forms.FloatField(
                label=f"Value for {factor.name}",
                min_value=0.0,
                max_value=1.0,
                initial=1.0,
                required=False,
                widget=forms.NumberInput(attrs={"type": "range", "step": "0.05", "min": "0", "max": "1"}),
            )

    def rows(self):
        for factor in self.factors:
            value = self[f"value_{factor.pk}"].value()
            yield {
                "factor": factor,
                "hold": self[f"hold_{factor.pk}"],
                "value": self[f"value_{factor.pk}"],
                "shown": value if value not in (None, "") else "1.0",
            }

    def clamps(self) -> dict:
        data = self.cleaned_data
        return {
            factor: (1.0 if data.get(f"value_{factor.pk}") is None else data[f"value_{factor.pk}"])
            for factor in self.factors
            if data.get(f"hold_{factor.pk}")
        }

    def clean_steepness(self) -> float:
        steepness = self.cleaned_data.get("steepness")
        if steepness is None:
            return SimulationSettings.steepness
        if not steepness > 0:
            raise forms.ValidationError("λ must be greater than 0")
        return steepness

    def settings(self) -> SimulationSettings:
        data = self.cleaned_data
        return SimulationSettings(
            rule=data["rule"],
            transfer=data.get("transfer") or SimulationSettings.transfer,
            steepness=data["steepness"],
        )

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(f"hold_{factor.pk}") for factor in self.factors):
            raise forms.ValidationError("Select at least one factor to hold")
        return cleaned


class LeverageForm(NhsukForm):
    outcomes = forms.ModelMultipleChoiceField(
        label="Which outcomes matter most?",
        help_text="For example feeling connected or health",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one outcome"},
    )

    def __init__(self, *args, factors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcomes"].queryset = factors


class StrengthTermsForm(NhsukForm):
    """One row per strength word: the words, and a triangle (lowest, peak, highest) on 0 to 1.

    Rows left blank are ignored, so a term is removed by clearing its row; two blank rows add new terms.
    """

    EXTRA_ROWS = 2
    MAX_ROWS = 20
    POINTS = (("low", "Lowest"), ("peak", "Peak"), ("high", "Highest"))

    rows = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ROWS)

    def __init__(self, *args, terms: dict, **kwargs):
        super().__init__(*args, **kwargs)
        count = min(len(terms) + self.EXTRA_ROWS, self.MAX_ROWS)
        if self.is_bound:
            try:
                count = max(1, min(int(self.data.get("rows", count)), self.MAX_ROWS))
            except (TypeError, ValueError):
                pass
        self.fields["rows"].initial = count
        self.row_count = count
        starting = list(terms.items())
        for row in range(count):
            term, value = starting[row] if row < len(starting) else ("", None)
            points = value if isinstance(value, list | tuple) else [value] * 3
            self.fields[f"term_{row}"] = forms.CharField(
                label="Words", max_length=40, required=False, initial=term
            )
            for (name, label), point in zip(self.POINTS, points, strict=True):
                self.fields[f"{name}_{row}"] = forms.FloatField(
                    label=label,
                    min_value=0.0,
                    max_value=1.0,
                    required=False,
                    initial=point,
                    error_messages={
                        "min_value": f"{label} must be 0 or more",
                        "max_value": f"{label} must be 1 or less",
                        "invalid": f"{label} must be a number from 0 to 1",
                    },
                    widget=forms.NumberInput(
                        attrs={"step": "0.01", "min": "0", "max": "1", "class": "nhsuk-input--width-4"}
                    ),
                )

    def row_fields(self):
        """(row number, words field, [lowest, peak, highest fields]) for the template."""
        for row in range(self.row_count):
            yield (
                row + 1,
                self[f"term_{row}"],
                [self[f"{name}_{row}"] for name, _ in self.POINTS],
            )

    def clean(self):
        cleaned = super().clean()
        terms: dict[str, list[float]] = {}
        for row in range(self.row_count):
            term = " ".join((cleaned.get(f"term_{row}") or "").split())
            names = [f"{name}_{row}" for name, _ in self.POINTS]
            if any(name in self.errors for name in names):
                continue
            points = [cleaned.get(name) for name in names]
            if not term and all(point is None for point in points):
                continue
            if not term:
                self.add_error(f"term_{row}", f"Enter the words for strength {row + 1}")
                continue
            missing = [
                (name, label)
                for name, (_, label), point in zip(names, self.POINTS, points, strict=True)
                if point is None
            ]
            for name, label in missing:
                self.add_error(name, f"Enter the {label.lower()} value for '{term}'")
            if missing:
                continue
            if not points[0] <= points[1] <= points[2]:
                self.add_error(
                    f"peak_{row}", f"For '{term}', the peak must be between the lowest and highest"
                )
                continue
            if term.lower() in {known.lower() for known in terms}:
                self.add_error(f"term_{row}", f"'{term}' is there twice: give each strength its own words")
                continue
            terms[term] = points
        if not terms and not self.errors:
            raise forms.ValidationError("Keep at least one strength")
        cleaned["terms"] = terms
        return cleaned
