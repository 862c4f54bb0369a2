"""Schema-based test of the service: schemathesis generates requests from /openapi.json (valid
and invalid) and checks every answer against it: no server error, documented status codes and
content types, response bodies that match their schemas, invalid input refused with a 4xx."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from .conftest import EXTRA, MINI_RULES

pytest.importorskip("starlette", reason=EXTRA)
schemathesis = pytest.importorskip("schemathesis", reason=EXTRA)

from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis import Case  # noqa: E402

from interventions.server import create_app  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    schema = schemathesis.openapi.from_asgi(
        "/openapi.json", create_app(MINI_RULES, admin_token="not-given-to-schemathesis")
    )


@schema.parametrize()  # type: ignore[untyped-decorator]
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # the same requests on every run: CI fails for the code, not for luck
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.filterwarnings("ignore:Using `httpx`")
def test_the_service_keeps_its_schema(case: Case[Any]) -> None:
    case.call_and_validate()
