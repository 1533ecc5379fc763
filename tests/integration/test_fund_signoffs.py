"""Sign-offs are actions of the people who give them, not names typed into someone else's
form: the central economist verifies each year-end follow-up, the steering group approves each
progress report where the profile has one, and an adjusted repayment plan holds only once the
profile's decider has decided it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

import engine
from engine import Runtime
from tasks.store import repayment_plan_totals
from tests.integration.fund import complete, fund_runtime, offered
from web.demo.cases import CASE_D, form
from web.demo.replay import Step, replay


def _steps_before(element: str, occurrence: int = 1) -> list[Step]:
    seen = 0
    for index, step in enumerate(CASE_D.steps):
        if step.element == element:
            seen += 1
            if seen == occurrence:
                return CASE_D.steps[:index]
    raise AssertionError(element)


def test_the_central_economist_verifies_the_year_end_follow_up(fund_rt: Runtime) -> None:
    steps = _steps_before("verify_follow_up")
    case_id = replay(fund_rt, [replace(CASE_D, steps=steps)])["D"]
    [verify] = [t for t in engine.get_case(fund_rt, case_id, with_data=False).open_tasks
                if t.element_id == "verify_follow_up"]  # fmt: skip
    assert verify.roles == ("central_economist",)
    with pytest.raises(engine.NotAllowed):  # the project leader cannot verify their own figures
        engine.complete_task(fund_rt, verify.id, form("follow_up_verification"), "elif.demir")
    returned = {"verdict": "returned"}
    with pytest.raises(engine.ValidationFailed) as caught:  # say what to correct
        engine.complete_task(fund_rt, verify.id, returned, "erik.holm")
    assert [e.path for e in caught.value.errors] == ["comment"]
    engine.complete_task(fund_rt, verify.id, {**returned, "comment": "Fel år."}, "erik.holm")
    assert "annual_follow_up" in offered(fund_rt, case_id)
    assert "annual_allocation" not in offered(fund_rt, case_id)


def test_an_adjusted_plan_holds_only_once_it_is_decided(fund_rt: Runtime) -> None:
    steps = _steps_before("decide_adjusted_plan")
    case_id = replay(fund_rt, [replace(CASE_D, steps=steps)])["D"]

    def versions() -> int:
        with fund_rt.db.reading() as conn:
            return int(
                conn.execute(select(func.count()).select_from(repayment_plan_totals)).scalar()
            )

    assert versions() == 1  # plan v2 is drafted, not decided
    [decision] = [t for t in engine.get_case(fund_rt, case_id, with_data=False).open_tasks
                  if t.element_id == "decide_adjusted_plan"]  # fmt: skip
    assert decision.roles == ("board_secretary",)  # Södertälje: KS decides the plan
    rejected = {"decision": "rejected", "decision_date": "2023-03-20"}
    engine.complete_task(fund_rt, decision.id, rejected, "olle.vik")
    assert "adjust_plan_task" in offered(fund_rt, case_id) and versions() == 1
    d_v2 = next(s for s in CASE_D.steps if s.element == "adjust_plan_task").data
    complete(fund_rt, case_id, "adjust_plan_task", "sara.ahl", dict(d_v2))
    approved = {"decision": "approved", "decision_date": "2023-04-03", "paragraph": "§70"}
    complete(fund_rt, case_id, "decide_adjusted_plan", "olle.vik", approved)
    assert versions() == 2


def test_the_steering_group_approves_reports_where_the_profile_has_one(db_url: str) -> None:
    rt = fund_runtime(db_url, "stockholm_2016")
    try:
        steps = [s for s in _steps_before("progress_report") if s.element != "committee_decision"]
        case_id = replay(rt, [replace(CASE_D, steps=steps)])["D"]
        engine.advance_clock(rt, engine.to_datetime("2018-01-10T10:00"), "test")
        report = next(s for s in CASE_D.steps if s.element == "progress_report")
        complete(rt, case_id, "progress_report", "elif.demir", dict(report.data))
        [approval] = [t for t in engine.get_case(rt, case_id, with_data=False).open_tasks
                      if t.element_id == "approve_report"]  # fmt: skip
        assert approval.roles == ("steering_group",)
        returned = {"verdict": "returned", "meeting_date": "2018-01-15", "comment": "Mer om KAA."}
        engine.complete_task(rt, approval.id, returned, "tove.ahlin")
        assert "progress_report" in offered(rt, case_id)
    finally:
        rt.close()


def test_without_a_steering_group_a_report_goes_straight_on(fund_rt: Runtime) -> None:
    first_report = next(s for s in CASE_D.steps if s.element == "progress_report")
    steps = [*_steps_before("progress_report"), first_report]
    case_id = replay(fund_rt, [replace(CASE_D, steps=steps)])["D"]
    assert "approve_report" not in offered(fund_rt, case_id)  # Södertälje: KS steers
