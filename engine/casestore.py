"""One change to one case, in one transaction: lock, load, act, save projections and events.

``CaseStep`` is what start/complete/retry/timer code uses. Saving writes the serialized
workflow with a version check, brings ``human_tasks`` in line with the workflow's ready user
tasks, sets status and stage, and appends the step's events — all before the commit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Row, bindparam, func, insert, select, update

from engine.bpmn.run import StepFailed, Workflow, WorkflowLimits
from engine.bpmn.scripts import script_engine
from engine.bpmn.store import load_spec
from engine.bpmn.timers import WaitingTimer
from engine.datasize import DataRefused, stored_size
from engine.definitions import DefinitionBody, definition_body
from engine.due import due_at
from engine.durations import InvalidTime
from engine.errors import Conflict, NotFound, StepRefused, ValidationFailed
from engine.logs import bind_case
from engine.models import OPEN_TASK_STATES, STATUS_SAID, CaseStatus, HumanTask, TaskState
from engine.runtime import Runtime
from engine.schema import cases, events, human_task_roles, human_tasks
from engine.scripting.guard import ScriptError
from engine.tags import sync_tags, tag_values
from engine.task_roles import RolesFailed, offered_roles
from engine.timer_sync import record_fired_on_arrival, sync_timers

STAGE_DONE = "Avslutad"
SYSTEM = "system"
#: Statuses in which a failure of the case's own step makes it an incident.
_MAY_FAIL = (CaseStatus.RUNNING.value, CaseStatus.WAITING.value, CaseStatus.ERROR.value)


# Built once: every change to a case runs these.
_LOCK_CASE = select(cases).where(cases.c.id == bindparam("case_id")).with_for_update()
_COMPLETE_TASK = (
    update(human_tasks)
    .where(human_tasks.c.id == bindparam("task_id"))
    .values(
        state=TaskState.COMPLETED.value, assignee=bindparam("user"),
        completed_at=bindparam("now"), completed_by=bindparam("user"),
    )
)  # fmt: skip
_CANCEL_TASK = (
    update(human_tasks)
    .where(human_tasks.c.id == bindparam("task_id"))
    .values(state=TaskState.CANCELLED.value, completed_at=bindparam("now"))
)
_SAVE_CASE = (
    update(cases)
    .where(cases.c.id == bindparam("case_id"), cases.c.version == bindparam("old_version"))
    .values(
        workflow=bindparam("workflow"), version=bindparam("new_version"),
        status=bindparam("status"), stage=bindparam("stage"), incident=bindparam("incident"),
        title=bindparam("title"), stage_code=bindparam("stage_code"), due_at=bindparam("due_at"),
        search_text=bindparam("search_text"),
        next_timer_at=bindparam("next_timer_at"),
        updated_at=bindparam("now"), ended_at=bindparam("ended_at"),
    )
)  # fmt: skip
_EARLIEST_DUE = select(func.min(human_tasks.c.due_at)).where(
    human_tasks.c.case_id == bindparam("case_id"), human_tasks.c.state.in_(OPEN_TASK_STATES)
)
_MARK_INCIDENT = (
    update(cases)
    .where(cases.c.id == bindparam("case_id"), cases.c.version == bindparam("old_version"))
    .values(
        status=CaseStatus.ERROR.value, incident=bindparam("incident"),
        version=bindparam("new_version"), updated_at=bindparam("now"),
    )
)  # fmt: skip
_INSERT_TASK = insert(human_tasks)
_INSERT_TASK_ROLES = insert(human_task_roles)
_INSERT_EVENTS = insert(events)


def workflow_limits(rt: Runtime) -> WorkflowLimits:
    settings = rt.settings
    return WorkflowLimits(
        max_instances=settings.max_loop_cardinality, max_data_bytes=settings.max_case_data_bytes
    )


def check_storable(rt: Runtime, data: Mapping[str, Any]) -> None:
    """Refuse data given to a case (start data, a task's answers) that could not be stored."""
    try:
        stored_size([("", "", data)], rt.settings.max_case_data_bytes)
    except DataRefused as refused:
        raise ValidationFailed([], f"Uppgifterna kan inte sparas: {refused.message}.") from None


@contextmanager
def case_transaction(rt: Runtime) -> Iterator[Connection]:
    """The write transaction of one step of a case. When the step's outcome cannot be saved
    (``StepRefused``), everything is rolled back and the case is marked as an incident in a
    transaction of its own; then the refusal is raised to the caller."""
    try:
        with rt.db.transaction() as conn:
            yield conn
    except StepRefused as refused:
        if refused.case_id is not None:
            with rt.db.transaction() as conn:
                mark_incident(conn, rt, refused.case_id, refused.message, refused.element_id)
        raise


def mark_incident(
    conn: Connection, rt: Runtime, case_id: int, message: str, element_id: str | None = None
) -> bool:
    """Put a case in ``error`` with ``message`` without loading its workflow (which may be
    what fails); False when the case is not one that can fail now (suspended, ended)."""
    row = lock_case(conn, case_id)
    if row.status not in _MAY_FAIL:
        return False
    now = rt.clock.now(conn)
    failed = StepFailed("", element_id or "", None, message)
    result = conn.execute(
        _MARK_INCIDENT,
        {"case_id": case_id, "old_version": row.version, "new_version": int(row.version) + 1,
         "incident": _incident_json(failed, now), "now": now},
    )  # fmt: skip
    if result.rowcount != 1:
        raise Conflict("Ärendet ändrades samtidigt av någon annan; försök igen.")
    detail = json.dumps({"line": None, "message": message}, ensure_ascii=False)
    conn.execute(
        _INSERT_EVENTS,
        [{"case_id": case_id, "at": now, "actor": SYSTEM, "kind": "incident", "task_id": None,
          "element_id": element_id, "detail": detail}],
    )  # fmt: skip
    return True


def lock_case(conn: Connection, case_id: int) -> Row[Any]:
    """Read a case row under a write lock.

    PostgreSQL: ``FOR UPDATE``; SQLite: the transaction's ``BEGIN IMMEDIATE`` already holds it.
    """
    row = conn.execute(_LOCK_CASE, {"case_id": case_id}).one_or_none()
    if row is None:
        raise NotFound(f"Ärendet {case_id} finns inte.")
    return row


@dataclass
class CaseStep:
    """A case loaded for change inside an open write transaction."""

    rt: Runtime
    conn: Connection
    row: Row[Any]
    body: DefinitionBody
    workflow: Workflow
    now: datetime
    pending_events: list[dict[str, Any]] = field(default_factory=list)
    # The human_tasks rows open before this step: exactly the workflow's ready user tasks,
    # because every change to either is saved together. Saves a query per step.
    open_before: dict[str, str] = field(default_factory=dict)
    closed: set[str] = field(default_factory=set)
    created: list[HumanTask] = field(default_factory=list)
    timers_before: dict[str, WaitingTimer] = field(default_factory=dict)
    fired_by: str = "engine"  # who fires timers in this step: a scheduler's id, or the engine
    ran: bool = False  # did the engine run in this step (so the data may have changed)?
    tasks_changed: bool = False  # were human tasks offered, completed or withdrawn?

    def __post_init__(self) -> None:
        bind_case(self.row.business_key)  # every line logged while working on it names it

    @classmethod
    def open(cls, rt: Runtime, conn: Connection, case_id: int) -> CaseStep:
        row = lock_case(conn, case_id)
        body = definition_body(rt, conn, row.definition_id)
        engine = script_engine(rt.functions, rt.services, conn, case_id)
        now = rt.clock.now(conn)
        limits = workflow_limits(rt)
        workflow = Workflow.load(row.workflow, load_spec(body.spec_json), engine, now, limits)
        step = cls(rt, conn, row, body, workflow, now)
        ready, timers = workflow.waits()
        step.open_before = {t.id: t.element_id for t in ready}
        step.timers_before = {t.task_id: t for t in timers}
        return step

    @property
    def case_id(self) -> int:
        return int(self.row.id)

    def require_status(self, *allowed: CaseStatus) -> None:
        if self.row.status not in allowed:
            state = STATUS_SAID.get(self.row.status, "har en annan status")
            raise Conflict(f"Ärendet {self.row.business_key} {state}, så det går inte nu.")

    def event(
        self,
        kind: str,
        actor: str,
        task_id: str | None = None,
        element_id: str | None = None,
        **detail: Any,
    ) -> None:
        self.pending_events.append(
            {"case_id": self.case_id, "at": self.now, "actor": actor, "kind": kind,
             "task_id": task_id, "element_id": element_id,
             "detail": json.dumps(detail, default=str, ensure_ascii=False)}
        )  # fmt: skip

    def run(self, action: Any = None, actor: str = SYSTEM) -> StepFailed | None:
        """Run ``action`` (if any) and then the engine as caused by ``actor``; a failure becomes
        the case's incident."""
        self.ran = True
        self.workflow.act_as(actor)
        try:
            if action is not None:
                action()
            self.workflow.run()
        except StepFailed as failed:
            self.event(
                "incident", SYSTEM, failed.task_id or None, failed.element_id or None,
                line=failed.line, message=failed.message,
            )  # fmt: skip
            return failed
        return None

    def save(self, failed: StepFailed | None = None, status: CaseStatus | None = None) -> int:
        """Persist workflow, projections and events; return the case's new version.

        Raises ``StepRefused`` (and writes nothing) when what the step left cannot be stored.
        """
        workflow_text = self._stored_workflow()
        ready, waiting = self.workflow.waits()
        self._sync_tasks(ready)
        timers_after = {t.task_id: t for t in waiting}
        arrived = [t for t in self.workflow.completed_timers if t.task_id not in self.timers_before]
        if arrived:  # due already when the token reached them: they never waited
            record_fired_on_arrival(
                self.conn, self.case_id, arrived, self.now, self.event, self.fired_by
            )
            self.workflow.completed_timers.clear()
        if self.timers_before or timers_after:
            sync_timers(
                self.conn, self.case_id, self.timers_before, timers_after,
                self.workflow.task_finished, self.now, self.event, self.fired_by,
            )  # fmt: skip
            self.timers_before = timers_after
        status = status or self._status(ready, failed)
        stage, stage_code = self._stage(ready, status)
        data = self.workflow.data if self.ran else None  # None: the data did not change
        title = self._title(data)
        if data is not None and self.rt.case_tags:
            sync_tags(self.conn, self.case_id, tag_values(data, self.rt.case_tags))
        incident = _incident_json(failed, self.now) if status == CaseStatus.ERROR else None
        version = int(self.row.version) + 1
        ended = status in (CaseStatus.COMPLETED, CaseStatus.TERMINATED)
        result = self.conn.execute(
            _SAVE_CASE,
            {
                "case_id": self.case_id, "old_version": self.row.version,
                "workflow": workflow_text, "new_version": version,
                "status": status.value, "stage": stage[:255], "incident": incident,
                "title": title, "stage_code": stage_code,
                "search_text": f"{self.row.business_key} {title}".lower()[:300],
                "due_at": self._earliest_due(),
                "next_timer_at": min((t.due_at for t in waiting if t.due_at), default=None),
                "now": self.now, "ended_at": self.now if ended else None,
            },
        )  # fmt: skip
        if result.rowcount != 1:
            raise Conflict("Ärendet ändrades samtidigt av någon annan; försök igen.")
        if status == CaseStatus.COMPLETED and self.row.status != CaseStatus.COMPLETED:
            self.event("case_completed", SYSTEM)
        if self.pending_events:
            self.conn.execute(_INSERT_EVENTS, self.pending_events)
            self.pending_events.clear()
        return version

    def _stored_workflow(self) -> str:
        """The workflow as text, after measuring what a step that ran the engine left behind."""
        element_id, step = self.workflow.last_step_id, self.workflow.last_step_name
        if self.ran and self.rt.settings.prune_finished:
            self.workflow.prune()
        try:
            return self.workflow.dump(self.rt.settings.max_case_data_bytes if self.ran else None)
        except DataRefused as refused:
            reason, element_id, step = refused.message, refused.element_id, refused.step
        except (TypeError, ValueError, RecursionError, OverflowError) as exc:
            reason = f"Ärendets data kan inte sparas ({type(exc).__name__}: {str(exc)[:200]})"
        where = f" i steget {step!r}" if step else ""
        message = f"{reason}{where}. Inget av steget sparades."
        new_case = self.row.version == 0  # a start: there is no case to mark
        raise StepRefused(None if new_case else self.case_id, element_id or None, message)

    def _title(self, data: Mapping[str, Any] | None) -> str:
        """The case's title for lists: its data's ``title`` (e.g. the project's name)."""
        if data is None:
            return str(self.row.title)
        title = data.get("title")
        return " ".join(title.split())[:255] if isinstance(title, str) else str(self.row.title)

    def _due_at(self, task_id: str, element_id: str) -> datetime | None:
        """When a newly offered task is due, if its user task declares it (``engine.due``)."""
        declared = self.body.user_task(element_id).get("due")
        if not declared:
            return None
        try:
            return due_at(declared, self.workflow.task_data(task_id), self.now, self.rt.functions)
        except (InvalidTime, ScriptError) as exc:
            message = getattr(exc, "message", str(exc))
            self.event("due_date_failed", SYSTEM, task_id, element_id, message=message)
            return None

    def _roles(self, task_id: str, element_id: str, info: Mapping[str, Any]) -> list[str]:
        """The roles a newly offered task is for: its ``rolesExpression`` on the task's data
        if it declares one (``engine.task_roles``), else its lane's or candidate groups'. An
        expression that fails offers the lane's roles and says why in the case's history."""
        expression = info.get("roles_expression")
        static = list(info.get("roles") or [])
        if not expression:
            return static
        try:
            data = self.workflow.task_data(task_id)
            return list(offered_roles(expression, data, self.rt.functions))
        except RolesFailed as exc:
            self.event("roles_failed", SYSTEM, task_id, element_id, message=exc.message,
                       roles=static)  # fmt: skip
            return static

    def _status(self, ready: list[Any], failed: StepFailed | None) -> CaseStatus:
        if failed is not None:
            return CaseStatus.ERROR
        # A task goes to ERROR only when a step fails, which every step reports as
        # ``failed``; so only a case stored in error or suspended can hold one already (and
        # a running case is spared a walk over its whole task tree).
        live = (CaseStatus.RUNNING.value, CaseStatus.WAITING.value)
        if self.row.status not in live and self.workflow.has_failed_task:
            return CaseStatus.ERROR
        if ready:
            return CaseStatus.RUNNING
        return CaseStatus.COMPLETED if self.workflow.is_completed else CaseStatus.WAITING

    def _stage(self, ready: list[Any], status: CaseStatus) -> tuple[str, str]:
        """Where the case sits: the names of its current steps, and its stage code (the
        ``stage`` property of the first current element that declares one; else unchanged)."""
        stages: Mapping[str, str] = self.body.meta.get("stages", {})
        if status == CaseStatus.COMPLETED:
            ends = self.workflow.ends_reached()
            return STAGE_DONE, next((stages[e] for e in ends if e in stages), self._old_code)
        nodes = [(t.element_id, t.name) for t in ready]
        code = next((stages[e] for e, _ in nodes if e in stages), None)
        if not nodes or code is None:
            nodes = nodes or self.workflow.waiting_nodes()
            code = next((stages[e] for e, _ in nodes if e in stages), self._old_code)
        return ", ".join(dict.fromkeys(n for _, n in nodes if n)), code

    @property
    def _old_code(self) -> str:
        return str(self.row.stage_code or "")

    def _earliest_due(self) -> datetime | None:
        """The earliest due date of the case's open tasks (read again only if they changed)."""
        if not self.tasks_changed:
            return cast(datetime | None, self.row.due_at)
        return cast(
            datetime | None, self.conn.execute(_EARLIEST_DUE, {"case_id": self.case_id}).scalar()
        )

    def complete_task_row(self, task_id: str, user: str) -> None:
        """Mark a human task completed by ``user`` (the workflow task was completed)."""
        self.tasks_changed = True
        self.conn.execute(_COMPLETE_TASK, {"task_id": task_id, "user": user, "now": self.now})
        self.closed.add(task_id)

    def open_tasks_if_all_new(self) -> list[HumanTask] | None:
        """After ``save``: the open tasks, if this step created all of them (else None)."""
        if {t.id for t in self.created} == set(self.open_before):
            return list(self.created)
        return None

    def _sync_tasks(self, ready: list[Any]) -> None:
        ready_ids = {t.id for t in ready}
        for task_id, element_id in self.open_before.items():
            if task_id not in ready_ids and task_id not in self.closed:
                self.tasks_changed = True
                self.conn.execute(_CANCEL_TASK, {"task_id": task_id, "now": self.now})
                self.event("task_cancelled", SYSTEM, task_id, element_id)
        for task in ready:
            if task.id not in self.open_before:
                self._insert_task(task)
        self.open_before = {t.id: t.element_id for t in ready}
        self.closed.clear()

    def _insert_task(self, task: Any) -> None:
        self.tasks_changed = True
        info = self.body.user_task(task.element_id)
        roles = self._roles(task.id, task.element_id, info)
        values = {
            "id": task.id, "case_id": self.case_id, "element_id": task.element_id,
            "name": info.get("name") or task.name or task.element_id,
            "state": TaskState.READY.value, "roles": ",".join(roles),
            "form": info.get("form"), "created_at": self.now,
            "due_at": self._due_at(task.id, task.element_id),
        }  # fmt: skip
        self.conn.execute(_INSERT_TASK, values)
        if roles:
            self.conn.execute(_INSERT_TASK_ROLES, [{"task_id": task.id, "role": r} for r in roles])
        self.created.append(
            HumanTask(
                id=task.id, case_id=self.case_id, business_key=self.row.business_key,
                element_id=task.element_id, name=values["name"], state=TaskState.READY.value,
                roles=tuple(roles), form=values["form"], assignee=None, created_at=self.now,
                due_at=values["due_at"],
            )
        )  # fmt: skip
        self.event("task_created", SYSTEM, task.id, task.element_id, roles=roles)


def _incident_json(failed: StepFailed | None, now: datetime) -> str | None:
    if failed is None:
        return None
    return json.dumps(
        {"task_id": failed.task_id, "element_id": failed.element_id, "line": failed.line,
         "message": failed.message, "at": now.isoformat()},
        ensure_ascii=False,
    )  # fmt: skip
