"""The fund's reports, shaped like Södertälje's Table 1 and Table 2 (DOMAIN §5.3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tasks.ledger import Kind, Ledger


@dataclass(frozen=True)
class Table1Row:
    """Net money to one project per budget year (allocations minus returned unused money)."""

    project: str
    by_year: dict[int, int]


@dataclass(frozen=True)
class Table1:
    years: list[int]
    rows: list[Table1Row]
    totals: dict[int, int]


@dataclass(frozen=True)
class Table2:
    """What each project was granted or has reserved, the total, and what is left to grant."""

    as_of: date
    capital: int
    by_project: dict[str, int]
    total_granted: int
    left: int


def table1(ledger: Ledger, years: list[int]) -> Table1:
    projects = sorted({t.project for t in ledger.transactions if t.kind == Kind.ALLOCATION})
    rows = [Table1Row(p, {y: ledger.allocated(p, y) for y in years}) for p in projects]
    totals = {y: sum(r.by_year[y] for r in rows) for y in years}
    return Table1(years, rows, totals)


def table2(ledger: Ledger, as_of: date) -> Table2:
    projects = sorted({t.project for t in ledger.transactions if t.project})
    committed = {p: ledger.project(p, as_of).committed for p in projects}
    granted = {p: amount for p, amount in committed.items() if amount}
    fund = ledger.fund(as_of)
    return Table2(as_of, fund.capital, granted, sum(granted.values()), fund.available_to_grant)


def budget_years_of(ledger: Ledger) -> list[int]:
    """The budget years money was allocated for (Table 1's columns)."""
    kinds = (Kind.ALLOCATION, Kind.RETURN_UNUSED)
    return sorted({t.budget_year for t in ledger.transactions if t.kind in kinds and t.budget_year})


@dataclass(frozen=True)
class ExemptionProposal:
    """F04: moving to the budget model means exempting every project that still owes."""

    as_of: date
    projects: dict[str, int]  # project → outstanding investment (tkr)
    total: int


def model_change_proposal(ledger: Ledger, as_of: date) -> ExemptionProposal:
    projects = sorted({t.project for t in ledger.transactions if t.project})
    owing = {p: ledger.project(p, as_of).outstanding for p in projects}
    owing = {p: amount for p, amount in owing.items() if amount > 0}
    return ExemptionProposal(as_of, owing, sum(owing.values()))
