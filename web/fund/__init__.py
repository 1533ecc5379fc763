"""The fund (``/fond``): balances at any date, per project, Table 1 and Table 2, charts and
exports (DOMAIN §5). For administrators and auditors; nothing here changes the ledger."""

from __future__ import annotations

from datetime import date

from babel.numbers import format_decimal
from flask import Blueprint, Flask, Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext
from markupsafe import Markup

from engine import FieldError, NotFound, ValidationFailed
from engine.durations import LOCAL
from tasks.store import DEFAULT_FUND
from web.access import overseer_required
from web.charts import BarGroup, Series, bar_chart, line_chart
from web.context import runtime
from web.formatting import day
from web.fund.exports import XLSX, csv_bytes, xlsx_bytes
from web.fund.projects import fund_codes
from web.fund.report import HISTORY_SERIES, Cell, FundReport, Link, build_report

bp = Blueprint("fund", __name__)


def _today() -> date:
    return runtime().clock.now().astimezone(LOCAL).date()


def _as_of(text: str | None) -> tuple[date, str]:
    """The ``datum`` asked for (today when empty), and a Swedish error when it is no date."""
    if not text:
        return _today(), ""
    try:
        return date.fromisoformat(text.strip()), ""
    except ValueError:
        return _today(), gettext("Ange ett datum som ÅÅÅÅ-MM-DD, till exempel 2018-05-18.")


def _fund_code(codes: list[str]) -> str:
    """The ``fond`` asked for, else the default fund, else the first; an unknown one is 404."""
    asked = request.args.get("fond", "")
    if asked:
        if asked not in codes:
            raise NotFound(gettext("Fonden %(code)s finns inte.", code=asked))
        return asked
    return DEFAULT_FUND if DEFAULT_FUND in codes else codes[0]


@bp.route("/fond")
@overseer_required
def fund_page() -> ResponseReturnValue:
    entered = request.args.get("datum", "")
    as_of, error = _as_of(entered)
    with runtime().db.reading() as conn:
        codes = fund_codes(conn)
    if not codes:
        return render_template("fund/fund.html", report=None, codes=codes, error=error,
                               entered=entered)  # fmt: skip
    report = build_report(runtime(), _fund_code(codes), as_of)
    page = render_template(
        "fund/fund.html", report=report, codes=codes, error=error, entered=entered or as_of,
        history_chart=history_chart(report), table1_chart=table1_chart(report),
        boards_chart=boards_chart(report),
    )  # fmt: skip
    return page, 422 if error else 200


@bp.route("/fond/export.<any(csv, xlsx):kind>")
@overseer_required
def export(kind: str) -> Response:
    """One table as CSV (``tabell``), or every table (or the one named) as an Excel workbook."""
    as_of, error = _as_of(request.args.get("datum"))
    if error:
        raise ValidationFailed([FieldError("datum", error)], error)
    with runtime().db.reading() as conn:
        codes = fund_codes(conn)
    if not codes:
        raise NotFound(gettext("Ingen fond är skapad än."))
    report = build_report(runtime(), _fund_code(codes), as_of)
    wanted = request.args.get("tabell", "" if kind == "xlsx" else "saldon")
    if wanted and wanted not in report.sheets:
        message = gettext("Det finns ingen tabell som heter %(name)s.", name=wanted)
        raise ValidationFailed([FieldError("tabell", message)], message)
    stem = f"fond-{report.fund.code}-{wanted or 'rapport'}-{as_of.isoformat()}"
    if kind == "csv":
        answer = Response(csv_bytes(report.sheets[wanted]), mimetype="text/csv; charset=utf-8")
    else:
        chosen = [report.sheets[wanted]] if wanted else list(report.sheets.values())
        answer = Response(xlsx_bytes(chosen), mimetype=XLSX)
    answer.headers["Content-Disposition"] = f'attachment; filename="{stem}.{kind}"'
    return answer


def history_chart(report: FundReport) -> Markup:
    series = [
        Series(str(name), [(d, getattr(b, key)) for d, b in report.history], step=True)
        for key, name in HISTORY_SERIES
    ]
    return line_chart(
        series, title=gettext("Fonden över tid, per %(day)s", day=day(report.as_of)),
        y_label=gettext("Belopp"),
        description=gettext("Stegdiagram: värdet gäller från bokföringsdagen till nästa."),
    )  # fmt: skip


def table1_chart(report: FundReport) -> Markup:
    t1 = report.table1
    names = [report.refs[r.project].name if r.project in report.refs else r.project
             for r in t1.rows]  # fmt: skip
    groups = [BarGroup(str(y), [r.by_year[y] for r in t1.rows]) for y in t1.years]
    return bar_chart(groups, names, title=gettext("Medel till projekten per budgetår, netto"),
                     y_label=gettext("Belopp"))  # fmt: skip


def boards_chart(report: FundReport) -> Markup:
    """Per board: repaid, relieved and the final frame adjustment, side by side."""
    rows = report.boards.rows
    names = [str(gettext("Återfört")), str(gettext("Befriat / nedskrivet")),
             str(gettext("Slutlig ramjustering"))]  # fmt: skip
    groups = [BarGroup(r.board or gettext("Ingen nämnd"),
                       [r.repaid, r.relieved, r.frame_adjustment]) for r in rows]  # fmt: skip
    return bar_chart(groups, names, title=gettext("Per nämnd"), y_label=gettext("Belopp"))


def amount(value: int) -> str:
    """``24 000``, ``−300`` (the unit is in the table's caption or header)."""
    said = format_decimal(value, format="#,##0", locale=str(get_locale() or "sv"))
    return said.replace("-", "\u2212")  # the minus sign, as the charts write it


def cell(value: Cell) -> Markup:
    """A report cell on the page: amounts with thousands spaces, dates in words, links."""
    if isinstance(value, Link):
        return Markup('<a href="{}">{}</a>').format(value.href, value.text)
    if isinstance(value, bool) or value is None:
        return Markup("")
    if isinstance(value, int):
        return Markup("{}").format(amount(value))
    if isinstance(value, date):
        return Markup('<time datetime="{}">{}</time>').format(value.isoformat(), day(value))
    return Markup("{}").format(value)


def init_app(app: Flask) -> None:
    app.add_template_filter(cell, "fund_cell")
    app.add_template_filter(amount, "fund_amount")
    app.register_blueprint(bp)
