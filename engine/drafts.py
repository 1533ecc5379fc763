"""Drafts: what a person has typed into a task's form but not yet submitted, kept per person.

A draft is saved only by someone who may work on the task, is never validated (it may be half
done) and is bounded like any data given to a case. Once the task is completed or cancelled
its drafts are no longer offered (and not deleted in the completing step, which is kept lean:
they are small, and ``purge_drafts`` removes them in bulk).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, delete, insert, select, update

from engine.casestore import check_storable
from engine.clock import as_utc
from engine.errors import Conflict, NotAllowed
from engine.models import OPEN_TASK_STATES
from engine.runtime import Runtime
from engine.schema import human_tasks, task_drafts
from engine.users import acting_user
from engine.worklist import load_task, may_act

_DRAFT_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Draft:
    data: dict[str, Any]
    saved_at: datetime


def save_draft(rt: Runtime, task_id: str, user_name: str, data: Mapping[str, Any]) -> Draft:
    """Keep ``data`` as ``user_name``'s draft of an open task they may work on."""
    check_storable(rt, data)
    text = json.dumps(dict(data), ensure_ascii=False)
    if len(text) > _DRAFT_BYTES:
        raise Conflict("Utkastet är för stort för att sparas.")
    now = datetime.now(UTC)
    with rt.db.transaction() as conn:
        user = acting_user(conn, user_name)
        task = load_task(conn, task_id)
        if not may_act(user, task):
            raise NotAllowed("Du har inte behörighet till uppgiften.")
        if task.state not in OPEN_TASK_STATES:
            raise Conflict("Uppgiften är redan avslutad; utkastet sparades inte.")
        key = _key(task_id, user.name)
        found = conn.execute(select(task_drafts.c.task_id).where(key)).first()
        if found is None:
            conn.execute(
                insert(task_drafts).values(
                    task_id=task_id, user_name=user.name, data=text, saved_at=now
                )
            )
        else:
            conn.execute(update(task_drafts).where(key).values(data=text, saved_at=now))
    return Draft(dict(data), now)


def get_draft(rt: Runtime, task_id: str, user_name: str) -> Draft | None:
    """``user_name``'s draft of the task, if there is one and the task is still open."""
    with rt.db.reading() as conn:
        row = conn.execute(
            select(task_drafts)
            .join(human_tasks, human_tasks.c.id == task_drafts.c.task_id)
            .where(_key(task_id, user_name), human_tasks.c.state.in_(OPEN_TASK_STATES))
        ).one_or_none()
    if row is None:
        return None
    return Draft(json.loads(row.data), as_utc(row.saved_at))


def purge_drafts(rt: Runtime) -> int:
    """Delete the drafts of tasks that are no longer open; how many were deleted."""
    closed = select(human_tasks.c.id).where(human_tasks.c.state.not_in(OPEN_TASK_STATES))
    with rt.db.transaction() as conn:
        return int(
            conn.execute(delete(task_drafts).where(task_drafts.c.task_id.in_(closed))).rowcount
        )


def _key(task_id: str, user_name: str) -> Any:
    return and_(task_drafts.c.task_id == task_id, task_drafts.c.user_name == user_name)
