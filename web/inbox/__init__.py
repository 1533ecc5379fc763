"""The work inbox (``/``) and claiming and releasing tasks from it.

The task page itself is in ``web.inbox.task``. Filters travel in the query string with Swedish
names, so a filtered inbox can be bookmarked and shared.
"""

from __future__ import annotations

from typing import Any, cast

from flask import Blueprint, Flask, flash, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext, ngettext
from flask_login import current_user

import engine
from engine import InboxQuery
from web.auth import login_required, safe_next
from web.context import me, runtime
from web.inbox.notices import unread_notices
from web.roles import role_name

bp = Blueprint("inbox", __name__)

SCOPES = {"alla": "all", "mina": "mine", "lediga": "unclaimed"}
DUE = {"forsenade": "overdue", "med-datum": "due"}
SORTS = {"vantat": "waiting", "forfallo": "due", "arende": "case", "steg": "step"}
PAGE_SIZES = (25, 50, 100)


def inbox_query(args: Any) -> InboxQuery:
    """The query an inbox URL asks for; unknown values fall back to the defaults."""
    size = _int(args.get("per-sida"), 25)
    return InboxQuery(
        scope=cast(Any, SCOPES.get(args.get("visa", ""), "all")),
        step=args.get("steg", "")[:255],
        role=args.get("roll", "")[:80],
        due=cast(Any, DUE.get(args.get("forfallo", ""), "")),
        sort=SORTS.get(args.get("sortera", ""), "waiting"),
        descending=args.get("ordning") == "fallande",
        page=_int(args.get("sida"), 1),
        page_size=size if size in PAGE_SIZES else 25,
    )


def _int(text: str | None, default: int) -> int:
    try:
        return max(int(text or default), 1)
    except ValueError:
        return default


@bp.route("/")
@login_required
def inbox() -> ResponseReturnValue:
    rt = runtime()
    query = inbox_query(request.args)
    page = engine.inbox(rt, me().name, query)
    notices, notice_page = unread_notices()
    return render_template(
        "inbox/inbox.html", page=page, query=query, args=request.args.to_dict(), now=rt.clock.now(),
        role_name=role_name, notices=notices, notice_page=notice_page,
    )  # fmt: skip


@bp.route("/uppgifter/<task_id>/ta", methods=["POST"])
@login_required
def claim(task_id: str) -> ResponseReturnValue:
    task = engine.claim_task(runtime(), task_id, me().name)
    said = gettext(
        "Du har tagit uppgiften ”%(task)s” i ärende %(case)s.",
        task=task.name,
        case=task.business_key,
    )
    flash(said, "success")
    return redirect(_back())


@bp.route("/uppgifter/<task_id>/slapp", methods=["POST"])
@login_required
def release(task_id: str) -> ResponseReturnValue:
    task = engine.unclaim_task(runtime(), task_id, me().name)
    said = gettext(
        "Uppgiften ”%(task)s” i ärende %(case)s är släppt till gruppen.",
        task=task.name,
        case=task.business_key,
    )
    flash(said, "info")
    return redirect(_back())


@bp.route("/aviseringar/<int:notification_id>/last", methods=["POST"])
@login_required
def mark_read(notification_id: int) -> ResponseReturnValue:
    """Mark one of my notifications read; someone else's id answers 404 like a missing one."""
    engine.mark_read(runtime(), me().name, notification_id)
    flash(gettext("Aviseringen är markerad som läst."), "success")
    return redirect(_back())


@bp.route("/aviseringar/lasta", methods=["POST"])
@login_required
def mark_all_read() -> ResponseReturnValue:
    count = engine.mark_all_read(runtime(), me().name)
    said = ngettext(
        "%(num)d avisering är markerad som läst.",
        "%(num)d aviseringar är markerade som lästa.",
        count,
    )
    flash(said, "success")
    return redirect(_back())


def _back() -> str:
    """Back to the inbox page the action came from (a path on this site only)."""
    return safe_next(request.form.get("tillbaka"))


def init_app(app: Flask) -> None:
    from web.inbox import task  # noqa: F401 - registers the task page's routes on bp

    app.register_blueprint(bp)

    @app.context_processor
    def navigation() -> dict[str, Any]:
        if not current_user.is_authenticated:
            return {}
        rt, name = runtime(), me().name
        return {
            "open_task_count": engine.open_task_count(rt, name),
            "unread_notice_count": engine.unread_count(rt, name),
        }
