"""The API's authorisation matrix: every person × every endpoint that takes an id × every case
and task, on SQLite and on PostgreSQL. Nobody reads or acts on a case or task of another role
or person by changing an id in the URL.

One world per database, built once: the matrix only sends requests that must be refused, or
reads, so nothing in it changes. (What the allowed actions do is tested in test_api.py.)

The world (people in tests/web/conftest.py):
  K  due_dates started by klara; its register task is open to the clerks (klara, olle)
  S  review_loop started by sam; its submit_idea task is open to the applicants (sam)
  R  review_loop started by sam, who submitted the idea; its review task is open to rut
What each person may read and see follows from web.api.access: a case they started or have a
task of (by role, or held or completed); admin and auditor read every case; tasks by the
engine's rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient

import engine
from engine import Runtime
from tests.web.conftest import API_PEOPLE, PASSWORD, PEOPLE, csrf_token
from web.app import create_app

EVERYONE = sorted({**PEOPLE, **API_PEOPLE})
READS_CASE = {
    "K": {"klara", "olle", "nils", "ada"},
    "S": {"sam", "nils", "ada"},
    "R": {"sam", "rut", "nils", "ada"},
}
SEES_TASK = {"K": {"klara", "olle"}, "S": {"sam"}, "R": {"rut"}}
CASES = sorted(READS_CASE)
CASE_READS = ("", "/events")
CASE_ACTIONS = ("retry", "suspend", "resume", "terminate")
TASK_ACTIONS = ("claim", "unclaim", "complete")
#: An admin's actions that would change a running case (retry and resume it refuses: 409).
CHANGING = ("suspend", "terminate")


def everyone_on(
    actions: tuple[str, ...], allowed: Callable[[str, str, str], bool]
) -> list[tuple[str, str, str]]:
    """(person, case, action) for every person, case and action but the ``allowed`` ones."""
    return [
        (who, case, action)
        for who in EVERYONE
        for case in CASES
        for action in actions
        if not allowed(who, case, action)
    ]


@dataclass(frozen=True)
class World:
    client: FlaskClient
    tokens: dict[str, str]
    cases: dict[str, int]  # K, S, R → case id
    keys: dict[str, str]  # K, S, R → business key
    tasks: dict[str, str]  # K, S, R → the open task's id

    def call(self, method: str, path: str, who: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        return self.client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)


@pytest.fixture(scope="module")
def world(shared_rt: Runtime) -> World:
    rt = shared_rt
    k = engine.start_case(rt, "due_dates", "klara", {"title": "Klaras ärende"})
    s = engine.start_case(rt, "review_loop", "sam", {"title": "Sams idé"})
    r = engine.start_case(rt, "review_loop", "sam", {"title": "Sams granskade idé"})
    idea = {"title": "Läxhjälp", "amount": 100, "category": "prevention"}
    (review,) = engine.complete_task(rt, r.open_tasks[0].id, idea, "sam")
    app = create_app(rt.settings, rt)
    app.config["TESTING"] = True
    tokens = {name: engine.create_token(rt, name)[1] for name in EVERYONE}
    cases = {"K": k.id, "S": s.id, "R": r.id}
    keys = {"K": k.business_key, "S": s.business_key, "R": r.business_key}
    tasks = {"K": k.open_tasks[0].id, "S": s.open_tasks[0].id, "R": review.id}
    return World(app.test_client(), tokens, cases, keys, tasks)


def _not_found(world: World, path: str, method: str = "GET", json: Any = None) -> Any:
    """What the API answers for an id that does not exist (the hidden ones must match it)."""
    return world.call(method, path, "ada", json=json or {"data": {}}).get_json()


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("suffix", CASE_READS)
def test_reading_a_case(world: World, who: str, case: str, suffix: str) -> None:
    answer = world.call("GET", f"/cases/{world.cases[case]}{suffix}", who)
    if who in READS_CASE[case]:
        assert answer.status_code == 200
    else:
        assert answer.status_code == 404
        assert answer.get_json() == _not_found(world, f"/cases/999999{suffix}")


@pytest.mark.parametrize(
    ("who", "case", "action"),
    # ada may suspend and terminate: that would change the world (test_api.py does it)
    everyone_on(CASE_ACTIONS, lambda who, case, action: who == "ada" and action in CHANGING),
)
def test_administering_a_case(world: World, who: str, case: str, action: str) -> None:
    body = {} if action == "retry" else {"json": {"reason": "Prov"}}
    answer = world.call("POST", f"/cases/{world.cases[case]}/{action}", who, **body)
    if who not in READS_CASE[case]:
        assert answer.status_code == 404
        assert answer.get_json() == _not_found(world, f"/cases/999999/{action}", "POST", **body)
    elif who != "ada":
        assert answer.status_code == 403
    else:
        assert answer.status_code == 409


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("case", CASES)
def test_reading_a_task(world: World, who: str, case: str) -> None:
    answer = world.call("GET", f"/tasks/{world.tasks[case]}", who)
    expected = 200 if who in SEES_TASK[case] else 403 if who in READS_CASE[case] else 404
    assert answer.status_code == expected
    if expected == 404:
        missing = _not_found(world, "/tasks/00000000-0000-0000-0000-000000000000")
        assert answer.get_json() == missing


@pytest.mark.parametrize(
    ("who", "case", "action"),
    # those who may act would change the world (test_api.py does it)
    everyone_on(TASK_ACTIONS, lambda who, case, action: who in SEES_TASK[case]),
)
def test_acting_on_a_task(world: World, who: str, case: str, action: str) -> None:
    answer = world.call("POST", f"/tasks/{world.tasks[case]}/{action}", who, json={"data": {}})
    if who in READS_CASE[case]:
        assert answer.status_code == 403
    else:
        assert answer.status_code == 404
        missing = f"/tasks/00000000-0000-0000-0000-000000000000/{action}"
        assert answer.get_json() == _not_found(world, missing, "POST")


@pytest.mark.parametrize("who", EVERYONE)
def test_lists_hold_only_what_the_caller_may_see(world: World, who: str) -> None:
    listed = world.call("GET", "/cases?page_size=200", who).get_json()
    readable = {world.cases[c] for c, readers in READS_CASE.items() if who in readers}
    assert {c["id"] for c in listed["items"]} == readable
    assert listed["total"] == len(readable)
    inbox = world.call("GET", "/tasks?page_size=200", who).get_json()
    actionable = {world.tasks[c] for c, seers in SEES_TASK.items() if who in seers}
    assert {t["id"] for t in inbox["items"]} == actionable
    for case in READS_CASE:
        if who not in READS_CASE[case]:
            found = world.call("GET", f"/cases?q={world.keys[case]}", who).get_json()
            assert found["items"] == [] and found["total"] == 0


def test_a_signed_in_session_reads_only_what_its_person_may(world: World) -> None:
    client = world.client.application.test_client()
    token = csrf_token(client, "/logga-in")
    client.post("/logga-in", data={"name": "klara", "password": PASSWORD, "csrf_token": token})
    assert client.get("/api/v1/me").get_json()["name"] == "klara"
    assert client.get(f"/api/v1/cases/{world.cases['K']}").status_code == 200
    for case in ("S", "R"):
        assert client.get(f"/api/v1/cases/{world.cases[case]}").status_code == 404
        assert client.get(f"/api/v1/tasks/{world.tasks[case]}").status_code == 404
    headers = {"X-CSRFToken": csrf_token(client, "/")}
    refused = client.post(f"/api/v1/tasks/{world.tasks['S']}/claim", headers=headers)
    assert refused.status_code == 404


@pytest.mark.parametrize("who", EVERYONE)
def test_the_world_is_unchanged_by_the_refusals(world: World, who: str) -> None:
    """Run last in each world: every case still running with the same open task."""
    for case, case_id in world.cases.items():
        shown = world.call("GET", f"/cases/{case_id}", "ada").get_json()
        assert shown["status"] == "running"
        assert [(t["id"], t["state"]) for t in shown["open_tasks"]] == [
            (world.tasks[case], "ready")
        ]
