"""A failing script or service makes the case an incident, which can be retried."""

from __future__ import annotations

import pytest

import engine
from engine import Conflict, Runtime, ServiceCall
from tests.conftest import read_scenario


@pytest.fixture
def clerk(rt: Runtime) -> Runtime:
    engine.deploy(rt, read_scenario("service_incident"), "admin")
    engine.add_user(rt, "carl", ["clerk"])
    return rt


def test_a_failing_script_becomes_an_incident_with_its_line(clerk: Runtime) -> None:
    rt = clerk
    case = engine.start_case(rt, "service_incident", "carl")
    engine.complete_task(rt, case.open_tasks[0].id, {"divisor": 0, "amount": 100}, "carl")
    failed = engine.get_case(rt, case.id, with_data=False)
    assert failed.status == "error"
    assert failed.incident is not None
    assert failed.incident.element_id == "divide"
    assert failed.incident.line == 1
    assert "noll" in failed.incident.message
    assert failed.open_tasks == []
    assert engine.tasks_for(rt, "carl") == []
    kinds = [e.kind for e in engine.case_events(rt, case.id)]
    assert "incident" in kinds and "task_completed" in kinds


def test_a_failing_service_is_retried_after_its_cause_is_fixed(clerk: Runtime) -> None:
    rt = clerk
    outage = {"down": True}

    def flaky(call: ServiceCall) -> object:
        if outage["down"]:
            raise ConnectionError("bokföringen svarar inte")
        return call.params["value"]

    rt.services.register("test.echo", flaky)
    case = engine.start_case(rt, "service_incident", "carl")
    engine.complete_task(rt, case.open_tasks[0].id, {"divisor": 4, "amount": 100}, "carl")
    failed = engine.get_case(rt, case.id, with_data=False)
    assert failed.status == "error"
    assert failed.incident is not None and failed.incident.element_id == "book"
    assert "bokföringen svarar inte" in failed.incident.message

    outage["down"] = False
    retried = engine.retry_case(rt, case.id, "carl")
    assert retried.status == "running"
    assert retried.incident is None
    assert [t.element_id for t in retried.open_tasks] == ["confirm"]
    assert engine.get_case(rt, case.id).data["booked"] == 25.0


def test_retrying_a_healthy_case_conflicts(clerk: Runtime) -> None:
    case = engine.start_case(clerk, "service_incident", "carl")
    with pytest.raises(Conflict):
        engine.retry_case(clerk, case.id, "carl")


def test_suspend_resume_and_terminate(clerk: Runtime) -> None:
    rt = clerk
    case = engine.start_case(rt, "service_incident", "carl")
    assert engine.set_case_status(rt, case.id, "carl", "suspend", "test").status == "suspended"
    assert engine.tasks_for(rt, "carl") == []
    with pytest.raises(Conflict):
        engine.complete_task(rt, case.open_tasks[0].id, {"divisor": 1, "amount": 1}, "carl")
    assert engine.set_case_status(rt, case.id, "carl", "resume", "test").status == "running"
    ended = engine.set_case_status(rt, case.id, "carl", "terminate", "test")
    assert ended.status == "terminated"
    assert ended.open_tasks == []


@pytest.mark.parametrize(
    "script",
    ["share = amount ** amount ** amount", "share = 0\nwhile True:\n    share = share + 1",
     "share = 'x' * amount * amount * amount", "share = [amount] * (amount ** 5)"],
    ids=["power-bomb", "endless-loop", "string-bomb", "list-bomb"],
)  # fmt: skip
def test_a_script_that_exceeds_its_limits_becomes_an_incident(clerk: Runtime, script: str) -> None:
    rt = clerk
    files = read_scenario("service_incident")
    name = "service_incident.bpmn"
    files[name] = files[name].replace(b"share = amount / divisor", script.encode())
    engine.deploy(rt, files, "admin")
    case = engine.start_case(rt, "service_incident", "carl")
    engine.complete_task(rt, case.open_tasks[0].id, {"divisor": 1, "amount": 1000}, "carl")
    failed = engine.get_case(rt, case.id, with_data=False)
    assert failed.status == "error"
    assert failed.incident is not None and failed.incident.element_id == "divide"


def test_an_incident_suspended_and_resumed_is_still_an_incident(clerk: Runtime) -> None:
    rt = clerk
    engine.add_user(rt, "admin", ["admin"])
    case = engine.start_case(rt, "service_incident", "carl")
    engine.complete_task(rt, case.open_tasks[0].id, {"divisor": 0, "amount": 100}, "carl")

    engine.set_case_status(rt, case.id, "admin", "suspend", "test")
    resumed = engine.set_case_status(rt, case.id, "admin", "resume", "test")

    assert resumed.status == "error"  # the failed task is still there, waiting for a retry
