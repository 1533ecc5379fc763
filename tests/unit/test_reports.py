"""tasks/reports.py: Table 1 and Table 2 shaped like Södertälje's (DOMAIN §5.3), as of a date,
on the demo ledger of DOMAIN §9 — with case B's reservation posted under project A, the way
the demo's case A posts it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tasks.ledger import Kind, Ledger, Tx
from tasks.reports import (
    Table2Line,
    budget_years_of,
    by_board,
    frame_adjustments,
    fund_history,
    project_balances,
    table1,
    table2,
)
from tests.unit.test_ledger import demo_transactions

SNAPSHOT = date(2018, 5, 18)


@pytest.fixture
def ledger() -> Ledger:
    """The demo ledger as the engine posts it: B's reservation belongs to project A."""
    book = Ledger()
    book.set_repayment_due("D", 4500)
    for tx in demo_transactions():
        book.post(replace(tx, project="A") if tx.project == "B" else tx)
    return book


def test_table_1_at_2018_05_18_shows_no_later_year(ledger: Ledger) -> None:
    t1 = table1(ledger, as_of=SNAPSHOT)
    assert t1.years == [2016, 2017, 2018]
    assert t1.totals == {2016: 1300, 2017: 5350, 2018: 6200}
    assert t1.total == 12850
    assert {r.project: r.by_year for r in t1.rows} == {
        "A": {2016: 400, 2017: 3000, 2018: 2600},
        "C": {2016: 900, 2017: 1600, 2018: 2100},
        "D": {2016: 0, 2017: 750, 2018: 1500},
    }  # E has no money before 2019: no row
    assert {r.project: r.total for r in t1.rows} == {"A": 6000, "C": 4600, "D": 2250}


def test_table_1_counts_only_what_was_booked_by_the_date(ledger: Ledger) -> None:
    # 2016-06-30: A's 2 250 and C's 900 are booked; A's return of 1 850 comes on 31 December.
    t1 = table1(ledger, as_of=date(2016, 6, 30))
    assert t1.years == [2016]
    assert t1.totals == {2016: 3150}
    assert table1(ledger, as_of=date(2016, 12, 31)).totals == {2016: 1300}


def test_asking_for_later_years_than_the_date_lists_none_of_them(ledger: Ledger) -> None:
    t1 = table1(ledger, [2017, 2018, 2019, 2020], as_of=SNAPSHOT)
    assert t1.years == [2017, 2018]
    assert budget_years_of(ledger, SNAPSHOT) == [2016, 2017, 2018]
    assert budget_years_of(ledger) == [2016, 2017, 2018, 2019, 2020]


def test_table_1_without_a_date_counts_everything(ledger: Ledger) -> None:
    t1 = table1(ledger, [2016, 2017, 2018, 2019, 2020])
    assert t1.totals == {2016: 1300, 2017: 5350, 2018: 6200, 2019: 4400, 2020: 750}


def test_table_2_shows_granted_and_reserved_money_on_lines_of_their_own(ledger: Ledger) -> None:
    t2 = table2(ledger, SNAPSHOT)
    assert t2.lines == [
        Table2Line("A", False, 6000),
        Table2Line("A", True, 6000),
        Table2Line("C", False, 6000),
        Table2Line("D", False, 4500),
    ]
    assert (t2.capital, t2.total_granted, t2.left) == (24000, 22500, 1500)


def test_table_2_after_the_reservation_is_cancelled(ledger: Ledger) -> None:
    t2 = table2(ledger, date(2019, 12, 16))
    assert [(line.project, line.reserved, line.amount) for line in t2.lines] == [
        ("A", False, 6000), ("C", False, 6000), ("D", False, 4500), ("E", False, 1500),
    ]  # fmt: skip
    assert (t2.total_granted, t2.left) == (18000, 6000)


def test_a_released_reservation_counts_as_granted() -> None:
    book = Ledger([
        Tx(Kind.CAPITAL_CONTRIBUTION, 24000, date(2015, 1, 1)),
        Tx(Kind.GRANT_COMMITMENT, 6000, date(2015, 12, 15), "A"),
        Tx(Kind.RESERVATION, 6000, date(2015, 12, 15), "A"),
        Tx(Kind.RESERVATION_RELEASE, 2000, date(2019, 1, 10), "A"),
    ])  # fmt: skip
    t2 = table2(book, date(2019, 12, 31))
    assert t2.lines == [Table2Line("A", False, 8000), Table2Line("A", True, 4000)]
    assert t2.total_granted == 12000


def test_project_balances_list_the_projects_known_by_the_date(ledger: Ledger) -> None:
    balances = project_balances(ledger, SNAPSHOT)
    assert list(balances) == ["A", "C", "D"]
    assert (balances["A"].committed, balances["A"].reserved_open) == (12000, 6000)
    assert balances["C"].undisbursed == 1400
    assert list(project_balances(ledger, date(2025, 12, 31))) == ["A", "C", "D", "E"]


def test_the_fund_history_has_a_point_per_booking_day_and_the_date(ledger: Ledger) -> None:
    history = fund_history(ledger, SNAPSHOT)
    days = [day for day, _ in history]
    assert days == sorted(set(days))
    assert days[0] == date(2013, 6, 1) and days[-1] == SNAPSHOT
    assert date(2016, 12, 31) in days
    last = history[-1][1]
    assert (last.fund_balance, last.committed, last.repaid) == (11150, 22500, 0)
    end = fund_history(ledger, date(2025, 12, 31))[-1][1]
    assert (end.fund_balance, end.repaid) == (10500, 4500)


def test_money_per_board_from_the_ledger() -> None:
    """Repayments and frame adjustments carry their board; a relief without one counts for
    the project's lead board; nothing booked after the date counts."""
    D = date.fromisoformat
    book = Ledger()
    for tx in (
        Tx(Kind.CAPITAL_CONTRIBUTION, 10000, D("2013-06-01")),
        Tx(Kind.GRANT_COMMITMENT, 1000, D("2016-01-01"), "A"),
        Tx(Kind.ALLOCATION, 1000, D("2016-01-01"), "A", 2016),
        Tx(Kind.EXEMPTION, 1000, D("2018-06-18"), "A", closes=True),
        Tx(Kind.GRANT_COMMITMENT, 900, D("2017-06-16"), "D"),
        Tx(Kind.ALLOCATION, 900, D("2018-01-01"), "D", 2018),
        Tx(Kind.WRITE_DOWN, 100, D("2020-05-01"), "D", board="UN"),
    ):
        book.post(tx)
    book.set_repayment_due("D", 800)
    for tx in (
        Tx(Kind.REPAYMENT, 500, D("2021-12-31"), "D", 2021, "SN"),
        Tx(Kind.REPAYMENT, 300, D("2021-12-31"), "D", 2021, "UN"),
        Tx(Kind.FRAME_ADJUSTMENT, -600, D("2026-01-27"), "D", 2026, "SN"),
        Tx(Kind.FRAME_ADJUSTMENT, -300, D("2026-01-27"), "D", 2026, "UN"),
    ):
        book.post(tx)
    leads = {"A": "SN", "D": "UN"}
    before = by_board(book, D("2025-12-31"), leads)
    assert [(r.board, r.repaid, r.relieved, r.frame_adjustment) for r in before.rows] == [
        ("SN", 500, 1000, 0), ("UN", 300, 100, 0)]  # fmt: skip
    after = by_board(book, D("2026-12-31"), leads)
    assert [(r.board, r.frame_adjustment) for r in after.rows] == [("SN", -600), ("UN", -300)]
    assert (after.total.repaid, after.total.relieved, after.total.frame_adjustment) == (
        800, 1100, -900)  # fmt: skip
    assert [r.board for r in by_board(book, D("2026-12-31")).rows] == ["", "SN", "UN"]
    assert [t.amount for t in frame_adjustments(book, D("2026-12-31"))] == [-600, -300]
    assert frame_adjustments(book, D("2025-12-31")) == []
