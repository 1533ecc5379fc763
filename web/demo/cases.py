"""The demo cases' timelines (DOMAIN §9.6), as steps through the fund process.

Form data starts from realistic filled-in forms (``samples.json``, modelled on case D) and
changes what each step says. Dates are the days people acted; booking dates inside the data
(decision dates, years) follow DOMAIN §9.4–§9.5.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from web.demo.replay import Step, Timeline

_SAMPLES: dict[str, dict[str, Any]] = {
    name.removesuffix(".schema.json"): sample
    for name, sample in json.loads(
        (Path(__file__).parent / "samples.json").read_text(encoding="utf-8")
    ).items()
}


def form(name: str, **changes: Any) -> dict[str, Any]:
    """A realistic filled-in form with some answers changed."""
    data = copy.deepcopy(_SAMPLES[name])
    data.update(changes)
    return data


def report(period: str, year: int, status: str = "on_track", **changes: Any) -> dict[str, Any]:
    return form("progress_report", period=period, year=year, status=status, **changes)


def follow_up(year: int, spent: int) -> dict[str, Any]:
    return form("annual_follow_up", year=year, spent_tkr=spent)


def allocation(amount: int, decided: str, paragraph: str) -> dict[str, Any]:
    return {"amount_tkr": amount, "decision_date": decided, "paragraph": paragraph}


def repayment(year: int, returned: int, adjust: bool = False) -> dict[str, Any]:
    return form(
        "repayment_follow_up", year=year, board="SN", realised_cost_reduction_tkr=returned,
        returned_tkr=returned, adjust_plan=adjust,
    )  # fmt: skip


def plan_lines(by_year: dict[int, tuple[int, int]]) -> list[dict[str, Any]]:
    return [
        {"year": year, "board": board, "amount_tkr": amount}
        for year, (sn, un) in by_year.items()
        for board, amount in (("SN", sn), ("UN", un))
        if amount
    ]


D_V1 = {2021: (600, 300), 2022: (600, 300), 2023: (600, 300), 2024: (600, 300), 2025: (600, 300)}
D_V2 = {2021: (600, 300), 2022: (300, 300), 2023: (600, 300), 2024: (600, 300), 2025: (900, 300)}

CASE_D = Timeline(
    project="D",
    title="KAA – Ung i Tälje",
    started_on="2017-01-20",
    started_by="elif.demir",
    start_data={"fund": "SIF-DEMO"},
    steps=[
        Step("2017-01-20", "submit_idea", "elif.demir", form("idea")),
        Step("2017-02-15", "screen_idea", "anna.berg", form("screening")),
        Step("2017-03-22", "draft_application", "elif.demir", form("application")),
        Step("2017-04-03", "economic_review", "sara.ahl", form("economic_review")),
        Step("2017-04-19", "council_review", "anna.berg", form("council_review")),
        Step("2017-05-10", "decision_proposal", "anna.berg", form("decision_proposal")),
        Step("2017-06-01", "committee_decision", "olle.vik", form("committee_decision")),
        Step("2017-06-16", "board_decision", "olle.vik", form("board_decision")),
        Step("2017-08-20", "project_setup", "per.sjo", form("project_setup")),
        Step("2017-08-21", "annual_allocation", "olle.vik", allocation(750, "2017-06-16", "§139")),
        Step("2018-01-10", "progress_report", "elif.demir", report("T3", 2017)),
        Step("2018-01-28", "annual_follow_up", "elif.demir", follow_up(2017, 750)),
        Step("2018-01-29", "annual_allocation", "olle.vik", allocation(1500, "2017-12-16", "§249")),
        Step("2018-05-08", "progress_report", "elif.demir", report("T1", 2018)),
        Step("2018-09-10", "progress_report", "elif.demir", report("T2", 2018)),
        Step("2019-01-10", "progress_report", "elif.demir", report("T3", 2018)),
        Step("2019-01-28", "annual_follow_up", "elif.demir", follow_up(2018, 1500)),
        Step("2019-01-29", "annual_allocation", "olle.vik", allocation(2250, "2018-12-14", "§301")),
        Step("2019-05-08", "progress_report", "elif.demir", report("T1", 2019)),
        Step("2019-09-10", "progress_report", "elif.demir", report("T2", 2019)),
        Step("2020-01-10", "progress_report", "elif.demir", report("T3", 2019)),
        Step("2020-01-28", "annual_follow_up", "elif.demir", follow_up(2019, 2250)),
        Step("2020-03-31", "evaluation", "sara.ahl", form("evaluation")),
        Step("2020-06-01", "repayment_plan", "sara.ahl",
             form("repayment_plan", lines=plan_lines(D_V1), decision_date="2020-06-15")),
        Step("2020-06-15", "decide_plan_ks", "olle.vik",
             {"decision": "approved", "decision_date": "2020-06-15", "paragraph": "§120"}),
        Step("2022-01-20", "repayment_follow_up", "erik.holm", repayment(2021, 900)),
        Step("2023-02-15", "repayment_follow_up", "erik.holm", repayment(2022, 600, adjust=True)),
        Step("2023-03-20", "adjust_plan_task", "sara.ahl",
             form("repayment_plan", lines=plan_lines(D_V2), decision_date="2023-03-20")),
        Step("2024-01-20", "repayment_follow_up", "erik.holm", repayment(2023, 900)),
        Step("2025-01-20", "repayment_follow_up", "erik.holm", repayment(2024, 900)),
        Step("2026-01-20", "repayment_follow_up", "erik.holm", repayment(2025, 1200)),
        Step("2026-02-01", "final_reconciliation", "erik.holm", form("final_reconciliation")),
        Step("2026-02-15", "implementation_decision", "per.sjo", form("implementation_decision")),
    ],
)  # fmt: skip

CASES = [CASE_D]
