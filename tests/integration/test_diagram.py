"""A case on its diagram: the path it has taken (also where SpiffWorkflow's own query misses
it), what it waits for, and its incident — each as the exact element ids the map marks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import engine
from engine import NotFound, Runtime
from tests.conftest import make_runtime, read_scenario


@pytest.fixture
def vrt(db_url: str) -> Iterator[Runtime]:
    rt = make_runtime(db_url, clock="virtual")
    engine.set_virtual_time(rt.db, engine.to_datetime("2016-01-01T09:00"))
    engine.add_user(rt, "clara", ["clerk", "project_leader", "council"], "Clara Ek")
    yield rt
    rt.close()


def start(rt: Runtime, scenario: str) -> engine.Case:
    engine.deploy(rt, read_scenario(scenario), "admin")
    return engine.start_case(rt, scenario, "clara")


def open_at(rt: Runtime, case_id: int, element_id: str) -> engine.HumanTask:
    case = engine.get_case(rt, case_id, with_data=False)
    return next(t for t in case.open_tasks if t.element_id == element_id)


def test_a_review_done_beside_a_waiting_task_is_on_the_path(vrt: Runtime) -> None:
    """The yearly review branches off the project task, which still waits: SpiffWorkflow's
    get_tasks(state=COMPLETED) does not look below it, the map must."""
    case = start(vrt, "yearly_review")
    engine.advance_clock(vrt, engine.to_datetime("2018-06-01"), "clara")
    first = min(
        (t for t in engine.get_case(vrt, case.id, with_data=False).open_tasks
         if t.element_id == "annual_review"), key=lambda t: t.created_at,
    )  # fmt: skip
    engine.complete_task(vrt, first.id, {"assessment": "on_track"}, "clara")

    diagram = engine.case_diagram(vrt, case.id)
    assert diagram.completed == ("annual_review", "review_done", "start")
    assert diagram.flows == (
        "flow_annual_review_to_review_done", "flow_start_to_run_project",
        "flow_yearly_to_annual_review",
    )  # fmt: skip
    assert sorted(t.element_id for t in diagram.current) == ["annual_review", "run_project"]
    [timer] = diagram.timers
    assert (timer.element_id, timer.name) == ("yearly", "Varje år")
    assert timer.due_at == engine.to_datetime("2019-01-01T09:00")  # a year after the start
    assert diagram.incident is None
    assert (diagram.business_key, diagram.status) == (case.business_key, "running")


def test_a_task_done_inside_an_event_subprocess_is_on_the_path(vrt: Runtime) -> None:
    case = start(vrt, "message_event")
    engine.send_message(vrt, case.id, "request", {}, "clara")
    handle = open_at(vrt, case.id, "handle_request")
    engine.claim_task(vrt, handle.id, "clara")
    assert engine.case_diagram(vrt, case.id).completed == ("request_received", "start")
    engine.complete_task(vrt, handle.id, {"note": "Klar"}, "clara")

    diagram = engine.case_diagram(vrt, case.id)
    assert diagram.completed == (
        "handle_request", "on_request", "request_done", "request_received", "start",
    )  # fmt: skip
    assert diagram.flows == ("flow_handle_to_done", "flow_request_to_handle", "flow_start_to_work")
    [work] = diagram.current
    assert (work.element_id, work.roles, work.assignee) == ("work", ("clerk",), None)


def test_a_claimed_task_says_who_holds_it_and_since_when(vrt: Runtime) -> None:
    case = start(vrt, "message_event")
    engine.set_virtual_time(vrt.db, engine.to_datetime("2016-01-04T10:00"))
    engine.claim_task(vrt, case.open_tasks[0].id, "clara")
    [work] = engine.case_diagram(vrt, case.id).current
    assert work.assignee == "clara"
    assert work.created_at == engine.to_datetime("2016-01-01T09:00")
    assert work.claimed_at == engine.to_datetime("2016-01-04T10:00")


def test_an_incident_names_its_element(vrt: Runtime) -> None:
    case = start(vrt, "service_incident")
    engine.complete_task(vrt, case.open_tasks[0].id, {"divisor": 0, "amount": 100}, "clara")
    diagram = engine.case_diagram(vrt, case.id)
    assert diagram.status == "error"
    assert diagram.incident is not None
    assert (diagram.incident.element_id, diagram.incident.line) == ("divide", 1)
    assert "enter" in diagram.completed and "divide" not in diagram.completed
    assert diagram.current == ()


def test_the_drawing_is_the_deployed_file_and_keys_are_looked_up(vrt: Runtime) -> None:
    case = start(vrt, "message_event")
    assert engine.case_id_by_key(vrt, case.business_key) == case.id
    xml = engine.case_bpmn(vrt, case.id)
    assert xml == read_scenario("message_event")["message_event.bpmn"].decode()
    assert engine.process_bpmn(vrt, "message_event") == xml
    with pytest.raises(NotFound):
        engine.case_id_by_key(vrt, "SIF-1999-0001")
    with pytest.raises(NotFound):
        engine.case_diagram(vrt, 999_999)
    with pytest.raises(NotFound):
        engine.case_bpmn(vrt, 999_999)
    with pytest.raises(NotFound):
        engine.process_bpmn(vrt, "no_such_process")
