"""Where cases wait: open tasks per element of a process and how long they have waited.

Read from the ``human_tasks`` projection only, element by element along the index
``ix_human_tasks_element_state (element_id, state, created_at)``: a count and the oldest
task from the index alone, the median by walking half of it in ``created_at`` order. No
workflow is deserialized, so the cost grows with the open tasks of one element, not with
the number of cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    String,
    and_,
    func,
    or_,
    select,
    type_coerce,
    union_all,
)

from engine.clock import as_utc
from engine.definitions import latest_definition_id
from engine.diagram import Drawing, process_drawing
from engine.models import OPEN_TASK_STATES
from engine.runtime import Runtime
from engine.schema import cases, definitions, human_tasks

_DAY = 86400.0


@dataclass(frozen=True)
class ElementWait:
    """One element's open tasks: how many, the median and the longest wait in days (since
    each task was offered), and when the longest-waiting one was offered."""

    element_id: str
    name: str
    open_tasks: int
    median_days: float
    oldest_days: float
    oldest_since: datetime


@dataclass(frozen=True)
class WaitingMap:
    """The newest version's drawing of a process and, for each of its user tasks that has
    open tasks, an ``ElementWait`` — most open tasks first. ``now``: the engine's time."""

    drawing: Drawing
    now: datetime
    elements: tuple[ElementWait, ...]

    @property
    def open_tasks(self) -> int:
        return sum(e.open_tasks for e in self.elements)


def waiting_by_element(
    rt: Runtime, process_key: str, case_ids: Select[Any] | None = None
) -> WaitingMap:
    """Open tasks per user task of the newest version of ``process_key`` (cases of every
    version count), over all its cases or those whose ``cases.id`` the ``case_ids`` query
    selects. ``NotFound`` if the process is not deployed."""
    with rt.db.reading() as conn:
        now = rt.clock.now(conn)
        drawing = process_drawing(rt, conn, latest_definition_id(conn, process_key))
        shared = _shared_elements(rt, conn, process_key)
        if case_ids is None:
            found = [
                wait
                for element_id in drawing.user_tasks
                if (wait := _element_wait(conn, drawing, element_id, element_id in shared, now))
            ]
        else:
            found = _chosen_waits(conn, drawing, shared, case_ids, now)
    found.sort(key=lambda e: (-e.open_tasks, e.name))
    return WaitingMap(drawing, now, tuple(found))


def _shared_elements(rt: Runtime, conn: Connection, process_key: str) -> set[str]:
    """User task ids that another process's drawing uses too: only tasks at those need their
    case's process looked up (elsewhere the element id alone says which process it is)."""
    others = conn.execute(
        select(definitions.c.id).where(definitions.c.process_key != process_key)
    ).scalars()
    return {task for d in others for task in process_drawing(rt, conn, d).user_tasks}


def _of_process(process_key: str) -> ColumnElement[bool]:
    return human_tasks.c.case_id.in_(
        select(cases.c.id)
        .join(definitions, definitions.c.id == cases.c.definition_id)
        .where(definitions.c.process_key == process_key)
    )


def _element_wait(
    conn: Connection, drawing: Drawing, element_id: str, shared: bool, now: datetime
) -> ElementWait | None:
    """All open tasks at one element, from the index: count and oldest, then the median by
    walking half of it (one arm per state, each in index order, merged rather than sorted)."""
    where: list[ColumnElement[bool]] = [human_tasks.c.element_id == element_id]
    if shared:
        where.append(_of_process(drawing.process_key))
    count, oldest = conn.execute(
        select(func.count(), func.min(human_tasks.c.created_at)).where(
            human_tasks.c.state.in_(OPEN_TASK_STATES), *where
        )
    ).one()
    if not count:
        return None
    arms = [
        select(human_tasks.c.created_at.label("at")).where(human_tasks.c.state == state, *where)
        for state in OPEN_TASK_STATES
    ]
    merged = union_all(*arms).subquery()
    middle = conn.execute(
        select(merged.c.at).order_by(merged.c.at).limit(2 - count % 2).offset((count - 1) // 2)
    ).scalars()
    return _summary(drawing, element_id, int(count), as_utc(oldest), list(middle), now)


def _chosen_waits(
    conn: Connection, drawing: Drawing, shared: set[str], case_ids: Select[Any], now: datetime
) -> list[ElementWait]:
    """The open tasks of the chosen cases, in one statement (so the choice is evaluated once),
    counted and ranked here."""
    own = [e for e in drawing.user_tasks if e not in shared]
    at_element: ColumnElement[bool] = human_tasks.c.element_id.in_(own)
    if shared & set(drawing.user_tasks):
        at_shared = human_tasks.c.element_id.in_(sorted(shared & set(drawing.user_tasks)))
        at_element = or_(at_element, and_(at_shared, _of_process(drawing.process_key)))
    where = [
        human_tasks.c.state.in_(OPEN_TASK_STATES),
        at_element,
        human_tasks.c.case_id.in_(case_ids),
    ]
    # Times as the driver gives them (SQLite: fixed-width ISO text, which sorts as time does),
    # converted only when picked: converting every row costs more than the query.
    raw_time = type_coerce(human_tasks.c.created_at, String)
    offered: dict[str, list[Any]] = {}
    rows = conn.execute(select(human_tasks.c.element_id, raw_time).where(*where)).all()
    for element_id, at in rows:
        offered.setdefault(element_id, []).append(at)
    found = []
    for element_id, times in offered.items():
        times.sort()
        count = len(times)
        middle = [_time(at) for at in times[(count - 1) // 2 : count // 2 + 1]]
        found.append(_summary(drawing, element_id, count, _time(times[0]), middle, now))
    return found


def _time(value: datetime | str) -> datetime:
    return as_utc(datetime.fromisoformat(value) if isinstance(value, str) else value)


def _summary(
    drawing: Drawing,
    element_id: str,
    count: int,
    oldest: datetime,
    middle: list[datetime],
    now: datetime,
) -> ElementWait:
    """``middle``: the one or two middle offer times (an odd or even count)."""
    waits = [_days(now, as_utc(at)) for at in middle]
    return ElementWait(
        element_id=element_id, name=drawing.names[element_id], open_tasks=count,
        median_days=sum(waits) / len(waits), oldest_days=_days(now, oldest), oldest_since=oldest,
    )  # fmt: skip


def _days(now: datetime, since: datetime) -> float:
    return max((now - since).total_seconds(), 0.0) / _DAY
