"""schemathesis against the API's own OpenAPI document, through the WSGI app, on SQLite and on
PostgreSQL: for every operation, valid and invalid requests from a signed-in caller (a bearer
token) never get a 5xx, and every answer matches the schema documented for its status.

The caller holds every role the scenarios use (and admin and process_owner), so requests get
past authorisation; path ids are drawn both at random and from the cases and tasks that exist.
Deterministic (derandomize, no example database) and bounded (EXAMPLES per operation and
mode), so the whole file runs in well under a minute.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import engine
from engine import Runtime
from tasks.store import DEFAULT_FUND, create_fund
from web.app import create_app

EXAMPLES = 15
ROBOT_ROLES = ["admin", "process_owner", "clerk", "manager", "applicant", "reviewer"]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
OPERATIONS = [
    ("GET", "/api/v1/me"),
    ("GET", "/api/v1/definitions"),
    ("POST", "/api/v1/definitions"),
    ("POST", "/api/v1/cases"),
    ("GET", "/api/v1/cases"),
    ("GET", "/api/v1/cases/{case_id}"),
    ("GET", "/api/v1/cases/{case_id}/events"),
    ("POST", "/api/v1/cases/{case_id}/retry"),
    ("POST", "/api/v1/cases/{case_id}/{action}"),
    ("GET", "/api/v1/tasks"),
    ("GET", "/api/v1/tasks/{task_id}"),
    ("POST", "/api/v1/tasks/{task_id}/claim"),
    ("POST", "/api/v1/tasks/{task_id}/unclaim"),
    ("POST", "/api/v1/tasks/{task_id}/complete"),
    ("GET", "/api/v1/fund"),
    ("GET", "/api/v1/notifications"),
]


@dataclass
class Target:
    rt: Runtime
    schema: Any
    headers: dict[str, str]

    def existing(self) -> dict[str, list[Any]]:
        """Fresh cases of both scenarios, then every case id and open task id there is, for
        path parameters drawn from real cases and tasks (earlier operations may have ended
        the ones before)."""
        for process, starter in (("due_dates", "klara"), ("review_loop", "robot")):
            engine.start_case(self.rt, process, starter, {"title": "Befintligt ärende"})
        cases = engine.list_cases(self.rt, page_size=200).cases
        tasks = [t.id for c in cases for t in c.open_tasks]
        return {"case_id": [c.id for c in cases], "task_id": tasks}


@pytest.fixture(scope="module")
def target(shared_rt: Runtime) -> Target:
    engine.add_user(shared_rt, "robot", ROBOT_ROLES, "Robot med alla roller")
    with shared_rt.db.transaction() as conn:
        create_fund(conn, DEFAULT_FUND, "Sociala investeringsfonden", "stockholm_2016",
                    date(2026, 1, 1), 50_000, "admin", shared_rt.clock.now(conn))  # fmt: skip
    app = create_app(shared_rt.settings, shared_rt)
    app.config["TESTING"] = True
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    token = engine.create_token(shared_rt, "robot")[1]
    return Target(shared_rt, schema, {"Authorization": f"Bearer {token}"})


def _case_data() -> st.SearchStrategy[dict[str, Any]]:
    """Start data or answers: a few keys of the forms (and others) with values of any type."""
    keys = st.sampled_from(["title", "urgent", "approved", "amount", "category", "decision"])
    values = st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
        st.text(max_size=300), st.lists(st.integers(), max_size=3),
    )  # fmt: skip
    return st.dictionaries(st.one_of(keys, st.text(max_size=20)), values, max_size=4)


#: Bodies that reach the engine: a deployed process, data of any shape.
BODIES = {
    ("POST", "/api/v1/cases"): st.fixed_dictionaries(
        {"process_key": st.sampled_from(["due_dates", "review_loop"]), "data": _case_data()}
    ),
    ("POST", "/api/v1/tasks/{task_id}/complete"): st.fixed_dictionaries({"data": _case_data()}),
}


def test_the_operations_here_are_all_the_documents(target: Target) -> None:
    documented = {
        (operation.method.upper(), operation.path)
        for result in target.schema.get_all_operations()
        for operation in [result.ok()]
    }
    assert documented == set(OPERATIONS)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_the_api_keeps_its_document(
    target: Target, method: str, path: str, mode: GenerationMode
) -> None:
    operation = target.schema[path][method]
    strategies = [operation.as_strategy(generation_mode=mode)]
    for parameter, values in target.existing().items():
        if f"{{{parameter}}}" in path:
            strategies.append(
                st.sampled_from(values).flatmap(
                    lambda value, name=parameter: operation.as_strategy(
                        generation_mode=mode, path_parameters={name: value}
                    )
                )
            )
    body = BODIES.get((method, path))
    if body is not None and mode.is_positive:
        strategies.append(body.flatmap(lambda sent: operation.as_strategy(body=sent)))

    @given(case=st.one_of(strategies))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def keeps_its_document(case: Any) -> None:
        case.call_and_validate(headers=target.headers, checks=CHECKS)

    keeps_its_document()
