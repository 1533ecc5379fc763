"""The fund process, replayed through the engine: a whole case life on a virtual clock."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

import engine
from engine import Runtime
from tasks.ledger import Kind
from tasks.reports import table1, table2
from tasks.store import load_ledger
from tests.conftest import DATA
from tests.integration.fund import fund_runtime
from web.demo.cases import CASE_D, CASES, form
from web.demo.replay import ReplayStuck, Step, Timeline, advance_to, replay

ROOT = Path(__file__).resolve().parents[2]


def test_case_d_lives_its_whole_life_through_the_engine(fund_rt: Runtime) -> None:
    ids = replay(fund_rt, [CASE_D])
    case = engine.get_case(fund_rt, ids["D"])
    assert case.status == "completed", (case.stage, case.incident)
    with fund_rt.db.reading() as conn:
        ledger = load_ledger(conn, "SIF-DEMO")
    d = ledger.project("D")
    assert (d.committed, d.net_disbursed, d.repaid, d.outstanding) == (4500, 4500, 4500, 0)
    assert ledger.fund(date(2021, 12, 31)).repaid == 900
    assert ledger.fund(date(2022, 12, 31)).repaid == 1500
    kinds = [e.kind for e in engine.case_events(fund_rt, case.id)]
    assert kinds.count("timer_fired") >= 3 + 7 + 5  # year-ends, reports, repayment years


def test_a_grant_above_what_the_fund_has_is_refused_on_the_form(fund_rt: Runtime) -> None:
    steps = CASE_D.steps[: [s.element for s in CASE_D.steps].index("board_decision")]
    too_much = next(s for s in CASE_D.steps if s.element == "board_decision")
    timeline = replace(CASE_D, steps=steps)
    ids = replay(fund_rt, [timeline])
    [task] = engine.get_case(fund_rt, ids["D"], with_data=False).open_tasks
    data = {**too_much.data, "granted_tkr": 30000}
    with pytest.raises(engine.ValidationFailed) as caught:
        engine.complete_task(fund_rt, task.id, data, "olle.vik")
    assert [e.path for e in caught.value.errors] == ["granted_tkr"]
    assert "24\u00a0000 tkr" in caught.value.errors[0].message


def test_the_same_case_without_a_committee_under_stockholm(db_url: str) -> None:
    rt = fund_runtime(db_url, "stockholm_2016", fund="STHLM", capital=300000)
    until_proposal = CASE_D.steps[: [s.element for s in CASE_D.steps].index("committee_decision")]
    timeline = Timeline("S1", "KAA Stockholm", "2017-01-20", "elif.demir", until_proposal,
                        {"fund": "STHLM"})  # fmt: skip
    ids = replay(rt, [timeline])
    offered = [t.element_id for t in engine.get_case(rt, ids["S1"], with_data=False).open_tasks]
    assert offered == ["board_decision"]  # no committee step in Stockholm
    rt.close()


def test_replaying_the_demo_reproduces_every_row_of_the_balance_oracle(fund_rt: Runtime) -> None:
    ids = replay(fund_rt, CASES)
    statuses = {ref: engine.get_case(fund_rt, i, with_data=False).status for ref, i in ids.items()}
    assert statuses == {"A": "completed", "B": "completed", "C": "completed",
                        "D": "completed", "E": "running"}  # fmt: skip
    with fund_rt.db.reading() as conn:
        ledger = load_ledger(conn, "SIF-DEMO")
    columns = {"capital": "capital", "committed": "committed",
               "available_to_grant": "available_to_grant", "net_disbursed_cum": "net_disbursed",
               "fund_balance": "fund_balance", "undisbursed": "undisbursed",
               "repaid_cum": "repaid"}  # fmt: skip
    with (DATA / "fund_demo" / "balances.csv").open(encoding="utf-8") as handle:
        oracle = list(csv.DictReader(handle))
    for row in oracle:
        fund = ledger.fund(date.fromisoformat(row["as_of"]))
        got = {key: getattr(fund, attr) for key, attr in columns.items()}
        assert got == {key: int(row[key]) for key in columns}, row["event"]
    end = ledger.fund(date(2025, 12, 31))
    assert (end.capital_consumed, end.nominal_value) == (13500, 12000)
    relieved = sorted((t.project, t.booked_on, t.amount, t.decision.said())
                      for t in ledger.transactions if t.kind == Kind.EXEMPTION)  # fmt: skip
    repaid = {}
    for t in ledger.transactions:
        if t.kind == Kind.REPAYMENT:
            repaid[t.board] = repaid.get(t.board, 0) + t.amount
    assert repaid == {"SN": 3000, "UN": 1500}  # D's plan v2, per board
    said = {t.reference for t in ledger.transactions if t.kind == Kind.REPAYMENT}
    assert "Ramminskning SN 2021" in said  # Södertälje cuts the board's frame
    assert relieved == [("A", date(2018, 6, 18), 6000, "KS 2018-06-18 §128"),
                        ("C", date(2019, 11, 18), 6000, "KS 2019-11-18 §262")]  # fmt: skip
    t1 = table1(ledger, [2016, 2017, 2018])
    assert t1.totals == {2016: 1300, 2017: 5350, 2018: 6200}
    t2 = table2(ledger, date(2018, 5, 18))
    assert (t2.total_granted, t2.left) == (22500, 1500)


def test_a_reservation_is_not_released_before_its_condition_is_met(fund_rt: Runtime) -> None:
    """§9.7 no. 8: family centre no. 2's 6 000 wait for the evaluation of no. 1 (case A); Sif
    checks case A, not a box the secretary ticks."""
    a_steps = CASES[0].steps
    before_evaluation = a_steps[: [s.element for s in a_steps].index("evaluation")]
    ids = replay(fund_rt, [replace(CASES[0], steps=before_evaluation)])
    release = {"decision": "release", "amount_tkr": 6000, "decision_date": "2019-01-20",
               "paragraph": "§1"}  # fmt: skip
    early = Timeline("A", "Familjecentral Syd", "2019-01-20", "olle.vik",
                     [Step("2019-01-20", "decide_reservation", "olle.vik", release)],
                     {"fund": "SIF-DEMO"}, process="reservation_decision", key="B")  # fmt: skip
    with pytest.raises(ReplayStuck, match="inte utvärderat ännu"):
        replay(fund_rt, [early])
    evaluation = next(s for s in a_steps if s.element == "evaluation")
    advance_to(fund_rt, evaluation.on)
    [task] = [t for t in engine.get_case(fund_rt, ids["A"], with_data=False).open_tasks
              if t.element_id == "evaluation"]  # fmt: skip
    engine.complete_task(fund_rt, task.id, dict(evaluation.data), evaluation.user)
    [b] = [c for c in engine.list_cases(fund_rt, process_key="reservation_decision").cases]
    [decide] = engine.get_case(fund_rt, b.id, with_data=False).open_tasks
    engine.complete_task(fund_rt, decide.id, {**release, "decision_date": "2019-02-10"}, "olle.vik")
    with fund_rt.db.reading() as conn:
        a = load_ledger(conn, "SIF-DEMO").project("A")
    assert a.reserved_open == 0 and a.committed == 12000  # released: still committed


def test_an_exemption_can_be_requested_at_any_time(fund_rt: Runtime) -> None:
    upto = [s.element for s in CASE_D.steps].index("annual_allocation") + 1
    case_id = replay(fund_rt, [replace(CASE_D, steps=CASE_D.steps[:upto])])["D"]
    after = engine.send_message(fund_rt, case_id, "exemption_requested", {}, "maria.ek")
    assert [t.element_id for t in after.open_tasks] == ["anytime_exemption_request"]
    request = {**form("exemption_request"), "scope": "partial", "amount_tkr": 500}
    engine.complete_task(fund_rt, after.open_tasks[0].id, request, "maria.ek")
    advance_to(fund_rt, "2017-10-01")
    [decision] = [t for t in engine.get_case(fund_rt, case_id, with_data=False).open_tasks
                  if t.element_id == "anytime_exemption_decision"]  # fmt: skip
    decided = {"decision": "granted_partial", "amount_tkr": 5000,
               "decision_date": "2017-10-01", "paragraph": "§200",
               "case_number": "KS 17/112"}  # fmt: skip
    with pytest.raises(engine.ValidationFailed) as caught:
        engine.complete_task(fund_rt, decision.id, decided, "olle.vik")
    assert [e.path for e in caught.value.errors] == ["amount_tkr"]
    assert "750 tkr" in caught.value.errors[0].message
    engine.complete_task(fund_rt, decision.id, {**decided, "amount_tkr": 500}, "olle.vik")
    with fund_rt.db.reading() as conn:
        d = load_ledger(conn, "SIF-DEMO").project("D")
    assert (d.relieved, d.outstanding) == (500, 250)
    next_report = CASE_D.steps[upto]  # the main flow goes on: the 2018-01-10 progress report
    advance_to(fund_rt, next_report.on)
    [report] = [t for t in engine.get_case(fund_rt, case_id, with_data=False).open_tasks
                if t.element_id == "progress_report"]  # fmt: skip
    engine.complete_task(fund_rt, report.id, dict(next_report.data), next_report.user)
    offered = [t.element_id for t in engine.get_case(fund_rt, case_id, with_data=False).open_tasks]
    assert offered == ["annual_follow_up"]


def test_a_board_that_disagrees_sends_the_application_back(fund_rt: Runtime) -> None:  # S05
    upto = [s.element for s in CASE_D.steps].index("draft_application") + 1
    case_id = replay(fund_rt, [replace(CASE_D, steps=CASE_D.steps[:upto])])["D"]
    consents = engine.get_case(fund_rt, case_id, with_data=False).open_tasks
    assert [t.element_id for t in consents] == ["board_consent", "board_consent"]
    answers = [("per.sjo", "UN", "disagree"), ("maria.ek", "SN", "agree")]
    for task, (user, board, answer) in zip(consents, answers, strict=True):
        data = form("consent", board=board, consent=answer, signed_by=user)
        engine.complete_task(fund_rt, task.id, data, user)
    offered = [t.element_id for t in engine.get_case(fund_rt, case_id, with_data=False).open_tasks]
    assert offered == ["draft_application"]
