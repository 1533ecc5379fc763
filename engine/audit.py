"""The append-only audit trail: what happened to a case, who did it, when."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select

from engine.clock import as_utc
from engine.errors import NotFound
from engine.models import Event
from engine.runtime import Runtime
from engine.schema import cases, events


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


def step_answers(conn: Connection, case_id: int, element_id: str) -> list[dict[str, Any]]:
    """What was submitted at each completion of the user task ``element_id`` in a case, oldest
    first, from its event log, read in the caller's transaction (a later step acting on an
    earlier decision taken inside a subprocess whose data did not reach it)."""
    rows = conn.execute(
        select(events.c.detail)
        .where(
            events.c.case_id == case_id,
            events.c.kind == "task_completed",
            events.c.element_id == element_id,
        )
        .order_by(events.c.id)
    )
    found = []
    for row in rows:
        data = json.loads(row.detail).get("data")
        if isinstance(data, dict):
            found.append(data)
    return found
