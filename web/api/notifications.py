"""``GET /api/v1/notifications``: the caller's own notifications (reminders and escalations),
newest first, paged. Nobody reads anyone else's."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

import engine
from engine import Notification
from web.api.auth import caller
from web.api.schemas import Instant, Paged, Paging
from web.api.spec import endpoint
from web.context import runtime


class NotificationOut(BaseModel):
    id: int
    kind: Literal["reminder", "escalation", "info"]
    subject: str
    body: str
    case_id: int
    business_key: str
    task_id: str | None = Field(description="Uppgiften aviseringen gäller, om någon.")
    open_task_id: str | None = Field(
        description="En öppen uppgift i ärendet som jag kan arbeta med, om någon."
    )
    created_at: Instant
    read_at: Instant | None
    mail_state: Literal["pending", "sending", "sent", "failed", "not_needed"]

    @classmethod
    def of(cls, n: Notification) -> NotificationOut:
        return cls(
            id=n.id, kind=n.kind, subject=n.subject, body=n.body,  # type: ignore[arg-type]
            case_id=n.case_id, business_key=n.business_key, task_id=n.task_id,
            open_task_id=n.open_task_id, created_at=n.created_at, read_at=n.read_at,
            mail_state=n.mail_state,  # type: ignore[arg-type]
        )  # fmt: skip


class NotificationQuery(Paging):
    unread: bool = Field(True, description="Bara olästa (false: alla, även lästa).")
    page_size: int = Field(25, ge=1, le=100, description="Rader per sida (högst 100).")


class NotificationList(Paged):
    items: list[NotificationOut]


@endpoint("/notifications", ok={200: NotificationList}, errors=(422,), tag="Aviseringar")
def notifications(query: NotificationQuery) -> NotificationList:
    """Mina aviseringar (påminnelser och eskaleringar), nyast först."""
    page = engine.notifications_for(
        runtime(), caller().name, query.page, query.page_size, unread_only=query.unread
    )
    return NotificationList(
        items=[NotificationOut.of(n) for n in page.rows], total=page.total, page=page.page,
        page_size=page.page_size,
    )  # fmt: skip
