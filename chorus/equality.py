"""Equality monitoring categories, as asked in England (ONS Census 2021 wording).

Plain data, no Django: forms, imports, the demo generator and the statistics all read these.
"""

from __future__ import annotations

PREFER_NOT_TO_SAY = "prefer-not-to-say"

AGE_BANDS: list[tuple[str, str]] = [
    ("under-16", "Under 16"),
    ("16-24", "16 to 24"),
    ("25-34", "25 to 34"),
    ("35-44", "35 to 44"),
    ("45-54", "45 to 54"),
    ("55-64", "55 to 64"),
    ("65-74", "65 to 74"),
    ("75-plus", "75 or over"),
    (PREFER_NOT_TO_SAY, "Prefer not to say"),
]

SEXES: list[tuple[str, str]] = [
    ("female", "Female"),
    ("male", "Male"),
    (PREFER_NOT_TO_SAY, "Prefer not to say"),
]

# "Is the gender you identify with the same as your sex registered at birth?"
GENDER_IDENTITY_SAME: list[tuple[str, str]] = [
    ("yes", "Yes"),
    ("no", "No"),
    (PREFER_NOT_TO_SAY, "Prefer not to say"),
]

YES_NO: list[tuple[str, str]] = [
    ("yes", "Yes"),
    ("no", "No"),
    (PREFER_NOT_TO_SAY, "Prefer not to say"),
]

# ONS 2021 ethnic groups: (high-level group, [(code, label)]).
ETHNIC_GROUPS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Asian, Asian British or Asian Welsh",
        [
            ("asian-bangladeshi", "Bangladeshi"),
            ("asian-chinese", "Chinese"),
            ("asian-indian", "Indian"),
            ("asian-pakistani", "Pakistani"),
            ("asian-other", "Any other Asian background"),
        ],
    ),
    (
        "Black, Black British, Black Welsh, Caribbean or African",
        [
            ("black-african", "African"),
            ("black-caribbean", "Caribbean"),
            ("black-other", "Any other Black, Black British or Caribbean background"),
        ],
    ),
    (
        "Mixed or Multiple ethnic groups",
        [
            ("mixed-white-asian", "White and Asian"),
            ("mixed-white-black-african", "White and Black African"),
            ("mixed-white-black-caribbean", "White and Black Caribbean"),
            ("mixed-other", "Any other Mixed or Multiple ethnic background"),
        ],
    ),
    (
        "White",
        [
            ("white-british", "English, Welsh, Scottish, Northern Irish or British"),
            ("white-irish", "Irish"),
            ("white-gypsy-traveller", "Gypsy or Irish Traveller"),
            ("white-roma", "Roma"),
            ("white-other", "Any other White background"),
        ],
    ),
    (
        "Other ethnic group",
        [
            ("other-arab", "Arab"),
            ("other-any", "Any other ethnic group"),
        ],
    ),
]

ETHNICITIES: list[tuple[str, str]] = [
    (code, label) for _, options in ETHNIC_GROUPS for code, label in options
] + [(PREFER_NOT_TO_SAY, "Prefer not to say")]

ETHNICITY_GROUP_OF: dict[str, str] = {code: group for group, options in ETHNIC_GROUPS for code, _ in options}


def ethnicity_choices_grouped() -> list[tuple[str, list[tuple[str, str]]]]:
    """Choices for a Django select with optgroups, ending with 'Prefer not to say'."""
    return [(group, options) for group, options in ETHNIC_GROUPS] + [
        ("", [(PREFER_NOT_TO_SAY, "Prefer not to say")])
    ]
