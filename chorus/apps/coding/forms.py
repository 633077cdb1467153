from __future__ import annotations

from django import forms

from chorus.apps.core.forms import NhsukForm
from chorus.coding.codebook import starter_names

from .actions.codebooks import STARTER_TITLES

MAX_CODEBOOK_BYTES = 2 * 1024 * 1024


class StarterCodebookForm(NhsukForm):
    starter = forms.ChoiceField(
        label="Starter codebook",
        choices=[(name, STARTER_TITLES.get(name, name)) for name in starter_names()],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a starter codebook"},
    )


class ImportCodebookForm(NhsukForm):
    file = forms.FileField(
        label="Codebook file",
        help_text="A CSV file (columns id, parent_id, name, description, examples) or a REFI-QDA codebook "
        "(.qdc) exported from NVivo, ATLAS.ti, MAXQDA or QualCoder.",
        error_messages={"required": "Choose a codebook file"},
    )
    name = forms.CharField(label="Name (optional)", required=False, max_length=200)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CODEBOOK_BYTES:
            raise forms.ValidationError("The file must be smaller than 2 MB")
        if not upload.name.lower().endswith((".csv", ".qdc")):
            raise forms.ValidationError("The file must be a .csv or .qdc file")
        return upload


class ReviewForm(NhsukForm):
    """Themes for one contribution: a plain form, so it works without JavaScript."""

    themes = forms.MultipleChoiceField(label="Themes", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.theme_objects = {str(theme.pk): theme for theme in themes}
        self.fields["themes"].choices = [(str(theme.pk), theme.name) for theme in themes]

    def chosen(self):
        return [self.theme_objects[pk] for pk in self.cleaned_data["themes"]]


class SearchForm(NhsukForm):
    q = forms.CharField(
        label="Search what residents said",
        help_text="Words and meaning, for example “damp in Milton” or “can’t get through on the phone”.",
        max_length=300,
        error_messages={"required": "Enter what you are looking for"},
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    programme = forms.ModelChoiceField(queryset=None, required=False, label="Programme", empty_label="All")
    language = forms.ChoiceField(label="Language", required=False, choices=[("", "All")])

    def __init__(self, *args, programmes=None, languages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        if languages is not None:
            self.fields["language"].choices = languages


class PromoteForm(NhsukForm):
    name = forms.CharField(
        label="Theme name", max_length=200, error_messages={"required": "Enter a theme name"}
    )
    parent = forms.ModelChoiceField(
        queryset=None, required=False, label="Under theme (optional)", empty_label="None (a top-level theme)"
    )

    def __init__(self, *args, themes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = themes


class SampleForm(NhsukForm):
    name = forms.CharField(label="Name (optional)", required=False, max_length=200)
    size = forms.IntegerField(
        label="How many contributions",
        min_value=2,
        max_value=500,
        initial=20,
        error_messages={"required": "Enter how many contributions to sample"},
    )
    coders = forms.ModelMultipleChoiceField(
        queryset=None,
        label="Who codes the sample",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one person"},
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coders"].queryset = people


class ThemeForm(NhsukForm):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter a name for the theme"}
    )
    description = forms.CharField(
        label="Description",
        required=False,
        help_text="What the theme is about. The model uses it to suggest the theme before it has examples.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    examples = forms.CharField(
        label="Examples",
        required=False,
        help_text="Short quotes, one a line.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def example_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["examples"].splitlines() if line.strip()]


class MoveThemeForm(NhsukForm):
    parent = forms.ModelChoiceField(
        queryset=None, required=False, label="Put it under", empty_label="Nothing (a top-level theme)"
    )

    def __init__(self, *args, themes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = themes


class MergeThemeForm(NhsukForm):
    into = forms.ModelChoiceField(
        queryset=None,
        label="Merge it into",
        help_text="Its codings, history and examples join the theme you choose, and this theme goes.",
        error_messages={"required": "Choose the theme to merge it into"},
    )

    def __init__(self, *args, themes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = themes


class DiscoveredThemeForm(NhsukForm):
    name = forms.CharField(
        label="Theme name", max_length=200, error_messages={"required": "Enter a theme name"}
    )
    description = forms.CharField(label="One-line description", max_length=500, required=False)


class MergeDiscoveredForm(NhsukForm):
    into = forms.ModelChoiceField(
        queryset=None,
        label="Merge into",
        empty_label=None,
        error_messages={"required": "Choose a group to merge with", "invalid_choice": "Choose a group"},
    )

    def __init__(self, *args, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = groups
