"""What a caller may see and do through the API. Never trust an id from the client.

Tasks, as the engine decides (``engine.get_task``): a person sees a task offered to one of
their roles (open or done), or one they hold or completed; they act on it with one of its
roles.

Cases: a person reads a case they started, one with a task they hold or completed, and one
with a task (open or done) offered to one of their roles — so every case whose tasks they
may see. ``admin`` and ``auditor`` read every case. Only ``admin`` retries, suspends,
resumes or terminates. A case is started by someone who holds a role of one of its
process's tasks, or by ``admin``; a bundle is deployed by ``process_owner`` or ``admin``.

What a caller may not see is answered exactly as what does not exist (404, same message); an
action on what they may see but not do is 403.

The case rules are read from the engine's tables here, because the engine has no "cases
visible to" yet; they belong there when the admin overview needs them too.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, or_, select

import engine
from engine import Case, CaseFilter, CasePage, HumanTask, NotAllowed, NotFound, Runtime, User
from engine.cases import CASE_ROWS, page_of_cases
from engine.definitions import definition_body, latest_definition_id
from engine.schema import cases, human_task_roles, human_tasks
from engine.worklist import load_task, may_see
from web.api.schemas import CaseQuery

ADMIN, AUDITOR, PROCESS_OWNER = "admin", "auditor", "process_owner"
HIDDEN_CASE = "Ärendet finns inte, eller så har du inte tillgång till det."
HIDDEN_TASK = "Uppgiften finns inte, eller så har du inte tillgång till den."


def reads_all_cases(user: User) -> bool:
    return bool(user.roles & {ADMIN, AUDITOR})


def _visible(user: User) -> ColumnElement[bool]:
    """Cases ``user`` may read (for those who do not read them all)."""
    theirs = select(human_tasks.c.case_id).where(
        or_(human_tasks.c.assignee == user.name, human_tasks.c.completed_by == user.name)
    )
    offered = (
        select(human_tasks.c.case_id)
        .join(human_task_roles, human_task_roles.c.task_id == human_tasks.c.id)
        .where(human_task_roles.c.role.in_(sorted(user.roles)))
    )
    return or_(cases.c.started_by == user.name, cases.c.id.in_(theirs), cases.c.id.in_(offered))


def _may_read(conn: Connection, user: User, case_id: int) -> bool:
    if reads_all_cases(user):
        return True
    found = conn.execute(select(cases.c.id).where(cases.c.id == case_id, _visible(user)))
    return found.first() is not None


def readable_case(rt: Runtime, user: User, case_id: int) -> Case:
    """The case, if ``user`` may read it; else ``NotFound`` as if it did not exist."""
    with rt.db.reading() as conn:
        if not _may_read(conn, user, case_id):
            raise NotFound(HIDDEN_CASE)
    try:
        return engine.get_case(rt, case_id, with_data=False)
    except NotFound:
        raise NotFound(HIDDEN_CASE) from None


def administered_case(rt: Runtime, user: User, case_id: int) -> Case:
    """The case, if ``user`` may administer it (``admin``); 403 if they may only read it."""
    case = readable_case(rt, user, case_id)
    if ADMIN not in user.roles:
        raise NotAllowed("Bara en systemadministratör får ändra ett ärendes status.")
    return case


def visible_task(rt: Runtime, user: User, task_id: str) -> HumanTask:
    """The task, if ``user`` may see it; 403 if they may only read its case; else 404."""
    with rt.db.reading() as conn:
        try:
            task = load_task(conn, task_id)
        except NotFound:
            raise NotFound(HIDDEN_TASK) from None
        if may_see(user, task):
            return task
        if _may_read(conn, user, task.case_id):
            raise NotAllowed("Du har inte behörighet till uppgiften.")
    raise NotFound(HIDDEN_TASK)


def readable_cases(rt: Runtime, user: User, query: CaseQuery) -> CasePage:
    """One page of the cases ``user`` may read, filtered as ``query`` asks (the overview's
    ``CaseFilter``, plus the name of the current step)."""
    where: list[ColumnElement[bool]] = []
    if not reads_all_cases(user):
        where.append(_visible(user))
    if query.stage:
        where.append(cases.c.stage == query.stage)
    if query.q:
        text = f"%{query.q.strip()}%"
        where.append(or_(*(column.ilike(text) for column in _SEARCHED)))
    case_filter = CaseFilter(
        stage=query.stage_code or "", status=query.status or "", role=query.role or "",
        overdue=query.overdue, profile=query.profile or "", board=query.board or "",
        year=query.year, process=query.process_key or "", version=query.version,
    )  # fmt: skip
    with rt.db.reading() as conn:
        narrowed = case_filter.narrow(CASE_ROWS.where(*where), rt.clock.now(conn))
        return page_of_cases(conn, narrowed, query.page, query.page_size)


_SEARCHED = (cases.c.business_key, cases.c.title, cases.c.stage)


def may_start(rt: Runtime, user: User, process_key: str) -> bool:
    """Whether ``user`` may start a case of ``process_key`` (``NotFound`` if not deployed)."""
    with rt.db.reading() as conn:
        body = definition_body(rt, conn, latest_definition_id(conn, process_key))
    if ADMIN in user.roles:
        return True
    roles = {r for task in body.meta["user_tasks"].values() for r in task.get("roles") or []}
    return bool(user.roles & roles)


def may_deploy(user: User) -> bool:
    return bool(user.roles & {ADMIN, PROCESS_OWNER})
