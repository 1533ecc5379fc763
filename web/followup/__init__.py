"""Follow-up of a case (``/arenden/<key>/uppfoljning``): every indicator and measure of its
evaluation plan over time, and which reports are due, late or missing (DOMAIN §7).

For administrators and auditors. The reading is ``tasks.followup`` over the case's data and
its event log; this page draws one chart per indicator (``web.charts``) with a table of the
same numbers under it, and the reports the case owes in a table.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask import Blueprint, Flask, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_babel.speaklater import LazyString
from markupsafe import Markup

import engine
from tasks.followup import (
    KINDS,
    IndicatorSeries,
    evaluation_plan,
    indicator_series,
    report_schedule,
    report_steps,
)
from web.access import overseer_required
from web.charts import ReferenceLine, Series, line_chart, number
from web.context import runtime
from web.formatting import day

bp = Blueprint("followup", __name__)

KIND_NAMES: dict[str, LazyString] = {
    "indicator": _("Indikatorer (behov och sammanhang)"),
    "process_measure": _("Processmått"),
    "effect_measure": _("Effektmått"),
    "survey_item": _("Enkätfrågor"),
}
STEP_NAMES: dict[str, LazyString] = {
    "progress_report": _("Lägesrapport"),
    "annual_follow_up": _("Årsuppföljning"),
    "evaluation": _("Utvärderingsrapport"),
}
REPORT_STATUS: dict[str, LazyString] = {
    "submitted": _("Inlämnad"),
    "due": _("Ska lämnas"),
    "late": _("Försenad"),
    "missing": _("Saknas"),
    "upcoming": _("Kommande"),
}
DIRECTIONS: dict[str, LazyString] = {
    "higher": _("Högre är bättre"),
    "lower": _("Lägre är bättre"),
}


@dataclass(frozen=True)
class Panel:
    """One indicator as the page shows it: its chart and its numbers."""

    series: IndicatorSeries
    chart: Markup


@bp.route("/arenden/<business_key>/uppfoljning")
@overseer_required
def case_followup(business_key: str) -> ResponseReturnValue:
    rt = runtime()
    case = engine.find_case(rt, business_key[:40])
    steps = report_steps(engine.event_log(rt, case_id=case.id))
    panels = [Panel(s, _chart(s)) for s in indicator_series(evaluation_plan(case.data), steps)]
    groups = [(kind, KIND_NAMES[kind], [p for p in panels if p.series.indicator.kind == kind])
              for kind in KINDS]  # fmt: skip
    reports = report_schedule(case.data, steps, rt.clock.now())
    counts = Counter(r.status for r in reports)
    return render_template(
        "followup/case.html", case=case, groups=[g for g in groups if g[2]], reports=reports,
        report_counts=[(s, counts[s]) for s in REPORT_STATUS if counts[s]], step_names=STEP_NAMES,
        report_status=REPORT_STATUS, directions=DIRECTIONS, number=number, now=rt.clock.now(),
    )  # fmt: skip


def _chart(series: IndicatorSeries) -> Markup:
    indicator = series.indicator
    lines = []
    for label, reference, kind in (
        (gettext("Baslinje"), indicator.baseline, "baseline"),
        (gettext("Mål"), indicator.target, "target"),
    ):
        if reference is not None:
            when = f" ({day(reference.on)})" if reference.on else ""
            lines.append(ReferenceLine(f"{label}{when}", reference.value, kind))
    points = [(m.on, m.value) for m in series.measurements]
    return line_chart(
        [Series(gettext("Rapporterat värde"), points)],
        title=f"{indicator.code} {indicator.name}",
        y_label=indicator.name,
        unit=indicator.unit,
        reference_lines=lines,
        description=str(DIRECTIONS.get(indicator.direction, "")),
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
