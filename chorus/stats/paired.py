"""Before/after comparison of a yes/no survey item, paired when the same people answered both times."""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from scipy import stats

from chorus.stats._checks import as_count, as_level
from chorus.stats.comparison import compare_proportions
from chorus.stats.intervals import wilson_ci


@dataclass(frozen=True)
class PairedComparison:
    """Same people asked twice. Proportions are of 'yes'; difference = after - before (a fraction)."""

    pairs: int
    before: float
    after: float
    difference: float
    lower: float
    upper: float
    mcnemar_statistic: float
    p_value: float
    exact_p_value: float
    level: float


def compare_paired_proportions(
    yes_yes: int, yes_no: int, no_yes: int, no_no: int, level: float = 0.95
) -> PairedComparison:
    """Compare paired yes/no answers from their 2x2 table (before answer first, after answer second).

    - McNemar's test without continuity correction, chi2 = (yes_no - no_yes)^2 / (yes_no + no_yes) on 1 df
      (p_value), recommended by Fagerland, Lydersen & Laake (2013, BMC Med Res Methodol 13:91), and the
      exact conditional (binomial) McNemar test on the discordant pairs (exact_p_value);
    - the difference in paired proportions with Newcombe's square-and-add interval for paired data, built
      from the two marginal Wilson intervals and a correlation correction (Newcombe 1998, Stat Med 17:2635,
      method 10).
    """
    a = as_count(yes_yes, "yes_yes")
    b = as_count(yes_no, "yes_no")
    c = as_count(no_yes, "no_yes")
    d = as_count(no_no, "no_no")
    level = as_level(level)
    n = a + b + c + d
    if n == 0:
        raise ValueError("there are no paired answers")

    yes_before, yes_after = a + b, a + c
    p_before, p_after = yes_before / n, yes_after / n
    lower_before, upper_before = wilson_ci(yes_before, n, level)
    lower_after, upper_after = wilson_ci(yes_after, n, level)

    # Newcombe's phi: the correlation between the two marginal proportions, shrunk towards 0 by n/2
    # when positive (method 10, no continuity correction).
    margins_product = (a + b) * (c + d) * (a + c) * (b + d)
    phi = 0.0
    if margins_product > 0:
        cross = a * d - b * c
        if cross > n / 2:
            phi = (cross - n / 2) / math.sqrt(margins_product)
        elif cross < 0:
            phi = cross / math.sqrt(margins_product)

    difference = p_after - p_before
    down_after, up_before = p_after - lower_after, upper_before - p_before
    up_after, down_before = upper_after - p_after, p_before - lower_before
    lower = difference - math.sqrt(max(0.0, down_after**2 + up_before**2 - 2 * phi * down_after * up_before))
    upper = difference + math.sqrt(max(0.0, up_after**2 + down_before**2 - 2 * phi * up_after * down_before))

    discordant = b + c
    if discordant == 0:
        statistic, p_value, exact_p_value = 0.0, 1.0, 1.0
    else:
        statistic = (b - c) ** 2 / discordant
        p_value = float(stats.chi2.sf(statistic, 1))
        exact_p_value = float(stats.binomtest(b, discordant, 0.5).pvalue)

    return PairedComparison(
        pairs=n,
        before=p_before,
        after=p_after,
        difference=difference,
        lower=max(-1.0, lower),
        upper=min(1.0, upper),
        mcnemar_statistic=statistic,
        p_value=p_value,
        exact_p_value=exact_p_value,
        level=level,
    )


@dataclass(frozen=True)
class SurveyItemChange:
    """Change in the share answering yes, from whichever analysis the data allowed."""

    method: str
    respondents_before: int
    respondents_after: int
    linked_respondents: int
    before: float
    after: float
    difference: float
    lower: float
    upper: float
    p_value: float
    level: float


PAIRED_METHOD = "paired: McNemar test, Newcombe method 10 interval"
UNPAIRED_METHOD = "unpaired: pooled two-proportion z-test, Newcombe hybrid score interval"


def compare_survey_item(
    before: Mapping[Hashable, bool], after: Mapping[Hashable, bool], level: float = 0.95
) -> SurveyItemChange:
    """Compare yes/no answers to one item before and after, keyed by respondent.

    When the people who answered both times make up at least half of each wave, the paired analysis runs
    on them alone. Otherwise it falls back to the unpaired comparison of everyone's answers, treating the
    waves as independent samples; with some people in both waves that ignores their positive correlation,
    which makes the interval wider (conservative), not narrower.
    """
    level = as_level(level)
    for wave, answers in (("before", before), ("after", after)):
        if not answers:
            raise ValueError(f"there are no answers {wave}")
        if any(not isinstance(answer, bool) for answer in answers.values()):
            raise ValueError(f"answers {wave} must be True (yes) or False (no)")
    linked = [key for key in before if key in after]
    if 2 * len(linked) >= len(before) and 2 * len(linked) >= len(after):
        table = {(True, True): 0, (True, False): 0, (False, True): 0, (False, False): 0}
        for key in linked:
            table[(before[key], after[key])] += 1
        paired = compare_paired_proportions(
            table[(True, True)], table[(True, False)], table[(False, True)], table[(False, False)], level
        )
        return SurveyItemChange(
            method=PAIRED_METHOD,
            respondents_before=len(before),
            respondents_after=len(after),
            linked_respondents=len(linked),
            before=paired.before,
            after=paired.after,
            difference=paired.difference,
            lower=paired.lower,
            upper=paired.upper,
            p_value=paired.p_value,
            level=level,
        )
    unpaired = compare_proportions(sum(before.values()), len(before), sum(after.values()), len(after), level)
    return SurveyItemChange(
        method=UNPAIRED_METHOD,
        respondents_before=len(before),
        respondents_after=len(after),
        linked_respondents=len(linked),
        before=unpaired.first,
        after=unpaired.second,
        difference=unpaired.difference,
        lower=unpaired.difference_lower,
        upper=unpaired.difference_upper,
        p_value=unpaired.p_value,
        level=level,
    )
