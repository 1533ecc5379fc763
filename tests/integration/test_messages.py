"""Messages: a non-interrupting event subprocess started at any time by a message."""

from __future__ import annotations

import pytest

import engine
from engine import Conflict, Runtime
from tests.conftest import read_scenario


def test_a_message_starts_the_event_subprocess_and_the_main_task_stays(rt: Runtime) -> None:
    engine.deploy(rt, read_scenario("message_event"), "admin")
    engine.add_user(rt, "clara", ["clerk"])
    case = engine.start_case(rt, "message_event", "clara")
    after = engine.send_message(rt, case.id, "request", {"reason": "Befrielse"}, "clara")
    assert sorted(t.element_id for t in after.open_tasks) == ["handle_request", "work"]
    handle = next(t for t in after.open_tasks if t.element_id == "handle_request")
    engine.complete_task(rt, handle.id, {"note": "Hanterad"}, "clara")
    [received] = [e for e in engine.case_events(rt, case.id) if e.kind == "message_received"]
    assert (received.actor, received.detail["message"]) == ("clara", "request")
    assert received.detail["data"] == {"reason": "Befrielse"}
    with pytest.raises(Conflict, match="väntar inte"):
        engine.send_message(rt, case.id, "no_such_message", {}, "clara")
    work = next(t for t in after.open_tasks if t.element_id == "work")
    engine.complete_task(rt, work.id, {"done": True}, "clara")
    assert engine.get_case(rt, case.id, with_data=False).status == "completed"


def test_a_started_event_subprocess_does_not_leak_into_other_cases(rt: Runtime) -> None:
    engine.deploy(rt, read_scenario("message_event"), "admin")
    engine.add_user(rt, "clara", ["clerk"])
    first = engine.start_case(rt, "message_event", "clara")
    engine.send_message(rt, first.id, "request", {}, "clara")
    second = engine.start_case(rt, "message_event", "clara")
    assert [t.element_id for t in second.open_tasks] == ["work"]
    engine.complete_task(rt, second.open_tasks[0].id, {"done": True}, "clara")
    assert engine.get_case(rt, second.id, with_data=False).status == "completed"
    for task in engine.get_case(rt, first.id, with_data=False).open_tasks:
        data = {"done": True} if task.element_id == "work" else {"note": "Klar"}
        engine.complete_task(rt, task.id, data, "clara")
    assert engine.get_case(rt, first.id, with_data=False).status == "completed"
