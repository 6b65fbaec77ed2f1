"""Schemathesis against the project's OpenAPI schema (/api/schema/), in-process over WSGI, authenticated as
each role with an API token: every operation gets a bounded number of generated requests (deterministic
seed). Zero 5xx, and every answer the schema documents conforms to it (body schema and content type).

Half of the generated cases address real objects (path ids replaced by existing ones), so detail routes
are exercised past their 404. Every request runs in a savepoint that is rolled back: a generated DELETE or
PATCH cannot change what the next case sees (or revoke the token it uses).

Left out: the two admin "test" actions that open outbound connections to hosts taken from the settings
(test-email, test-sso: covered with real servers by the authentication tests); streaming exports are not in
the schema. Budget: FUZZ_EXAMPLES per operation and role (default 6; raise it locally to dig deeper).
"""

from __future__ import annotations

import os
import warnings
from collections import defaultdict

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from authentication.models import Role
from config.tests.test_security_permissions import (
    build_world,
    make_callers,
    quiet_side_effects,  # noqa: F401 - fixture
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
# Open findings, reported to their owners: answers the schema does not describe (a contract fix changes the
# generated frontend types, so the owning app makes it). Kept visible here so that nothing NEW slips in;
# an entry that stops occurring is reported as a warning: delete it. Never list a 5xx here.
KNOWN: dict[tuple[str, str], str] = {}
SKIPPED = {("POST", "/api/settings/test-email/"), ("POST", "/api/settings/test-sso/")}
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
# Path prefix -> World basename for the real object an `{id}` should point at.
ID_TARGETS = {
    "/api/accounts/": "account",
    "/api/assets/": "asset",
    "/api/audit-events/": "audit-event",
    "/api/categories/": "category",
    "/api/costs/": "cost",
    "/api/discovery/jobs/": "discovery-job",
    "/api/relationships/": "relationship",
    "/api/saved-views/": "saved-view",
    "/api/users/": "user",
    "/api/auth/tokens/": "api-token",
}


@pytest.fixture
def fuzz_setup(quiet_side_effects):  # noqa: F811
    everyone = make_callers()
    world = build_world(everyone)
    callers = [c for c in everyone if c.kind == "bearer"]
    # As Django's test client does: the WSGI handler must not close the test's connection (its transaction
    # holds the test data) at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
        yield callers, world, schema
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _real_id(case, caller, world) -> None:
    for prefix, basename in ID_TARGETS.items():
        if case.operation.path.startswith(prefix + "{id}"):
            case.path_parameters = {**(case.path_parameters or {}), "id": world.pk_for(basename, caller)}
            return


def _first_line(failure: BaseException) -> str:
    message = getattr(failure, "message", "") or str(failure)
    return next((line.strip() for line in message.splitlines() if line.strip()), type(failure).__name__)[:300]


def _run_operation(operation, caller, world, findings: dict) -> int:
    calls = 0
    headers = {"Authorization": f"Bearer {caller.token}"}

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        nonlocal calls
        calls += 1
        if calls % 2:
            _real_id(case, caller, world)
        with transaction.atomic():
            try:
                response = case.call(headers=headers)
                case.validate_response(response, checks=CHECKS, headers=headers)
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - record every failure, go on
                for failure in getattr(exc, "exceptions", None) or [exc]:
                    key = (operation.label, type(failure).__name__, _first_line(failure))
                    findings.setdefault(key, f"as {caller.label}: {case.as_curl_command(headers)}\n{failure}")
            transaction.set_rollback(True)

    run()
    return calls


@pytest.mark.django_db
def test_every_operation_as_every_role_conforms_to_the_schema(fuzz_setup):
    callers, world, schema = fuzz_setup
    findings: dict = {}
    calls: dict[str, int] = defaultdict(int)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50
    for operation in operations:
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        for caller in callers:
            calls[caller.role] += _run_operation(operation, caller, world, findings)
    assert set(calls) == {Role.VIEWER, Role.EDITOR, Role.ADMIN}
    assert min(calls.values()) >= len(operations)  # at least one request per operation and role
    known = {key for key in findings if _known(key)}
    stale = [k for k in KNOWN if not any(op == k[0] and k[1] in line for op, _, line in known)]
    if stale:
        warnings.warn(f"KNOWN schema findings no longer seen (remove them): {stale}", stacklevel=1)
    new = {key: text for key, text in findings.items() if key not in known}
    summary = "\n".join(f"- {op}: {kind}: {line}" for op, kind, line in new)
    details = "\n\n".join(new.values())
    assert not new, f"{len(new)} schemathesis findings:\n{summary}\n\nDetails:\n{details}"


def _known(key: tuple[str, str, str]) -> bool:
    operation, kind, line = key
    return kind == "JsonSchemaError" and any(operation == op and text in line for op, text in KNOWN)
