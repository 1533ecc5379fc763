"""The signed-in person's notifications (reminders and escalations) as the inbox page shows
them: the newest unread ones, each with its kind in Swedish and a link they may follow."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _

import engine
from engine import Notification, NotificationPage
from web.access import may_oversee
from web.context import me, runtime

SHOWN = 20  # the newest unread notifications on the inbox page
KINDS = {"reminder": _("Påminnelse"), "escalation": _("Eskalering"), "info": _("Information")}


@dataclass(frozen=True)
class Notice:
    """One notification as the inbox shows it: its kind in Swedish and where it leads."""

    item: Notification
    kind: str
    link: str | None  # the task to work on, or the case page for those who oversee


def unread_notices() -> tuple[list[Notice], NotificationPage]:
    """The newest unread notifications of the signed-in person, ready to show."""
    page = engine.notifications_for(runtime(), me().name, page_size=SHOWN)
    return [_notice(n) for n in page.rows], page


def _notice(item: Notification) -> Notice:
    if item.open_task_id:
        link: str | None = url_for("inbox.task", task_id=item.open_task_id)
    elif may_oversee():
        link = url_for("cases.case_page", business_key=item.business_key)
    else:
        link = None
    return Notice(item, str(KINDS.get(item.kind, KINDS["info"])), link)
