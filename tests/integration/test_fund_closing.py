"""Closing a case (DOMAIN S29–S31): each board's final frame adjustment is a posting of its
own that moves no fund money; the close-and-report step keeps the lessons learned in the
fund's register and archives the project's ledger, which then refuses any further posting.
Every way to the end of the process passes the close: repaid in full, relieved in full, the
budget model's no repayment, and a project ended early."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

import engine
from engine import Runtime, ServiceCall
from tasks.closures import closures
from tasks.fund_services import archive
from tasks.ledger import Kind, Ledger, Tx
from tasks.store import fund_transactions, load_ledger, post
from tests.integration.fund import complete, fund_runtime, offered
from tests.integration.test_fund_profiles import until_evaluation
from tests.integration.test_fund_termination import _terminated
from web.demo.cases import CASE_D, follow_up, form
from web.demo.replay import advance_to, replay

ROOT = Path(__file__).resolve().parents[2]
FUND = "SIF-DEMO"
SUMMARY = {"summary": "Befriat i sin helhet; inget återstår."}
LESSONS = {"lessons_learned": "Börja mäta effekterna från första dagen."}


def _ledger(rt: Runtime) -> Ledger:
    with rt.db.reading() as conn:
        return load_ledger(conn, FUND)


def _kinds(rt: Runtime, kind: Kind) -> list[Tx]:
    return [t for t in _ledger(rt).transactions if t.kind == kind]


def _refused(
    rt: Runtime, case_id: int, element: str, user: str, data: dict[str, object]
) -> list[tuple[str, str]]:
    """Completing ``element`` with ``data`` is refused: (path, message) of each field error."""
    before = _ledger(rt).transactions
    with pytest.raises(engine.ValidationFailed) as caught:
        complete(rt, case_id, element, user, data)
    assert _ledger(rt).transactions == before  # nothing was posted
    assert element in offered(rt, case_id)  # the task is still open
    return [(e.path, e.message) for e in caught.value.errors]


def _closed_and_archived(rt: Runtime, case_id: int, project: str = "D") -> None:
    case = engine.get_case(rt, case_id, with_data=False)
    assert (case.status, case.stage_code) == ("completed", "closed")
    assert _ledger(rt).project(project).archived
    with rt.db.reading() as conn:
        [kept] = closures(conn, FUND)
    assert (kept.project, kept.case_id, kept.closed_by) == (project, case_id, "lina.nord")


def test_case_d_books_its_frame_adjustments_and_is_archived(fund_rt: Runtime) -> None:
    """Repaid in full (Södertälje): the reconciliation books SN −600 and UN −300 from 2026
    as KS decided them, which changes no balance; the close archives D's ledger."""
    upto = [s.element for s in CASE_D.steps].index("final_reconciliation")
    case_id = replay(fund_rt, [replace(CASE_D, steps=CASE_D.steps[:upto])])["D"]
    before = _ledger(fund_rt)
    advance_to(fund_rt, "2026-02-01")
    complete(fund_rt, case_id, "final_reconciliation", "erik.holm", form("final_reconciliation"))
    after = _ledger(fund_rt)
    assert after.fund() == before.fund() and after.project("D") == before.project("D")
    frames = [(t.board, t.amount, t.budget_year, t.booked_on, t.decision.said())
              for t in _kinds(fund_rt, Kind.FRAME_ADJUSTMENT)]  # fmt: skip
    assert frames == [("SN", -600, 2026, date(2026, 1, 27), "KS 2026-01-27 §14"),
                      ("UN", -300, 2026, date(2026, 1, 27), "KS 2026-01-27 §14")]  # fmt: skip
    with fund_rt.db.reading() as conn:
        who = set(
            conn.execute(
                select(fund_transactions.c.posted_by).where(
                    fund_transactions.c.kind == "frame_adjustment"
                )
            ).scalars()
        )
    assert who == {"erik.holm"}  # the person whose step posted them, not "system"
    assert offered(fund_rt, case_id) == ["implementation_decision"]
    complete(
        fund_rt, case_id, "implementation_decision", "per.sjo", form("implementation_decision")
    )
    [task] = engine.get_case(fund_rt, case_id, with_data=False).open_tasks
    assert (task.element_id, task.roles, task.form) == (
        "close_report", ("coordinator",), "close_report.schema.json")  # fmt: skip
    with pytest.raises(engine.NotAllowed):  # the coordinator's step (S31)
        engine.complete_task(fund_rt, task.id, LESSONS, "erik.holm")
    assert not _ledger(fund_rt).project("D").archived  # not before the close
    advance_to(fund_rt, "2026-03-02")
    complete(fund_rt, case_id, "close_report", "lina.nord", form("close_report"))
    _closed_and_archived(fund_rt, case_id)
    with fund_rt.db.reading() as conn:
        [kept] = closures(conn, FUND)
    assert kept.closed_on == date(2026, 3, 2)
    assert kept.lessons.startswith("Tidig samverkan med SN")
    assert _ledger(fund_rt).fund() == before.fund()
    late = Tx(Kind.REPAYMENT, 100, date(2026, 12, 31), "D", 2026, "SN")
    with fund_rt.db.transaction() as conn, pytest.raises(engine.ValidationFailed) as caught:
        post(conn, late, "erik.holm", fund_rt.clock.now(conn), case_id, FUND)
    assert "D är avslutat och arkiverat" in caught.value.errors[0].message


def test_stockholm_requires_the_final_adjustment_and_the_report_to_ks(db_url: str) -> None:
    """Relieved in full after the evaluation (Stockholm): the ordinary budget must be finally
    adjusted for at least one of the case's boards, on a decided date, and the close names the
    city director's results report to KS. Each refusal is on its field and changes nothing."""
    rt = fund_runtime(db_url, "stockholm_2016", fund=FUND, capital=300000)
    try:
        steps = until_evaluation("stockholm_2016", "no_economic_effect", committee=False)
        case_id = replay(rt, [replace(CASE_D, steps=steps)])["D"]
        complete(rt, case_id, "exemption_request", "maria.ek", form("exemption_request"))
        complete(rt, case_id, "exemption_decision", "anna.berg",
                 form("exemption_decision", decision_date="2020-05-04"))  # fmt: skip
        assert offered(rt, case_id) == ["final_reconciliation"]
        said = _refused(rt, case_id, "final_reconciliation", "erik.holm", SUMMARY)
        assert said == [("final_adjustments", "Stockholm 2016: ange den slutliga "
                         "ramjusteringen för minst en nämnd.")]  # fmt: skip
        wrong = {**SUMMARY, "final_adjustments": [
            {"board": "KFN", "amount_tkr": -100, "effective_budget_year": 2021},
            {"board": "SN", "amount_tkr": 0, "effective_budget_year": 2021},
            {"board": "SN", "amount_tkr": -50, "effective_budget_year": 2021},
        ]}  # fmt: skip
        said = _refused(rt, case_id, "final_reconciliation", "erik.holm", wrong)
        assert said == [("final_adjustments.0.board", "KFN är inte en berörd nämnd i ärendet."),
                        ("final_adjustments.1.amount_tkr", "Ramjusteringen får inte vara noll."),
                        ("final_adjustments.2.board", "SN har redan en justering från 2021."),
                        ("decided_by", "Ange vem som beslutade ramjusteringen."),
                        ("decision_date", "Ange när ramjusteringen beslutades.")]  # fmt: skip
        sn = {**SUMMARY, "final_adjustments": [{"board": "SN", "amount_tkr": -400,
                                     "effective_budget_year": 2021}],
              "decided_by": "kf", "decision_date": "2020-06-10", "paragraph": "§88"}  # fmt: skip
        complete(rt, case_id, "final_reconciliation", "erik.holm", sn)
        [frame] = _kinds(rt, Kind.FRAME_ADJUSTMENT)
        assert (frame.board, frame.amount, frame.decision.said()) == (
            "SN", -400, "KF 2020-06-10 §88")  # fmt: skip
        complete(rt, case_id, "implementation_decision", "per.sjo",
                 form("implementation_decision", decision="discontinue"))  # fmt: skip
        said = _refused(rt, case_id, "close_report", "lina.nord", LESSONS)
        assert said == [
            ("results_report_to_ks", "Stockholm 2016: ange resultatrapporten till kommunstyrelsen.")
        ]
        complete(rt, case_id, "close_report", "lina.nord",
                 {**LESSONS, "results_report_to_ks": "KS 2020/412"})  # fmt: skip
        _closed_and_archived(rt, case_id)
        with rt.db.reading() as conn:
            assert closures(conn, FUND)[0].results_report == "KS 2020/412"
    finally:
        rt.close()


def test_the_budget_model_closes_without_a_reconciliation(db_url: str) -> None:
    """No repayment: straight from the evaluation to the implementation decision, then the
    close; Södertälje-like profiles need no frame adjustment and no report to KS."""
    rt = fund_runtime(db_url, "budget_model", fund=FUND)
    try:
        steps = until_evaluation("budget_model", "economic_effect_within_limit", committee=False)
        case_id = replay(rt, [replace(CASE_D, steps=steps)])["D"]
        complete(rt, case_id, "implementation_decision", "per.sjo", form("implementation_decision"))
        complete(rt, case_id, "close_report", "lina.nord", LESSONS)
        _closed_and_archived(rt, case_id)
        assert _kinds(rt, Kind.FRAME_ADJUSTMENT) == []
    finally:
        rt.close()


def test_a_project_ended_early_is_closed_and_archived(fund_rt: Runtime) -> None:
    """Ended early, evaluated, relieved in full by KS, reconciled without frame changes
    (Södertälje cuts frames yearly), decided and closed."""
    case_id = _terminated(fund_rt)
    advance_to(fund_rt, "2019-01-20")
    complete(fund_rt, case_id, "annual_follow_up", "elif.demir", follow_up(2018, 1200))
    complete(fund_rt, case_id, "verify_follow_up", "erik.holm", form("follow_up_verification"))
    evaluation = next(s for s in CASE_D.steps if s.element == "evaluation")
    complete(fund_rt, case_id, "evaluation", "sara.ahl",
             {**evaluation.data, "outcome_class": "no_economic_effect"})  # fmt: skip
    complete(fund_rt, case_id, "exemption_request", "maria.ek", form("exemption_request"))
    complete(fund_rt, case_id, "exemption_decision", "olle.vik",
             form("exemption_decision", decision_date="2019-02-18"))  # fmt: skip
    complete(
        fund_rt, case_id, "final_reconciliation", "erik.holm", {**SUMMARY, "final_adjustments": []}
    )
    complete(fund_rt, case_id, "implementation_decision", "per.sjo",
             form("implementation_decision", decision="discontinue"))  # fmt: skip
    complete(fund_rt, case_id, "close_report", "lina.nord", LESSONS)
    _closed_and_archived(fund_rt, case_id)
    d = _ledger(fund_rt).project("D")
    assert (d.outstanding, d.undisbursed, d.closed) == (0, 0, True)


def test_no_path_reaches_the_end_without_the_archive() -> None:
    """Every flow into ``closed`` (and anything before it) passes ``archive_case``, which only
    ``close_report`` leads to: no way round the close."""
    tree = etree.parse(str(ROOT / "processes" / "social_investment_case.bpmn"))
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
    edges: dict[str, set[str]] = {}
    for flow in tree.iterfind(".//bpmn:sequenceFlow", ns):
        edges.setdefault(flow.get("sourceRef"), set()).add(flow.get("targetRef"))
    for boundary in tree.iterfind(".//bpmn:boundaryEvent", ns):
        edges.setdefault(boundary.get("attachedToRef"), set()).add(boundary.get("id"))

    def reachable(avoid: str) -> set[str]:
        seen, todo = {"start"}, ["start"]
        while todo:
            for nxt in edges.get(todo.pop(), set()) - seen - {avoid}:
                seen.add(nxt)
                todo.append(nxt)
        return seen

    assert "closed" in reachable(avoid="")
    assert "closed" not in reachable(avoid="archive_case")
    assert "archive_case" not in reachable(avoid="close_report")


def test_the_archive_returns_what_is_unpaid_of_the_grant(fund_rt: Runtime) -> None:
    """A project closed before all its grant was paid out gives the rest back to the fund;
    what the archive posts names the person who closed it."""
    with fund_rt.db.transaction() as conn:
        now = fund_rt.clock.now(conn)
        for tx in (Tx(Kind.GRANT_COMMITMENT, 1000, date(2015, 1, 1), "X"),
                   Tx(Kind.ALLOCATION, 400, date(2015, 1, 1), "X", 2015)):  # fmt: skip
            post(conn, tx, "olle.vik", now, None, FUND)
        available = load_ledger(conn, FUND).fund().available_to_grant
        call = ServiceCall("fund.archive", {"project": "X", "fund": FUND, "lessons": "Kort."},
                           {}, conn, None, "lina.nord", now)  # fmt: skip
        assert archive(call) == {"closed_on": "2015-01-01", "returned_tkr": 600}
        ledger = load_ledger(conn, FUND)
        rows = conn.execute(select(fund_transactions.c.kind, fund_transactions.c.posted_by)
                            .where(fund_transactions.c.project == "X")).all()  # fmt: skip
    x = ledger.project("X")
    assert (x.committed, x.undisbursed, x.archived) == (400, 0, True)
    assert ledger.fund().available_to_grant == available + 600
    assert rows[-2:] == [("commitment_cancel", "lina.nord"), ("archive", "lina.nord")]
