"""The fund's reports, shaped like Södertälje's Table 1 and Table 2 (DOMAIN §5.3), and money per
board: repaid, relieved and the final frame adjustments."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from tasks.ledger import FundBalance, Kind, Ledger, ProjectBalance, Tx


@dataclass(frozen=True)
class Table1Row:
    """Net money to one project per budget year (allocations minus returned unused money)."""

    project: str
    by_year: dict[int, int]
    total: int


@dataclass(frozen=True)
class Table1:
    """Table 1 as of a date: only postings booked by then, and no budget year after its year."""

    as_of: date | None
    years: list[int]
    rows: list[Table1Row]
    totals: dict[int, int]
    total: int


@dataclass(frozen=True)
class Table2Line:
    """One line of Table 2: what a project was granted, or (``reserved``) what is reserved for
    it and not yet released — Södertälje's "Reserverade pengar (Familjecentral nr 2)"."""

    project: str
    reserved: bool
    amount: int


@dataclass(frozen=True)
class Table2:
    """The fund's capital, each project's granted and reserved money on lines of their own, the
    total committed, and what is left to grant."""

    as_of: date
    capital: int
    lines: list[Table2Line]
    total_granted: int
    left: int


def _booked_by(ledger: Ledger, as_of: date | None) -> list[Tx]:
    return [t for t in ledger.transactions if as_of is None or t.booked_on <= as_of]


def _net_by_year(transactions: list[Tx]) -> dict[str, dict[int, int]]:
    net: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for t in transactions:
        year = t.budget_year or t.booked_on.year
        if t.kind == Kind.ALLOCATION:
            net[t.project][year] += t.amount
        elif t.kind == Kind.RETURN_UNUSED:
            net[t.project][year] -= t.amount
    return net


def table1(ledger: Ledger, years: list[int] | None = None, as_of: date | None = None) -> Table1:
    """Net money per project and budget year ``years`` (default: every year with money), from
    the postings booked on or before ``as_of``; no year after ``as_of``'s year is listed."""
    booked = _booked_by(ledger, as_of)
    if years is None:
        years = budget_years_of(ledger, as_of)
    if as_of is not None:
        years = [y for y in years if y <= as_of.year]
    net = _net_by_year(booked)
    rows = []
    for project in sorted(net):
        by_year = {y: net[project].get(y, 0) for y in years}
        if any(by_year.values()):
            rows.append(Table1Row(project, by_year, sum(by_year.values())))
    totals = {y: sum(r.by_year[y] for r in rows) for y in years}
    return Table1(as_of, years, rows, totals, sum(totals.values()))


def table2(ledger: Ledger, as_of: date) -> Table2:
    """Granted and reserved money per project as of ``as_of``; a released reservation counts
    as granted. The lines add up to the fund's committed money."""
    lines = []
    for name, balance in project_balances(ledger, as_of).items():
        granted = balance.committed - balance.reserved_open
        if granted:
            lines.append(Table2Line(name, False, granted))
        if balance.reserved_open:
            lines.append(Table2Line(name, True, balance.reserved_open))
    fund = ledger.fund(as_of)
    total = sum(line.amount for line in lines)
    return Table2(as_of, fund.capital, lines, total, fund.available_to_grant)


def budget_years_of(ledger: Ledger, as_of: date | None = None) -> list[int]:
    """The budget years money was allocated for (Table 1's columns), as booked by ``as_of``
    and not after its year."""
    kinds = (Kind.ALLOCATION, Kind.RETURN_UNUSED)
    last = as_of.year if as_of else None
    return sorted(
        {
            t.budget_year
            for t in _booked_by(ledger, as_of)
            if t.kind in kinds and t.budget_year and (last is None or t.budget_year <= last)
        }
    )


def project_balances(ledger: Ledger, as_of: date) -> dict[str, ProjectBalance]:
    """Every project with a posting booked by ``as_of``, in name order, with its balances."""
    names = sorted({t.project for t in _booked_by(ledger, as_of) if t.project})
    return {name: ledger.project(name, as_of) for name in names}


def fund_history(ledger: Ledger, as_of: date) -> list[tuple[date, FundBalance]]:
    """The fund's balances after each booking day up to ``as_of``, and on ``as_of`` itself."""
    days = sorted({t.booked_on for t in _booked_by(ledger, as_of)} | {as_of})
    return [(day, ledger.fund(day)) for day in days]


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


@dataclass(frozen=True)
class BoardRow:
    """What one board has repaid, been relieved of, and had its ordinary frame finally
    adjusted by (signed: negative is a cut; the board's frame, not fund money)."""

    board: str
    repaid: int
    relieved: int
    frame_adjustment: int


@dataclass(frozen=True)
class BoardBreakdown:
    as_of: date
    rows: list[BoardRow]
    total: BoardRow


def by_board(
    ledger: Ledger, as_of: date, lead_boards: Mapping[str, str] | None = None
) -> BoardBreakdown:
    """Money per board from the postings booked by ``as_of``: repayments and frame adjustments
    carry their board; an exemption or write-down is the project's, so one without a board
    counts for the project's lead board in ``lead_boards`` (empty when unknown). Boards in
    name order; only boards with something to show."""
    sums: dict[str, dict[Kind, int]] = defaultdict(lambda: defaultdict(int))
    for t in _booked_by(ledger, as_of):
        if t.kind in (Kind.EXEMPTION, Kind.WRITE_DOWN):
            board = t.board or (lead_boards or {}).get(t.project, "")
            sums[board][Kind.EXEMPTION] += t.amount
        elif t.kind in (Kind.REPAYMENT, Kind.FRAME_ADJUSTMENT):
            sums[t.board][t.kind] += t.amount
    rows = [
        BoardRow(board, s[Kind.REPAYMENT], s[Kind.EXEMPTION], s[Kind.FRAME_ADJUSTMENT])
        for board, s in sorted(sums.items())
    ]
    total = BoardRow(
        "", sum(r.repaid for r in rows), sum(r.relieved for r in rows),
        sum(r.frame_adjustment for r in rows),
    )  # fmt: skip
    return BoardBreakdown(as_of, rows, total)


def frame_adjustments(ledger: Ledger, as_of: date) -> list[Tx]:
    """The boards' final frame adjustments (S29) booked by ``as_of``, in booking order."""
    return [t for t in _booked_by(ledger, as_of) if t.kind == Kind.FRAME_ADJUSTMENT]
