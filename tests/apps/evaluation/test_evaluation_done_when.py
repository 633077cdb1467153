"""The issue's Done-when figures, through chorus.stats and through the evaluation of the demo data."""

import pytest

from chorus.apps.evaluation import analysis
from chorus.apps.evaluation.measurement_table import impossible_percentage_message
from chorus.stats import compare_proportions, reconstruct_counts


def test_vckc_change_matches_the_published_analysis():
    result = compare_proportions(1010, 1712, 1089, 1675)
    assert round(100 * result.difference, 2) == 6.02
    assert (round(100 * result.difference_lower, 2), round(100 * result.difference_upper, 2)) == (2.75, 9.27)
    assert round(result.z, 2) == 3.61
    assert result.p_value == pytest.approx(0.0003, abs=0.00005)
    assert round(100 * result.relative_change, 1) == 10.2
    assert round(100 * result.relative_change_lower, 1) == 4.5
    assert round(100 * result.relative_change_upper, 1) == 16.2


def test_count_reconstruction_finds_vckc_and_rejects_the_impossible_percentage():
    assert reconstruct_counts("59.0", 1712) == [1010]
    assert reconstruct_counts("35.6", 257) == []
    from decimal import Decimal

    assert impossible_percentage_message(Decimal("35.6"), 257, 1) == (
        "35.6% of 257 is impossible: 91/257 = 35.41%, 92/257 = 35.80%"
    )


def test_demo_evaluation_flags_vckc_as_significant(screening):
    bowel = screening.indicators.get(name="Bowel screening uptake")
    counts = [
        analysis.Count(str(m.population), m.date, m.with_outcome, m.eligible, m.comparator_id is not None)
        for m in bowel.measurements.all()
    ]
    evaluation = analysis.evaluate_indicator(counts)
    vckc_after = next(r for r in evaluation.rows if r.population == "VCKC" and r.change is not None)
    assert (vckc_after.with_outcome, vckc_after.eligible) == (1089, 1675)
    assert vckc_after.significant
    assert round(100 * vckc_after.change.difference, 2) == 6.02
    names = {row.population for row in evaluation.rows}
    assert {
        "VCKC",
        "Kursaal Community Hub",
        "Westborough Family Centre",
        "Other Southend practices",
        analysis.ALL_PARTNERS,
    } <= names
    did = {d.population: d for d in evaluation.differences_in_differences}
    assert set(did) == {"VCKC", "Kursaal Community Hub", "Westborough Family Centre", analysis.ALL_PARTNERS}
    comparator_change = did["VCKC"].result.comparator_change
    assert did["VCKC"].result.estimate == pytest.approx(vckc_after.change.difference - comparator_change)
    assert did["VCKC"].result.lower < did["VCKC"].result.estimate < did["VCKC"].result.upper
    assert evaluation.funnel is not None
    assert {unit.name for unit in evaluation.funnel.units} == {
        "VCKC",
        "Kursaal Community Hub",
        "Westborough Family Centre",
    }
