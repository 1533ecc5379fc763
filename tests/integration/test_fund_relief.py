"""Exemptions as an auditor checks them: a partial one leads to a revised plan for what is
left, decided again, and the case does not close while money is owed; a full one, made at any
time, stops the project's later allocations and repayments. Every posting names who caused it
and the decision behind it, and a later decision never overwrites an earlier one."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

import engine
from engine import Runtime
from tasks.ledger import Kind
from tasks.store import fund_transactions, load_ledger
from tests.integration.fund import complete, offered
from web.demo.cases import CASE_D, form, plan_lines, repayment
from web.demo.replay import Step, advance_to, replay


def _until(element: str) -> list[Step]:
    """Case D's steps before the first ``element``."""
    return CASE_D.steps[: [s.element for s in CASE_D.steps].index(element)]


def _project(rt: Runtime) -> object:
    with rt.db.reading() as conn:
        return load_ledger(conn, "SIF-DEMO").project("D")


PARTIAL = {"decision": "granted_partial", "amount_tkr": 1000, "decision_date": "2020-05-18",
           "paragraph": "§90", "case_number": "KS 20/12"}  # fmt: skip
PLAN_3500 = {2021: (500, 200), 2022: (500, 200), 2023: (500, 200), 2024: (500, 200),
             2025: (500, 200)}  # fmt: skip


def _partially_exempted(rt: Runtime) -> int:
    """Case D evaluated without economic effect, and 1 000 of its 4 500 exempted."""
    steps = [*_until("evaluation"),
             Step("2020-03-31", "evaluation", "sara.ahl",
                  form("evaluation", outcome_class="no_economic_effect")),
             Step("2020-04-10", "exemption_request", "maria.ek",
                  form("exemption_request", scope="partial", amount_tkr=1000)),
             Step("2020-05-18", "exemption_decision", "olle.vik", PARTIAL)]  # fmt: skip
    return replay(rt, [replace(CASE_D, steps=steps)])["D"]


def _decide_plan(rt: Runtime, case_id: int) -> None:
    decided = {"decision": "approved", "decision_date": "2020-06-15", "paragraph": "§120"}
    complete(rt, case_id, "decide_plan_ks", "olle.vik", decided)


def _plan_3500(rt: Runtime, case_id: int, decide: bool = True) -> None:
    complete(
        rt,
        case_id,
        "repayment_plan",
        "sara.ahl",
        form("repayment_plan", lines=plan_lines(PLAN_3500)),
    )
    if decide:
        _decide_plan(rt, case_id)


def test_a_partial_exemption_asks_for_a_plan_for_what_is_left(fund_rt: Runtime) -> None:
    case_id = _partially_exempted(fund_rt)
    d = _project(fund_rt)
    assert (d.net_disbursed, d.relieved, d.outstanding, d.closed) == (4500, 1000, 3500, False)
    assert offered(fund_rt, case_id) == ["repayment_plan"]  # not the final reconciliation
    whole = form("repayment_plan", lines=plan_lines({y: (600, 300) for y in range(2021, 2026)}))
    with pytest.raises(engine.ValidationFailed) as caught:
        complete(fund_rt, case_id, "repayment_plan", "sara.ahl", whole)
    assert [e.path for e in caught.value.errors] == ["total_tkr"]
    assert "3\u00a0500 tkr" in caught.value.errors[0].message
    _plan_3500(fund_rt, case_id, decide=False)
    assert offered(fund_rt, case_id) == ["decide_plan_ks"]  # decided again before it holds
    assert _project(fund_rt).repayment_due == 0
    _decide_plan(fund_rt, case_id)
    assert _project(fund_rt).repayment_due == 3500


def test_the_case_does_not_close_while_money_is_owed(fund_rt: Runtime) -> None:
    case_id = _partially_exempted(fund_rt)
    _plan_3500(fund_rt, case_id)
    for year in range(2021, 2026):
        advance_to(fund_rt, f"{year + 1}-01-20")
        returned = {"SN": 500, "UN": 200} if year < 2025 else {"SN": 300}  # 400 short at last
        complete(fund_rt, case_id, "repayment_follow_up", "erik.holm", repayment(year, returned))
    d = _project(fund_rt)
    assert (d.repaid, d.owed) == (3100, 400)
    assert offered(fund_rt, case_id) == ["repayment_plan"]
    late = plan_lines({2024: (400, 0)})
    with pytest.raises(engine.ValidationFailed) as caught:
        complete(fund_rt, case_id, "repayment_plan", "sara.ahl", form("repayment_plan", lines=late))
    assert "2025" in " ".join(e.message for e in caught.value.errors)


def test_a_full_exemption_at_any_time_stops_later_allocations(fund_rt: Runtime) -> None:
    upto = [s.element for s in CASE_D.steps].index("annual_allocation") + 1
    case_id = replay(fund_rt, [replace(CASE_D, steps=CASE_D.steps[:upto])])["D"]  # 750 paid
    after = engine.send_message(fund_rt, case_id, "exemption_requested", {}, "maria.ek")
    engine.complete_task(fund_rt, after.open_tasks[0].id, form("exemption_request"), "maria.ek")
    advance_to(fund_rt, "2017-10-01")
    full = {"decision": "granted_full", "decision_date": "2017-10-01",
            "paragraph": "§200", "case_number": "KS 17/112"}  # fmt: skip
    complete(fund_rt, case_id, "anytime_exemption_decision", "olle.vik", full)
    d = _project(fund_rt)
    assert (d.relieved, d.outstanding, d.undisbursed, d.closed) == (750, 0, 0, True)
    with fund_rt.db.reading() as conn:
        fund = load_ledger(conn, "SIF-DEMO").fund()
    assert fund.available_to_grant == 24000 - 750  # the unpaid 3 750 went back to the fund
    advance_to(fund_rt, "2018-01-28")
    complete(fund_rt, case_id, "annual_follow_up", "elif.demir", CASE_D.steps[upto + 1].data)
    assert "annual_allocation" not in offered(fund_rt, case_id)  # 2018 gets no money
    assert engine.get_case(fund_rt, case_id, with_data=False).status != "error"
    with fund_rt.db.reading() as conn:
        kinds = [tx.kind for tx in load_ledger(conn, "SIF-DEMO").transactions if tx.project == "D"]
    assert kinds.count(Kind.ALLOCATION) == 1


def test_each_posting_names_who_caused_it_and_its_own_decision(fund_rt: Runtime) -> None:
    steps = _until("repayment_follow_up")
    case_id = replay(fund_rt, [replace(CASE_D, steps=steps)])["D"]
    with fund_rt.db.reading() as conn:
        rows = conn.execute(
            fund_transactions.select()
            .where(fund_transactions.c.case_id == case_id)
            .order_by(fund_transactions.c.id)
        ).all()
    grant = next(r for r in rows if r.kind == "grant_commitment")
    assert (grant.posted_by, grant.decision_body, grant.paragraph) == ("olle.vik", "ks", "§139")
    assert grant.decision_date == date(2017, 6, 16)
    first = next(r for r in rows if r.kind == "allocation")
    assert (first.paragraph, first.booked_on) == ("§139", date(2017, 6, 16))
    assert first.decision_body == "ks"  # the last body of the profile's decision chain
    assert first.posted_at.date() == date(2017, 8, 21)  # entered when the step ran
    assert {r.posted_by for r in rows} == {"olle.vik"}  # never "system"
    data = engine.get_case(fund_rt, case_id).data
    assert data["ks_decision"]["paragraph"] == "§139"  # the plan decision's §120 beside it
    assert data["plan_decision"]["paragraph"] == "§120"
    with fund_rt.db.reading() as conn:
        plan = load_ledger(conn, "SIF-DEMO").plans["D"]
    assert plan == 4500
