"""``/api/v1/tasks``: the inbox, one task with its form, and claiming, releasing and completing.

A task the caller may not see is a 404 (403 if they may read its case); the engine decides
whether they may act on it (its roles) and answers a conflict (done, held by another) itself.
"""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

import engine
from engine import InboxQuery
from web.api import access
from web.api.auth import caller
from web.api.schemas import (
    CaseOut,
    CompleteTask,
    DraftOut,
    InboxItem,
    NextTasks,
    TaskDetail,
    TaskList,
    TaskOut,
    TaskQuery,
)
from web.api.spec import endpoint
from web.context import runtime

TASK = "/tasks/<uuid:task_id>"
SCOPES = {"all": "all", "mine": "mine", "group": "unclaimed"}


@endpoint("/tasks", ok={200: TaskList}, errors=(422,), tag="Uppgifter")
def inbox(query: TaskQuery) -> TaskList:
    """Min inkorg: uppgifter jag har tagit och lediga uppgifter för mina roller."""
    due = "overdue" if query.overdue else "due" if query.dated else ""
    wanted = InboxQuery(
        scope=cast(Any, SCOPES[query.scope]), step=query.step, role=query.role,
        due=cast(Any, due), sort=query.sort, descending=query.descending, page=query.page,
        page_size=query.page_size,
    )  # fmt: skip
    page = engine.inbox(runtime(), caller().name, wanted)
    return TaskList(
        items=[InboxItem.of_row(row) for row in page.rows], total=page.total, page=page.page,
        page_size=page.page_size,
    )  # fmt: skip


@endpoint(TASK, ok={200: TaskDetail}, errors=(403, 404), tag="Uppgifter")
def get_task(task_id: UUID) -> TaskDetail:
    """En uppgift med sitt formulär (JSON Schema), ärendets värden för det och mitt utkast."""
    rt, user = runtime(), caller()
    access.visible_task(rt, user, str(task_id))
    view = engine.task_view(rt, str(task_id), user.name)
    fields = (view.schema or {}).get("properties") or {}
    values = view.form_values
    data = {key: values[key] for key in fields if key in values}
    return TaskDetail(
        **TaskOut.of(view.task).model_dump(), form_schema=view.schema, data=data,
        draft=DraftOut.of(view.draft), may_act=view.may_act, case=CaseOut.of(view.case),
    )  # fmt: skip


@endpoint(f"{TASK}/claim", "POST", ok={200: TaskOut}, errors=(403, 404, 409), tag="Uppgifter")
def claim(task_id: UUID) -> TaskOut:
    """Ta uppgiften, så att ingen annan arbetar med den."""
    rt, user = runtime(), caller()
    access.visible_task(rt, user, str(task_id))
    return TaskOut.of(engine.claim_task(rt, str(task_id), user.name))


@endpoint(f"{TASK}/unclaim", "POST", ok={200: TaskOut}, errors=(403, 404, 409), tag="Uppgifter")
def unclaim(task_id: UUID) -> TaskOut:
    """Släpp uppgiften tillbaka till gruppen."""
    rt, user = runtime(), caller()
    access.visible_task(rt, user, str(task_id))
    return TaskOut.of(engine.unclaim_task(rt, str(task_id), user.name))


@endpoint(
    f"{TASK}/complete", "POST", ok={200: NextTasks}, errors=(403, 404, 409), tag="Uppgifter",
    body="json",
)  # fmt: skip
def complete(task_id: UUID, json: CompleteTask) -> NextTasks:
    """Slutför uppgiften med formulärets svar; svaret är ärendets öppna uppgifter efteråt."""
    rt, user = runtime(), caller()
    task = access.visible_task(rt, user, str(task_id))
    following = engine.complete_task(rt, task.id, json.data, user.name, json.case_version)
    return NextTasks(case_id=task.case_id, open_tasks=[TaskOut.of(t) for t in following])
