"""Timers: armed when a case waits, fired once when due, re-armed, cancelled, surviving restarts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

import engine
from engine import Runtime
from engine.durations import LOCAL
from tests.conftest import make_runtime, read_scenario

START = engine.to_datetime("2016-01-01T09:00")


@pytest.fixture
def vrt(db_url: str) -> Iterator[Runtime]:
    rt = make_runtime(db_url, clock="virtual")
    engine.set_virtual_time(rt.db, START)
    for name, roles in {"clerk": ["clerk"], "boss": ["manager"], "pl": ["project_leader"],
                        "council": ["council"]}.items():  # fmt: skip
        engine.add_user(rt, name, roles)
    yield rt
    rt.close()


def start(rt: Runtime, scenario: str, data: dict[str, object] | None = None) -> engine.Case:
    engine.deploy(rt, read_scenario(scenario), "admin")
    return engine.start_case(rt, scenario, "clerk", data)


def fired_events(rt: Runtime, case_id: int) -> list[engine.Event]:
    return [e for e in engine.case_events(rt, case_id) if e.kind == "timer_fired"]


def open_elements(rt: Runtime, case_id: int) -> list[str]:
    return sorted(t.element_id for t in engine.get_case(rt, case_id, with_data=False).open_tasks)


def test_a_duration_timer_fires_once_when_due(vrt: Runtime) -> None:
    case = start(vrt, "timer_catch")
    assert case.status == "waiting"
    [timer] = engine.list_timers(vrt, case_id=case.id)
    assert (timer.kind, timer.position, timer.due_at) == (
        "duration",
        "catch",
        START + timedelta(hours=1),
    )

    assert engine.sweep(vrt, "s1").fired == 0
    engine.set_virtual_time(vrt.db, START + timedelta(minutes=59))
    assert engine.sweep(vrt, "s1").fired == 0
    engine.set_virtual_time(vrt.db, START + timedelta(hours=1))
    assert engine.sweep(vrt, "s1").fired == 1
    assert engine.sweep(vrt, "s1").fired == 0

    assert open_elements(vrt, case.id) == ["follow_up"]
    assert engine.get_case(vrt, case.id).data["waited"] is True
    [event] = fired_events(vrt, case.id)
    assert event.detail["by"] == "s1"
    assert event.detail["due_at"] == (START + timedelta(hours=1)).isoformat()
    assert engine.list_timers(vrt, state="fired", case_id=case.id)[0].fired_count == 1


def test_a_timer_set_before_a_restart_fires_after_it(vrt: Runtime, db_url: str) -> None:
    case = start(vrt, "timer_catch")
    vrt.close()
    restarted = make_runtime(db_url, clock="virtual")
    result = engine.advance_clock(restarted, START + timedelta(days=1), "after-restart")
    assert result.fired == 1
    assert open_elements(restarted, case.id) == ["follow_up"]
    restarted.close()


def test_a_date_timer_fires_on_its_date(vrt: Runtime) -> None:
    case = start(vrt, "timer_date", {"review_date": "2016-03-01"})
    [timer] = engine.list_timers(vrt, case_id=case.id)
    assert timer.due_at == engine.to_datetime("2016-03-01")
    engine.advance_clock(vrt, engine.to_datetime("2016-02-29T23:59"), "s")
    assert open_elements(vrt, case.id) == []
    engine.advance_clock(vrt, engine.to_datetime("2016-03-02"), "s")
    assert open_elements(vrt, case.id) == ["review_now"]


def test_a_yearly_review_over_ten_years_comes_ten_times_on_new_years_day(vrt: Runtime) -> None:
    case = start(vrt, "yearly_review")
    engine.advance_clock(vrt, engine.to_datetime("2027-06-01"), "s")
    reviews = [t for t in engine.get_case(vrt, case.id, with_data=False).open_tasks
               if t.element_id == "annual_review"]  # fmt: skip
    dates = [t.created_at.astimezone(LOCAL).date().isoformat() for t in reviews]
    assert dates == [f"{year}-01-01" for year in range(2017, 2027)]
    assert "run_project" in open_elements(vrt, case.id)
    assert len(fired_events(vrt, case.id)) == 10


def test_an_overdue_cycle_fires_once_not_once_per_missed_year(vrt: Runtime) -> None:
    case = start(vrt, "yearly_review")
    engine.set_virtual_time(vrt.db, engine.to_datetime("2021-06-01"))  # the scheduler was away
    assert engine.sweep(vrt, "s").fired == 1
    assert open_elements(vrt, case.id).count("annual_review") == 1
    [timer] = engine.list_timers(vrt, case_id=case.id)
    assert timer.due_at == engine.to_datetime("2022-01-01T09:00")


def test_an_interrupting_boundary_timer_cancels_the_task_and_escalates(vrt: Runtime) -> None:
    case = start(vrt, "boundary_timers")
    assert open_elements(vrt, case.id) == ["prepare"]
    engine.advance_clock(vrt, START + timedelta(days=15), "s")
    assert open_elements(vrt, case.id) == ["escalate"]
    kinds = [e.kind for e in engine.case_events(vrt, case.id)]
    assert "task_cancelled" in kinds and "timer_fired" in kinds


def test_a_non_interrupting_boundary_timer_adds_a_reminder(vrt: Runtime) -> None:
    case = start(vrt, "boundary_timers")
    engine.complete_task(vrt, case.open_tasks[0].id, {"memo": "Klart"}, "clerk")
    engine.advance_clock(vrt, START + timedelta(days=8), "s")
    assert open_elements(vrt, case.id) == ["decide", "reminder"]


def test_completing_the_task_first_cancels_its_timer(vrt: Runtime) -> None:
    case = start(vrt, "boundary_timers")
    engine.complete_task(vrt, case.open_tasks[0].id, {"memo": "I tid"}, "clerk")
    cancelled = engine.list_timers(vrt, state="cancelled", case_id=case.id)
    assert [t.element_id for t in cancelled] == ["deadline"]
    engine.advance_clock(vrt, START + timedelta(days=6), "s")
    assert open_elements(vrt, case.id) == ["decide"]


def test_a_terminated_case_never_fires_its_timer(vrt: Runtime) -> None:
    case = start(vrt, "timer_catch")
    engine.set_case_status(vrt, case.id, "clerk", "terminate", "test")
    assert engine.advance_clock(vrt, START + timedelta(days=2), "s").fired == 0
    assert [t.state for t in engine.list_timers(vrt, state=None, case_id=case.id)] == ["cancelled"]


def test_a_suspended_case_fires_its_overdue_timer_once_resumed(vrt: Runtime) -> None:
    case = start(vrt, "timer_catch")
    engine.set_case_status(vrt, case.id, "clerk", "suspend", "test")
    engine.set_virtual_time(vrt.db, START + timedelta(days=2))
    assert engine.sweep(vrt, "s").fired == 0
    engine.set_case_status(vrt, case.id, "clerk", "resume", "test")
    assert engine.sweep(vrt, "s").fired == 1


def test_a_bad_timer_expression_becomes_an_incident(vrt: Runtime) -> None:
    files = read_scenario("timer_catch")
    files["timer_catch.bpmn"] = files["timer_catch.bpmn"].replace(b'"PT1H"', b'"P1Q"')
    engine.deploy(vrt, files, "admin")
    case = engine.start_case(vrt, "timer_catch", "clerk")
    assert case.status == "error"
    failed = engine.get_case(vrt, case.id, with_data=False)
    assert failed.incident is not None and "varaktighet" in failed.incident.message
    assert engine.sweep(vrt, "s").fired == 0


def test_a_timer_already_due_when_reached_fires_in_the_same_step(vrt: Runtime) -> None:
    case = start(vrt, "timer_date", {"review_date": "2015-06-01"})  # before the clock's now
    assert case.status == "running"
    assert [t.element_id for t in case.open_tasks] == ["review_now"]
    assert engine.list_timers(vrt, case_id=case.id) == []
    [fired] = engine.list_timers(vrt, state="fired", case_id=case.id)
    assert (fired.element_id, fired.fired_count) == ("wait_until", 1)
    [event] = fired_events(vrt, case.id)
    assert event.detail["on_arrival"] is True
