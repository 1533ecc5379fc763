"""The cases overview (``/arenden``) for administrators and auditors: where every case sits,
who holds it and since when, what it waits for — filtered, sorted, paged and exported."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue

import engine
from web.access import overseer_required
from web.cases import bp
from web.cases.exports import csv_response, stem, xlsx_response
from web.cases.filters import PAGE_SIZES, SORT_PARAMS, filter_args, list_query
from web.cases.status import STATUS_NAMES
from web.cases.table import COLUMNS, cells, people, text_rows
from web.context import runtime
from web.export import csv_response as log_as_csv
from web.export import xes_response as log_as_xes
from web.labels import STAGE_NAMES, board_name, profile_name, stage_name
from web.roles import ROLE_NAMES

#: Roles a task can be offered to (not the administrators' own).
TASK_ROLES = sorted(r for r in ROLE_NAMES if r not in ("admin", "auditor", "process_owner"))


@bp.route("/arenden")
@overseer_required
def overview() -> ResponseReturnValue:
    rt = runtime()
    query = list_query(request.args)
    page = engine.overview(
        rt, query.filter, query.sort, query.descending, query.page, query.page_size
    )
    name_of = people()
    return render_template(
        "cases/overview.html", page=page, query=query, columns=COLUMNS,
        rows=[(row, cells(row, name_of)) for row in page.rows],
        args=filter_args(request.args), status_names=STATUS_NAMES, stage_names=STAGE_NAMES,
        stage_name=stage_name, board_name=board_name, profile_name=profile_name,
        task_roles=TASK_ROLES, role_names=ROLE_NAMES, page_sizes=PAGE_SIZES,
        sort_params={sort: param for param, sort in SORT_PARAMS.items()},
    )  # fmt: skip


@bp.route("/arenden/export.<any(csv, xlsx):kind>")
@overseer_required
def overview_export(kind: str) -> ResponseReturnValue:
    """The filtered, sorted list — every page of it — with the columns the page shows."""
    rt = runtime()
    query = list_query(request.args)
    rows = text_rows(engine.overview_rows(rt, query.filter, query.sort, query.descending))
    name = stem("arenden", rt.clock.now().date())
    if kind == "csv":
        return csv_response(rows, name)
    return xlsx_response(rows, name, "Ärenden")


@bp.route("/arenden/handelselogg.<any(xes, csv):kind>")
@overseer_required
def event_log(kind: str) -> ResponseReturnValue:
    """The event log of the filtered cases for process-mining tools (XES) or spreadsheets."""
    rt = runtime()
    case_filter = list_query(request.args).filter
    if kind == "xes":
        return log_as_xes(rt, case_filter)
    return log_as_csv(rt, case_filter)
