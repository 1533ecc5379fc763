"""The demo cases' timelines (DOMAIN §9.6), as steps through the fund process.

Form data starts from realistic filled-in forms (``samples.json``, modelled on case D) and
changes what each step says. Dates are the days people acted; booking dates inside the data
(decision dates, years) follow DOMAIN §9.4–§9.5.
"""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tasks.calendar import report_due_dates
from tasks.profiles import load_profile
from web.demo.measures import tertial_values, year_end_values
from web.demo.people import COUNCIL_MEETINGS, FUND_PROFILE
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
    measured = tertial_values(period, year)
    if measured is not None:
        changes.setdefault("indicator_values", measured)
    return form("progress_report", period=period, year=year, status=status, **changes)


def follow_up(year: int, spent: int) -> dict[str, Any]:
    data = form("annual_follow_up", year=year, spent_tkr=spent)
    data["indicator_summary"] = year_end_values(year) or data["indicator_summary"]
    return data


def verified(on: str) -> Step:
    """The central economist checks a year-end follow-up against the ledger (S19)."""
    return Step(on, "verify_follow_up", "erik.holm", form("follow_up_verification"))


def _days_after(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def taken_in(idea_on: str, meeting: str) -> Step:
    """S02: the coordinator finds the idea complete a few days after it came in, in time to
    book it to ``meeting`` (after the council's meeting before that one)."""
    earlier = [d.isoformat() for d in COUNCIL_MEETINGS if d.isoformat() < meeting]
    on = max(_days_after(idea_on, 4), _days_after(earlier[-1], 1) if earlier else "")
    return Step(on, "intake_idea", "lina.nord", form("intake"))


def registered(on: str, case_number: str) -> Step:
    """S06: the coordinator registers the complete application with its case number."""
    return Step(on, "register_application", "lina.nord",
                form("registration", case_number=case_number))  # fmt: skip


def allocation(amount: int, decided: str, paragraph: str) -> dict[str, Any]:
    return {"amount_tkr": amount, "decision_date": decided, "paragraph": paragraph}


def repayment(year: int, by_board: dict[str, int], adjust: bool = False) -> dict[str, Any]:
    """A year's repayment follow-up: what each board realised and returned (tkr)."""
    lines = [{"board": board, "realised_cost_reduction_tkr": amount, "returned_tkr": amount}
             for board, amount in by_board.items()]  # fmt: skip
    return form("repayment_follow_up", year=year, by_board=lines, adjust_plan=adjust)


def repaid(on: str, year: int, by_board: dict[str, int], adjust: bool = False) -> Step:
    """The central economist's follow-up of a repayment year."""
    return Step(on, "repayment_follow_up", "erik.holm", repayment(year, by_board, adjust))


def decided_plan(drafted: str, element: str, version: dict[int, tuple[int, int]],
                 decided: str, decision: str, paragraph: str) -> list[Step]:  # fmt: skip
    """A repayment plan (or its adjustment) drafted by the economist and decided by KS."""
    decided_as = {"decision": "approved", "decision_date": decided, "paragraph": paragraph}
    return [
        Step(drafted, element, "sara.ahl", form("repayment_plan", lines=plan_lines(version))),
        Step(decided, decision, "olle.vik", decided_as),
    ]


def plan_lines(by_year: dict[int, tuple[int, int]]) -> list[dict[str, Any]]:
    return [
        {"year": year, "board": board, "amount_tkr": amount}
        for year, (sn, un) in by_year.items()
        for board, amount in (("SN", sn), ("UN", un))
        if amount
    ]


# S05: the administrative head who signs each affected board's consent (role admin_head).
CONSENT_SIGNERS = {"SN": "maria.ek", "UN": "per.sjo", "KFN": "per.sjo"}


def consents(on: str, app: dict[str, Any]) -> list[Step]:
    """S05: one consent per affected board of the application, in the application's order."""
    return [
        Step(on, "board_consent", CONSENT_SIGNERS[b["board"]], form(
            "consent", board=b["board"], signed_by=CONSENT_SIGNERS[b["board"]], date=on))
        for b in app["general"]["affected_boards"]
    ]  # fmt: skip


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
        taken_in("2017-01-20", "2017-02-15"),
        Step("2017-02-15", "screen_idea", "anna.berg", form("screening")),
        Step("2017-03-22", "draft_application", "elif.demir", form("application")),
        *consents("2017-03-22", form("application")),
        registered("2017-03-24", "KS 17/112"),
        Step("2017-04-03", "economic_review", "sara.ahl", form("economic_review")),
        Step("2017-04-19", "council_review", "anna.berg", form("council_review")),
        Step("2017-05-10", "decision_proposal", "anna.berg", form("decision_proposal")),
        Step("2017-06-01", "committee_decision", "olle.vik", form("committee_decision")),
        Step("2017-06-16", "board_decision", "olle.vik", form("board_decision")),
        Step("2017-08-20", "project_setup", "per.sjo", form("project_setup")),
        Step("2017-08-21", "annual_allocation", "olle.vik", allocation(750, "2017-06-16", "§139")),
        Step("2018-01-10", "progress_report", "elif.demir", report("T3", 2017)),
        Step("2018-01-28", "annual_follow_up", "elif.demir", follow_up(2017, 750)),
        verified("2018-01-28"),
        Step("2018-01-29", "annual_allocation", "olle.vik", allocation(1500, "2017-12-16", "§249")),
        Step("2018-05-08", "progress_report", "elif.demir", report("T1", 2018)),
        Step("2018-09-10", "progress_report", "elif.demir", report("T2", 2018)),
        Step("2019-01-10", "progress_report", "elif.demir", report("T3", 2018)),
        Step("2019-01-28", "annual_follow_up", "elif.demir", follow_up(2018, 1500)),
        verified("2019-01-28"),
        Step("2019-01-29", "annual_allocation", "olle.vik", allocation(2250, "2018-12-14", "§301")),
        Step("2019-05-08", "progress_report", "elif.demir", report("T1", 2019)),
        Step("2019-09-10", "progress_report", "elif.demir", report("T2", 2019)),
        Step("2020-01-10", "progress_report", "elif.demir", report("T3", 2019)),
        Step("2020-01-28", "annual_follow_up", "elif.demir", follow_up(2019, 2250)),
        verified("2020-01-28"),
        Step("2020-03-31", "evaluation", "sara.ahl", form("evaluation")),
        *decided_plan("2020-06-01", "repayment_plan", D_V1, "2020-06-15", "decide_plan_ks", "§120"),
        repaid("2022-01-20", 2021, {"SN": 600, "UN": 300}),
        repaid("2023-02-15", 2022, {"SN": 300, "UN": 300}, adjust=True),
        *decided_plan(
            "2023-03-20", "adjust_plan_task", D_V2, "2023-03-20", "decide_adjusted_plan", "§61"
        ),
        repaid("2024-01-20", 2023, {"SN": 600, "UN": 300}),
        repaid("2025-01-20", 2024, {"SN": 600, "UN": 300}),
        repaid("2026-01-20", 2025, {"SN": 900, "UN": 300}),
        Step("2026-02-01", "final_reconciliation", "erik.holm", form("final_reconciliation")),
        Step("2026-02-15", "implementation_decision", "per.sjo", form("implementation_decision")),
        Step("2026-03-02", "close_report", "lina.nord", form("close_report")),
    ],
)


DUE_PERIODS = {4: "T1", 8: "T2", 12: "T3"}
DEMO_REPORT_DUE = load_profile(FUND_PROFILE).report_due_dates


def investment(
    leader: str,
    setup_on: str,
    allocations: dict[int, tuple[int, str, str]],
    spent: dict[int, int],
    period: tuple[str, str],
    deviations: dict[str, dict[str, Any]] | None = None,
) -> list[Step]:
    """The investment phase: first allocation after set-up, then per budget year the year-end
    follow-up (late January) and the next allocation; a progress report ten days after each
    due date of the demo profile's calendar (as the process computes it), with a deviation
    handled ten days later where ``deviations`` says so."""
    report_dates = report_due_dates(*period, list(DEMO_REPORT_DUE))
    years = sorted(allocations)
    steps = [Step(_next_day(setup_on), "annual_allocation", "olle.vik",
                  allocation(*allocations[years[0]]))]  # fmt: skip
    for year in years:
        steps.append(Step(f"{year + 1}-01-20", "annual_follow_up", leader,
                          follow_up(year, spent[year])))  # fmt: skip
        steps.append(verified(f"{year + 1}-01-20"))
        if year + 1 in allocations:
            steps.append(Step(f"{year + 1}-01-21", "annual_allocation", "olle.vik",
                              allocation(*allocations[year + 1])))  # fmt: skip
    for due in report_dates:
        year, month = int(due[:4]), int(due[5:7])
        on = _days_after(due, 10)
        deviation = (deviations or {}).get(due)
        if deviation is None:
            steps.append(Step(on, "progress_report", leader, report(DUE_PERIODS[month], year)))
            continue
        steps.append(
            Step(
                on,
                "progress_report",
                leader,
                report(
                    DUE_PERIODS[month], year, deviation["status"], deviations=[deviation["row"]]
                ),
            )
        )
        steps.append(Step(_days_after(due, 20), "handle_deviation", "maria.ek",
                          form("deviation", **deviation["decision"])))  # fmt: skip
    return steps


def _next_day(day: str) -> str:
    return _days_after(day, 1)


def application(board: str, boards: list[str], start: str, end: str, total: int,
                by_year: dict[int, int], title: str) -> dict[str, Any]:  # fmt: skip
    """The sample application (case D) re-cut for another project."""
    data = form("application")
    general = data["general"]
    general.update(
        title=title, lead_board=board, planned_start=start, planned_end=end,
        requested_total_tkr=total,
        affected_boards=[{"board": b, "expected_effect": "Lägre kostnader.", "consent": "agree"}
                         for b in boards],
        budget_by_year=[{"year": y, "personnel": a, "premises": 0, "evaluation": 0, "other": 0,
                         "total": a} for y, a in by_year.items()],
    )  # fmt: skip
    return data


def grant(
    meeting: str,
    paragraph: str,
    granted: int,
    period: tuple[str, str],
    by_year: dict[int, int],
    reserved: int = 0,
    condition: str = "",
) -> dict[str, Any]:
    data = form(
        "board_decision", meeting_date=meeting, paragraph=paragraph, granted_tkr=granted,
        reserved_tkr=reserved, project_period={"start": period[0], "end": period[1]},
        allocation_by_year=[{"year": y, "amount": a} for y, a in by_year.items()],
    )  # fmt: skip
    if condition:
        data["release_condition"] = condition
        data["release_when"] = "project_evaluated"
    return data


def pre_grant(applicant: str, dates: list[str], idea: dict[str, Any], app: dict[str, Any],
              board: dict[str, Any], council: list[tuple[str, dict[str, Any]]] | None = None
              ) -> list[Step]:  # fmt: skip
    """S01 → S13: idea, screening, application, economic review, council, proposal, committee,
    KS. ``dates``: idea, screening, application, economic review, proposal, committee.
    ``council``: the council meetings (and any revision/review between them) in order."""
    idea_on, screen_on, app_on, eco_on, proposal_on, committee_on = dates
    council = council or [(_days_after(eco_on, 14), {"element": "council_review"})]
    steps = [
        Step(idea_on, "submit_idea", applicant, idea),
        taken_in(idea_on, screen_on),
        Step(screen_on, "screen_idea", "anna.berg", form("screening", meeting_date=screen_on)),
        Step(app_on, "draft_application", applicant, app),
        *consents(app_on, app),
        registered(app_on, f"KS {app_on[2:4]}/{int(app_on[5:7]) * 10 + int(app_on[8:10])}"),
        Step(eco_on, "economic_review", "sara.ahl", form("economic_review")),
    ]
    for on, spec in council:
        element = spec.pop("element")
        user = {"council_review": "anna.berg", "scientific_review": "karin.strom",
                "revise_application": applicant}[element]  # fmt: skip
        base = {"council_review": "council_review", "scientific_review": "scientific_review",
                "revise_application": "revision"}[element]  # fmt: skip
        steps.append(Step(on, element, user, form(base, **spec)))
    steps += [
        Step(proposal_on, "decision_proposal", "anna.berg", form("decision_proposal")),
        Step(committee_on, "committee_decision", "olle.vik", form("committee_decision")),
        Step(board["meeting_date"], "board_decision", "olle.vik", board),
    ]
    return steps


def relief_at_any_time(requested: str, decided: str, grounds: str, paragraph: str,
                       case_number: str) -> list[Step]:  # fmt: skip
    """S27/S28 outside the main flow: the board asks for exemption, KS grants it in full."""
    return [
        Step(requested, "anytime_exemption_request", "maria.ek", message="exemption_requested"),
        Step(requested, "anytime_exemption_request", "maria.ek",
             form("exemption_request", grounds=grounds)),
        Step(decided, "anytime_exemption_decision", "olle.vik",
             form("exemption_decision", decision_date=decided, paragraph=paragraph,
                  case_number=case_number)),
    ]  # fmt: skip


def closing(on: str, outcome: str, implement: str, lessons: str) -> list[Step]:
    """Evaluation, then reconciliation (no final frame adjustment: Södertälje cuts frames
    yearly), the decision on implementation and the close with its lessons (a project relieved
    in full goes straight from the evaluation to the reconciliation)."""
    steps = [Step(on, "evaluation", "sara.ahl", form(
        "evaluation", outcome_class=outcome, expected_effect_start_year=2030,
        implementation_recommendation=implement))]  # fmt: skip
    steps += [
        Step(_days_after(on, 20), "final_reconciliation", "erik.holm",
             {"summary": "Befriat i sin helhet; inget återstår att återföra.",
              "final_adjustments": []}),
        Step(_days_after(on, 30), "implementation_decision", "maria.ek",
             form("implementation_decision", decision=implement,
                  effective_from=_days_after(on, 60))),
        Step(_days_after(on, 40), "close_report", "lina.nord",
             {"lessons_learned": lessons}),
    ]  # fmt: skip
    return steps


A_DEVIATION = {
    "status": "major_deviation",
    "row": {"type": "time", "severity": "major", "decision_needed": True,
            "description": "Samarbetspartnern byttes och lokaler saknas; starten flyttas."},
    "decision": {"change_type": "timeline", "decision": "approved", "decided_by": "maria.ek",
                 "decision_date": "2016-09-20",
                 "description": "Starten flyttas till januari 2017."},
}  # fmt: skip

CASE_A = Timeline(
    project="A",
    title="Familjecentral Nord",
    started_on="2015-01-20",
    started_by="amira.haddad",
    start_data={"fund": "SIF-DEMO"},
    steps=[
        *pre_grant(
            "amira.haddad",
            ["2015-01-20", "2015-04-15", "2015-09-30", "2015-10-08", "2015-11-25", "2015-12-01"],
            form("idea", title="Familjecentral Nord", lead_board="SN", estimated_total_tkr=12000),
            application(
                "SN",
                ["SN"],
                "2016-01-01",
                "2018-12-31",
                6000,
                {2016: 2250, 2017: 2000, 2018: 1750},
                "Familjecentral Nord",
            ),
            grant(
                "2015-12-15",
                "§242",
                6000,
                ("2016-01-01", "2018-12-31"),
                {2016: 2250, 2017: 2000, 2018: 1750},
                reserved=6000,
                condition="Positiv utvärdering av familjecentral nr 1 och beslut i SN.",
            ),
            council=[
                (
                    "2015-10-14",
                    {
                        "element": "council_review",
                        "council_recommendation": "request_scientific_review",
                    },
                ),
                ("2015-10-20", {"element": "scientific_review"}),
                (
                    "2015-10-28",
                    {"element": "council_review", "council_recommendation": "return_for_revision"},
                ),
                ("2015-11-05", {"element": "revise_application"}),
                (
                    "2015-11-18",
                    {"element": "council_review", "council_recommendation": "recommend_approval"},
                ),
            ],
        ),
        Step(
            "2015-12-20",
            "project_setup",
            "maria.ek",
            form("project_setup", actual_start="2017-01-09", project_leader="amira.haddad"),
        ),
        *investment(
            "amira.haddad",
            "2015-12-20",
            {
                2016: (2250, "2015-12-15", "§242"),
                2017: (3000, "2016-12-16", "§244"),
                2018: (2600, "2017-12-16", "§249"),
            },
            {2016: 400, 2017: 3000, 2018: 2600},
            ("2016-01-01", "2018-12-31"),
            {"2016-08-31": A_DEVIATION},
        ),
        *relief_at_any_time(
            "2018-06-12", "2018-06-18", "effects_not_attributable", "§128", "KS 15/259"
        ),
        *closing(
            "2019-02-01",
            "effects_not_yet_visible",
            implement="implement",
            lessons="Starten försenades av lokalfrågan: säkra lokaler och partner före "
            "beslut. Effekterna på placeringar syns först efter flera år.",
        ),
    ],
)

CASE_B = Timeline(
    project="A",
    key="B",
    title="Familjecentral Syd (reservation)",
    started_on="2019-12-10",
    started_by="olle.vik",
    process="reservation_decision",
    start_data={"fund": "SIF-DEMO", "title": "Familjecentral Syd (reservation)"},
    steps=[
        Step(
            "2019-12-16",
            "decide_reservation",
            "olle.vik",
            {
                "decision": "cancel",
                "amount_tkr": 6000,
                "decision_date": "2019-12-16",
                "paragraph": "§290",
            },
        )
    ],
)

C_DEVIATION = {
    "status": "major_deviation",
    "row": {"type": "target_group", "severity": "major", "decision_needed": True,
            "description": "Målen nås inte; nyckelpersoner har slutat; behovet har minskat."},
    "decision": {"change_type": "target_group", "decision": "approved",
                 "decided_by": "per.sjo", "decision_date": "2018-05-07",
                 "description": "Målgruppen snävas in till årskurs 7–9; coachning en termin."},
}  # fmt: skip

CASE_C = Timeline(
    project="C",
    title="Ungdomscoacher",
    started_on="2015-10-01",
    started_by="jonas.lind",
    start_data={"fund": "SIF-DEMO"},
    steps=[
        *pre_grant(
            "jonas.lind",
            ["2015-10-01", "2015-11-18", "2016-02-01", "2016-02-15", "2016-04-15", "2016-04-20"],
            form("idea", title="Ungdomscoacher", lead_board="UN", estimated_total_tkr=6000),
            application(
                "UN",
                ["UN", "SN"],
                "2016-08-15",
                "2019-06-30",
                6000,
                {2016: 900, 2017: 2100, 2018: 2100, 2019: 900},
                "Ungdomscoacher",
            ),
            grant(
                "2016-04-29",
                "§87",
                6000,
                ("2016-08-15", "2019-06-30"),
                {2016: 900, 2017: 2100, 2018: 2100, 2019: 900},
            ),
        ),
        Step(
            "2016-05-10",
            "project_setup",
            "per.sjo",
            form("project_setup", actual_start="2016-08-15", project_leader="jonas.lind"),
        ),
        *investment(
            "jonas.lind",
            "2016-05-10",
            {
                2016: (900, "2016-04-29", "§87"),
                2017: (2100, "2016-12-16", "§244"),
                2018: (2100, "2017-12-16", "§249"),
                2019: (1400, "2018-12-14", "§301"),
            },
            {2016: 900, 2017: 1600, 2018: 2100, 2019: 1400},
            ("2016-08-15", "2019-06-30"),
            {"2018-04-30": C_DEVIATION},
        ),
        *relief_at_any_time("2019-10-01", "2019-11-18", "no_economic_effect", "§262", "KS 16/45"),
        *closing(
            "2020-01-31",
            "no_economic_effect",
            implement="discontinue",
            lessons="Behovet i skolorna var lägre än beräknat; en behovsanalys per skola "
            "före start hade visat det. Delar av coachningen lever vidare i elevhälsan.",
        ),
    ],
)

CASE_E = Timeline(
    project="E",
    title="Fritidsmentorer 10–15 år",
    started_on="2018-01-22",
    started_by="nora.falk",
    start_data={"fund": "SIF-DEMO"},
    steps=[
        *pre_grant(
            "nora.falk",
            ["2018-01-22", "2018-02-14", "2018-04-30", "2018-05-10", "2018-09-13", "2018-09-14"],
            form(
                "idea", title="Fritidsmentorer 10–15 år", lead_board="KFN", estimated_total_tkr=1800
            ),
            application(
                "KFN",
                ["KFN", "UN"],
                "2019-01-01",
                "2020-12-31",
                1800,
                {2019: 900, 2020: 900},
                "Fritidsmentorer 10–15 år",
            ),
            grant("2018-09-17", "§188", 1500, ("2019-01-01", "2020-12-31"), {2019: 750, 2020: 750}),
            council=[
                (
                    "2018-05-16",
                    {"element": "council_review", "council_recommendation": "return_for_revision"},
                ),
                ("2018-06-15", {"element": "revise_application"}),
                (
                    "2018-09-12",
                    {
                        "element": "council_review",
                        "council_recommendation": "recommend_approval",
                        "recommended_amount_tkr": 1500,
                        "recommended_allocation_by_year": [
                            {"year": 2019, "amount": 750},
                            {"year": 2020, "amount": 750},
                        ],
                    },
                ),
            ],
        ),
        Step(
            "2018-10-01",
            "project_setup",
            "maria.ek",
            form("project_setup", actual_start="2019-01-01", project_leader="nora.falk"),
        ),
        *investment(
            "nora.falk",
            "2018-10-01",
            {2019: (750, "2018-12-14", "§301"), 2020: (750, "2019-12-16", "§290")},
            {2019: 750, 2020: 750},
            ("2019-01-01", "2020-12-31"),
        ),
    ],
)

CASES = [CASE_A, CASE_B, CASE_C, CASE_D, CASE_E]
