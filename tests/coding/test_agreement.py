import math

import pytest

from chorus.coding.agreement import (
    agreement_report,
    cohen_kappa,
    interpret,
    kappa_per_theme,
    krippendorff_alpha_multilabel,
    krippendorff_alpha_nominal,
    krippendorff_alpha_per_theme,
)


def test_krippendorff_alpha_matches_krippendorffs_worked_example_with_missing_values():
    """Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
    Communication, University of Pennsylvania, section C: four observers, twelve units, nominal data with
    missing values; alpha = 0.743 (n = 40 pairable values; unit 12 has one value and is not pairable)."""
    _ = None
    reliability_data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
        [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
    ]
    result = krippendorff_alpha_nominal(reliability_data)
    assert round(result.alpha, 3) == 0.743
    assert result.values == 40
    assert result.units == 11


def test_cohen_kappa_matches_the_wikipedia_worked_example():
    """Wikipedia, "Cohen's kappa", worked example: 50 proposals read by two readers; both say yes to 20,
    A yes / B no 5, A no / B yes 10, both no 15. p_o = 0.7, p_e = 0.5, kappa = 0.4 (Cohen, J. 1960,
    A coefficient of agreement for nominal scales, Educational and Psychological Measurement 20(1))."""
    reader_a = ["yes"] * 20 + ["yes"] * 5 + ["no"] * 10 + ["no"] * 15
    reader_b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(reader_a, reader_b) == pytest.approx(0.4)
    assert interpret(0.4) == "fair"


def test_kappa_per_theme_uses_only_items_both_coders_coded():
    person = {
        "c1": {"housing"},
        "c2": {"housing", "money"},
        "c3": set(),
        "c4": {"money"},
        "only-person": {"money"},
    }
    model = {"c1": {"housing"}, "c2": {"housing"}, "c3": set(), "c4": {"money"}, "only-model": {"housing"}}
    results = {result.theme_id: result for result in kappa_per_theme(person, model)}
    assert set(results) == {"housing", "money"}
    housing = results["housing"]
    assert (housing.items, housing.applied_by_first, housing.applied_by_second) == (4, 2, 2)
    assert housing.kappa == pytest.approx(1.0)
    assert housing.label == "almost perfect"
    money = results["money"]
    # Items c1..c4, money: person 0,1,0,1; model 0,0,0,1 -> p_o = 0.75, p_e = 0.5*0.75 + 0.5*0.25 = 0.5.
    assert money.percent_agreement == pytest.approx(0.75)
    assert money.kappa == pytest.approx(0.5)
    assert money.label == "moderate"


def test_kappa_is_undefined_when_neither_coder_ever_uses_a_theme():
    person = {"c1": {"housing"}, "c2": set()}
    model = {"c1": {"housing"}, "c2": set()}
    [result] = kappa_per_theme(person, model, themes=["screening"])
    assert math.isnan(result.kappa)
    assert result.percent_agreement == 1.0
    assert result.label == "undefined"


def test_systematic_disagreement_is_poor():
    assert cohen_kappa([1, 0, 1, 0], [0, 1, 0, 1]) == pytest.approx(-1.0)
    assert interpret(-1.0) == "poor"


@pytest.mark.parametrize(
    "value, label",
    [
        (-0.01, "poor"),
        (0.0, "slight"),
        (0.2, "slight"),
        (0.21, "fair"),
        (0.6, "moderate"),
        (0.61, "substantial"),
        (0.8, "substantial"),
        (0.81, "almost perfect"),
        (1.0, "almost perfect"),
    ],
)
def test_landis_koch_bands(value, label):
    assert interpret(value) == label


def test_alpha_is_one_when_all_coders_agree_on_every_decision():
    coding = {"c1": {"housing"}, "c2": {"money", "trust"}, "c3": set()}
    result = krippendorff_alpha_multilabel({"a": coding, "b": dict(coding), "model": dict(coding)})
    assert result.alpha == pytest.approx(1.0)
    assert result.units == 3 * 3  # items x themes


def test_alpha_ignores_items_only_one_coder_coded():
    a = {"c1": {"housing"}, "c2": {"money"}, "c3": {"housing"}, "c4": set()}
    b = {"c1": {"housing"}, "c2": set(), "c3": {"housing"}, "c4": {"money"}}
    themes = ["housing", "money"]
    base = krippendorff_alpha_multilabel({"a": a, "b": b}, themes)
    with_extra = krippendorff_alpha_multilabel({"a": {**a, "c5": {"money"}}, "b": b}, themes)
    assert with_extra.alpha == pytest.approx(base.alpha)
    assert with_extra.units == base.units
    assert 0 < base.alpha < 1


def test_alpha_with_a_coder_who_missed_items_uses_the_others_pairs():
    a = {"c1": {"housing"}, "c2": {"money"}, "c3": set()}
    b = {"c1": {"housing"}, "c2": {"money"}, "c3": set()}
    c = {"c1": {"housing"}}  # coded one item only
    result = krippendorff_alpha_multilabel({"a": a, "b": b, "c": c}, ["housing", "money"])
    assert result.alpha == pytest.approx(1.0)
    assert result.values == 2 * 3 * 2 + 2  # a and b on 3 items x 2 themes, c on 1 item x 2 themes


def test_alpha_per_theme_separates_a_reliable_theme_from_an_unreliable_one():
    a = {f"c{i}": ({"housing"} if i % 2 else set()) | ({"trust"} if i % 3 == 0 else set()) for i in range(12)}
    b = {f"c{i}": ({"housing"} if i % 2 else set()) | ({"trust"} if i % 4 == 0 else set()) for i in range(12)}
    per_theme = krippendorff_alpha_per_theme({"a": a, "b": b})
    assert per_theme["housing"].alpha == pytest.approx(1.0)
    assert per_theme["trust"].alpha < 0.6


def test_report_covers_every_pair_of_coders_people_and_model_alike():
    amira = {"c1": {"housing"}, "c2": {"money"}, "c3": set(), "c4": {"housing", "money"}}
    ben = {"c1": {"housing"}, "c2": {"money"}, "c3": {"money"}, "c4": {"housing"}}
    model = {"c1": {"housing"}, "c2": set(), "c3": set(), "c4": {"housing", "money"}}
    report = agreement_report({"amira": amira, "ben": ben, "model": model})
    assert list(report.pairwise) == [("amira", "ben"), ("amira", "model"), ("ben", "model")]
    assert [result.theme_id for result in report.pairwise[("amira", "model")]] == ["housing", "money"]
    assert report.mean_kappa(("amira", "model")) == pytest.approx((1.0 + 0.5) / 2)
    assert -1 <= report.overall.alpha <= 1


def test_report_needs_two_coders():
    with pytest.raises(ValueError, match="two coders"):
        agreement_report({"alone": {"c1": {"housing"}}})
