"""Keep the ``timers`` table in step with the timer events a case's workflow waits for.

Called by every case save, inside its transaction. Before and after the step the workflow says
which timers wait and when they are due; the difference is what was armed, fired (the timer's
task completed, or a cycle moved on to its next occurrence) or cancelled (the token left).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, insert, text, update

from engine.bpmn.timers import WaitingTimer
from engine.schema import timers

Emit = Callable[..., None]
#: The PostgreSQL channel a save that arms a timer notifies (engine.wakeup listens).
CHANNEL = "sif_timers"

_WHERE_TASK = and_(
    timers.c.case_id == bindparam("p_case"),
    timers.c.task_id == bindparam("p_task"),
    timers.c.state == "waiting",
)
_CLOSE = (
    update(timers)
    .where(_WHERE_TASK)
    .values(
        state=bindparam("p_state"), fired_count=timers.c.fired_count + bindparam("fired"),
        last_fired_at=bindparam("fired_at"), lease_owner=None, lease_until=None,
        updated_at=bindparam("now"),
    )
)  # fmt: skip
_REARM = (
    update(timers)
    .where(_WHERE_TASK)
    .values(
        due_at=bindparam("p_due"), fired_count=timers.c.fired_count + bindparam("fired"),
        last_fired_at=bindparam("fired_at"), lease_owner=None, lease_until=None,
        updated_at=bindparam("now"),
    )
)  # fmt: skip
_ARM = insert(timers)


def sync_timers(
    conn: Connection,
    case_id: int,
    before: Mapping[str, WaitingTimer],
    after: Mapping[str, WaitingTimer],
    finished: Callable[[str], bool],
    now: datetime,
    emit: Emit,
    fired_by: str,
) -> None:
    """Write what changed between ``before`` and ``after``; ``emit`` records audit events."""
    keys = {"p_case": case_id, "now": now}
    for task_id, old in before.items():
        if task_id in after:
            continue
        fired = finished(task_id)
        conn.execute(
            _CLOSE,
            {**keys, "p_task": task_id, "p_state": "fired" if fired else "cancelled",
             "fired": int(fired), "fired_at": now if fired else None},
        )  # fmt: skip
        _record(emit, "timer_fired" if fired else "timer_cancelled", old, now, fired_by)
    armed = [
        t.due_at for k, t in after.items()
        if t.due_at is not None and (k not in before or before[k].due_at != t.due_at)
    ]  # fmt: skip
    if armed:
        announce(conn, min(armed))
    for task_id, new in after.items():
        old_timer = before.get(task_id)
        if old_timer is None:
            conn.execute(_ARM, _arm_values(case_id, new, now))
            _record(emit, "timer_armed", new, now, fired_by)
        elif old_timer.due_at != new.due_at:
            fired = old_timer.due_at is not None and old_timer.due_at <= now
            conn.execute(
                _REARM,
                {**keys, "p_task": task_id, "p_due": new.due_at, "fired": int(fired),
                 "fired_at": now if fired else None},
            )  # fmt: skip
            if fired:
                _record(emit, "timer_fired", old_timer, now, fired_by, next_due=new.due_at)


def announce(conn: Connection, due: datetime) -> None:
    """Tell every listening scheduler a timer is now due at ``due``: delivered when the
    transaction commits, never if it rolls back (PostgreSQL; SQLite's schedulers poll)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_notify(:channel, :due)"),
                     {"channel": CHANNEL, "due": due.isoformat()})  # fmt: skip


def record_fired_on_arrival(
    conn: Connection,
    case_id: int,
    fired: list[WaitingTimer],
    now: datetime,
    emit: Emit,
    fired_by: str,
) -> None:
    """Timers that were already due when the token reached them: a row and an event each."""
    for timer in fired:
        values = {**_arm_values(case_id, timer, now), "state": "fired", "fired_count": 1,
                  "last_fired_at": now}  # fmt: skip
        conn.execute(_ARM, values)
        _record(emit, "timer_fired", timer, now, fired_by, on_arrival=True)


def _arm_values(case_id: int, timer: WaitingTimer, now: datetime) -> dict[str, Any]:
    return {
        "case_id": case_id, "task_id": timer.task_id, "element_id": timer.element_id,
        "name": timer.name or timer.element_id, "kind": timer.kind, "position": timer.position,
        "state": "waiting", "due_at": timer.due_at, "fired_count": 0,
        "created_at": now, "updated_at": now,
    }  # fmt: skip


def _record(
    emit: Emit, kind: str, timer: WaitingTimer, now: datetime, by: str, **extra: Any
) -> None:
    due = timer.due_at.isoformat() if timer.due_at else None
    detail = {
        "timer": timer.name or timer.element_id, "timer_kind": timer.kind,
        "position": timer.position, "due_at": due, "at": now.isoformat(), "by": by,
    }  # fmt: skip
    detail.update({k: v.isoformat() if isinstance(v, datetime) else v for k, v in extra.items()})
    emit(kind, "system", timer.task_id, timer.element_id, **detail)
