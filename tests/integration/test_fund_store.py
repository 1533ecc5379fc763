"""The ledger stored in the database: postings checked, stored, and read back identically."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from engine import Runtime, ValidationFailed
from tasks.ledger import Decision, Kind, Tx
from tasks.store import (
    PlanVersion,
    decide_plan,
    fund_transactions,
    load_ledger,
    post,
    post_all,
    repayment_plan_lines,
)
from tests.unit.test_ledger import demo_transactions

NOW = datetime(2026, 1, 1, tzinfo=UTC)
PLAN_V1 = tuple((year, board, amount) for year in range(2021, 2026)
                for board, amount in (("SN", 600), ("UN", 300)))  # fmt: skip


def test_the_stored_demo_ledger_gives_the_oracle_figures(rt: Runtime) -> None:
    with rt.db.transaction() as conn:
        decide_plan(conn, PlanVersion("D", PLAN_V1, Decision("ks", date(2020, 6, 15), "§88"),
                                      "erik.holm", NOW))  # fmt: skip
        for tx in demo_transactions():
            post(conn, tx, "erik.holm", NOW)
    with rt.db.reading() as conn:
        ledger = load_ledger(conn)
    seed = ledger.fund(date(2018, 5, 18))
    assert (seed.available_to_grant, seed.fund_balance, seed.undisbursed) == (1500, 11150, 9650)
    end = ledger.fund(date(2025, 12, 31))
    assert (end.available_to_grant, end.repaid, end.nominal_value) == (10500, 4500, 12000)


def test_a_refused_posting_stores_nothing(rt: Runtime) -> None:
    with rt.db.transaction() as conn:
        post(conn, Tx(Kind.CAPITAL_CONTRIBUTION, 1000, date(2016, 1, 1)), "erik.holm", NOW)
    with pytest.raises(ValidationFailed, match="överstiger"), rt.db.transaction() as conn:
        post(conn, Tx(Kind.GRANT_COMMITMENT, 1800, date(2016, 2, 1), "E"), "erik.holm", NOW)
    with rt.db.reading() as conn:
        assert len(conn.execute(fund_transactions.select()).all()) == 1


def test_postings_booked_together_are_each_checked_after_the_ones_before(rt: Runtime) -> None:
    with rt.db.transaction() as conn:
        post(conn, Tx(Kind.CAPITAL_CONTRIBUTION, 1000, date(2016, 1, 1)), "erik.holm", NOW)
    grants = [Tx(Kind.GRANT_COMMITMENT, amount, date(2016, 2, 1), project)
              for project, amount in (("E", 600), ("F", 600))]  # fmt: skip
    # Each fits the fund alone; the second does not after the first: neither is stored.
    with pytest.raises(ValidationFailed, match="överstiger"), rt.db.transaction() as conn:
        post_all(conn, grants, "erik.holm", NOW)
    with rt.db.reading() as conn:
        assert len(conn.execute(fund_transactions.select()).all()) == 1
    with rt.db.transaction() as conn:
        post_all(conn, [grants[0], Tx(Kind.GRANT_COMMITMENT, 400, date(2016, 2, 1), "F")],
                 "erik.holm", NOW)  # fmt: skip
    with rt.db.reading() as conn:
        assert load_ledger(conn).fund(date(2016, 12, 31)).available_to_grant == 0


def test_a_posting_keeps_who_entered_it_when_and_the_decision_behind_it(rt: Runtime) -> None:
    grant = Tx(Kind.GRANT_COMMITMENT, 4500, date(2017, 6, 16), "D",
               decision=Decision("ks", date(2017, 6, 16), "§139"))  # fmt: skip
    with rt.db.transaction() as conn:
        post(conn, Tx(Kind.CAPITAL_CONTRIBUTION, 24000, date(2013, 6, 1)), "erik.holm", NOW)
        post(conn, grant, "olle.vik", NOW)
    with rt.db.reading() as conn:
        row = conn.execute(
            fund_transactions.select().where(fund_transactions.c.project == "D")
        ).one()
        [read] = [tx for tx in load_ledger(conn).transactions if tx.project == "D"]
    assert (row.posted_by, row.booked_on, row.paragraph) == ("olle.vik", date(2017, 6, 16), "§139")
    assert row.posted_at.replace(tzinfo=UTC) == NOW  # entered: apart from the booking date
    assert read == grant
    assert read.decision.said() == "KS 2017-06-16 §139"


def test_a_plan_version_keeps_its_lines_per_year_and_board(rt: Runtime) -> None:
    with rt.db.transaction() as conn:
        decide_plan(conn, PlanVersion("D", PLAN_V1, Decision("ks", date(2020, 6, 15), "§88"),
                                      "erik.holm", NOW))  # fmt: skip
    with rt.db.reading() as conn:
        lines = conn.execute(repayment_plan_lines.select()).all()
        due = load_ledger(conn).project("D").repayment_due
    assert sorted((r.year, r.board, r.amount) for r in lines) == sorted(PLAN_V1)
    assert due == 4500
