"""One change to one case, in one transaction: lock, load, act, save projections and events.

``CaseStep`` is what start/complete/retry/timer code uses. Saving writes the serialized
workflow with a version check, brings ``human_tasks`` in line with the workflow's ready user
tasks, sets status and stage, and appends the step's events — all before the commit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from engine.bpmn.run import StepFailed, Workflow
from engine.bpmn.scripts import script_engine
from engine.bpmn.store import load_spec
from engine.definitions import DefinitionBody, definition_body
from engine.errors import Conflict, NotFound
from engine.models import OPEN_TASK_STATES, CaseStatus, TaskState
from engine.runtime import Runtime
from engine.schema import cases, events, human_task_roles, human_tasks

STAGE_DONE = "Avslutad"
SYSTEM = "system"


def lock_case(conn: Connection, case_id: int) -> Row[Any]:
    """Read a case row under a write lock.

    PostgreSQL: ``FOR UPDATE``; SQLite: the transaction's ``BEGIN IMMEDIATE`` already holds it.
    """
    row = conn.execute(select(cases).where(cases.c.id == case_id).with_for_update()).one_or_none()
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

    @classmethod
    def open(cls, rt: Runtime, conn: Connection, case_id: int) -> CaseStep:
        row = lock_case(conn, case_id)
        body = definition_body(rt, conn, row.definition_id)
        engine = script_engine(rt.functions, rt.services, conn, case_id)
        workflow = Workflow.load(row.workflow, load_spec(body.spec_json), engine)
        return cls(rt, conn, row, body, workflow, rt.clock.now())

    @property
    def case_id(self) -> int:
        return int(self.row.id)

    def require_status(self, *allowed: CaseStatus) -> None:
        if self.row.status not in allowed:
            raise Conflict(f"Ärendet {self.row.business_key} har status {self.row.status}.")

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

    def run(self, action: Any = None) -> StepFailed | None:
        """Run ``action`` (if any) and then the engine; a failure becomes the case's incident."""
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
        """Persist workflow, projections and events; return the case's new version."""
        ready = self.workflow.ready_user_tasks()
        self._sync_tasks(ready)
        status = status or self._status(ready, failed)
        stage = self._stage(ready, status)
        incident = _incident_json(failed, self.now) if status == CaseStatus.ERROR else None
        version = int(self.row.version) + 1
        result = self.conn.execute(
            update(cases)
            .where(cases.c.id == self.case_id, cases.c.version == self.row.version)
            .values(
                workflow=self.workflow.dump(), version=version, status=status.value,
                stage=stage[:255], incident=incident, updated_at=self.now,
                ended_at=self.now if status in (CaseStatus.COMPLETED, CaseStatus.TERMINATED)
                else None,
            )
        )  # fmt: skip
        if result.rowcount != 1:
            raise Conflict("Ärendet ändrades samtidigt av någon annan; försök igen.")
        if status == CaseStatus.COMPLETED and self.row.status != CaseStatus.COMPLETED:
            self.event("case_completed", SYSTEM)
        if self.pending_events:
            self.conn.execute(insert(events), self.pending_events)
            self.pending_events.clear()
        return version

    def _status(self, ready: list[Any], failed: StepFailed | None) -> CaseStatus:
        if failed is not None or self.workflow.has_failed_task:
            return CaseStatus.ERROR
        if self.workflow.is_completed:
            return CaseStatus.COMPLETED
        return CaseStatus.RUNNING if ready else CaseStatus.WAITING

    def _stage(self, ready: list[Any], status: CaseStatus) -> str:
        if status == CaseStatus.COMPLETED:
            return STAGE_DONE
        names = [t.name for t in ready] or self.workflow.waiting_names()
        return ", ".join(dict.fromkeys(n for n in names if n))

    def _sync_tasks(self, ready: list[Any]) -> None:
        open_rows = self.conn.execute(
            select(human_tasks.c.id, human_tasks.c.element_id).where(
                human_tasks.c.case_id == self.case_id, human_tasks.c.state.in_(OPEN_TASK_STATES)
            )
        ).all()
        known = {r.id for r in open_rows}
        ready_ids = {t.id for t in ready}
        for row in open_rows:
            if row.id not in ready_ids:
                self.conn.execute(
                    update(human_tasks)
                    .where(human_tasks.c.id == row.id)
                    .values(state=TaskState.CANCELLED.value, completed_at=self.now)
                )
                self.event("task_cancelled", SYSTEM, row.id, row.element_id)
        for task in ready:
            if task.id not in known:
                self._insert_task(task)

    def _insert_task(self, task: Any) -> None:
        info = self.body.user_task(task.element_id)
        self.conn.execute(
            insert(human_tasks).values(
                id=task.id, case_id=self.case_id, element_id=task.element_id,
                name=info.get("name") or task.name or task.element_id,
                state=TaskState.READY.value, form=info.get("form"), created_at=self.now,
            )
        )  # fmt: skip
        roles = info.get("roles") or []
        if roles:
            self.conn.execute(
                insert(human_task_roles), [{"task_id": task.id, "role": r} for r in roles]
            )
        self.event("task_created", SYSTEM, task.id, task.element_id, roles=roles)


def _incident_json(failed: StepFailed | None, now: datetime) -> str | None:
    if failed is None:
        return None
    return json.dumps(
        {"task_id": failed.task_id, "element_id": failed.element_id, "line": failed.line,
         "message": failed.message, "at": now.isoformat()},
        ensure_ascii=False,
    )  # fmt: skip
