"""Inter-coder agreement on double-coded samples: Cohen's kappa per theme, Krippendorff's alpha overall.

A coding is what one coder (a person, or the model) said about a sample: item id -> set of theme ids that
apply. An item missing from a coder's dict was not coded by that coder (a missing value); an item present
with an empty set was coded as "no theme applies". People and the model go through the same functions:

    codings = {"amira": {"c1": {"housing"}, "c2": set()}, "model": {"c1": {"housing", "money"}, "c2": set()}}
    kappas = kappa_per_theme(codings["amira"], codings["model"], themes=["housing", "money"])
    overall = krippendorff_alpha_multilabel(codings, themes=["housing", "money"])

Multi-label coding is reduced to binary decisions: for each item and theme, does the theme apply? Cohen's
kappa is computed per theme over the items both coders coded. The overall alpha treats every (item, theme)
decision as a unit with a nominal value 0/1, over all coders, so it pools the themes, handles any number
of coders and items some coders did not code (Krippendorff's alpha is defined with missing values).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from sklearn.metrics import cohen_kappa_score

Coding = Mapping[str, set[str] | frozenset[str]]

# Landis, J. R. & Koch, G. G. (1977). The measurement of observer agreement for categorical data.
# Biometrics 33(1), 159-174: the usual verbal bands for kappa-like coefficients.
# Each band is (upper bound, label); below 0 is "poor".
LANDIS_KOCH_BANDS: tuple[tuple[float, str], ...] = (
    (0.20, "slight"),
    (0.40, "fair"),
    (0.60, "moderate"),
    (0.80, "substantial"),
    (1.00, "almost perfect"),
)


def interpret(coefficient: float) -> str:
    """Landis & Koch label: <0 poor, 0-0.20 slight, 0.21-0.40 fair, 0.41-0.60 moderate,
    0.61-0.80 substantial, 0.81-1 almost perfect; "undefined" for NaN."""
    if math.isnan(coefficient):
        return "undefined"
    if coefficient < 0:
        return "poor"
    for upper, label in LANDIS_KOCH_BANDS:
        if coefficient <= upper + 1e-12:
            return label
    return "almost perfect"


@dataclass(frozen=True)
class ThemeAgreement:
    theme_id: str
    kappa: float  # NaN when undefined: both coders gave one and the same answer to every item
    percent_agreement: float
    items: int  # items both coders coded
    applied_by_first: int
    applied_by_second: int

    @property
    def label(self) -> str:
        return interpret(self.kappa)


@dataclass(frozen=True)
class AlphaResult:
    alpha: float
    units: int  # units with at least two values (the pairable ones)
    values: int  # values in those units

    @property
    def label(self) -> str:
        return interpret(self.alpha)


def cohen_kappa(first: Sequence[Hashable], second: Sequence[Hashable]) -> float:
    """Cohen's kappa of two coders' nominal codes for the same items; NaN when undefined."""
    if len(first) != len(second):
        raise ValueError("both coders must code the same items")
    if not first:
        return math.nan
    categories = sorted(set(first) | set(second), key=repr)
    if len(categories) < 2:
        return math.nan  # chance agreement is 1: kappa is 0/0
    return float(cohen_kappa_score(list(first), list(second), labels=categories))


def themes_in(codings: Iterable[Coding]) -> list[str]:
    return sorted({theme for coding in codings for themes in coding.values() for theme in themes})


def kappa_per_theme(
    first: Coding, second: Coding, themes: Iterable[str] | None = None
) -> list[ThemeAgreement]:
    """Cohen's kappa for each theme (applies / does not apply) over the items both coders coded."""
    items = sorted(set(first) & set(second))
    theme_ids = list(themes) if themes is not None else themes_in([first, second])
    results = []
    for theme in theme_ids:
        a = [int(theme in first[item]) for item in items]
        b = [int(theme in second[item]) for item in items]
        agreed = sum(x == y for x, y in zip(a, b, strict=True))
        results.append(
            ThemeAgreement(
                theme_id=theme,
                kappa=cohen_kappa(a, b),
                percent_agreement=agreed / len(items) if items else math.nan,
                items=len(items),
                applied_by_first=sum(a),
                applied_by_second=sum(b),
            )
        )
    return results


def krippendorff_alpha_nominal(reliability_data: Sequence[Sequence[Hashable | None]]) -> AlphaResult:
    """Krippendorff's alpha for nominal data, from a coders x units table; None marks a missing value.

    Coincidence-matrix method (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"): each unit
    with m >= 2 values adds 1/(m-1) for every ordered pair of values from different coders; then
    alpha = 1 - (n - 1) * observed disagreements / expected disagreements.
    """
    rows = [list(row) for row in reliability_data]
    if not rows:
        return AlphaResult(alpha=math.nan, units=0, values=0)
    width = len(rows[0])
    if any(len(row) != width for row in rows):
        raise ValueError("every coder's row must have one entry per unit")
    categories = sorted({value for row in rows for value in row if value is not None}, key=repr)
    index = {value: position for position, value in enumerate(categories)}
    coincidences = np.zeros((len(categories), len(categories)))
    pairable_units = 0
    for unit in range(width):
        counts = np.zeros(len(categories))
        for row in rows:
            if row[unit] is not None:
                counts[index[row[unit]]] += 1
        m = counts.sum()
        if m < 2:
            continue
        pairable_units += 1
        coincidences += (np.outer(counts, counts) - np.diag(counts)) / (m - 1)
    n_c = coincidences.sum(axis=1)
    n = n_c.sum()
    if n < 2:
        return AlphaResult(alpha=math.nan, units=pairable_units, values=int(round(n)))
    observed = coincidences.sum() - np.trace(coincidences)
    expected = (n * n - (n_c**2).sum()) / (n - 1)
    if expected == 0:
        alpha = math.nan  # every value is the same category: no variation to agree on
    else:
        alpha = 1.0 - observed / expected
    return AlphaResult(alpha=float(alpha), units=pairable_units, values=int(round(n)))


def krippendorff_alpha_multilabel(
    codings: Mapping[str, Coding], themes: Iterable[str] | None = None
) -> AlphaResult:
    """Overall alpha across coders: every (item, theme) decision is a nominal 0/1 unit."""
    theme_ids = list(themes) if themes is not None else themes_in(codings.values())
    items = sorted({item for coding in codings.values() for item in coding})
    table = [
        [(int(theme in coding[item]) if item in coding else None) for item in items for theme in theme_ids]
        for coding in codings.values()
    ]
    return krippendorff_alpha_nominal(table)


def krippendorff_alpha_per_theme(
    codings: Mapping[str, Coding], themes: Iterable[str] | None = None
) -> dict[str, AlphaResult]:
    """Alpha for each theme on its own (useful with three or more coders, where pairwise kappa multiplies)."""
    theme_ids = list(themes) if themes is not None else themes_in(codings.values())
    return {theme: krippendorff_alpha_multilabel(codings, [theme]) for theme in theme_ids}


@dataclass(frozen=True)
class AgreementReport:
    overall: AlphaResult
    pairwise: dict[tuple[str, str], list[ThemeAgreement]]

    def mean_kappa(self, pair: tuple[str, str]) -> float:
        """Mean of the defined per-theme kappas for a pair of coders (NaN when none is defined)."""
        defined = [result.kappa for result in self.pairwise[pair] if not math.isnan(result.kappa)]
        return float(np.mean(defined)) if defined else math.nan


def agreement_report(codings: Mapping[str, Coding], themes: Iterable[str] | None = None) -> AgreementReport:
    """Alpha over all coders, and per-theme kappa for every pair of coders (in the order given)."""
    if len(codings) < 2:
        raise ValueError("agreement needs at least two coders")
    theme_ids = list(themes) if themes is not None else themes_in(codings.values())
    pairwise = {
        (a, b): kappa_per_theme(codings[a], codings[b], theme_ids) for a, b in combinations(list(codings), 2)
    }
    return AgreementReport(overall=krippendorff_alpha_multilabel(codings, theme_ids), pairwise=pairwise)
