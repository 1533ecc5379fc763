"""Approved changes of a granted project (DOMAIN S18): the body that granted the money changes
the project's total grant or extends it. A new total changes the commitment in the ledger, within
what the fund has left and not below what is paid out; an extension moves the project's end,
within the budget years it was granted for. A refused change posts nothing and leaves the
decision open; a rejected one changes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

import engine
from engine import Runtime
from tasks.ledger import FundBalance, ProjectBalance
from tasks.store import fund_transactions, load_ledger
from tests.integration.fund import complete, offered, open_task
from web.demo.cases import CASE_C, allocation, follow_up, form
from web.demo.replay import _play, advance_to, replay

DECIDED = {"decision": "approved", "decision_date": "2018-05-28", "paragraph": "§99"}


def _asked(rt: Runtime, change_type: str) -> int:
    """Case C (granted 6 000, 2016-08-15 – 2019-06-30; 4 600 paid out by May 2018): its
    T1 2018 deviation asks the granting body (KS) for ``change_type``."""
    steps = [s for s in CASE_C.steps if s.on < "2018-05-20"]
    case_id = replay(rt, [replace(CASE_C, steps=steps)])["C"]
    advance_to(rt, "2018-05-20")
    asked = form("deviation", change_type=change_type, decision="approved",
                 decided_by="per.sjo", decision_date="2018-05-20",
                 description="Projektet behöver mer tid och pengar för årskurs 7–9.")  # fmt: skip
    complete(rt, case_id, "handle_deviation", "maria.ek", asked)
    assert offered(rt, case_id) == ["decide_change"]
    advance_to(rt, "2018-05-28")
    return case_id


def _balances(rt: Runtime) -> tuple[ProjectBalance, FundBalance]:
    with rt.db.reading() as conn:
        ledger = load_ledger(conn, "SIF-DEMO")
    return ledger.project("C"), ledger.fund()


def _refused(rt: Runtime, case_id: int, answers: dict[str, Any]) -> dict[str, str]:
    """Completing the decision as the board secretary is refused: field → message."""
    task = open_task(rt, case_id, "decide_change")
    with pytest.raises(engine.ValidationFailed) as refused:
        engine.complete_task(rt, task.id, answers, "olle.vik")
    return {e.path: e.message for e in refused.value.errors}


def test_a_larger_grant_is_committed_and_the_next_allocation_may_use_it(
    fund_rt: Runtime,
) -> None:
    case_id = _asked(fund_rt, "amount_change")
    complete(fund_rt, case_id, "decide_change", "olle.vik",
             {**DECIDED, "approved_amount_tkr": 6500})  # fmt: skip
    c, fund = _balances(fund_rt)
    assert (c.committed, c.net_disbursed, c.undisbursed) == (6500, 4600, 1900)
    assert fund.available_to_grant == 24000 - 6500
    with fund_rt.db.reading() as conn:
        [row] = conn.execute(
            fund_transactions.select().where(
                fund_transactions.c.case_id == case_id,
                fund_transactions.c.kind == "grant_commitment",
                fund_transactions.c.amount == 500,
            )
        ).all()
    assert (row.posted_by, row.decision_body, row.paragraph) == ("olle.vik", "ks", "§99")
    assert (row.booked_on, row.decision_date) == (date(2018, 5, 28), date(2018, 5, 28))
    assert row.posted_at.date() == date(2018, 5, 28)
    assert row.reference == "Nytt beviljat belopp 6\u00a0500 tkr"
    advance_to(fund_rt, "2019-01-20")  # 2018's year end; 2019 may get 1 900, not only 1 400
    complete(fund_rt, case_id, "annual_follow_up", "jonas.lind", follow_up(2018, 2100))
    complete(fund_rt, case_id, "verify_follow_up", "erik.holm", form("follow_up_verification"))
    complete(fund_rt, case_id, "annual_allocation", "olle.vik",
             allocation(1900, "2018-12-14", "§301"))  # fmt: skip
    c, _ = _balances(fund_rt)
    assert (c.net_disbursed, c.undisbursed) == (6500, 0)
    assert engine.get_case(fund_rt, case_id, with_data=False).status == "running"


def test_a_smaller_grant_gives_the_fund_back_what_is_not_paid_out(fund_rt: Runtime) -> None:
    case_id = _asked(fund_rt, "amount_change")
    complete(fund_rt, case_id, "decide_change", "olle.vik",
             {**DECIDED, "approved_amount_tkr": 5000})  # fmt: skip
    c, fund = _balances(fund_rt)
    assert (c.committed, c.undisbursed, c.terminated) == (5000, 400, False)
    assert fund.available_to_grant == 24000 - 5000


def test_a_grant_larger_than_the_fund_has_left_is_refused_and_nothing_is_posted(
    fund_rt: Runtime,
) -> None:
    case_id = _asked(fund_rt, "amount_change")
    before = _balances(fund_rt)
    errors = _refused(fund_rt, case_id, {**DECIDED, "approved_amount_tkr": 6000 + 18001})
    assert errors == {
        "approved_amount_tkr": "Ökningen 18\u00a0001 tkr överstiger vad fonden har kvar att "
        "bevilja (18\u00a0000 tkr)."
    }
    assert _balances(fund_rt) == before
    assert offered(fund_rt, case_id) == ["decide_change"]


def test_a_grant_below_what_is_paid_out_is_refused(fund_rt: Runtime) -> None:
    case_id = _asked(fund_rt, "amount_change")
    before = _balances(fund_rt)
    errors = _refused(fund_rt, case_id, {**DECIDED, "approved_amount_tkr": 4599})
    assert errors == {
        "approved_amount_tkr": "Det nya beloppet kan inte vara lägre än det som redan har "
        "betalats ut (4\u00a0600 tkr)."
    }
    assert _balances(fund_rt) == before
    assert offered(fund_rt, case_id) == ["decide_change"]


@pytest.mark.parametrize(
    ("change_type", "answers", "field", "message"),
    [
        ("amount_change", {}, "approved_amount_tkr", "Ange projektets nya beviljade belopp."),
        ("amount_change", {"approved_amount_tkr": 6000}, "approved_amount_tkr",
         "Projektet är redan beviljat 6\u00a0000 tkr."),
        ("amount_change", {"approved_amount_tkr": 6500, "new_end_date": "2019-12-31"},
         "new_end_date", "Anges bara när en förlängning godkänns."),
        ("extension", {}, "new_end_date", "Ange projektets nya slutdatum."),
        ("extension", {"new_end_date": "2019-06-30"}, "new_end_date",
         "Det nya slutdatumet måste vara senare än 2019-06-30."),
        ("extension", {"new_end_date": "2019-12-31", "approved_amount_tkr": 6500},
         "approved_amount_tkr", "Anges bara när ett ändrat belopp godkänns."),
        ("extension", {"new_end_date": "2019-12-31", "decision": "rejected"}, "new_end_date",
         "Anges bara när en förlängning godkänns."),
    ],
)  # fmt: skip
def test_each_rule_of_the_change_decision_refuses_and_changes_nothing(
    fund_rt: Runtime, change_type: str, answers: dict[str, Any], field: str, message: str
) -> None:
    case_id = _asked(fund_rt, change_type)
    before = _balances(fund_rt)
    assert _refused(fund_rt, case_id, {**DECIDED, **answers}) == {field: message}
    assert _balances(fund_rt) == before
    assert offered(fund_rt, case_id) == ["decide_change"]


def _to_evaluation(rt: Runtime, case_id: int) -> None:
    """Case C's timeline on from its deviation to its last year-end follow-up (January 2020),
    without its exemption: every report, follow-up and allocation as planned."""
    later = [s for s in CASE_C.steps if "2018-05-20" < s.on < "2019-10-01" or s.on == "2020-01-20"]
    for step in sorted(later, key=lambda s: s.on):
        advance_to(rt, step.on)
        _play(rt, case_id, CASE_C, step)


def _planned_end(rt: Runtime, case_id: int) -> str:
    return str(engine.get_case(rt, case_id).data["planned_end"])


def _project_end_timer(rt: Runtime, case_id: int) -> str:
    """When the timer before the evaluation ("Projektet slutar") was due, in UTC."""
    [fired] = [e for e in engine.case_events(rt, case_id, limit=None)
               if e.kind == "timer_fired" and e.element_id == "wait_project_end"]  # fmt: skip
    return str(fired.detail["due_at"])


def test_an_extension_moves_the_project_end_the_evaluation_counts_from(
    fund_rt: Runtime,
) -> None:
    case_id = _asked(fund_rt, "extension")
    complete(fund_rt, case_id, "decide_change", "olle.vik",
             {**DECIDED, "new_end_date": "2019-12-31"})  # fmt: skip
    assert _balances(fund_rt)[0].committed == 6000  # no money changes
    # The evaluation's timer reads the decided end; within the last budget year granted, the
    # case reaches it only after that year's follow-up (January 2020), so it fires at once.
    _to_evaluation(fund_rt, case_id)
    assert _planned_end(fund_rt, case_id) == "2019-12-31"
    assert _project_end_timer(fund_rt, case_id) == "2019-12-30T23:00:00+00:00"  # Swedish midnight
    assert offered(fund_rt, case_id) == ["evaluation"]


def test_a_rejected_change_changes_nothing(fund_rt: Runtime) -> None:
    case_id = _asked(fund_rt, "extension")
    before = _balances(fund_rt)
    complete(fund_rt, case_id, "decide_change", "olle.vik", {**DECIDED, "decision": "rejected"})
    assert _balances(fund_rt) == before
    _to_evaluation(fund_rt, case_id)
    assert _planned_end(fund_rt, case_id) == "2019-06-30"
    assert _project_end_timer(fund_rt, case_id) == "2019-06-29T22:00:00+00:00"
    assert offered(fund_rt, case_id) == ["evaluation"]


def test_an_extension_past_the_last_budget_year_needs_a_new_grant(fund_rt: Runtime) -> None:
    case_id = _asked(fund_rt, "extension")
    errors = _refused(fund_rt, case_id, {**DECIDED, "new_end_date": "2020-03-31"})
    assert errors == {
        "new_end_date": "Projektet har budgetår till och med 2019; en förlängning efter 2019 "
        "kräver ett nytt beviljande."
    }
    assert offered(fund_rt, case_id) == ["decide_change"]
