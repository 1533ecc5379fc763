"""What a task page shows beside the form: the task, its form, the case with its data, the
answers given at earlier steps (with their own forms, latest first) and the person's draft.

Read in one transaction after checking that the person may see the task.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from engine.cases import read_case
from engine.clock import as_utc
from engine.definitions import DefinitionBody, definition_body
from engine.drafts import Draft, get_draft
from engine.logs import bind_case
from engine.models import OPEN_TASK_STATES, Case, HumanTask
from engine.runtime import Runtime
from engine.schema import cases, events
from engine.worklist import answered_before, may_act, visible_task


@dataclass(frozen=True)
class Answer:
    """What someone submitted at one step."""

    task_id: str
    element_id: str
    name: str
    completed_by: str
    completed_at: datetime
    schema: dict[str, Any] | None
    data: dict[str, Any]


@dataclass(frozen=True)
class TaskView:
    task: HumanTask
    schema: dict[str, Any] | None
    case: Case
    answers: list[Answer]
    draft: Draft | None
    may_act: bool  # the person holds one of the task's roles
    answers_key: str | None = None  # the task keeps its answers under this name (answersKey)

    @property
    def form_values(self) -> dict[str, Any]:
        """The case's values for this task's form: its own earlier answers when it keeps them
        under one name (so another decision's fields never fill it), with read-only fields
        (facts the form shows) from the case; else the case's data."""
        data = self.case.data or {}
        if not self.answers_key:
            return dict(data)
        fields = (self.schema or {}).get("properties") or {}
        shown = {
            key: data[key]
            for key, spec in fields.items()
            if isinstance(spec, Mapping) and spec.get("readOnly") and key in data
        }
        return {**shown, **answered_before(data, self.answers_key)}


def task_view(rt: Runtime, task_id: str, user_name: str) -> TaskView:
    """Everything the task page shows; ``NotAllowed`` unless the person may see the task."""
    with rt.db.reading() as conn:
        user, task = visible_task(conn, task_id, user_name)
        case = read_case(conn, task.case_id, True, rt)
        bind_case(case.business_key)
        definition_id = conn.execute(
            select(cases.c.definition_id).where(cases.c.id == task.case_id)
        ).scalar_one()
        body = definition_body(rt, conn, definition_id)
        still_open = task.state in OPEN_TASK_STATES
        answers = _answers(conn, body, task.case_id, task.id if still_open else "")
    return TaskView(
        task, body.form(task.form), case, answers, get_draft(rt, task_id, user.name),
        may_act(user, task), body.user_task(task.element_id).get("answers"),
    )  # fmt: skip


def _answers(
    conn: Connection, body: DefinitionBody, case_id: int, except_task: str
) -> list[Answer]:
    rows = conn.execute(
        select(events.c.task_id, events.c.element_id, events.c.actor, events.c.at, events.c.detail)
        .where(events.c.case_id == case_id, events.c.kind == "task_completed")
        .order_by(events.c.id.desc())
    ).all()
    found = []
    for row in rows:
        if row.task_id == except_task:
            continue
        detail = json.loads(row.detail)
        data = detail.get("data")
        if not isinstance(data, dict):  # recorded before whole answers were kept
            data = {key: change[1] for key, change in (detail.get("changes") or {}).items()}
        info = body.user_task(row.element_id or "")
        found.append(
            Answer(
                row.task_id or "", row.element_id or "", str(info.get("name") or row.element_id),
                row.actor,
                as_utc(row.at), body.form(info.get("form")), data,
            )
        )  # fmt: skip
    return found
