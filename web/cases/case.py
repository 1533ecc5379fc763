"""One case for administrators and auditors (``/arenden/<key>``): where it sits, its diagram,
its open tasks and timers, its incident with a retry, the audit trail in Swedish, and the
administrator's suspend / resume / terminate — each with a reason, each audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, render_template, request, url_for
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

ENTRIES_PER_PAGE = 50
KEY_LENGTH = 40  # cases.business_key: a longer key cannot exist
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
    return _render(engine.find_case(runtime(), business_key[:KEY_LENGTH], with_data=False))


def _render(case: Case, status: int = 200, **form: Any) -> ResponseReturnValue:
    rt = runtime()
    events = engine.case_events(rt, case.id, limit=None)
    name_of = people()
    every = request.args.get("handelser") == "alla"
    shown = events if every else [e for e in events if e.kind not in ROUTINE]
    history = _page_of(shown, request.args.get("sida"))
    entries = timeline(history.items, engine.step_names(rt, case.id),
                       engine.case_labels(rt, case.id), name_of)  # fmt: skip
    page = render_template(
        "cases/case.html", case=case, entries=entries, name_of=name_of, history=history,
        every=every, all_events=len(events), process_name=_process_name(case),
        timers=engine.list_timers(rt, state="waiting", case_id=case.id),
        status_name=status_name, stage_name=stage_name,
        profile=profile_name(engine.case_tags(rt, case.id).get("profile", "")),
        may_act=may_administer(), actions=_actions_for(case), form=form, now=rt.clock.now(),
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
    """The asked-for page of ``events`` counted from the newest (the last page if beyond)."""
    whole = HistoryPage(events[::-1], len(events), 1)
    try:
        page = min(max(int(asked or 1), 1), whole.pages)
    except ValueError:
        page = 1
    start = (page - 1) * ENTRIES_PER_PAGE
    return HistoryPage(whole.items[start : start + ENTRIES_PER_PAGE][::-1], len(events), page)


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
    case_id = engine.case_id_by_key(rt, business_key[:KEY_LENGTH])
    reason = request.form.get("reason", "")[:2000]
    try:
        if action == "retry":
            engine.retry_case(rt, case_id, me().name)
        else:
            engine.set_case_status(rt, case_id, me().name, action, reason)
    except (ValidationFailed, Conflict) as refused:  # shown beside the form, reason kept
        status = 422 if isinstance(refused, ValidationFailed) else 409
        errors = refused.errors if isinstance(refused, ValidationFailed) else []
        message = errors[0].message if errors else refused.message
        case = engine.get_case(rt, case_id, with_data=False)
        return _render(case, status, action=action, reason=reason, error=message)
    flash(str(DONE[action]), "success")
    return redirect(url_for("cases.case_page", business_key=business_key))
