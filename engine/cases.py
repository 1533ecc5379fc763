"""Cases: start one, read one, list them, and the administrator's retry/suspend/resume/terminate."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from engine.bpmn.run import MessageNotAwaited, Workflow
from engine.bpmn.scripts import script_engine
from engine.bpmn.store import element_names, load_spec
from engine.casestore import CaseStep, case_transaction, check_storable, workflow_limits
from engine.clock import as_utc
from engine.db import inserted_id
from engine.definitions import definition_body, latest_definition_id
from engine.errors import Conflict, FieldError, NotFound, ValidationFailed
from engine.forms import all_labels
from engine.models import Case, CaseStatus, Incident, Paged
from engine.runtime import Runtime
from engine.schema import business_key_counters, cases, definitions
from engine.users import acting_user
from engine.worklist import open_tasks_of

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def start_case(
    rt: Runtime, process_key: str, actor: str, data: Mapping[str, Any] | None = None
) -> Case:
    """Start a case of the newest version of ``process_key`` and run it to its first wait."""
    check_storable(rt, data or {})
    with case_transaction(rt) as conn:
        now = rt.clock.now(conn)
        acting_user(conn, actor)
        definition_id = latest_definition_id(conn, process_key)
        body = definition_body(rt, conn, definition_id)
        case_id = inserted_id(
            conn.execute(insert(cases).values(
                business_key=_next_business_key(conn, now.year), definition_id=definition_id,
                status=CaseStatus.RUNNING.value, stage="", workflow="", version=0,
                started_by=actor, started_at=now, updated_at=now,
            )
        ))  # fmt: skip
        engine = script_engine(rt.functions, rt.services, conn, case_id)
        compiled, limits = load_spec(body.spec_json), workflow_limits(rt)
        workflow = Workflow.start(compiled, engine, dict(data or {}), now, limits)
        row = conn.execute(select(cases).where(cases.c.id == case_id)).one()
        step = CaseStep(rt, conn, row, body, workflow, now)
        step.event("case_started", actor, process_key=process_key, version=body.version,
                   data=dict(data or {}))  # fmt: skip
        failed = step.run(actor=actor)
        step.save(failed)
        return read_case(conn, case_id, with_data=False)


def business_key_prefix(year: int) -> str:
    """What every business key of a case started in ``year`` begins with: ``SIF-2026-``."""
    return f"SIF-{year}-"


def _next_business_key(conn: Connection, year: int) -> str:
    """``SIF-2026-0001``: a per-year counter, taken in one atomic upsert, so cases started at
    the same moment on several nodes (the first of a year too) each get their own number."""
    upsert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    taken = conn.execute(
        upsert(business_key_counters)
        .values(year=year, last=1)
        .on_conflict_do_update(
            index_elements=[business_key_counters.c.year],
            set_={"last": business_key_counters.c.last + 1},
        )
        .returning(business_key_counters.c.last)
    ).scalar_one()
    return f"{business_key_prefix(year)}{taken:04d}"


def get_case(rt: Runtime, case_id: int, with_data: bool = True) -> Case:
    with rt.db.reading() as conn:
        return read_case(conn, case_id, with_data, rt)


def find_case(rt: Runtime, business_key: str, with_data: bool = True) -> Case:
    """The case ``SIF-2026-0001``; ``NotFound`` if there is none."""
    with rt.db.reading() as conn:
        return read_case(conn, _id_of_key(conn, business_key), with_data, rt)


def case_id_by_key(rt: Runtime, business_key: str) -> int:
    """The id of the case ``SIF-2026-0001``; ``NotFound`` if there is none."""
    with rt.db.reading() as conn:
        return _id_of_key(conn, business_key)


def _id_of_key(conn: Connection, business_key: str) -> int:
    found = conn.execute(select(cases.c.id).where(cases.c.business_key == business_key))
    case_id = found.scalar()
    if case_id is None:
        raise NotFound(f"Ärendet {business_key} finns inte.")
    return int(case_id)


#: A case row with what lists show of its definition.
CASE_ROWS = select(
    cases, definitions.c.process_key, definitions.c.version.label("def_version")
).join(definitions, definitions.c.id == cases.c.definition_id)


def read_case(conn: Connection, case_id: int, with_data: bool, rt: Runtime | None = None) -> Case:
    row = conn.execute(CASE_ROWS.where(cases.c.id == case_id)).one_or_none()
    if row is None:
        raise NotFound(f"Ärendet {case_id} finns inte.")
    data: dict[str, Any] = {}
    if with_data and rt is not None:
        body = definition_body(rt, conn, row.definition_id)
        engine = script_engine(rt.functions, rt.services)
        data = Workflow.load(
            row.workflow, load_spec(body.spec_json), engine, as_utc(row.updated_at)
        ).data
    return to_case(row, open_tasks_of(conn, [case_id]).get(case_id, []), data)


def to_case(row: Any, open_tasks: list[Any], data: dict[str, Any]) -> Case:
    incident = Incident(**json.loads(row.incident)) if row.incident else None
    return Case(
        id=row.id, business_key=row.business_key, process_key=row.process_key,
        definition_version=row.def_version, status=row.status, stage=row.stage,
        version=row.version, started_by=row.started_by, started_at=as_utc(row.started_at),
        title=row.title, stage_code=row.stage_code,
        updated_at=as_utc(row.updated_at),
        ended_at=as_utc(row.ended_at) if row.ended_at else None,
        incident=incident, open_tasks=open_tasks, data=data,
    )  # fmt: skip


@dataclass(frozen=True)
class CasePage(Paged):
    cases: list[Case]
    total: int
    page: int
    page_size: int


def list_cases(
    rt: Runtime,
    status: str | None = None,
    process_key: str | None = None,
    q: str | None = None,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> CasePage:
    """Cases, newest change first, filtered and paged; read from the projection only."""
    query = CASE_ROWS
    if status:
        query = query.where(cases.c.status == status)
    if process_key:
        query = query.where(definitions.c.process_key == process_key)
    if q:
        like = f"%{q.strip()}%"
        query = query.where(
            cases.c.business_key.ilike(like) | cases.c.stage.ilike(like) | cases.c.title.ilike(like)
        )
    with rt.db.reading() as conn:
        return page_of_cases(conn, query, page, page_size)


def page_of_cases(conn: Connection, query: Select[Any], page: int, page_size: int) -> CasePage:
    """One page of the cases ``query`` (``CASE_ROWS`` filtered) finds, newest change first,
    with their open tasks."""
    page, page_size = max(page, 1), min(max(page_size, 1), MAX_PAGE_SIZE)
    total = conn.execute(select(func.count()).select_from(query.subquery())).scalar() or 0
    rows = conn.execute(
        query.order_by(cases.c.updated_at.desc(), cases.c.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    tasks = open_tasks_of(conn, [r.id for r in rows])
    items = [to_case(r, tasks.get(r.id, []), {}) for r in rows]
    return CasePage(items, int(total), page, page_size)


def retry_case(rt: Runtime, case_id: int, actor: str) -> Case:
    """Run the failed task of a case in ``error`` again (after its cause was fixed)."""
    with case_transaction(rt) as conn:
        acting_user(conn, actor)
        step = CaseStep.open(rt, conn, case_id)
        step.require_status(CaseStatus.ERROR)
        step.event("case_retried", actor)
        failed = step.run(step.workflow.retry, actor)
        step.save(failed)
        return read_case(conn, case_id, with_data=False)


def send_message(rt: Runtime, case_id: int, name: str, data: Mapping[str, Any], actor: str) -> Case:
    """Deliver a BPMN message to a case (e.g. "begäran om befrielse" at any time) and run it."""
    check_storable(rt, data)
    with case_transaction(rt) as conn:
        user = acting_user(conn, actor)
        step = CaseStep.open(rt, conn, case_id)
        step.require_status(CaseStatus.RUNNING, CaseStatus.WAITING)
        step.event("message_received", user.name, message=name, data=dict(data))
        payload = {**data, "message_sent_by": user.name}
        try:
            failed = step.run(lambda: step.workflow.deliver_message(name, payload), user.name)
        except MessageNotAwaited:
            raise Conflict(f"Ärendet väntar inte på meddelandet {name!r} nu.") from None
        step.save(failed)
        return read_case(conn, case_id, with_data=False)


_STATUS_EVENTS = {
    "suspend": "case_suspended",
    "resume": "case_resumed",
    "terminate": "case_terminated",
}


def set_case_status(rt: Runtime, case_id: int, actor: str, action: str, reason: str = "") -> Case:
    """``suspend``, ``resume`` or ``terminate`` a case, with an event saying who did it and
    why. ``reason`` is required (``ValidationFailed`` without one)."""
    allowed = {
        "suspend": (CaseStatus.RUNNING, CaseStatus.WAITING, CaseStatus.ERROR),
        "resume": (CaseStatus.SUSPENDED,),
        "terminate": (CaseStatus.RUNNING, CaseStatus.WAITING, CaseStatus.ERROR,
                      CaseStatus.SUSPENDED),
    }  # fmt: skip
    if action not in allowed:
        raise NotFound(f"Okänd åtgärd: {action}")
    reason = " ".join(reason.split())[:2000]
    if not reason:
        raise ValidationFailed([FieldError("reason", "Ange ett skäl.")], "Ange ett skäl.")
    with case_transaction(rt) as conn:
        acting_user(conn, actor)
        step = CaseStep.open(rt, conn, case_id)
        step.require_status(*allowed[action])
        step.event(_STATUS_EVENTS[action], actor, reason=reason)
        if action == "suspend":
            step.save(status=CaseStatus.SUSPENDED)
        elif action == "terminate":
            step.workflow.cancel()
            step.save(status=CaseStatus.TERMINATED)
        else:
            step.save()
        return read_case(conn, case_id, with_data=False)


def definition_of(conn: Connection, case_id: int) -> int:
    """The id of the definition a case runs; ``NotFound`` if there is no such case."""
    found = conn.execute(select(cases.c.definition_id).where(cases.c.id == case_id)).scalar()
    if found is None:
        raise NotFound(f"Ärendet {case_id} finns inte.")
    return int(found)


def step_names(rt: Runtime, case_id: int) -> dict[str, str]:
    """The names of the elements of a case's process by element id (for its timeline)."""
    with rt.db.reading() as conn:
        body = definition_body(rt, conn, definition_of(conn, case_id))
    return element_names(load_spec(body.spec_json))


def case_labels(rt: Runtime, case_id: int) -> dict[str, str]:
    """Swedish titles for the keys of a case's data, from the forms of its definition."""
    with rt.db.reading() as conn:
        body = definition_body(rt, conn, definition_of(conn, case_id))
    return all_labels(body.meta["forms"].values())
