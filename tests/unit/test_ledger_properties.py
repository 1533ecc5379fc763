"""Property tests: the DOMAIN §5.2 identities hold after any sequence of postings."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from engine import ValidationFailed
from tasks.ledger import FUND_WIDE, Kind, Ledger, Tx

PROJECTS = ["P1", "P2", "P3"]
START = date(2016, 1, 1)

postings = st.lists(
    st.tuples(
        st.sampled_from(list(Kind)),
        st.integers(min_value=-50, max_value=5000),
        st.sampled_from(PROJECTS),
        st.integers(min_value=0, max_value=8),  # years after 2016
        st.integers(min_value=0, max_value=3000),  # spend, for returns
        st.integers(min_value=0, max_value=6000),  # a repayment plan total to set first
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(postings)
def test_the_ledger_identities_hold_after_any_postings(
    steps: list[tuple[Kind, int, str, int, int, int]],
) -> None:
    for ledger, tx, plan in _one_by_one(steps):
        before = list(ledger.transactions)
        try:
            ledger.post(tx)
        except ValidationFailed as refused:
            assert refused.errors and refused.message
            assert ledger.transactions == before
        else:
            if tx.kind == Kind.REPAYMENT:
                assert ledger.project(tx.project).repaid <= plan
        assert_identities(ledger)


@settings(max_examples=300, deadline=None)
@given(postings)
def test_a_posting_is_judged_the_same_by_its_project_alone(
    steps: list[tuple[Kind, int, str, int, int, int]],
) -> None:
    """What tasks.store.post reads for a posting outside FUND_WIDE — its project's postings
    and plan alone — accepts and refuses exactly what the whole fund's ledger does."""
    for ledger, tx, _ in _one_by_one(steps):
        if tx.kind not in FUND_WIDE:
            alone = _copy(ledger, tx.project)
            assert _verdict(alone, tx) == _verdict(_copy(ledger), tx)
        with contextlib.suppress(ValidationFailed):
            ledger.post(tx)


def _one_by_one(
    steps: list[tuple[Kind, int, str, int, int, int]],
) -> Iterator[tuple[Ledger, Tx, int]]:
    """A fund of 10 000 tkr and each step's posting with its repayment plan total (set on the
    ledger first when the posting is a repayment); the caller posts it."""
    ledger = Ledger([Tx(Kind.CAPITAL_CONTRIBUTION, 10_000, START)])
    for index, (kind, amount, project, year, spent, plan) in enumerate(steps):
        if kind == Kind.REPAYMENT:
            ledger.set_repayment_due(project, plan)
        owner = "" if kind == Kind.CAPITAL_CONTRIBUTION else project
        yield ledger, Tx(kind, amount, START + timedelta(days=index), owner, 2016 + year,
                         spent=spent), plan  # fmt: skip


def _copy(ledger: Ledger, project: str | None = None) -> Ledger:
    """The ledger as stored, or only one project's part of it."""
    copy = Ledger()
    copy.transactions = [t for t in ledger.transactions if project in (None, t.project)]
    copy.plans = {p: total for p, total in ledger.plans.items() if project in (None, p)}
    return copy


def _verdict(ledger: Ledger, tx: Tx) -> list[tuple[str, str]]:
    """What posting ``tx`` says: nothing, or each refused field with its message."""
    try:
        ledger.post(tx)
    except ValidationFailed as refused:
        return [(e.path, e.message) for e in refused.errors]
    return []


def assert_identities(ledger: Ledger) -> None:
    fund = ledger.fund()
    assert fund.fund_balance == fund.available_to_grant + fund.undisbursed
    assert fund.nominal_value == fund.available_to_grant + fund.undisbursed + fund.outstanding
    assert fund.nominal_value == fund.capital - fund.relieved
    assert fund.capital_consumed == fund.relieved + fund.outstanding
    assert fund.available_to_grant >= 0
    for name in PROJECTS:
        p = ledger.project(name)
        assert 0 <= p.net_disbursed <= p.committed
        assert p.outstanding >= 0
        assert p.reserved_open >= 0


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=3000), max_size=20))
def test_grants_never_exceed_the_capital(amounts: list[int]) -> None:
    ledger = Ledger([Tx(Kind.CAPITAL_CONTRIBUTION, 10_000, START)])
    for amount in amounts:
        with contextlib.suppress(ValidationFailed):
            ledger.post(Tx(Kind.GRANT_COMMITMENT, amount, START, "P1"))
    assert ledger.fund().committed <= 10_000
