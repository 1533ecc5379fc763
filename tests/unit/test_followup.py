"""The follow-up reading (tasks.followup): an evaluation plan's indicators, every value
reported for them, and which reports are submitted, due, late, missing or upcoming."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from engine import LogEvent
from tasks.followup import (
    Indicator,
    Reference,
    ReportStep,
    evaluation_plan,
    indicator_series,
    report_schedule,
    report_steps,
)

PLAN: dict[str, Any] = {
    "evaluation_plan": {
        "indicators": [
            {"code": "P1", "name": "Kontaktade inom 30 dagar", "kind": "process_measure",
             "unit": "%", "direction": "higher", "frequency": "T",
             "baseline": {"value": 35, "date": "2017-09-01"},
             "target": {"value": 80, "date": "2018-12-31"}},
            {"code": "S1", "name": "Nöjdhet", "kind": "survey_item", "unit": "skala 1–5",
             "direction": "higher", "frequency": "Y", "baseline_plan": "Första enkäten."},
            {"name": "utan kod"},
        ],
        "evaluation_schedule": [{"type": "interim", "due": "2018-12-31"},
                                {"type": "final", "due": "2019-10-31"}],
    },
    "report_dates": ["2018-04-30", "2018-08-31", "2018-12-31", "2019-04-30"],
    "years": [2018],
    "planned_end": "2019-04-30",
}  # fmt: skip


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def step(element: str, offered: str, done: str | None = None, by: str = "elif",
         state: str | None = None, **data: Any) -> ReportStep:  # fmt: skip
    return ReportStep(
        f"{element}-{offered}", element, at(offered), state or ("completed" if done else "open"),
        at(done) if done else None, by if done else "", data,
    )  # fmt: skip


STEPS = [
    step("progress_report", "2018-04-29T22:00", "2018-05-10T08:00", period="T1", year=2018,
         indicator_values=[{"indicator_ref": "P1", "value": 62, "measured_at": "2018-04-30"}]),
    step("progress_report", "2018-08-30T22:00", "2018-09-20T08:00", period="T2", year=2018,
         indicator_values=[{"indicator_ref": "P1", "value": 69, "measured_at": "2018-08-31",
                            "comment": "Fler coacher."},
                           {"indicator_ref": "P1", "value": "okänt", "measured_at": "2018-08-31"},
                           {"indicator_ref": "X9", "value": 1, "measured_at": "2018-08-31"}]),
    step("progress_report", "2018-12-30T23:00"),
    step("annual_follow_up", "2018-12-31T23:00", state="cancelled"),
]  # fmt: skip


def test_the_evaluation_plan_is_read_with_baselines_and_targets() -> None:
    p1, s1 = evaluation_plan(PLAN)
    assert p1 == Indicator(
        "P1", "Kontaktade inom 30 dagar", "process_measure", "%", "higher", "T",
        Reference(35.0, date(2017, 9, 1)), Reference(80.0, date(2018, 12, 31)),
    )  # fmt: skip
    assert (s1.baseline, s1.target, s1.baseline_plan) == (None, None, "Första enkäten.")
    assert evaluation_plan({}) == [] and evaluation_plan({"evaluation_plan": "?"}) == []


def test_the_schedule_says_submitted_late_missing_and_upcoming_on_a_day() -> None:
    found = report_schedule(PLAN, STEPS, at("2019-01-20T12:00"))
    assert [(r.step, r.due_on.isoformat(), r.deadline.isoformat(), r.status, r.period)
            for r in found] == [
        ("progress_report", "2018-04-30", "2018-05-15", "submitted", "T1 2018"),
        ("progress_report", "2018-08-31", "2018-09-15", "submitted", "T2 2018"),
        ("progress_report", "2018-12-31", "2019-01-15", "late", ""),
        ("annual_follow_up", "2018-12-31", "2019-01-31", "missing", "2018"),
        ("progress_report", "2019-04-30", "2019-05-15", "upcoming", ""),
        ("evaluation", "2019-04-30", "2019-10-31", "upcoming", ""),
    ]  # fmt: skip
    assert [r.on_time for r in found[:3]] == [True, False, None]
    assert (found[0].submitted_at, found[0].submitted_by) == (at("2018-05-10T08:00"), "elif")


def test_an_open_report_is_due_until_its_last_day_and_late_after_it() -> None:
    on_the_day = report_schedule(PLAN, STEPS, at("2019-01-15T22:59"))  # 23:59 in Sweden
    assert on_the_day[2].status == "due"
    next_day = report_schedule(PLAN, STEPS, at("2019-01-15T23:00"))  # 16 Jan in Sweden
    assert next_day[2].status == "late"


def test_a_report_date_with_no_task_is_missing_once_passed() -> None:
    found = report_schedule(PLAN, STEPS[:2], at("2019-05-01T12:00"))
    assert [r.status for r in found if r.step == "progress_report"] == [
        "submitted",
        "submitted",
        "missing",
        "missing",
    ]


def test_a_final_report_date_before_the_end_gives_way_to_six_months() -> None:
    copied = {**PLAN, "planned_end": "2020-12-31"}
    [evaluation] = [r for r in report_schedule(copied, [], at("2019-01-01T00:00"))
                    if r.step == "evaluation"]  # fmt: skip
    assert evaluation.deadline == date(2021, 7, 2)


def test_a_case_without_a_plan_owes_nothing() -> None:
    assert report_schedule({}, [], at("2030-01-01T00:00")) == []


def test_every_reported_value_in_date_order() -> None:
    annual = step(
        "annual_follow_up",
        "2018-12-31T23:00",
        "2019-01-28T09:00",
        year=2018,
        indicator_summary=[
            {"indicator_ref": "P1", "value": 76},
            {"indicator_ref": "S1", "value": 3.6},
        ],
    )
    evaluation = step("evaluation", "2019-04-29T22:00", "2019-09-01T08:00", by="sara",
                      period_covered={"from": "2017-09-01", "to": "2019-04-30"},
                      indicator_results=[{"indicator_ref": "P1", "result": 84,
                                          "interpretation": "Målet nått."}])  # fmt: skip
    p1, s1 = indicator_series(evaluation_plan(PLAN), [evaluation, annual, *STEPS])
    assert [(m.on.isoformat(), m.value, m.step, m.period, m.reported_by, m.comment)
            for m in p1.measurements] == [
        ("2018-04-30", 62.0, "progress_report", "T1 2018", "elif", ""),
        ("2018-08-31", 69.0, "progress_report", "T2 2018", "elif", "Fler coacher."),
        ("2018-12-31", 76.0, "annual_follow_up", "2018", "elif", ""),
        ("2019-04-30", 84.0, "evaluation", "", "sara", "Målet nått."),
    ]  # fmt: skip
    assert p1.latest is not None and p1.latest.value == 84.0
    assert [(m.on, m.value) for m in s1.measurements] == [(date(2018, 12, 31), 3.6)]


def test_report_steps_are_folded_from_the_event_log() -> None:
    def event(n: int, kind: str, element: str, task: str, when: str, actor: str = "system",
              **detail: Any) -> LogEvent:  # fmt: skip
        return LogEvent(n, 1, "SIF-2018-0001", "KAA", "p", 1, at(when), actor, kind, task,
                        element, "", detail)  # fmt: skip

    log = [
        event(1, "case_started", "", "", "2018-01-01T00:00"),
        event(2, "task_created", "progress_report", "t1", "2018-04-29T22:00"),
        event(3, "task_claimed", "progress_report", "t1", "2018-05-02T08:00", "elif"),
        event(4, "task_completed", "progress_report", "t1", "2018-05-10T08:00", "elif",
              data={"period": "T1", "year": 2018}),
        event(5, "task_created", "handle_deviation", "d1", "2018-05-10T08:00"),
        event(6, "task_created", "annual_follow_up", "a1", "2018-12-31T23:00"),
        event(7, "task_cancelled", "annual_follow_up", "a1", "2019-01-02T08:00"),
        event(8, "task_created", "progress_report", "t2", "2018-08-30T22:00"),
    ]  # fmt: skip
    assert report_steps(log) == [
        ReportStep("t1", "progress_report", at("2018-04-29T22:00"), "completed",
                   at("2018-05-10T08:00"), "elif", {"period": "T1", "year": 2018}),
        ReportStep("t2", "progress_report", at("2018-08-30T22:00")),
        ReportStep("a1", "annual_follow_up", at("2018-12-31T23:00"), "cancelled"),
    ]  # fmt: skip
