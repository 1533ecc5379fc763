"""The limits of an approved change (DOMAIN S18) on the ledger model: a new total grant fits
what the fund has left and is not below what is paid out (money only reserved is not part of
the grant); a new end is later and within the last budget year granted."""

from __future__ import annotations

from datetime import date

from tasks.changes import amount_errors, end_errors
from tasks.ledger import Kind, Ledger, Tx

D = date.fromisoformat


def _ledger() -> Ledger:
    """Capital 10 000; project P granted 4 000 with 1 000 reserved; 1 500 paid out."""
    return Ledger(
        [
            Tx(Kind.CAPITAL_CONTRIBUTION, 10000, D("2016-01-01")),
            Tx(Kind.GRANT_COMMITMENT, 4000, D("2016-03-01"), "P"),
            Tx(Kind.RESERVATION, 1000, D("2016-03-01"), "P"),
            Tx(Kind.ALLOCATION, 1500, D("2016-03-01"), "P", budget_year=2016),
        ]
    )


def _messages(new_total: int) -> list[str]:
    return [e.message for e in amount_errors(_ledger(), "P", new_total)]


def test_a_new_total_within_what_the_fund_has_left_or_above_what_is_paid_out_passes() -> None:
    assert _messages(4000 + 5000) == []  # 10 000 − 4 000 − 1 000 reserved = 5 000 left
    assert _messages(1500) == []


def test_a_new_total_beyond_the_fund_is_refused() -> None:
    assert _messages(4000 + 5001) == [
        "Ökningen 5\u00a0001 tkr överstiger vad fonden har kvar att bevilja (5\u00a0000 tkr)."
    ]


def test_a_new_total_below_what_is_paid_out_is_refused() -> None:
    assert _messages(1499) == [
        "Det nya beloppet kan inte vara lägre än det som redan har betalats ut (1\u00a0500 tkr)."
    ]


def test_the_same_total_is_no_change() -> None:
    assert _messages(4000) == ["Projektet är redan beviljat 4\u00a0000 tkr."]


def test_a_new_end_is_later_and_within_the_last_budget_year() -> None:
    end, years = D("2019-06-30"), [2017, 2018, 2019]
    assert end_errors(end, years, D("2019-12-31")) == []
    [earlier] = end_errors(end, years, D("2019-06-30"))
    assert (earlier.path, earlier.message) == (
        "new_end_date",
        "Det nya slutdatumet måste vara senare än 2019-06-30.",
    )
    [past] = end_errors(end, years, D("2020-01-01"))
    assert past.message == (
        "Projektet har budgetår till och med 2019; en förlängning efter 2019 kräver ett nytt "
        "beviljande."
    )
