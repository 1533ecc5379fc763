"""Early termination (DOMAIN S18, S21): ending a project is the granting body's decision; it
stops the project's allocations and reports, what is unpaid of its grant goes back to the fund,
the year's unused money is returned as usual, and the project is evaluated at once rather than
at its planned end."""

from __future__ import annotations

from dataclasses import replace

import pytest

import engine
from engine import Runtime
from tasks.store import load_ledger
from tests.integration.fund import complete, offered
from web.demo.cases import CASE_D, follow_up, form, report
from web.demo.replay import advance_to, replay


def _terminated(rt: Runtime) -> int:
    """Case D: its T1 2018 report says the project cannot go on; KS ends it on 2018-05-20."""
    steps = CASE_D.steps[: [s.on for s in CASE_D.steps].index("2018-05-08")]
    case_id = replay(rt, [replace(CASE_D, steps=steps)])["D"]
    advance_to(rt, "2018-05-08")
    row = {
        "type": "other",
        "severity": "major",
        "decision_needed": True,
        "description": "Samarbetet med arbetsförmedlingen upphör; målgruppen nås inte.",
    }
    complete(rt, case_id, "progress_report", "elif.demir",
        report("T1", 2018, "major_deviation", deviations=[row]))  # fmt: skip
    asked = {"change_type": "termination", "decision": "terminate_project",
             "decided_by": "per.sjo", "decision_date": "2018-05-12",
             "description": "Projektet föreslås avslutas i förtid."}  # fmt: skip
    complete(rt, case_id, "handle_deviation", "per.sjo", form("deviation", **asked))
    [decide] = [t for t in engine.get_case(rt, case_id, with_data=False).open_tasks
                if t.element_id == "decide_change"]  # fmt: skip
    assert decide.roles == ("board_secretary",)  # KS granted the money (Södertälje)
    ended = {"decision": "terminate_project", "decision_date": "2018-05-20", "paragraph": "§99"}
    with pytest.raises(engine.NotAllowed):  # the head of administration cannot end it alone
        engine.complete_task(rt, decide.id, ended, "per.sjo")
    advance_to(rt, "2018-05-20")
    engine.complete_task(rt, decide.id, ended, "olle.vik")
    return case_id


def test_ending_a_project_returns_its_unpaid_grant_and_stops_its_reports(
    fund_rt: Runtime,
) -> None:
    case_id = _terminated(fund_rt)
    with fund_rt.db.reading() as conn:
        ledger = load_ledger(conn, "SIF-DEMO")
    d = ledger.project("D")
    assert (d.terminated, d.committed, d.net_disbursed, d.undisbursed) == (True, 2250, 2250, 0)
    assert ledger.fund().available_to_grant == 24000 - 2250
    advance_to(fund_rt, "2018-12-01")  # the T2 report date has passed: no report is asked for
    assert "progress_report" not in offered(fund_rt, case_id)
    assert engine.get_case(fund_rt, case_id, with_data=False).status != "error"


def test_an_ended_project_is_evaluated_after_its_last_year_end_not_its_planned_end(
    fund_rt: Runtime,
) -> None:
    case_id = _terminated(fund_rt)
    advance_to(fund_rt, "2019-01-20")  # 2018's year-end follow-up still comes
    complete(fund_rt, case_id, "annual_follow_up", "elif.demir", follow_up(2018, 1200))
    complete(fund_rt, case_id, "verify_follow_up", "erik.holm", form("follow_up_verification"))
    assert offered(fund_rt, case_id) == ["evaluation"]  # not a 2019 allocation
    assert engine.get_case(fund_rt, case_id, with_data=False).status == "running"
    with fund_rt.db.reading() as conn:
        d = load_ledger(conn, "SIF-DEMO").project("D")
    assert (d.net_disbursed, d.committed, d.undisbursed) == (1950, 1950, 0)  # 300 returned
