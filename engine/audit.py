"""The append-only audit trail: what happened to a case, who did it, when."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from engine.clock import as_utc
from engine.errors import NotFound
from engine.models import OPEN_TASK_STATES, Event
from engine.runtime import Runtime
from engine.schema import cases, events, human_tasks


def case_events(
    rt: Runtime, case_id: int, after_id: int = 0, limit: int | None = 500
) -> list[Event]:
    """Events of a case in the order they happened, after ``after_id``; ``limit=None``: all."""
    with rt.db.reading() as conn:
        if conn.execute(select(cases.c.id).where(cases.c.id == case_id)).scalar() is None:
            raise NotFound(f"Ärendet {case_id} finns inte.")
        rows = conn.execute(
            select(events)
            .where(events.c.case_id == case_id, events.c.id > after_id)
            .order_by(events.c.id)
            .limit(limit)
        )
        return [
            Event(r.id, r.case_id, as_utc(r.at), r.actor, r.kind, r.task_id, r.element_id,
                  json.loads(r.detail))
            for r in rows
        ]  # fmt: skip


def completed_steps(conn: Connection, case_id: int) -> frozenset[str]:
    """The element ids of the user tasks completed in a case so far, from its event log, read
    in the caller's transaction (a form rule checking another case's progress)."""
    rows = conn.execute(
        select(events.c.element_id).where(
            events.c.case_id == case_id, events.c.kind == "task_completed"
        )
    )
    return frozenset(str(r.element_id) for r in rows if r.element_id)


def step_answers(
    conn: Connection, case_id: int, until: datetime | None = None, element_id: str = ""
) -> list[tuple[str, datetime, dict[str, Any]]]:
    """What was answered at each user task completed in a case (only at ``element_id`` when
    given) up to ``until`` (all when None): ``(element id, when, answers)`` oldest first, from
    its event log, read in the caller's transaction (a fund-level report gathering its
    projects' follow-up; a later step acting on a decision taken inside a subprocess whose
    data did not reach it)."""
    query = select(events.c.element_id, events.c.at, events.c.detail).where(
        events.c.case_id == case_id, events.c.kind == "task_completed"
    )
    if until is not None:
        query = query.where(events.c.at <= until)
    if element_id:
        query = query.where(events.c.element_id == element_id)
    found = []
    for element_id, at, detail in conn.execute(query.order_by(events.c.id)):
        data = json.loads(detail).get("data")
        found.append((str(element_id or ""), as_utc(at), data if isinstance(data, dict) else {}))
    return found


def overdue_tasks(conn: Connection, case_id: int, at: datetime) -> list[tuple[str, datetime]]:
    """The case's open tasks whose due date had passed at ``at``: ``(name, due)``, earliest
    first, read in the caller's transaction."""
    rows = conn.execute(
        select(human_tasks.c.name, human_tasks.c.due_at)
        .where(
            human_tasks.c.case_id == case_id,
            human_tasks.c.state.in_(OPEN_TASK_STATES),
            human_tasks.c.due_at < at,
        )
        .order_by(human_tasks.c.due_at)
    )
    return [(str(name), as_utc(due)) for name, due in rows]
