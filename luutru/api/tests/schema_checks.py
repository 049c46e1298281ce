"""Schemathesis runs for the API tests: requests generated from the OpenAPI document itself and
made in-process through the WSGI application (no network, no server).

schemathesis and hypothesis are imported inside the functions, as the tests did before, so that
importing a test module (staff/tests/test_search.py imports test_cli_and_api) stays cheap.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.test import SimpleTestCase
    from schemathesis.schemas import APIOperation

SCHEMA_URL = "/api/v1/openapi.json"


def share_the_test_connection(test: SimpleTestCase) -> None:
    """For setUp. As Django's test client does: a request must not close the test's transaction."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
        test.addCleanup(signal.connect, close_old_connections)


def api_operations(labels: Collection[str]) -> list[APIOperation]:
    """The operations of the OpenAPI document whose labels are given ("GET /api/v1/search")."""
    import schemathesis
    from django.core.wsgi import get_wsgi_application

    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    return [op for op in operations if op.label in labels]


def check_generated_requests(
    test: SimpleTestCase,
    operations: Iterable[APIOperation],
    *,
    examples: int,
    cookie_sets: Sequence[dict[str, str] | None] = (None,),
) -> None:
    """Valid and invalid requests for each operation, `examples` of each (per cookie set): none
    gets a 5xx, and each answer has the status code, content type and body the document says.

    One subtest per operation and mode, and per cookie set when some are given (labelled
    staff=False for the empty set, staff=True for a session).
    """
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.generation import GenerationMode
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for cookies in cookie_sets:

                @settings(
                    max_examples=examples,
                    deadline=None,
                    database=None,
                    suppress_health_check=list(HealthCheck),
                    derandomize=True,
                )
                @given(case=operation.as_strategy(generation_mode=mode))
                def check(case: Any) -> None:
                    response = case.call(cookies=cookies)  # noqa: B023
                    case.validate_response(response, checks=checks)
                    test.assertLess(response.status_code, 500)

                labels: dict[str, Any] = {"operation": operation.label, "mode": mode}
                if cookies is not None:
                    labels["staff"] = bool(cookies)
                with test.subTest(**labels):
                    check()
