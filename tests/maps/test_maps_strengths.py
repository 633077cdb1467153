import pytest

from chorus.maps import DEFAULT_STRENGTH_TERMS, MapError, combine_terms, strength_to_weight, term_value


def test_default_terms_defuzzify_to_triangle_centroids():
    assert term_value("very weak") == pytest.approx(0.25 / 3)
    assert term_value("weak") == pytest.approx(0.25)
    assert term_value("medium") == pytest.approx(0.5)
    assert term_value("strong") == pytest.approx(0.75)
    assert term_value("very strong") == pytest.approx(2.75 / 3)


def test_terms_rise_in_order():
    values = [term_value(term) for term in DEFAULT_STRENGTH_TERMS]
    assert values == sorted(values)


@pytest.mark.parametrize(
    ("text", "sign", "expected"),
    [
        ("strong", 1, 0.75),
        ("strong", -1, -0.75),
        ("Very Strong", 1, 2.75 / 3),
        ("very strong negative", 1, -2.75 / 3),
        ("negative weak", 1, -0.25),
        ("-medium", 1, -0.5),
        ("very_weak", 1, 0.25 / 3),
        ("0.6", -1, -0.6),
    ],
)
def test_strength_text_becomes_signed_weight(text, sign, expected):
    assert strength_to_weight(text, sign) == pytest.approx(expected)


def test_programme_can_override_terms_with_plain_numbers():
    programme_terms = {"a little": 0.2, "a lot": 0.9}
    assert strength_to_weight("a lot", -1, programme_terms) == pytest.approx(-0.9)
    with pytest.raises(MapError, match="unknown strength 'strong'"):
        strength_to_weight("strong", 1, programme_terms)


def test_combining_one_term_gives_that_terms_value():
    assert combine_terms(["medium", "medium"]) == pytest.approx(0.5, abs=1e-3)
    assert combine_terms(["very strong"]) == pytest.approx(2.75 / 3, abs=1e-3)


def test_combining_terms_lands_between_them_and_leans_to_the_majority():
    mostly_medium = combine_terms(["medium", "medium", "medium", "strong", "very strong", "very strong"])
    mostly_strong = combine_terms(["medium", "strong", "strong", "strong", "very strong", "very strong"])
    assert 0.5 < mostly_medium < mostly_strong < 2.75 / 3


def test_combining_plain_number_terms_averages_them():
    assert combine_terms(["a little", "a lot", "a lot"], {"a little": 0.2, "a lot": 0.8}) == pytest.approx(
        0.6
    )


def test_combining_nothing_is_an_error():
    with pytest.raises(MapError):
        combine_terms([])
