"""Teaching a coder: when the model agrees with a person, the prequential estimate and its interval, the
calibration of confidences, and which contribution to ask about next."""

import numpy as np
import pytest

from chorus.coding.teaching import (
    MIN_CALIBRATION_PAIRS,
    Calibration,
    agreement_estimate,
    agrees,
    next_questions,
    wilson_interval,
)


def test_model_agrees_when_a_theme_is_shared_or_both_chose_none():
    assert agrees({"a", "b"}, {"b"})
    assert agrees(set(), [])
    assert not agrees({"a"}, {"b"})
    assert not agrees({"a"}, set())


def test_estimate_counts_answers_and_its_interval_holds_the_share():
    estimate = agreement_estimate([True] * 71 + [False] * 29)
    assert (estimate.answers, estimate.agreed) == (100, 71)
    assert estimate.low < 0.71 < estimate.high
    # Wilson's 95% interval for 71 of 100 (published tables: 0.615 to 0.790).
    assert (round(estimate.low, 3), round(estimate.high, 3)) == (0.615, 0.790)
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_calibration_maps_confidence_to_how_often_people_agreed():
    rng = np.random.default_rng(3)
    answers = []
    for _ in range(200):
        confidence = float(rng.uniform(0.5, 1.0))
        # People agree with a theme only half as often as the model's confidence says.
        answers.append(({"t": confidence}, {"t"} if rng.random() < confidence / 2 else set()))
    calibration = Calibration.from_answers(answers)
    mapped = calibration(np.array([0.55, 0.75, 0.95]))
    assert list(mapped) == sorted(mapped)
    assert abs(mapped[1] - 0.75 / 2) < 0.12 and mapped[2] < 0.7


def test_no_calibration_from_too_few_answers_or_one_outcome():
    few = [({"t": 0.9}, {"t"}), ({"t": 0.4}, set())] * ((MIN_CALIBRATION_PAIRS - 1) // 2)
    assert Calibration.from_answers(few) is None
    always = [({"t": 0.9}, {"t"})] * (MIN_CALIBRATION_PAIRS + 5)
    assert Calibration.from_answers(always) is None


def test_questions_alternate_between_a_theme_without_examples_and_the_least_certain():
    scores = np.array(
        [
            [0.9, 0.1, 0.0],  # most like theme 0
            [0.1, 0.2, 0.8],  # most like theme 2, which has no example yet
            [0.3, 0.3, 0.1],
            [0.2, 0.9, 0.1],  # most like theme 1
        ]
    )
    margins = np.array([0.4, 0.3, 0.01, 0.2])  # row 2 is the closest call
    examples = [3, 1, 0]
    assert next_questions(scores, margins, examples, count=3) == [1, 2, 3]
    assert next_questions(scores, margins, examples, count=1, coverage_first=False) == [2]


@pytest.mark.parametrize("count", [0, 1, 10])
def test_never_more_questions_than_rows(count):
    chosen = next_questions(np.zeros((2, 2)), np.zeros(2), [0, 0], count=count)
    assert len(chosen) == min(count, 2) and len(set(chosen)) == len(chosen)
