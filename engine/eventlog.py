"""The event log for process mining and audit exports: every event of the cases a
``CaseFilter`` (or one case id) lets through, in case order and, within a case, in the order
it happened, each with the case's business key, title and process version and the step's name.

It streams: cases are read in chunks by id, and each chunk's events in pages of
``EVENT_CHUNK`` rows, each page in a short read transaction of its own. Memory stays flat at
100 000 cases, and no transaction stays open while the caller writes a file or a response.
The log is append-only, so what a page sees stays true; an event written after its case has
been passed is simply not in this export.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, or_, select

from engine.bpmn.store import element_names, load_spec
from engine.clock import as_utc
from engine.definitions import definition_body
from engine.errors import NotFound
from engine.overview import CaseFilter
from engine.runtime import Runtime
from engine.schema import cases, definitions, events, human_tasks

CASE_CHUNK = 200
EVENT_CHUNK = 2000


@dataclass(frozen=True)
class LogEvent:
    """One row of the audit trail with what a reader needs beside it.

    ``step`` is the human task's name, else the BPMN element's name (its id where it has
    none); empty for events of the case as a whole (started, suspended, …).
    """

    id: int
    case_id: int
    business_key: str
    title: str
    process_key: str
    process_version: int
    at: datetime  # aware, UTC
    actor: str  # a user name, or "system" / a scheduler's id
    kind: str  # case_started, task_created, task_completed, timer_fired, incident, …
    task_id: str | None
    element_id: str | None
    step: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class _CaseRow:
    id: int
    business_key: str
    title: str | None
    definition_id: int
    process_key: str
    version: int


_CASES = select(
    cases.c.id, cases.c.business_key, cases.c.title, cases.c.definition_id,
    definitions.c.process_key, definitions.c.version,
).join(definitions, definitions.c.id == cases.c.definition_id)  # fmt: skip
_EVENTS = select(
    events.c.id, events.c.case_id, events.c.at, events.c.actor, events.c.kind,
    events.c.task_id, events.c.element_id, events.c.detail, human_tasks.c.name.label("task_name"),
).outerjoin(human_tasks, human_tasks.c.id == events.c.task_id)  # fmt: skip


def event_log(
    rt: Runtime,
    case_filter: CaseFilter | None = None,
    case_id: int | None = None,
) -> Iterator[LogEvent]:
    """Every event of the cases ``case_filter`` lets through (all cases when None), or of the
    one case ``case_id`` (``NotFound`` when it does not exist), case by case in id order."""
    with rt.db.reading() as conn:
        now = rt.clock.now(conn)
    if case_id is not None:
        chosen = _CASES.where(cases.c.id == case_id)
    else:
        chosen = (case_filter or CaseFilter()).narrow(_CASES, now)
    after = 0
    while True:
        with rt.db.reading() as conn:
            page = chosen.where(cases.c.id > after).order_by(cases.c.id).limit(CASE_CHUNK)
            chunk = [_CaseRow(*row) for row in conn.execute(page)]
        if not chunk:
            if case_id is not None and after == 0:
                raise NotFound(f"Ärendet {case_id} finns inte.")
            return
        yield from _events_of(rt, chunk)
        if len(chunk) < CASE_CHUNK:
            return
        after = chunk[-1].id


def _events_of(rt: Runtime, chunk: list[_CaseRow]) -> Iterator[LogEvent]:
    """The events of a chunk of cases, page by page (keyset on ``(case_id, id)``)."""
    by_id = {c.id: c for c in chunk}
    ids = list(by_id)
    last_case, last_event = 0, 0
    while True:
        with rt.db.reading() as conn:
            after = or_(
                events.c.case_id > last_case,
                and_(events.c.case_id == last_case, events.c.id > last_event),
            )
            rows = conn.execute(
                _EVENTS.where(events.c.case_id.in_(ids), after)
                .order_by(events.c.case_id, events.c.id)
                .limit(EVENT_CHUNK)
            ).all()
            names = _step_names(rt, conn, {by_id[r.case_id].definition_id for r in rows})
        for row in rows:
            yield _log_event(row, by_id[row.case_id], names)
        if len(rows) < EVENT_CHUNK:
            return
        last_case, last_event = rows[-1].case_id, rows[-1].id


_names: dict[tuple[str, int], dict[str, str]] = {}


def _step_names(
    rt: Runtime, conn: Connection, definition_ids: set[int]
) -> dict[int, dict[str, str]]:
    """Per definition, its elements' names by element id (definitions are immutable)."""
    found = {}
    for definition_id in definition_ids:
        key = (rt.db.url, definition_id)
        if key not in _names:
            spec = definition_body(rt, conn, definition_id).spec_json
            _names[key] = element_names(load_spec(spec))
        found[definition_id] = _names[key]
    return found


def _log_event(row: Any, case: _CaseRow, names: dict[int, dict[str, str]]) -> LogEvent:
    detail = json.loads(row.detail or "{}")
    step = row.task_name or ""
    if not step and row.element_id:
        step = names[case.definition_id].get(row.element_id, "")
    return LogEvent(
        row.id, case.id, case.business_key, case.title or "", case.process_key, case.version,
        as_utc(row.at), row.actor, row.kind, row.task_id, row.element_id, step, detail,
    )  # fmt: skip
