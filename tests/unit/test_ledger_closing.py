"""Closing a project in the ledger (DOMAIN S29, S31): a board's final budget-frame adjustment
is recorded but is not fund money, and an archived project takes no more postings."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

import pytest

from engine import ValidationFailed
from tasks.ledger import Decision, Kind, Ledger, Tx
from tests.unit.test_ledger import demo_transactions

D = date.fromisoformat
KF = Decision("kf", D("2025-11-20"), "§210")


def _frame(amount: int, board: str = "SN", year: int | None = 2026) -> Tx:
    return Tx(Kind.FRAME_ADJUSTMENT, amount, D("2025-11-20"), "D", year, board,
              "Slutlig ramjustering", decision=KF)  # fmt: skip


def _demo() -> Ledger:
    """DOMAIN §9's postings, D's plan decided."""
    book = Ledger()
    book.set_repayment_due("D", 4500)
    for tx in demo_transactions():
        book.post(tx)
    return book


def _archive(project: str = "D", on: str = "2026-03-01") -> Tx:
    return Tx(Kind.ARCHIVE, 0, D(on), project, reference="Ärendet avslutat")


def test_a_frame_adjustment_changes_no_fund_or_project_balance() -> None:
    ledger = _demo()
    fund_before, d_before = ledger.fund(), ledger.project("D")
    every_project = {p: ledger.project(p) for p in "ABCDE"}
    ledger.post(_frame(-600))
    ledger.post(_frame(-300, "UN"))
    ledger.post(_frame(250, "UN", 2027))  # a frame may also grow
    assert ledger.fund() == fund_before
    assert ledger.project("D") == d_before
    assert {p: ledger.project(p) for p in "ABCDE"} == every_project
    assert asdict(ledger.fund(D("2025-12-31"))) == asdict(fund_before)
    said = [(t.board, t.amount, t.budget_year, t.decision.said())
            for t in ledger.transactions if t.kind == Kind.FRAME_ADJUSTMENT]  # fmt: skip
    assert said == [("SN", -600, 2026, "KF 2025-11-20 §210"), ("UN", -300, 2026,
                    "KF 2025-11-20 §210"), ("UN", 250, 2027, "KF 2025-11-20 §210")]  # fmt: skip


@pytest.mark.parametrize(
    ("tx", "path", "said"),
    [
        (_frame(0), "amount_tkr", "får inte vara noll"),
        (_frame(-600, board=""), "board", "vilken nämnds ram"),
        (_frame(-600, year=None), "effective_budget_year", "budgetår"),
    ],
)
def test_a_frame_adjustment_needs_an_amount_a_board_and_a_year(
    tx: Tx, path: str, said: str
) -> None:
    ledger = _demo()
    before = list(ledger.transactions)
    with pytest.raises(ValidationFailed) as caught:
        ledger.post(tx)
    assert [e.path for e in caught.value.errors] == [path]
    assert said in caught.value.errors[0].message
    assert ledger.transactions == before


def test_an_archived_project_takes_no_more_postings() -> None:
    ledger = _demo()
    ledger.post(_archive())
    assert ledger.project("D").archived
    assert not ledger.project("E").archived
    for tx in (
        Tx(Kind.REPAYMENT, 100, D("2026-12-31"), "D", 2026),
        Tx(Kind.EXEMPTION, 1, D("2026-04-01"), "D"),
        _frame(-600),
        _archive(on="2026-04-01"),
    ):
        with pytest.raises(ValidationFailed) as caught:
            ledger.post(tx)
        assert caught.value.errors[0].path == "project"
        assert "avslutat och arkiverat" in caught.value.errors[0].message
    assert [t.kind for t in ledger.transactions].count(Kind.ARCHIVE) == 1
    ledger.post(Tx(Kind.GRANT_COMMITMENT, 100, D("2026-01-01"), "E"))  # others go on


def test_an_archived_projects_open_reservation_can_still_be_decided() -> None:
    """Case B's reservation sits on project A's code; A may close before KS decides on it."""
    ledger = Ledger(t for t in demo_transactions() if t.project not in ("B", "D"))
    ledger.post(Tx(Kind.RESERVATION, 1000, D("2015-12-15"), "A"))
    ledger.post(_archive("A", "2019-03-01"))
    ledger.post(Tx(Kind.RESERVATION_CANCEL, 1000, D("2019-12-16"), "A"))
    assert ledger.project("A").reserved_open == 0


def test_an_archive_has_no_amount() -> None:
    ledger = _demo()
    with pytest.raises(ValidationFailed) as caught:
        ledger.post(Tx(Kind.ARCHIVE, 5, D("2026-03-01"), "D"))
    assert caught.value.errors[0].path == "amount"
    assert not ledger.project("D").archived
