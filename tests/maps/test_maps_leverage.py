import numpy as np
import pytest

from chorus.maps import FuzzyCognitiveMap, MapError, rank_leverage


@pytest.fixture
def chain() -> FuzzyCognitiveMap:
    # buses -> groups -> connected; cost pushes groups down; weather touches nothing
    names = ["buses", "cost", "groups", "connected", "weather"]
    matrix = np.zeros((5, 5))
    matrix[0, 2] = 0.8
    matrix[1, 2] = -0.6
    matrix[2, 3] = 0.9
    return FuzzyCognitiveMap.from_matrix(names, matrix)


def test_factors_upstream_of_the_outcome_outrank_unconnected_ones(chain):
    ranking = rank_leverage(chain, ["connected"])
    order = [item.factor for item in ranking]
    assert order[0] == "groups"
    assert order[-1] == "weather"
    assert ranking[-1].score == 0


def test_swing_sign_follows_the_link_sign(chain):
    by_factor = {item.factor: item.sensitivities[0] for item in rank_leverage(chain, ["connected"])}
    assert by_factor["buses"].swing > 0
    assert by_factor["cost"].swing < 0
    assert by_factor["buses"].high_change > 0 > by_factor["buses"].low_change


def test_sensitivity_table_has_one_row_per_outcome(chain):
    ranking = rank_leverage(chain, ["connected", "groups"], candidates=["buses", "cost"])
    assert {item.factor for item in ranking} == {"buses", "cost"}
    assert all([row.outcome for row in item.sensitivities] == ["connected", "groups"] for item in ranking)


def test_unknown_outcome_is_refused(chain):
    with pytest.raises(MapError, match="unknown factor 'happiness'"):
        rank_leverage(chain, ["happiness"])
