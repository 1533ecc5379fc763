"""The task page (``/uppgifter/<id>``): the case's context beside the task's form.

GET shows the form filled from the person's draft, or else from the case's current data. POST
either saves a draft, adds or removes a row (no validation), or completes the task; a refused
completion shows the page again with every answer kept and each error at its field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _

import engine
from engine import Conflict, FieldError, HumanTask, StepRefused, TaskView, ValidationFailed
from engine.models import OPEN_TASK_STATES
from web.auth import login_required
from web.context import me, runtime
from web.errors import render_error
from web.formatting import when
from web.forms import (
    ACTION_FIELD,
    apply_action,
    error_summary,
    parse_submission,
    render_form,
    render_readonly,
)
from web.inbox import bp
from web.roles import role_name, role_names

EMPTY_FORM: dict[str, Any] = {"type": "object", "properties": {}}
#: Case data shown beside every form when present: (key, label, how to show it); a dotted key
#: reads inside a decision kept under its own name (``ks_decision.granted_tkr``).
CONTEXT = (
    ("lead_board", _("Huvudansvarig nämnd"), "text"),
    ("lead_administration", _("Förvaltning"), "text"),
    ("contact_person", _("Kontaktperson"), "person"),
    ("profile.name", _("Regelprofil"), "text"),
    ("estimated_total_tkr", _("Beräknad kostnad"), "tkr"),
    ("recommended_amount_tkr", _("Rekommenderat belopp"), "tkr"),
    ("ks_decision.granted_tkr", _("Beviljat belopp"), "tkr"),
    ("ks_decision.reserved_tkr", _("Reserverat belopp"), "tkr"),
)


@bp.route("/uppgifter/<task_id>", methods=["GET", "POST"])
@login_required
def task(task_id: str) -> ResponseReturnValue:
    rt = runtime()
    view = engine.task_view(rt, task_id, me().name)
    if not view.may_act and view.task.state in OPEN_TASK_STATES:
        needed = role_names(view.task.roles)
        refused = gettext(
            "Uppgiften ”%(task)s” kräver rollen %(roles)s.", task=view.task.name, roles=needed
        )
        return render_error(403, refused)
    if view.task.state in OPEN_TASK_STATES and view.case.status != "running":
        return render_error(409, _on_hold(view.case.status))
    schema = view.schema or EMPTY_FORM
    if view.task.state not in OPEN_TASK_STATES and request.method == "GET":
        return _closed(view, schema)  # a late POST gets the conflict, with its answers kept
    if request.method == "GET":
        data = view.draft.data if view.draft else _prefill(schema, view.form_values)
        return _page(view, schema, data)
    data = _keep_read_only(schema, parse_submission(schema, request.form), view.form_values)
    action = request.form.get(ACTION_FIELD, "")
    if action:
        return _page(view, schema, apply_action(schema, data, action))
    if request.form.get("atgard") == "spara-utkast":
        try:
            draft = engine.save_draft(rt, task_id, me().name, data)
        except (Conflict, ValidationFailed) as refused:  # keep what was typed on screen
            return _page(view, schema, data, problem=refused.message, status=409)
        flash(gettext("Utkastet är sparat %(when)s.", when=when(draft.saved_at)), "success")
        return redirect(url_for("inbox.task", task_id=task_id))
    return _complete(view, schema, data)


def _on_hold(status: str) -> str:
    """Why an open task cannot be worked on while its case is not running."""
    if status == "suspended":
        return str(gettext("Ärendet är pausat av en administratör. Uppgiften kan inte hanteras "
                           "förrän ärendet återupptas."))  # fmt: skip
    return str(gettext("Ärendet har ett fel som en administratör håller på att åtgärda. "
                       "Uppgiften kan inte hanteras just nu."))  # fmt: skip


def _complete(
    view: TaskView, schema: Mapping[str, Any], data: dict[str, Any]
) -> ResponseReturnValue:
    try:
        following = engine.complete_task(runtime(), view.task.id, data, me().name)
    except ValidationFailed as refused:
        errors = refused.errors or [FieldError("", refused.message)]
        return _page(view, schema, data, errors=errors, status=422)
    except (Conflict, StepRefused) as refused:
        return _page(view, schema, data, problem=refused.message, status=409)
    flash(_what_next(view.task, following), "success")
    return redirect(url_for("inbox.inbox"))


def _what_next(done: HumanTask, following: list[HumanTask]) -> str:
    said = gettext(
        "Uppgiften ”%(task)s” i ärende %(case)s är slutförd.",
        task=done.name,
        case=done.business_key,
    )
    if not following:
        nobody = gettext("Ärendet väntar inte på någon person just nu.")
        return f"{said} {nobody}"
    steps = "; ".join(
        gettext("”%(task)s” (%(roles)s)", task=t.name, roles=role_names(t.roles)) for t in following
    )
    then = gettext("Nästa steg: %(steps)s.", steps=steps)
    return f"{said} {then}"


def _closed(view: TaskView, schema: Mapping[str, Any]) -> ResponseReturnValue:
    """A completed or cancelled task: what was answered, read-only; never an open form."""
    mine = next((a for a in view.answers if a.task_id == view.task.id), None)
    answer = render_readonly(schema, mine.data) if mine else None
    return render_template(
        "inbox/task_closed.html", view=view, answer=answer, role_names=role_names
    )


def _keep_read_only(
    schema: Mapping[str, Any], data: dict[str, Any], case_data: Mapping[str, Any]
) -> dict[str, Any]:
    """Read-only fields come back from the browser; the stored value wins, never the posted."""
    for key, field in schema.get("properties", {}).items():
        if isinstance(field, Mapping) and field.get("readOnly"):
            if key in case_data:
                data[key] = case_data[key]
            else:
                data.pop(key, None)
    return data


def _prefill(schema: Mapping[str, Any], case_data: Mapping[str, Any]) -> dict[str, Any]:
    """The case's current values for the fields this form asks for."""
    fields = schema.get("properties", {})
    return {key: case_data[key] for key in fields if key in case_data}


def _shown(value: Any) -> Any:
    """A case value fit for the context panel: scalars as they are, a record by its name
    (a rule profile), anything else left out rather than shown raw."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("name"), str):
        return value["name"]
    return None


def _value_at(data: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path in the case's data, or None."""
    value: Any = data
    for key in path.split("."):
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def _page(
    view: TaskView,
    schema: Mapping[str, Any],
    data: Mapping[str, Any],
    errors: list[FieldError] | None = None,
    problem: str = "",
    status: int = 200,
) -> ResponseReturnValue:
    errors = errors or []
    found = [(label, _shown(_value_at(view.case.data, key)), how) for key, label, how in CONTEXT]
    context = [(label, value, how) for label, value, how in found if value is not None]
    answers = [(answer, render_readonly(answer.schema or EMPTY_FORM, answer.data))
               for answer in view.answers]  # fmt: skip
    html = render_template(
        "inbox/task.html", view=view, schema=schema, fields=render_form(schema, data, errors),
        summary=error_summary(schema, errors) if errors else "", errors=errors, problem=problem,
        context=context, answers=answers, role_name=role_name, role_names=role_names,
    )  # fmt: skip
    return html, status
