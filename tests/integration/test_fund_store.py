"""The ledger stored in the database: postings checked, stored, and read back identically."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from engine import Runtime, ValidationFailed
from tasks.ledger import Kind, Tx
from tasks.store import decide_plan_total, fund_transactions, load_ledger, post
from tests.unit.test_ledger import demo_transactions

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_the_stored_demo_ledger_gives_the_oracle_figures(rt: Runtime) -> None:
    with rt.db.transaction() as conn:
        decide_plan_total(conn, "D", 4500, NOW)
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
