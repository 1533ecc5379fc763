"""Follow-up of a case (DOMAIN §7, the Foljupp.nu idea): the indicators and measures of its
evaluation plan with every value reported for them over time, and which reports are due,
late or missing.

Pure functions over what the case holds: its data (the evaluation plan of the application,
the report dates and budget years the process computed at the grant) and its report steps as
the audit trail tells them (``report_steps`` folds a case's ``engine.LogEvent``s).

Where values come from:

* a progress report (``progress_report``, form J): ``indicator_values`` with their own
  measuring date;
* the annual follow-up (``annual_follow_up``, form L): ``indicator_summary``, the value at the
  year's end (31 December of its ``year``);
* the evaluation report (``evaluation``, form M): ``indicator_results``, the result at the end
  of the period it covers.

When reports are due: the process offers a progress report at each of ``report_dates`` (a
period's end); it is due 15 days later (DOMAIN S17). The annual follow-up is offered at the
year's end and due on 31 January (S19); the evaluation report is offered at the planned end
and due on the evaluation plan's date for the final report, else six months after the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from engine import LogEvent

SWEDISH_TIME = ZoneInfo("Europe/Stockholm")  # "the day" of a report is a Swedish day
KINDS = ("indicator", "process_measure", "effect_measure", "survey_item")
PROGRESS, ANNUAL, EVALUATION = "progress_report", "annual_follow_up", "evaluation"
REPORT_STEPS = (PROGRESS, ANNUAL, EVALUATION)
PROGRESS_DAYS_TO_DEADLINE = 15
EVALUATION_DAYS_TO_DEADLINE = 183
# Statuses of a report, in the order a reader cares about them.
SUBMITTED, DUE, LATE, MISSING, UPCOMING = "submitted", "due", "late", "missing", "upcoming"


@dataclass(frozen=True)
class Reference:
    """A baseline or a target: a value at a date."""

    value: float
    on: date | None


@dataclass(frozen=True)
class Indicator:
    """One indicator or measure of the evaluation plan (application form, section 3)."""

    code: str
    name: str
    kind: str  # one of KINDS
    unit: str
    direction: str  # higher | lower (is better)
    frequency: str = ""  # T (each report period) | Y (yearly)
    baseline: Reference | None = None
    target: Reference | None = None
    baseline_plan: str = ""
    data_source: str = ""


@dataclass(frozen=True)
class ReportStep:
    """One report task of the case: offered, and completed (with its answers) or not."""

    task_id: str
    element_id: str
    offered_at: datetime
    state: str = "open"  # open | completed | cancelled
    completed_at: datetime | None = None
    completed_by: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Measurement:
    """A value reported for an indicator."""

    on: date
    value: float
    step: str  # the report step's element id (progress_report, annual_follow_up, evaluation)
    period: str  # 'T1 2018', '2018', or '' for the evaluation
    reported_at: datetime
    reported_by: str
    comment: str = ""


@dataclass(frozen=True)
class IndicatorSeries:
    indicator: Indicator
    measurements: list[Measurement]

    @property
    def latest(self) -> Measurement | None:
        return self.measurements[-1] if self.measurements else None


@dataclass(frozen=True)
class DueReport:
    """One report the case owes: when it is asked for, by when, and whether it came."""

    step: str  # the report step's element id
    period: str  # 'T1 2018' when known, the year, or ''
    due_on: date  # the end of the period it reports on: when it is asked for
    deadline: date
    status: str  # submitted | due | late | missing | upcoming
    submitted_at: datetime | None = None
    submitted_by: str = ""

    @property
    def on_time(self) -> bool | None:
        if self.submitted_at is None:
            return None
        return _local_day(self.submitted_at) <= self.deadline


def report_steps(events: Iterable[LogEvent]) -> list[ReportStep]:
    """The report tasks of a case as its events tell them, in the order they were offered."""
    found: dict[str, ReportStep] = {}
    for event in events:
        if event.element_id not in REPORT_STEPS or not event.task_id:
            continue
        if event.kind == "task_created":
            found[event.task_id] = ReportStep(event.task_id, event.element_id, event.at)
            continue
        step = found.get(event.task_id)
        if step is None:
            continue
        if event.kind == "task_completed":
            data = event.detail.get("data")
            found[event.task_id] = ReportStep(
                step.task_id, step.element_id, step.offered_at, "completed", event.at,
                event.actor, data if isinstance(data, Mapping) else {},
            )  # fmt: skip
        elif event.kind == "task_cancelled":
            found[event.task_id] = ReportStep(
                step.task_id, step.element_id, step.offered_at, "cancelled"
            )
    return sorted(found.values(), key=lambda s: s.offered_at)


def evaluation_plan(case_data: Mapping[str, Any]) -> list[Indicator]:
    """The indicators and measures of the case's evaluation plan, in the plan's order."""
    plan = case_data.get("evaluation_plan")
    items = plan.get("indicators") if isinstance(plan, Mapping) else None
    found = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, Mapping) or not item.get("code"):
            continue
        found.append(
            Indicator(
                code=str(item["code"]), name=str(item.get("name") or item["code"]),
                kind=str(item.get("kind") or "indicator"), unit=str(item.get("unit") or ""),
                direction=str(item.get("direction") or ""),
                frequency=str(item.get("frequency") or ""),
                baseline=_reference(item.get("baseline")), target=_reference(item.get("target")),
                baseline_plan=str(item.get("baseline_plan") or ""),
                data_source=str(item.get("data_source") or ""),
            )
        )  # fmt: skip
    return found


def indicator_series(
    indicators: Iterable[Indicator], steps: Iterable[ReportStep]
) -> list[IndicatorSeries]:
    """Every value reported for each indicator, oldest first (same day: reported first)."""
    by_code: dict[str, list[Measurement]] = {}
    for step in steps:
        if step.state == "completed" and step.completed_at is not None:
            for code, measurement in _measurements(step, step.completed_at):
                by_code.setdefault(code, []).append(measurement)
    return [
        IndicatorSeries(i, sorted(by_code.get(i.code, []), key=lambda m: (m.on, m.reported_at)))
        for i in indicators
    ]


def _measurements(step: ReportStep, at: datetime) -> Iterator[tuple[str, Measurement]]:
    data = step.data
    default_day: date | None
    if step.element_id == PROGRESS:
        rows, value_key = data.get("indicator_values"), "value"
        period = " ".join(str(data[k]) for k in ("period", "year") if data.get(k))
        default_day = _local_day(at)
    elif step.element_id == ANNUAL:
        rows, value_key = data.get("indicator_summary"), "value"
        period = str(data.get("year") or "")
        default_day = date(int(data["year"]), 12, 31) if _is_int(data.get("year")) else None
    else:
        rows, value_key, period = data.get("indicator_results"), "result", ""
        covered = data.get("period_covered")
        default_day = _day(covered.get("to")) if isinstance(covered, Mapping) else None
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, Mapping) or not _is_number(row.get(value_key)):
            continue
        on = _day(row.get("measured_at")) or default_day or _local_day(at)
        yield str(row.get("indicator_ref") or ""), Measurement(
            on, float(row[value_key]), step.element_id, period, at, step.completed_by,
            str(row.get("comment") or row.get("interpretation") or ""),
        )  # fmt: skip


def report_schedule(
    case_data: Mapping[str, Any], steps: Iterable[ReportStep], now: datetime
) -> list[DueReport]:
    """Every report the case owes by its plan, with its status on the day of ``now``
    (Swedish time), ordered by when each is asked for."""
    today = _local_day(now)
    asked: list[tuple[str, date, date, str]] = []  # step, due on, deadline, period
    for text in case_data.get("report_dates") or []:
        due = _day(text)
        if due is not None:
            asked.append((PROGRESS, due, due + timedelta(PROGRESS_DAYS_TO_DEADLINE), ""))
    for year in case_data.get("years") or []:
        if _is_int(year):
            asked.append((ANNUAL, date(year, 12, 31), date(year + 1, 1, 31), str(year)))
    end = _day(case_data.get("planned_end"))
    if end is not None:
        asked.append((EVALUATION, end, _final_report_due(case_data, end), ""))
    by_step: dict[str, list[ReportStep]] = {}
    for step in steps:
        by_step.setdefault(step.element_id, []).append(step)
    found = []
    for kind in REPORT_STEPS:
        mine = [a for a in asked if a[0] == kind]
        offered = by_step.get(kind, [])
        for n, (_, due, deadline, period) in enumerate(mine):
            taken = offered[n] if n < len(offered) else None
            found.append(_due_report(kind, period, due, deadline, taken, today))
    return sorted(found, key=lambda r: (r.due_on, REPORT_STEPS.index(r.step)))


def _due_report(
    kind: str, period: str, due: date, deadline: date, step: ReportStep | None, today: date
) -> DueReport:
    if step is not None and step.state == "completed":
        data = step.data
        if kind == PROGRESS and data.get("period"):
            period = f"{data['period']} {data.get('year') or ''}".strip()
        return DueReport(kind, period, due, deadline, SUBMITTED, step.completed_at,
                         step.completed_by)  # fmt: skip
    if step is not None and step.state == "open":
        return DueReport(kind, period, due, deadline, LATE if today > deadline else DUE)
    return DueReport(kind, period, due, deadline, UPCOMING if due > today else MISSING)


def _final_report_due(case_data: Mapping[str, Any], end: date) -> date:
    plan = case_data.get("evaluation_plan")
    schedule = plan.get("evaluation_schedule") if isinstance(plan, Mapping) else None
    finals = [
        _day(item.get("due"))
        for item in (schedule if isinstance(schedule, list) else [])
        if isinstance(item, Mapping) and item.get("type") == "final"
    ]
    # A final report due before the project ends is a date copied from another plan.
    dated = [d for d in finals if d is not None and d >= end]
    return max(dated) if dated else end + timedelta(EVALUATION_DAYS_TO_DEADLINE)


def _reference(value: Any) -> Reference | None:
    if not isinstance(value, Mapping) or not _is_number(value.get("value")):
        return None
    return Reference(float(value["value"]), _day(value.get("date")))


def _day(value: Any) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _local_day(moment: datetime) -> date:
    return moment.astimezone(SWEDISH_TIME).date()


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
