"""Notifications: a stored message to one person about a case (a reminder before a task's due
date, an escalation after it), shown in their inbox and, when mail is configured and they have
an address, mailed by ``engine.mail``.

Rows are written by service tasks inside the case step's transaction (``add_notifications``),
so a timer that fires exactly once notifies exactly once. A person only ever reads and marks
their own notifications: someone else's id answers ``NotFound`` exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Connection, and_, exists, func, insert, or_, select, update

from engine.clock import as_utc
from engine.errors import FieldError, NotFound, ValidationFailed
from engine.models import Paged, TaskState, User
from engine.runtime import Runtime
from engine.schema import cases, human_task_roles, human_tasks, notifications, user_roles, users
from engine.users import acting_user

Kind = Literal["reminder", "escalation", "info"]
KINDS: tuple[Kind, ...] = ("reminder", "escalation", "info")
OPEN = (TaskState.READY.value, TaskState.CLAIMED.value)
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Notification:
    id: int
    recipient: str
    case_id: int
    business_key: str
    task_id: str | None
    kind: str
    subject: str
    body: str
    created_at: datetime
    read_at: datetime | None
    mail_state: str
    #: An open task of the case the recipient may work on, to link to: the one notified
    #: about while it is open, else (say, after an escalation) one waiting for them.
    open_task_id: str | None = None


@dataclass(frozen=True)
class NotificationPage(Paged):
    rows: list[Notification]
    total: int
    page: int
    page_size: int


@dataclass(frozen=True)
class TaskAtStep:
    """An open human task of a case, as a notification names it, with who holds it now."""

    id: str
    name: str
    business_key: str
    due_at: datetime | None
    assignee: str | None
    assignee_name: str | None  # the assignee's display name
    roles: tuple[str, ...]


def open_tasks_at(conn: Connection, case_id: int, element_id: str) -> list[TaskAtStep]:
    """The case's open human tasks of one BPMN element (several under a multi-instance)."""
    rows = conn.execute(
        select(human_tasks, cases.c.business_key, users.c.display_name)
        .join(cases, cases.c.id == human_tasks.c.case_id)
        .outerjoin(users, users.c.name == human_tasks.c.assignee)
        .where(
            human_tasks.c.case_id == case_id,
            human_tasks.c.element_id == element_id,
            human_tasks.c.state.in_(OPEN),
        )
        .order_by(human_tasks.c.created_at, human_tasks.c.id)
    ).all()
    found = []
    for r in rows:
        roles = conn.execute(
            select(human_task_roles.c.role).where(human_task_roles.c.task_id == r.id)
        ).scalars()
        due = as_utc(r.due_at) if r.due_at else None
        found.append(
            TaskAtStep(
                r.id, r.name, r.business_key, due, r.assignee,
                r.display_name or r.assignee, tuple(roles),
            )
        )  # fmt: skip
    return found


def case_business_key(conn: Connection, case_id: int) -> str:
    key = conn.execute(select(cases.c.business_key).where(cases.c.id == case_id)).scalar()
    if key is None:
        raise NotFound(f"Ärendet {case_id} finns inte.")
    return str(key)


def role_holders(conn: Connection, roles: Iterable[str]) -> list[str]:
    """The active users holding any of ``roles``, by name."""
    wanted = sorted(set(roles))
    if not wanted:
        return []
    return list(
        conn.execute(
            select(users.c.name)
            .join(user_roles, user_roles.c.user_id == users.c.id)
            .where(user_roles.c.role.in_(wanted), users.c.active.is_(True))
            .group_by(users.c.name)
            .order_by(users.c.name)
        ).scalars()
    )


def task_holders(conn: Connection, task: TaskAtStep) -> list[str]:
    """Who holds a task: its assignee once claimed (while they are active), else every
    active holder of its roles."""
    if task.assignee:
        active = conn.execute(select(users.c.active).where(users.c.name == task.assignee)).scalar()
        if active:
            return [task.assignee]
    return role_holders(conn, task.roles)


def add_notifications(
    conn: Connection,
    recipients: Iterable[str],
    *,
    case_id: int,
    task_id: str | None,
    kind: Kind,
    subject: str,
    body: str,
    now: datetime,
    mail: bool,
) -> int:
    """Store one notification per distinct recipient in the caller's transaction.

    ``mail``: whether mail is configured; a row is then ``pending`` for a recipient with an
    address and ``not_needed`` for one without (they read it in Sif only). Returns the count.
    """
    if kind not in KINDS:
        raise ValidationFailed([FieldError("kind", f"Okänd sorts avisering: {kind!r}.")])
    names = sorted(set(recipients))
    if not names:
        return 0
    with_mail = set(
        conn.execute(
            select(users.c.name).where(users.c.name.in_(names), users.c.email.is_not(None))
        ).scalars()
    )
    rows = [
        {
            "recipient": name, "case_id": case_id, "task_id": task_id, "kind": kind,
            "subject": subject[:300], "body": body, "created_at": now, "mail_attempts": 0,
            "mail_state": "pending" if mail and name in with_mail else "not_needed",
        }
        for name in names
    ]  # fmt: skip
    conn.execute(insert(notifications), rows)
    return len(rows)


_ROWS = select(notifications, cases.c.business_key).join(
    cases, cases.c.id == notifications.c.case_id
)


def _to_notification(r: object, open_task_id: str | None = None) -> Notification:
    row = r._mapping  # type: ignore[attr-defined]
    return Notification(
        row["id"], row["recipient"], row["case_id"], row["business_key"], row["task_id"],
        row["kind"], row["subject"], row["body"], as_utc(row["created_at"]),
        as_utc(row["read_at"]) if row["read_at"] else None, row["mail_state"], open_task_id,
    )  # fmt: skip


def _open_task_for(conn: Connection, user: User, case_id: int, task_id: str | None) -> str | None:
    """The open task of the case to link for ``user``: held by them or offered to a role of
    theirs; the notified task first."""
    theirs = or_(
        human_tasks.c.assignee == user.name,
        exists().where(
            human_task_roles.c.task_id == human_tasks.c.id,
            human_task_roles.c.role.in_(sorted(user.roles)),
        ),
    )
    found = conn.execute(
        select(human_tasks.c.id)
        .where(human_tasks.c.case_id == case_id, human_tasks.c.state.in_(OPEN), theirs)
        .order_by((human_tasks.c.id == (task_id or "")).desc(), human_tasks.c.created_at)
        .limit(1)
    ).scalar()
    return str(found) if found is not None else None


def notifications_for(
    rt: Runtime, user_name: str, page: int = 1, page_size: int = 25, unread_only: bool = True
) -> NotificationPage:
    """A person's notifications, newest first; only the unread ones unless asked otherwise."""
    page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
    page = max(page, 1)
    with rt.db.reading() as conn:
        user = acting_user(conn, user_name)
        mine = notifications.c.recipient == user.name
        if unread_only:
            mine = and_(mine, notifications.c.read_at.is_(None))
        total = conn.execute(select(func.count()).where(mine)).scalar() or 0
        rows = conn.execute(
            _ROWS.where(mine)
            .order_by(notifications.c.id.desc())
            .limit(page_size)
            .offset((page - 1) * page_size)
        ).all()
        found = [
            _to_notification(r, _open_task_for(conn, user, r.case_id, r.task_id)) for r in rows
        ]
    return NotificationPage(total=int(total), page_size=page_size, rows=found, page=page)


def unread_count(rt: Runtime, user_name: str) -> int:
    """How many notifications the person has not marked read (the navigation's badge)."""
    with rt.db.reading() as conn:
        unread = and_(notifications.c.recipient == user_name, notifications.c.read_at.is_(None))
        return int(conn.execute(select(func.count()).where(unread)).scalar() or 0)


def mark_read(rt: Runtime, user_name: str, notification_id: int) -> Notification:
    """Mark one of the person's own notifications read (again: no change); ``NotFound`` for
    an id that is not theirs."""
    with rt.db.transaction() as conn:
        user = acting_user(conn, user_name)
        mine = and_(notifications.c.id == notification_id, notifications.c.recipient == user.name)
        row = conn.execute(_ROWS.where(mine)).one_or_none()
        if row is None:
            raise NotFound("Aviseringen finns inte.")
        if row.read_at is None:
            conn.execute(update(notifications).where(mine).values(read_at=rt.clock.now(conn)))
            row = conn.execute(_ROWS.where(mine)).one()
        return _to_notification(row)


def mark_all_read(rt: Runtime, user_name: str) -> int:
    """Mark every unread notification of the person read; how many were."""
    with rt.db.transaction() as conn:
        user = acting_user(conn, user_name)
        result = conn.execute(
            update(notifications)
            .where(notifications.c.recipient == user.name, notifications.c.read_at.is_(None))
            .values(read_at=rt.clock.now(conn))
        )
        return int(result.rowcount)
