"""One case for administrators and auditors (``/arenden/<key>``): where it sits, its diagram,
its open tasks and timers, its incident with a retry, the audit trail in Swedish, and the
administrator's suspend / resume / terminate — each with a reason, each audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _
from flask_babel.speaklater import LazyString

import engine
from engine import Case, Conflict, Event, Paged, ValidationFailed
from web.access import admin_required, may_administer, overseer_required
from web.cases import bp
from web.cases.status import status_name
from web.cases.table import people
from web.cases.timeline import ROUTINE, timeline
from web.context import me, runtime
from web.labels import profile_name, stage_name

EVENTS_PER_READ = 500
ENTRIES_PER_PAGE = 50
ACTIONS = ("suspend", "resume", "terminate")
DONE: dict[str, LazyString] = {
    "retry": _("Steget kördes om."),
    "suspend": _("Ärendet är pausat."),
    "resume": _("Ärendet är återupptaget."),
    "terminate": _("Ärendet är avbrutet."),
}


@bp.route("/arenden/<business_key>")
@overseer_required
def case_page(business_key: str) -> ResponseReturnValue:
    return _render(engine.find_case(runtime(), business_key[:40]))


def _render(case: Case, status: int = 200, **form: Any) -> ResponseReturnValue:
    rt = runtime()
    events, after = [], 0
    while True:
        chunk = engine.case_events(rt, case.id, after_id=after, limit=EVENTS_PER_READ)
        events.extend(chunk)
        if len(chunk) < EVENTS_PER_READ:
            break
        after = chunk[-1].id
    name_of = people()
    every = request.args.get("handelser") == "alla"
    shown = events if every else [e for e in events if e.kind not in ROUTINE]
    history = _page_of(shown, request.args.get("sida"))
    entries = timeline(history.items, engine.step_names(rt, case.id),
                       engine.case_labels(rt, case.id), name_of)  # fmt: skip
    profile = case.data.get("profile") or case.data.get("fund_profile") or {}
    page = render_template(
        "cases/case.html", case=case, entries=entries, name_of=name_of, history=history,
        every=every, all_events=len(events), process_name=_process_name(case),
        timers=engine.list_timers(rt, state="waiting", case_id=case.id),
        status_name=status_name, stage_name=stage_name,
        profile=profile_name(profile.get("key", "") if isinstance(profile, dict) else ""),
        may_act=may_administer(), actions=_actions_for(case), form=form,
        known_endpoints=current_app.view_functions, now=rt.clock.now(),
    )  # fmt: skip
    return page, status


@dataclass(frozen=True)
class HistoryPage(Paged):
    """One page of the timeline, newest first (the pager macro's shape)."""

    items: list[Event]
    total: int
    page: int
    page_size: int = ENTRIES_PER_PAGE


def _page_of(events: list[Event], asked: str | None) -> HistoryPage:
    newest_first = events[::-1]
    pages = max(1, -(-len(events) // ENTRIES_PER_PAGE))
    try:
        page = min(max(int(asked or 1), 1), pages)
    except ValueError:
        page = 1
    start = (page - 1) * ENTRIES_PER_PAGE
    chosen = newest_first[start : start + ENTRIES_PER_PAGE]
    return HistoryPage(chosen[::-1], len(events), page)


def _process_name(case: Case) -> str:
    for definition in engine.list_definitions(runtime()):
        if (definition.process_key, definition.version) == (
            case.process_key,
            case.definition_version,
        ):
            return definition.name
    return case.process_key


def _actions_for(case: Case) -> list[str]:
    """What an administrator may do with the case in its status."""
    live = ("running", "waiting", "error", "suspended")
    found = ["retry"] if case.status == "error" else []
    if case.status in ("running", "waiting", "error"):
        found.append("suspend")
    if case.status == "suspended":
        found.append("resume")
    if case.status in live:
        found.append("terminate")
    return found


@bp.route("/arenden/<business_key>/<any(retry, suspend, resume, terminate):action>",
          methods=["POST"])  # fmt: skip
@admin_required
def act_on_case(business_key: str, action: str) -> ResponseReturnValue:
    rt = runtime()
    case = engine.find_case(rt, business_key[:40])
    reason = request.form.get("reason", "")[:2000]
    try:
        if action == "retry":
            engine.retry_case(rt, case.id, me().name)
        else:
            engine.set_case_status(rt, case.id, me().name, action, reason)
    except ValidationFailed as refused:
        message = refused.errors[0].message if refused.errors else refused.message
        return _render(case, 422, action=action, reason=reason, error=message)
    except Conflict as conflict:
        return _render(engine.find_case(rt, case.business_key), 409, action=action,
                       reason=reason, error=conflict.message)  # fmt: skip
    flash(str(DONE[action]), "success")
    return redirect(url_for("cases.case_page", business_key=case.business_key))
