"""The fund ledger against DOMAIN §9: the balance oracle, Table 1 and Table 2, the hard rules.

These tests post the demo timeline straight to the ledger model. (Replaying the same timeline
through the BPMN process and its service tasks is the next slice of the fund-process issue.)
"""

from __future__ import annotations

import csv
from datetime import date

import pytest

from engine import ValidationFailed
from tasks.ledger import Kind, Ledger, Tx
from tasks.reports import model_change_proposal
from tests.conftest import DATA

DEMO = DATA / "fund_demo"
D = date.fromisoformat


def rows(name: str) -> list[dict[str, str]]:
    with (DEMO / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def demo_transactions() -> list[Tx]:
    """DOMAIN §9.3–§9.6 as postings, booked by the §9.5 convention."""
    txs = [
        Tx(Kind.CAPITAL_CONTRIBUTION, 24000, D("2013-06-01"), reference="KS 2013"),
        Tx(Kind.GRANT_COMMITMENT, 6000, D("2015-12-15"), "A", reference="KS §242"),
        Tx(Kind.RESERVATION, 6000, D("2015-12-15"), "B", reference="KS §242"),
        Tx(Kind.GRANT_COMMITMENT, 6000, D("2016-04-29"), "C", reference="KS §87"),
        Tx(Kind.GRANT_COMMITMENT, 4500, D("2017-06-16"), "D", reference="KS §139"),
        Tx(Kind.EXEMPTION, 6000, D("2018-06-18"), "A", reference="befrielse i sin helhet"),
        Tx(Kind.GRANT_COMMITMENT, 1500, D("2018-09-17"), "E", reference="KS §188"),
        Tx(Kind.EXEMPTION, 6000, D("2019-11-18"), "C", reference="befrielse i sin helhet"),
        Tx(
            Kind.RESERVATION_CANCEL,
            6000,
            D("2019-12-16"),
            "B",
            reference="KS avslutar reservationen",
        ),
    ]
    for row in rows("allocations.csv"):
        year, decided = int(row["budget_year"]), D(row["decision_date"])
        booked = max(date(year, 1, 1), decided)  # 1 January, or the decision date if later
        txs.append(Tx(Kind.ALLOCATION, int(row["allocated_tkr"]), booked, row["case_id"],
                      year, reference=f"§{row['paragraph']}"))  # fmt: skip
        if int(row["returned_unused_tkr"]):
            txs.append(Tx(Kind.RETURN_UNUSED, int(row["returned_unused_tkr"]), date(year, 12, 31),
                          row["case_id"], year, spent=int(row["spent_tkr"])))  # fmt: skip
    for year, amount in {2021: 900, 2022: 600, 2023: 900, 2024: 900, 2025: 1200}.items():
        txs.append(Tx(Kind.REPAYMENT, amount, date(year, 12, 31), "D", year))
    return sorted(txs, key=lambda t: (t.booked_on, t.kind != Kind.CAPITAL_CONTRIBUTION))


@pytest.fixture
def ledger() -> Ledger:
    book = Ledger()
    book.set_repayment_due("D", 4500)  # plan v1, decided 2020-06-15
    for tx in demo_transactions():
        book.post(tx)
    return book


@pytest.mark.parametrize("oracle", rows("balances.csv"), ids=lambda r: r["as_of"])
def test_the_demo_timeline_reproduces_every_row_of_the_balance_oracle(
    ledger: Ledger, oracle: dict[str, str]
) -> None:
    fund = ledger.fund(D(oracle["as_of"]))
    got = {
        "capital": fund.capital, "committed": fund.committed,
        "available_to_grant": fund.available_to_grant, "net_disbursed_cum": fund.net_disbursed,
        "fund_balance": fund.fund_balance, "undisbursed": fund.undisbursed,
        "repaid_cum": fund.repaid,
    }  # fmt: skip
    assert got == {key: int(oracle[key]) for key in got}


def test_the_end_state_adds_up(ledger: Ledger) -> None:
    fund = ledger.fund(D("2025-12-31"))
    assert fund.capital_consumed == 13500
    assert fund.nominal_value == 12000 == fund.available_to_grant + fund.outstanding
    assert ledger.project("E").outstanding == 1500


def test_table_1_net_allocations_per_year(ledger: Ledger) -> None:
    per_year = {
        year: sum(ledger.allocated(p, year) for p in "ABCDE") for year in (2016, 2017, 2018)
    }
    assert per_year == {2016: 1300, 2017: 5350, 2018: 6200}


def test_table_2_granted_and_left_at_the_seed_date(ledger: Ledger) -> None:
    as_of = D("2018-05-18")
    committed = {p: ledger.project(p, as_of).committed for p in "ABCD"}
    assert committed == {"A": 6000, "B": 6000, "C": 6000, "D": 4500}
    assert sum(committed.values()) == 22500
    assert ledger.fund(as_of).available_to_grant == 1500


def refused(ledger: Ledger, tx: Tx) -> ValidationFailed:
    before = list(ledger.transactions)
    with pytest.raises(ValidationFailed) as caught:
        ledger.post(tx)
    assert ledger.transactions == before  # nothing changed
    return caught.value


def test_a_grant_above_what_is_available_is_refused() -> None:  # DOMAIN §9.7 no. 1
    commitments = (Kind.CAPITAL_CONTRIBUTION, Kind.GRANT_COMMITMENT, Kind.RESERVATION)
    book = Ledger(t for t in demo_transactions() if t.kind in commitments and t.project != "E")
    assert book.fund().available_to_grant == 1500
    error = refused(book, Tx(Kind.GRANT_COMMITMENT, 1800, D("2018-05-20"), "E"))
    assert error.errors[0].path == "amount"
    assert "1\u00a0500 tkr" in error.message


def test_returning_more_than_the_year_left_unspent_is_refused(ledger: Ledger) -> None:  # no. 5
    error = refused(ledger, Tx(Kind.RETURN_UNUSED, 600, D("2019-12-31"), "D", 2019, spent=2000))
    assert error.errors[0].path == "return_unused_tkr"


def test_an_exemption_above_the_outstanding_amount_is_refused(ledger: Ledger) -> None:  # no. 6
    error = refused(ledger, Tx(Kind.EXEMPTION, 1600, D("2026-01-10"), "E"))
    assert "1\u00a0500 tkr" in error.message


def test_an_allocation_beyond_the_commitment_is_refused(ledger: Ledger) -> None:
    refused(ledger, Tx(Kind.ALLOCATION, 1, D("2026-01-01"), "E", 2026))


def test_a_repayment_without_a_plan_or_beyond_it_is_refused(ledger: Ledger) -> None:
    refused(ledger, Tx(Kind.REPAYMENT, 100, D("2026-12-31"), "E", 2026))
    refused(ledger, Tx(Kind.REPAYMENT, 1, D("2026-12-31"), "D", 2026))  # D is fully repaid


def test_a_switch_to_the_budget_model_proposes_exempting_a_c_and_d(ledger: Ledger) -> None:
    proposal = model_change_proposal(ledger, D("2018-05-18"))  # DOMAIN §9.7 no. 10
    assert proposal.projects == {"A": 6000, "C": 4600, "D": 2250}
    assert proposal.total == 12850


def test_reserved_money_is_not_paid_out_before_it_is_released() -> None:
    # Found by the property test: allocate reserved money, then cancel the reservation.
    book = Ledger([Tx(Kind.CAPITAL_CONTRIBUTION, 100, D("2016-01-01"))])
    book.post(Tx(Kind.RESERVATION, 10, D("2016-01-02"), "P"))
    refused(book, Tx(Kind.ALLOCATION, 1, D("2016-01-03"), "P", 2016))
    book.post(Tx(Kind.RESERVATION_RELEASE, 10, D("2016-01-04"), "P"))
    book.post(Tx(Kind.ALLOCATION, 10, D("2016-01-05"), "P", 2016))
    assert book.project("P").undisbursed == 0


def test_what_a_project_is_granted_now_leaves_out_cancelled_and_only_reserved_money() -> None:
    ledger = Ledger()
    day = date(2017, 6, 16)
    ledger.post(Tx(Kind.CAPITAL_CONTRIBUTION, 24000, day))
    ledger.post(Tx(Kind.GRANT_COMMITMENT, 4500, day, "D"))
    ledger.post(Tx(Kind.RESERVATION, 1000, day, "D"))
    ledger.post(Tx(Kind.COMMITMENT_CANCEL, 500, date(2018, 5, 20), "D"))
    d = ledger.project("D")
    assert (d.granted, d.committed, d.granted_now) == (4500, 5000, 4000)
    ledger.post(Tx(Kind.RESERVATION_RELEASE, 1000, date(2019, 1, 10), "D"))
    assert ledger.project("D").granted_now == 5000
