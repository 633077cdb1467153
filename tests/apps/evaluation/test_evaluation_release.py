"""Disclosure control of an evaluation's figures (plain Python: chorus.apps.evaluation.release)."""

from datetime import date

from chorus.apps.evaluation import analysis, release

BEFORE, AFTER = date(2024, 3, 31), date(2025, 3, 31)


def counts():
    return [
        analysis.Count("Small", BEFORE, 3, 40),  # 3 with the outcome: small
        analysis.Count("Small", AFTER, 12, 41),
        analysis.Count("Large", BEFORE, 500, 1000),
        analysis.Count("Large", AFTER, 560, 1003),
        analysis.Count("Other", BEFORE, 300, 700),
        analysis.Count("Other", AFTER, 330, 702),
        analysis.Count("Comparator", BEFORE, 4000, 9000, is_comparator=True),
        analysis.Count("Comparator", AFTER, 4100, 9010, is_comparator=True),
    ]


def evaluation():
    return analysis.evaluate_indicator(counts())


def row(result, population, when):
    return next(r for r in result.rows if r.population == population and r.when == when)


def test_counts_are_rounded_and_small_ones_starred_with_their_uptake_withheld():
    released = release.evaluate_published(counts())
    small_before = row(released, "Small", BEFORE)
    assert (small_before.with_outcome, small_before.eligible) == ("*", 40)
    assert small_before.suppressed and small_before.uptake is None and small_before.lower is None
    small_after = row(released, "Small", AFTER)
    assert (small_after.with_outcome, small_after.eligible, small_after.suppressed) == (10, 40, False)
    assert small_after.uptake == 10 / 40  # from the published counts: 12/41 would give 12 and 41 back
    assert small_after.change is None and small_after.change_suppressed  # its baseline was 3
    large = row(released, "Large", AFTER)
    assert (large.with_outcome, large.eligible) == (560, 1005)
    assert large.change is not None and large.change.difference == 560 / 1005 - 500 / 1000
    assert large.change.difference != row(evaluation(), "Large", AFTER).change.difference


def test_the_total_of_all_partners_is_withheld_where_a_partner_is_and_so_is_its_comparison():
    released = release.evaluate_published(counts())
    pooled_before = row(released, analysis.ALL_PARTNERS, BEFORE)
    # Its counts are withheld too: the rounded total would say roughly how many the small partner had.
    assert pooled_before.suppressed and pooled_before.eligible == "*"
    pooled_after = row(released, analysis.ALL_PARTNERS, AFTER)
    assert (pooled_after.with_outcome, pooled_after.eligible) == (10 + 560 + 330, 40 + 1005 + 700)
    assert not row(released, analysis.ALL_PARTNERS, AFTER).suppressed
    shown = {did.population for did in released.differences_in_differences}
    assert shown == {"Large", "Other"}
    assert any("Small against Comparator is not shown" in note for note in released.notes)
    assert {unit.name for unit in released.funnel.units} == {
        "Small",
        "Large",
        "Other",
    }  # 12 of 41 is not small


def test_a_small_partner_leaves_the_funnel():
    counts = [
        analysis.Count(name, AFTER, x, n) for name, x, n in (("A", 2, 30), ("B", 50, 100), ("C", 60, 110))
    ]
    released = release.evaluate_published(counts)
    assert {unit.name for unit in released.funnel.units} == {"B", "C"}
    assert released.funnel.target == (50 + 60) / (100 + 110)  # A's 2 of 30 is not in the target
    assert {unit.trials for unit in released.funnel.units} == {100, 110}
    assert any("A is left off the funnel plot" in note for note in released.notes)


def test_reach_and_cost_per_person_of_a_small_partner_and_the_total_are_withheld():
    rows = analysis.reach_with_totals(
        [analysis.ReachRow("Small", 4, 100_000), analysis.ReachRow("Large", 612, 4_000_000)]
    )
    released = {row.partner: row for row in release.release_reach(rows)}
    assert (released["Small"].residents_reached, released["Small"].cost_per_person_pence) == ("*", None)
    large = released["Large"]
    assert (large.residents_reached, large.cost_per_person_pence) == (610, 6557)  # £40,000 / 610, not 612
    total = released[analysis.ALL_PARTNERS]
    assert (total.residents_reached, total.cost_per_person_pence, total.suppressed) == (615, None, True)


def test_survey_shares_resting_on_small_counts_are_withheld():
    small = release.release_item(
        analysis.evaluate_item("S", "Knowledge", before_tally=(3, 6), after_tally=(20, 30))
    )
    assert (small.before.agreeing, small.before.respondents, small.before.proportion) == ("*", "*", None)
    assert (small.after.agreeing, small.after.respondents) == (20, 30)
    assert small.after.proportion == 20 / 30 and small.after.in_ten == 7
    rounded = release.release_item(
        analysis.evaluate_item("S", "Knowledge", before_tally=(50, 64), after_tally=(40, 64))
    )
    # 0.78125 of a published 65 gave back 50 of 64; the published share is 50 of 65.
    before = rounded.before
    assert (before.agreeing, before.respondents, before.proportion) == (50, 65, 50 / 65)
    assert small.change is None and small.change_suppressed
    paired = release.release_item(
        analysis.evaluate_item(
            "S",
            "Knowledge",
            before=[(f"R{i}", i < 10) for i in range(42)],
            after=[(f"R{i}", i < 30) for i in range(42)],
        )
    )
    assert paired.change is not None and paired.change.linked_respondents == 40
    # The paired change from 10/42 to 30/42 is shown as the change between the published 10/40 and 30/40.
    assert paired.change.difference == 30 / 40 - 10 / 40
    assert paired.change.method == release.PUBLISHED_CHANGE_METHOD
