"""The event log for audit exports: every event of the chosen cases, case by case, with the
case's key, title and process, and the step's name — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC

import pytest

import engine
from engine import CaseFilter, Runtime
from engine import eventlog as eventlog_module
from tests.conftest import read_scenario

IDEA = {"title": "Läxhjälp", "amount": 1200, "category": "prevention"}


def review_cases(rt: Runtime) -> list[engine.Case]:
    """Three review_loop cases: one completed, one waiting for review, one just started."""
    engine.deploy(rt, read_scenario("review_loop"), "admin")
    engine.add_user(rt, "anna", ["applicant"])
    engine.add_user(rt, "greta", ["reviewer"])
    started = [engine.start_case(rt, "review_loop", "anna", {"title": t})
               for t in ("Läxhjälp", "Simskola", "Fritidsgård")]  # fmt: skip
    for case, title in zip(started[:2], ("Läxhjälp", "Simskola"), strict=True):
        [idea] = [t for t in engine.tasks_for(rt, "anna") if t.case_id == case.id]
        engine.claim_task(rt, idea.id, "anna")
        engine.complete_task(rt, idea.id, {**IDEA, "title": title}, "anna")
    [review] = [t for t in engine.tasks_for(rt, "greta") if t.case_id == started[0].id]
    engine.complete_task(rt, review.id, {"decision": "approve"}, "greta")
    return started


def test_the_log_holds_every_event_of_every_case_in_order(rt: Runtime) -> None:
    started = review_cases(rt)
    log = list(engine.event_log(rt))
    assert [e.case_id for e in log] == sorted(e.case_id for e in log)
    for case in started:
        trail = engine.case_events(rt, case.id)
        mine = [e for e in log if e.case_id == case.id]
        assert [(e.id, e.kind, e.actor, e.at) for e in mine] == [
            (e.id, e.kind, e.actor, e.at) for e in trail
        ]
        assert {(e.business_key, e.process_key, e.process_version) for e in mine} == {
            (case.business_key, "review_loop", 1)
        }
    first = [e for e in log if e.case_id == started[0].id]
    assert first[0].kind == "case_started" and first[0].step == ""
    assert first[0].title == "Läxhjälp"
    assert all(e.at.tzinfo is not None and e.at.utcoffset() == UTC.utcoffset(None) for e in log)
    steps = {(e.kind, e.element_id): e.step for e in first if e.task_id}
    assert steps[("task_claimed", "submit_idea")] == "Lämna in idé"
    assert steps[("task_completed", "review")] == "Granska idé"
    completed = [e for e in first if e.kind == "task_completed" and e.element_id == "submit_idea"]
    assert completed[0].detail["data"]["amount"] == 1200


def test_a_filter_narrows_the_log_to_its_cases(rt: Runtime) -> None:
    started = review_cases(rt)
    done = {e.case_id for e in engine.event_log(rt, CaseFilter(status="completed"))}
    assert done == {started[0].id}
    found = {e.business_key for e in engine.event_log(rt, CaseFilter(q="sim"))}
    assert found == {started[1].business_key}
    assert list(engine.event_log(rt, CaseFilter(process="no_such_process"))) == []
    offered = {e.case_id for e in engine.event_log(rt, CaseFilter(role="applicant"))}
    assert offered == {started[2].id}


def test_one_case_by_id(rt: Runtime) -> None:
    started = review_cases(rt)
    only = list(engine.event_log(rt, case_id=started[1].id))
    assert {e.case_id for e in only} == {started[1].id}
    assert len(only) == len(engine.case_events(rt, started[1].id))
    with pytest.raises(engine.NotFound):
        list(engine.event_log(rt, case_id=999_999))


def test_small_chunks_give_the_same_log(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    review_cases(rt)
    whole = [e.id for e in engine.event_log(rt)]
    monkeypatch.setattr(eventlog_module, "CASE_CHUNK", 2)
    monkeypatch.setattr(eventlog_module, "EVENT_CHUNK", 3)
    assert [e.id for e in engine.event_log(rt)] == whole
    assert len(whole) > 2 * 3
