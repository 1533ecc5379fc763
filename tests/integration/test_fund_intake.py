"""Intake and registration (DOMAIN S02, S06): the coordinator checks an idea and books it to the
council's next meeting in the fund's calendar — the screening is offered on that day, not
before — and registers a complete application with its case number before review begins."""

from __future__ import annotations

from dataclasses import replace

import pytest

import engine
from engine import Runtime
from tests.integration.fund import offered, open_task
from web.demo.cases import CASE_D, form
from web.demo.replay import advance_to, replay


def _replayed_until(rt: Runtime, element: str) -> int:
    steps = CASE_D.steps[: [s.element for s in CASE_D.steps].index(element)]
    return replay(rt, [replace(CASE_D, steps=steps)])["D"]


def _refused_on(rt: Runtime, task: engine.HumanTask, data: dict[str, str]) -> list[str]:
    """The fields a refused completion names."""
    with pytest.raises(engine.ValidationFailed) as caught:
        engine.complete_task(rt, task.id, data, "lina.nord")
    return [e.path for e in caught.value.errors]


def test_a_complete_idea_waits_for_the_councils_next_meeting(fund_rt: Runtime) -> None:
    case_id = _replayed_until(fund_rt, "intake_idea")  # D's idea came in on 2017-01-20
    advance_to(fund_rt, "2017-01-24")
    intake = open_task(fund_rt, case_id, "intake_idea")
    assert intake.roles == ("coordinator",)
    engine.complete_task(fund_rt, intake.id, form("intake"), "lina.nord")
    assert offered(fund_rt, case_id) == []  # booked: nothing to do until the meeting
    timers = engine.list_timers(fund_rt, case_id=case_id)
    assert [t.due_at.date().isoformat() for t in timers] == ["2017-02-14"]  # 00:00 Swedish time
    advance_to(fund_rt, "2017-02-15")  # the calendar's meeting (DOMAIN §9.1)
    assert offered(fund_rt, case_id) == ["screen_idea"]


def test_an_incomplete_idea_goes_back_to_the_applicant_with_what_is_missing(
    fund_rt: Runtime,
) -> None:
    case_id = _replayed_until(fund_rt, "intake_idea")
    intake = open_task(fund_rt, case_id, "intake_idea")
    assert _refused_on(fund_rt, intake, {"verdict": "incomplete"}) == ["comment"]
    missing = {"verdict": "incomplete", "comment": "Målgruppens storlek saknas."}
    engine.complete_task(fund_rt, intake.id, missing, "lina.nord")
    assert offered(fund_rt, case_id) == ["submit_idea"]


def test_an_application_is_registered_with_its_case_number(fund_rt: Runtime) -> None:
    case_id = _replayed_until(fund_rt, "register_application")
    register = open_task(fund_rt, case_id, "register_application")
    assert _refused_on(fund_rt, register, {"verdict": "complete"}) == ["case_number"]
    bad = {"verdict": "complete", "case_number": "17/112"}
    assert _refused_on(fund_rt, register, bad) == ["case_number"]
    incomplete = {"verdict": "incomplete", "comment": "Nyttorealiseringsplanen saknas."}
    engine.complete_task(fund_rt, register.id, incomplete, "lina.nord")
    assert offered(fund_rt, case_id) == ["draft_application"]
