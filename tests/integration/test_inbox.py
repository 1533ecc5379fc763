"""The inbox as staff use it: due dates, filters, sorting, paging, case titles, my cases,
drafts; and the sign-in lock-out and API tokens the web application stands on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

import engine
from engine import InboxQuery, NotAllowed, Runtime
from tests.conftest import make_runtime, read_scenario

START = engine.to_datetime("2026-03-02T09:00")


@pytest.fixture
def vrt(db_url: str) -> Iterator[Runtime]:
    rt = make_runtime(db_url, clock="virtual")
    engine.set_virtual_time(rt.db, START)
    engine.add_user(rt, "clerk", ["clerk"], "Klara Clerk", password="hemligt-lösen-1")
    engine.add_user(rt, "other", ["clerk"], "Olle Annan")
    engine.add_user(rt, "boss", ["manager"], "Bo Chef")
    engine.deploy(rt, read_scenario("due_dates"), "admin")
    yield rt
    rt.close()


def register(rt: Runtime, title: str, urgent: bool) -> engine.Case:
    case = engine.start_case(rt, "due_dates", "clerk")
    engine.complete_task(rt, case.open_tasks[0].id, {"title": title, "urgent": urgent}, "clerk")
    return engine.get_case(rt, case.id, with_data=False)


def test_a_task_is_due_as_its_user_task_declares(vrt: Runtime) -> None:
    case = engine.start_case(vrt, "due_dates", "clerk")
    [task] = case.open_tasks
    assert task.due_at == START + timedelta(days=14)  # camunda:dueDate="P14D"

    urgent = register(vrt, "Läxhjälp", urgent=True)
    calm = register(vrt, "Fritidsmentorer", urgent=False)

    assert urgent.open_tasks[0].due_at == START + timedelta(days=5)  # an expression on the data
    # Calendar days in Swedish time: still 09:00 after the switch to summer time.
    assert calm.open_tasks[0].due_at == engine.add_duration(START, {"days": 30})
    assert calm.open_tasks[0].due_at == START + timedelta(days=30, hours=-1)
    assert (urgent.title, calm.title) == ("Läxhjälp", "Fritidsmentorer")


def test_overdue_is_a_filter_and_a_flag(vrt: Runtime) -> None:
    register(vrt, "Brådskande", urgent=True)
    register(vrt, "Lugnt", urgent=False)
    engine.set_virtual_time(vrt.db, START + timedelta(days=6))

    overdue = engine.inbox(vrt, "boss", InboxQuery(due="overdue"))
    everything = engine.inbox(vrt, "boss")

    assert [r.case_title for r in overdue.rows] == ["Brådskande"]
    assert overdue.rows[0].overdue
    assert {r.case_title: r.overdue for r in everything.rows} == {
        "Brådskande": True,
        "Lugnt": False,
    }


def test_the_inbox_filters_sorts_and_pages(vrt: Runtime) -> None:
    for number in range(7):
        engine.start_case(vrt, "due_dates", "clerk")
        engine.set_virtual_time(vrt.db, START + timedelta(hours=number + 1))
    cases = register(vrt, "Beslut", urgent=False)
    [mine] = engine.inbox(vrt, "clerk", InboxQuery(page_size=1)).rows
    engine.claim_task(vrt, mine.task.id, "clerk")

    first = engine.inbox(vrt, "clerk", InboxQuery(page_size=3))
    second = engine.inbox(vrt, "clerk", InboxQuery(page_size=3, page=3))
    held = engine.inbox(vrt, "clerk", InboxQuery(scope="mine"))
    unclaimed = engine.inbox(vrt, "other", InboxQuery(scope="unclaimed"))
    newest_first = engine.inbox(vrt, "clerk", InboxQuery(descending=True, page_size=50))

    assert (first.total, first.pages, len(first.rows), len(second.rows)) == (7, 3, 3, 1)
    assert [r.task.id for r in held.rows] == [mine.task.id]
    assert mine.task.id not in {r.task.id for r in unclaimed.rows}
    assert unclaimed.total == 6
    waiting = [r.task.created_at for r in newest_first.rows]
    assert waiting == sorted(waiting, reverse=True)
    assert engine.inbox(vrt, "clerk", InboxQuery(step="decide")).total == 0
    assert engine.inbox(vrt, "boss", InboxQuery(step="decide")).total == 1
    assert engine.inbox(vrt, "boss").steps == [("decide", "Besluta")]
    assert engine.inbox(vrt, "boss", InboxQuery(role="clerk")).total == 0
    assert engine.open_task_count(vrt, "clerk") == 7
    assert cases.open_tasks[0].element_id == "decide"


def test_my_cases_are_those_i_started_or_worked_on(vrt: Runtime) -> None:
    started = engine.start_case(vrt, "due_dates", "clerk")
    worked = register(vrt, "Beslutat av chefen", urgent=True)
    engine.complete_task(vrt, worked.open_tasks[0].id, {"approved": True}, "boss")

    clerks = engine.my_cases(vrt, "clerk")
    bosses = engine.my_cases(vrt, "boss")

    assert {c.id for c in clerks.cases} == {started.id, worked.id}
    assert [(c.id, c.title, c.status) for c in bosses.cases] == [
        (worked.id, "Beslutat av chefen", "completed")
    ]
    assert engine.my_cases(vrt, "other").total == 0


def test_a_draft_is_kept_per_person_and_dropped_when_the_task_is_done(vrt: Runtime) -> None:
    case = engine.start_case(vrt, "due_dates", "clerk")
    task_id = case.open_tasks[0].id

    engine.save_draft(vrt, task_id, "clerk", {"title": "Halvfärdig"})
    engine.save_draft(vrt, task_id, "clerk", {"title": "Nästan klar", "urgent": True})

    draft = engine.get_draft(vrt, task_id, "clerk")
    assert draft is not None and draft.data == {"title": "Nästan klar", "urgent": True}
    assert engine.get_draft(vrt, task_id, "other") is None
    with pytest.raises(NotAllowed):
        engine.save_draft(vrt, task_id, "boss", {"title": "Inte min uppgift"})

    engine.complete_task(vrt, task_id, {"title": "Klar", "urgent": False}, "clerk")
    assert engine.get_draft(vrt, task_id, "clerk") is None
    assert engine.purge_drafts(vrt) == 1
    with pytest.raises(engine.Conflict):
        engine.save_draft(vrt, task_id, "clerk", {"title": "För sent"})


def test_sign_in_locks_after_five_failures_across_processes(db_url: str, vrt: Runtime) -> None:
    other_process = make_runtime(db_url)
    try:
        assert engine.authenticate(vrt, "clerk", "hemligt-lösen-1").name == "clerk"
        for attempt in range(5):
            rt = vrt if attempt % 2 else other_process  # two web processes share the count
            with pytest.raises(NotAllowed):
                engine.authenticate(rt, "clerk", "fel")
        with pytest.raises(NotAllowed) as locked:
            engine.authenticate(other_process, "clerk", "hemligt-lösen-1")
        assert "tillfälligt låst" in locked.value.message
        with pytest.raises(NotAllowed) as unknown:
            engine.authenticate(vrt, "nobody", "fel")
        assert unknown.value.message == "Fel användarnamn eller lösenord."
    finally:
        other_process.close()


def test_a_token_is_shown_once_stored_hashed_and_revocable(vrt: Runtime) -> None:
    token_id, token = engine.create_token(vrt, "clerk", "skript")

    assert engine.user_for_token(vrt, token).name == "clerk"
    [info] = engine.list_tokens(vrt, "clerk")
    assert (info.id, info.label, info.revoked_at) == (token_id, "skript", None)
    assert info.last_used_at is not None

    engine.revoke_token(vrt, token_id)
    with pytest.raises(NotAllowed):
        engine.user_for_token(vrt, token)
    with pytest.raises(NotAllowed):
        engine.user_for_token(vrt, token[:-1] + ("A" if token[-1] != "A" else "B"))
