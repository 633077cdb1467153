"""A bounded schemathesis run over /api/v1/openapi.json against a live server on 127.0.0.1, with a valid
bearer token: valid and invalid requests to every route find no server error and no status code the
schema does not document."""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import status_code_conformance

from chorus.apps.api.actions import create_token
from chorus.apps.coding.actions.review import apply_theme
from chorus.apps.coding.models import Codebook, Theme

EXAMPLES_PER_OPERATION = 40  # per mode (valid, invalid): at most 400 requests in all


def _fuzz(
    operation, mode: GenerationMode, base_url: str, headers: dict, slug: str, statuses: Counter
) -> None:
    """Raise the (shrunk) failing example if a request gets a 5xx or a status the schema does not list."""

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode), real_programme=st.booleans())
    def check(case, real_programme) -> None:
        if real_programme and "slug" in (case.path_parameters or {}):
            case.path_parameters["slug"] = slug  # reach the figures, not only 404s
        response = case.call_and_validate(
            base_url=base_url,
            headers=headers,
            checks=[not_a_server_error, status_code_conformance],
            timeout=30,
        )
        statuses[response.status_code] += 1

    check()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_fuzzing_the_read_api_finds_no_server_error_and_no_undocumented_status(world, live_server, settings):
    settings.CHORUS_API_TOKEN_RATE = "100000/min"  # the fuzzer's requests would otherwise mostly meet the 429
    codebook = Codebook.objects.create(programme=world.programme, name="Starter")
    housing = Theme.objects.create(codebook=codebook, slug="housing", name="Housing", position=1)
    apply_theme(world.by_partner_a, housing, by=world.analyst)
    headers = {"Authorization": f"Bearer {create_token(world.analyst, 'fuzz').secret}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 5
    failures: list[str] = []
    statuses: Counter = Counter()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, live_server.url, headers, world.programme.slug, statuses)
            except Exception as error:  # every operation is fuzzed; all failures are reported together
                failures.append(f"{operation.label} ({mode.value}): {type(error).__name__}: {error}"[:800])
    assert not failures, "\n".join(failures)
    assert statuses[200] >= 50 and statuses[422] >= 20, statuses  # it reached the figures and the checks
