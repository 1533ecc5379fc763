"""The work inbox as people use it: filtered, sorted and paged, from the projection tables only.

``inbox`` answers "what may I work on now": tasks I hold, and ready tasks offered to one of my
roles, in running cases. Nothing here deserializes a workflow; every filter is a column of
``human_tasks`` or ``cases`` with an index behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, union

from engine.cases import CASE_ROWS, MAX_PAGE_SIZE, CasePage, page_of_cases
from engine.models import CaseStatus, HumanTask, Paged, TaskState, User
from engine.runtime import Runtime
from engine.schema import cases, human_task_roles, human_tasks
from engine.users import acting_user
from engine.worklist import to_tasks

Scope = Literal["all", "mine", "unclaimed"]
Due = Literal["", "overdue", "due"]
SORTS = {
    "waiting": human_tasks.c.created_at,
    "due": human_tasks.c.due_at,
    "case": cases.c.business_key,
    "step": human_tasks.c.name,
}


@dataclass(frozen=True)
class InboxQuery:
    """What the inbox shows. ``step`` is an element id, ``role`` one of the user's roles."""

    scope: Scope = "all"
    step: str = ""
    role: str = ""
    due: Due = ""
    sort: str = "waiting"
    descending: bool = False
    page: int = 1
    page_size: int = 25


@dataclass(frozen=True)
class InboxRow:
    task: HumanTask
    case_title: str
    overdue: bool


@dataclass(frozen=True)
class InboxPage(Paged):
    rows: list[InboxRow]
    total: int
    page: int
    page_size: int
    steps: list[tuple[str, str]]  # (element id, name) of every step in the unfiltered inbox
    roles: list[str]  # the user's roles, to filter by


def _visible(user: User, scope: Scope) -> ColumnElement[bool]:
    """Tasks the user may work on now, narrowed by scope."""
    mine = and_(human_tasks.c.state == TaskState.CLAIMED.value, human_tasks.c.assignee == user.name)
    offered = and_(
        human_tasks.c.state == TaskState.READY.value,
        exists().where(
            human_task_roles.c.task_id == human_tasks.c.id,
            human_task_roles.c.role.in_(sorted(user.roles)),
        ),
    )
    chosen = {"mine": mine, "unclaimed": offered}.get(scope, or_(mine, offered))
    return and_(chosen, cases.c.status == CaseStatus.RUNNING.value)


def _base(columns: list[Any], where: ColumnElement[bool]) -> Select[Any]:
    return select(*columns).select_from(human_tasks.join(cases)).where(where)


def inbox(rt: Runtime, user_name: str, query: InboxQuery = InboxQuery()) -> InboxPage:
    """One page of the user's inbox with the total and the values its filters can take."""
    page_size = min(max(query.page_size, 1), MAX_PAGE_SIZE)
    page = max(query.page, 1)
    with rt.db.reading() as conn:
        user = acting_user(conn, user_name)
        now = rt.clock.now(conn)
        visible = _visible(user, query.scope)
        where = visible
        if query.step:
            where = and_(where, human_tasks.c.element_id == query.step)
        if query.role:
            where = and_(
                where,
                exists().where(
                    human_task_roles.c.task_id == human_tasks.c.id,
                    human_task_roles.c.role == query.role,
                ),
            )
        if query.due == "overdue":
            where = and_(where, human_tasks.c.due_at < now)
        elif query.due == "due":
            where = and_(where, human_tasks.c.due_at.is_not(None))
        total = conn.execute(_base([func.count()], where)).scalar() or 0
        order = SORTS.get(query.sort, SORTS["waiting"])
        ordering = [order.desc() if query.descending else order.asc(), human_tasks.c.id]
        if query.sort == "due":  # undated tasks last either way
            ordering.insert(0, human_tasks.c.due_at.is_(None))
        rows = conn.execute(
            _base([human_tasks, cases.c.business_key, cases.c.title], where)
            .order_by(*ordering)
            .limit(page_size)
            .offset((page - 1) * page_size)
        ).all()
        steps = conn.execute(
            _base([human_tasks.c.element_id, func.min(human_tasks.c.name)], visible)
            .group_by(human_tasks.c.element_id)
            .order_by(func.min(human_tasks.c.name))
        ).all()
    items = [
        InboxRow(task, row.title, _overdue(task.due_at, now))
        for task, row in zip(to_tasks(rows), rows, strict=True)
    ]
    step_names = [(s[0], s[1]) for s in steps]
    return InboxPage(items, int(total), page, page_size, step_names, sorted(user.roles))


def open_task_count(rt: Runtime, user_name: str) -> int:
    """How many tasks the user may work on now (for the navigation's badge)."""
    with rt.db.reading() as conn:
        user = acting_user(conn, user_name)
        return int(conn.execute(_base([func.count()], _visible(user, "all"))).scalar() or 0)


def _overdue(due: datetime | None, now: datetime) -> bool:
    return due is not None and due < now


def my_cases(rt: Runtime, user_name: str, page: int = 1, page_size: int = 25) -> CasePage:
    """The cases a person started or worked on, newest change first, with their open tasks
    (what each waits for, and from whom)."""
    with rt.db.reading() as conn:
        user = acting_user(conn, user_name)
        # Three indexed lookups joined by UNION, not one OR that would scan every case.
        ids = union(
            select(cases.c.id).where(cases.c.started_by == user.name),
            select(human_tasks.c.case_id).where(human_tasks.c.completed_by == user.name),
            select(human_tasks.c.case_id).where(human_tasks.c.assignee == user.name),
        )
        mine = cases.c.id.in_(ids)
        return page_of_cases(conn, CASE_ROWS.where(mine), page, page_size)
