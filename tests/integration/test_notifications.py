"""Reminders and escalations from boundary timers (tests/data/deadline_notices): each fires
once on the virtual clock, reaches the right people, and never fires for a task done in time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

import engine
from engine import Notification, Runtime
from engine.schema import notifications
from tests.conftest import make_runtime, read_scenario

START = engine.to_datetime("2016-01-01T09:00")
PEOPLE = {
    "pia": ["project_leader"],
    "pelle": ["project_leader", "applicant"],
    "lina": ["coordinator"],
    "olof": ["coordinator"],
    "gamla": ["project_leader"],  # deactivated below: never notified
    "admin": ["admin"],
}


@pytest.fixture
def vrt(db_url: str) -> Iterator[Runtime]:
    rt = make_runtime(db_url, clock="virtual")
    engine.set_virtual_time(rt.db, START)
    for name, roles in PEOPLE.items():
        engine.add_user(rt, name, roles, name.capitalize())
    engine.deactivate_user(rt, "admin", "gamla")
    engine.deploy(rt, read_scenario("deadline_notices"), "admin")
    yield rt
    rt.close()


def start(rt: Runtime) -> engine.Case:
    return engine.start_case(rt, "deadline_notices", "lina")


def inbox_of(rt: Runtime, name: str) -> list[Notification]:
    return engine.notifications_for(rt, name, unread_only=False).rows


def everyone(rt: Runtime) -> dict[str, list[str]]:
    """Each person's notification kinds, oldest first, read from the table itself."""
    with rt.db.reading() as conn:
        rows = conn.execute(
            select(notifications.c.recipient, notifications.c.kind).order_by(notifications.c.id)
        ).all()
    found: dict[str, list[str]] = {}
    for recipient, kind in rows:
        found.setdefault(recipient, []).append(kind)
    return found


def advance(rt: Runtime, days: int) -> None:
    engine.advance_clock(rt, START + timedelta(days=days), "s")


def test_the_reminder_reaches_every_holder_of_the_role_once(vrt: Runtime) -> None:
    case = start(vrt)
    advance(vrt, 19)
    assert everyone(vrt) == {}
    advance(vrt, 21)
    assert everyone(vrt) == {"pia": ["reminder"], "pelle": ["reminder"]}
    [note] = inbox_of(vrt, "pia")
    assert note.subject == (
        f"Påminnelse: ”Lämna lägesrapport” i ärende {case.business_key} "
        "ska vara klar senast 31 januari 2016"
    )
    assert "Hör av dig till samordnaren om du behöver mer tid." in note.body
    assert note.created_at == START + timedelta(days=20)
    assert note.case_id == case.id and note.task_id == case.open_tasks[0].id
    assert note.open_task_id == note.task_id  # the reminded task, still open: linked
    assert note.mail_state == "not_needed"  # no SMTP server is configured here
    advance(vrt, 29)
    assert everyone(vrt) == {"pia": ["reminder"], "pelle": ["reminder"]}


def test_a_claimed_task_is_reminded_to_its_assignee_only(vrt: Runtime) -> None:
    case = start(vrt)
    engine.claim_task(vrt, case.open_tasks[0].id, "pelle")
    advance(vrt, 21)
    assert everyone(vrt) == {"pelle": ["reminder"]}


def test_a_deactivated_assignee_is_not_reminded_the_role_is(vrt: Runtime) -> None:
    case = start(vrt)
    engine.claim_task(vrt, case.open_tasks[0].id, "pelle")
    engine.deactivate_user(vrt, "admin", "pelle")
    advance(vrt, 21)
    assert everyone(vrt) == {"pia": ["reminder"]}


def test_the_escalation_reaches_the_coordinators_once_and_the_task_moves_on(
    vrt: Runtime,
) -> None:
    case = start(vrt)
    engine.claim_task(vrt, case.open_tasks[0].id, "pia")
    advance(vrt, 31)
    assert everyone(vrt) == {"pia": ["reminder"], "lina": ["escalation"], "olof": ["escalation"]}
    [note] = inbox_of(vrt, "lina")
    assert (
        note.subject == f"Eskalering: ”Lämna lägesrapport” i ärende {case.business_key} är försenad"
    )
    assert "skulle ha varit klar senast 31 januari 2016. Den hanteras av Pia." in note.body
    open_now = engine.get_case(vrt, case.id, with_data=False).open_tasks
    assert [t.element_id for t in open_now] == ["follow_up"]
    assert note.open_task_id == open_now[0].id  # the cancelled task is gone: their new one
    assert [n.open_task_id for n in inbox_of(vrt, "pia")] == [None]  # nothing left for pia
    advance(vrt, 400)
    assert everyone(vrt) == {"pia": ["reminder"], "lina": ["escalation"], "olof": ["escalation"]}


def test_a_task_completed_in_time_is_neither_reminded_nor_escalated(vrt: Runtime) -> None:
    case = start(vrt)
    advance(vrt, 5)
    engine.complete_task(vrt, case.open_tasks[0].id, {"summary": "Allt enligt plan"}, "pia")
    advance(vrt, 60)
    assert everyone(vrt) == {}
    assert engine.get_case(vrt, case.id, with_data=False).status == "completed"


def test_no_text_names_a_role_id(vrt: Runtime) -> None:
    start(vrt)
    advance(vrt, 31)
    texts = [n.subject + n.body for name in everyone(vrt) for n in inbox_of(vrt, name)]
    assert len(texts) == 4
    for role in ("project_leader", "coordinator", "applicant"):
        assert not any(role in text for text in texts)


def test_people_read_and_mark_only_their_own(vrt: Runtime) -> None:
    start(vrt)
    advance(vrt, 21)
    [mine] = inbox_of(vrt, "pia")
    [theirs] = inbox_of(vrt, "pelle")
    with pytest.raises(engine.NotFound):
        engine.mark_read(vrt, "pia", theirs.id)
    assert engine.unread_count(vrt, "pelle") == 1
    assert engine.mark_read(vrt, "pia", mine.id).read_at == START + timedelta(days=21)
    assert engine.unread_count(vrt, "pia") == 0
    assert engine.notifications_for(vrt, "pia").rows == []
    assert engine.mark_all_read(vrt, "pelle") == 1
    assert engine.mark_all_read(vrt, "pelle") == 0
