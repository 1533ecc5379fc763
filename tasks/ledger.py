"""The fund ledger (DOMAIN §5.1–§5.2): typed transactions, balances, and the hard validations.

Amounts are whole tkr (thousands of SEK). ``Ledger`` is the pure model: it holds the posted
transactions, refuses any posting that breaks a rule (with a Swedish message tied to a form
field) and computes every balance as of any date. Storage and the service tasks that post to
it through the engine build on this model.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from engine import FieldError, ValidationFailed


class Kind(StrEnum):
    CAPITAL_CONTRIBUTION = "capital_contribution"
    GRANT_COMMITMENT = "grant_commitment"
    RESERVATION = "reservation"
    RESERVATION_RELEASE = "reservation_release"
    RESERVATION_CANCEL = "reservation_cancel"
    COMMITMENT_CANCEL = "commitment_cancel"
    ALLOCATION = "allocation"
    RETURN_UNUSED = "return_unused"
    REPAYMENT = "repayment"
    EXEMPTION = "exemption"
    WRITE_DOWN = "write_down"
    FRAME_ADJUSTMENT = "frame_adjustment"  # S29: a board's ordinary frame, not fund money
    ARCHIVE = "archive"  # S31: the project's ledger is closed; nothing more is posted to it


#: The deciding bodies of the profiles' decision chains and the forms, by their Swedish names.
BODY_NAMES = {
    "ks": "KS", "kf": "KF", "committee": "Hållbarhetsutskottet", "council": "Rådet",
    "city_director": "Stadsdirektören", "admin_head": "Förvaltningschefen",
}  # fmt: skip


@dataclass(frozen=True)
class Decision:
    """The decision a posting carries out: the body that took it, its date and the minutes'
    paragraph (``KS``, 2017-06-16, ``§139``)."""

    body: str = ""
    on: date | None = None
    paragraph: str = ""

    def said(self) -> str:
        """``KS 2017-06-16 §139`` (what is known of it; a body's code by its Swedish name)."""
        body = BODY_NAMES.get(self.body, self.body)
        parts = [body, self.on.isoformat() if self.on else "", self.paragraph]
        return " ".join(part for part in parts if part)


@dataclass(frozen=True)
class Tx:
    """One posting. ``project`` is empty only for capital contributions. ``closes`` marks a
    full exemption or write-down: the project gets no more money from the fund and owes none.
    A frame adjustment's ``amount`` is signed (negative: the board's frame is cut) and its
    ``budget_year`` is the year it takes effect from; an archive posting's amount is 0."""

    kind: Kind
    amount: int
    booked_on: date
    project: str = ""
    budget_year: int | None = None
    board: str = ""
    reference: str = ""
    spent: int | None = None  # return_unused: what the year actually cost, if known
    decision: Decision = field(default_factory=Decision)
    closes: bool = False


@dataclass(frozen=True)
class ProjectBalance:
    granted: int
    reserved_open: int
    committed: int
    net_disbursed: int
    undisbursed: int
    repayment_due: int
    repaid: int
    relieved: int
    outstanding: int
    closed: bool = False  # relieved in full: no more allocations or repayments
    terminated: bool = False  # ended early (S18): no more allocations; repayment as planned
    archived: bool = False  # closed (S31): its ledger takes no more postings

    @property
    def granted_now(self) -> int:
        """What the project is granted now: its commitment without money still only reserved
        (a decrease, a termination or the close has cancelled part of the grant)."""
        return self.committed - self.reserved_open

    @property
    def owed(self) -> int:
        """What the decided plan still asks for, never more than is outstanding."""
        return max(0, min(self.repayment_due - self.repaid, self.outstanding))


@dataclass(frozen=True)
class FundBalance:
    capital: int
    committed: int
    available_to_grant: int
    net_disbursed: int
    fund_balance: int
    undisbursed: int
    repaid: int
    relieved: int
    outstanding: int
    nominal_value: int
    capital_consumed: int


@dataclass
class _Project:
    granted: int = 0
    reserved: int = 0
    released: int = 0
    cancelled_reservation: int = 0
    cancelled_commitment: int = 0
    allocated: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    returned: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    repaid: int = 0
    relieved: int = 0
    closed: bool = False
    terminated: bool = False
    archived: bool = False

    def committed(self) -> int:
        reserved = self.reserved - self.cancelled_reservation
        return self.granted - self.cancelled_commitment + reserved

    def reserved_open(self) -> int:
        return self.reserved - self.released - self.cancelled_reservation

    def net_disbursed(self) -> int:
        return sum(self.allocated.values()) - sum(self.returned.values())


def _refuse(path: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(path, message)], message)


def tkr(amount: int) -> str:
    """``22500`` → ``"22 500 tkr"`` (Swedish thousands separator)."""
    return f"{amount:,}".replace(",", "\u00a0") + " tkr"


class Ledger:
    """Postings in order, each checked against the balances at the moment it is made."""

    def __init__(self, transactions: Iterable[Tx] = ()) -> None:
        self.transactions: list[Tx] = []
        self.plans: dict[str, int] = {}
        for tx in transactions:
            self.post(tx)

    def set_repayment_due(self, project: str, total: int) -> None:
        """The current repayment plan's total for a project (its cap is checked by the plan)."""
        self.plans[project] = total

    def post(self, tx: Tx) -> Tx:
        """Validate and append; raises ``ValidationFailed`` and changes nothing on a breach.
        Once a project is archived only its open reservation may still be decided (in the
        reservation's own case); every other posting for it is refused."""
        unsigned = tx.kind not in _OWN_AMOUNT_RULES
        if unsigned and (tx.amount < 0 or (tx.amount == 0 and not tx.closes)):
            raise _refuse("amount", "Beloppet måste vara större än noll.")
        if tx.kind != Kind.CAPITAL_CONTRIBUTION and not tx.project:
            raise _refuse("project", "Ange vilket projekt posteringen gäller.")
        if tx.project and tx.kind not in _AFTER_ARCHIVE and self.project(tx.project).archived:
            raise _refuse(
                "project",
                f"Projektet {tx.project} är avslutat och arkiverat: dess huvudbok tar inte emot "
                "fler posteringar.",
            )
        _CHECKS[tx.kind](self, tx)
        self.transactions.append(tx)
        return tx

    def _projects(self, as_of: date | None = None) -> dict[str, _Project]:
        projects: dict[str, _Project] = defaultdict(_Project)
        for tx in self.transactions:
            if as_of is not None and tx.booked_on > as_of:
                continue
            if tx.project:
                _apply(projects[tx.project], tx)
        return projects

    def project(self, name: str, as_of: date | None = None) -> ProjectBalance:
        p = self._projects(as_of).get(name, _Project())
        committed, net = p.committed(), p.net_disbursed()
        return ProjectBalance(
            granted=p.granted, reserved_open=p.reserved_open(), committed=committed,
            net_disbursed=net, undisbursed=committed - net,
            repayment_due=self.plans.get(name, 0), repaid=p.repaid, relieved=p.relieved,
            outstanding=net - p.repaid - p.relieved, closed=p.closed, terminated=p.terminated,
            archived=p.archived,
        )  # fmt: skip

    def fund(self, as_of: date | None = None) -> FundBalance:
        capital = sum(
            t.amount for t in self.transactions
            if t.kind == Kind.CAPITAL_CONTRIBUTION and (as_of is None or t.booked_on <= as_of)
        )  # fmt: skip
        projects = self._projects(as_of).values()
        committed = sum(p.committed() for p in projects)
        net = sum(p.net_disbursed() for p in projects)
        repaid = sum(p.repaid for p in projects)
        relieved = sum(p.relieved for p in projects)
        outstanding = net - repaid - relieved
        available = capital + repaid - committed
        return FundBalance(
            capital=capital, committed=committed, available_to_grant=available,
            net_disbursed=net, fund_balance=capital + repaid - net,
            undisbursed=committed - net, repaid=repaid, relieved=relieved,
            outstanding=outstanding, nominal_value=capital - relieved,
            capital_consumed=net - repaid,
        )  # fmt: skip

    def first_allocation(self, project: str) -> date | None:
        """When the project's first allocation was booked, if it has one."""
        days = [t.booked_on for t in self.transactions
                if t.project == project and t.kind == Kind.ALLOCATION]  # fmt: skip
        return min(days, default=None)

    def allocated(self, project: str, year: int) -> int:
        """Net allocation to a project for one budget year (allocations minus returns)."""
        p = self._projects().get(project, _Project())
        return p.allocated.get(year, 0) - p.returned.get(year, 0)


def _apply(p: _Project, tx: Tx) -> None:
    year = tx.budget_year or tx.booked_on.year
    match tx.kind:
        case Kind.GRANT_COMMITMENT:
            p.granted += tx.amount
        case Kind.RESERVATION:
            p.reserved += tx.amount
        case Kind.RESERVATION_RELEASE:
            p.released += tx.amount
        case Kind.RESERVATION_CANCEL:
            p.cancelled_reservation += tx.amount
        case Kind.COMMITMENT_CANCEL:
            p.cancelled_commitment += tx.amount
            p.terminated = p.terminated or tx.closes
        case Kind.ALLOCATION:
            p.allocated[year] += tx.amount
        case Kind.RETURN_UNUSED:
            p.returned[year] += tx.amount
        case Kind.REPAYMENT:
            p.repaid += tx.amount
        case Kind.EXEMPTION | Kind.WRITE_DOWN:
            p.relieved += tx.amount
            p.closed = p.closed or tx.closes
        case Kind.ARCHIVE:
            p.archived = True
        case Kind.FRAME_ADJUSTMENT:
            pass  # a board's ordinary budget frame: no fund or project balance changes


def _check_commitment(ledger: Ledger, tx: Tx) -> None:
    available = ledger.fund().available_to_grant
    if tx.amount > available:
        raise _refuse(
            "amount",
            f"Beloppet {tkr(tx.amount)} överstiger vad som finns att bevilja i fonden "
            f"({tkr(available)}).",
        )


def _check_release(ledger: Ledger, tx: Tx) -> None:
    open_ = ledger.project(tx.project).reserved_open
    if tx.amount > open_:
        raise _refuse("amount", f"Bara {tkr(open_)} är reserverat och kan frigöras.")


def _check_cancel_reservation(ledger: Ledger, tx: Tx) -> None:
    _check_release(ledger, tx)


def _check_cancel_commitment(ledger: Ledger, tx: Tx) -> None:
    balance = ledger.project(tx.project)
    cancellable = balance.undisbursed - balance.reserved_open
    if tx.amount > cancellable:
        raise _refuse("amount", f"Bara {tkr(cancellable)} av beviljat belopp är outbetalt.")


def _check_allocation(ledger: Ledger, tx: Tx) -> None:
    balance = ledger.project(tx.project)
    if balance.closed or balance.terminated:
        said = "är helt befriat från återföring" if balance.closed else "är avslutat i förtid"
        raise _refuse("amount_tkr", f"Projektet {said} och får inga fler tilldelningar.")
    # Reserved money is paid out only once released: it can still be cancelled.
    undisbursed = balance.undisbursed - balance.reserved_open
    if tx.amount > undisbursed:
        raise _refuse(
            "amount",
            f"Tilldelningen {tkr(tx.amount)} överstiger projektets återstående beviljade medel "
            f"({tkr(undisbursed)}).",
        )


def _check_return(ledger: Ledger, tx: Tx) -> None:
    year = tx.budget_year or tx.booked_on.year
    net = ledger.allocated(tx.project, year)
    limit = net - (tx.spent or 0)
    if tx.amount > limit:
        raise _refuse(
            "return_unused_tkr",
            f"Återbetalningen {tkr(tx.amount)} är större än årets tilldelning minus förbrukning "
            f"({tkr(limit)}).",
        )


def _check_repayment(ledger: Ledger, tx: Tx) -> None:
    balance = ledger.project(tx.project)
    if balance.closed:
        raise _refuse("returned_tkr", "Projektet är helt befriat från återföring.")
    if tx.project not in ledger.plans:
        raise _refuse("returned_tkr", "Projektet har ingen beslutad återföringsplan.")
    left = min(balance.repayment_due - balance.repaid, balance.outstanding)
    if tx.amount > left:
        raise _refuse("returned_tkr", f"Återföringen är större än det som återstår ({tkr(left)}).")


def _check_relief(ledger: Ledger, tx: Tx) -> None:
    outstanding = ledger.project(tx.project).outstanding
    if tx.amount > outstanding:
        raise _refuse(
            "amount_tkr",
            f"Befrielsen {tkr(tx.amount)} är större än den utestående investeringen "
            f"({tkr(outstanding)}).",
        )


def _check_frame(ledger: Ledger, tx: Tx) -> None:
    if tx.amount == 0:
        raise _refuse("amount_tkr", "Ramjusteringen får inte vara noll.")
    if not tx.board:
        raise _refuse("board", "Ange vilken nämnds ram som justeras.")
    if tx.budget_year is None:
        raise _refuse("effective_budget_year", "Ange från vilket budgetår justeringen gäller.")


def _check_archive(ledger: Ledger, tx: Tx) -> None:
    if tx.amount != 0:
        raise _refuse("amount", "Ett avslut av projektets huvudbok har inget belopp.")


def _no_check(ledger: Ledger, tx: Tx) -> None:
    return None


#: Kinds whose check reads the whole fund (what is left to grant), or that belong to no
#: project; every other posting is checked against its own project's postings and plan alone.
FUND_WIDE = frozenset({Kind.CAPITAL_CONTRIBUTION, Kind.GRANT_COMMITMENT, Kind.RESERVATION})
#: Kinds whose amount is not "greater than zero": a frame adjustment is signed, an archive 0.
_OWN_AMOUNT_RULES = frozenset({Kind.FRAME_ADJUSTMENT, Kind.ARCHIVE})
#: What may still be posted for an archived project: its reservation belongs to another case.
_AFTER_ARCHIVE = frozenset({Kind.RESERVATION_RELEASE, Kind.RESERVATION_CANCEL})


_CHECKS = {
    Kind.CAPITAL_CONTRIBUTION: _no_check,
    Kind.GRANT_COMMITMENT: _check_commitment,
    Kind.RESERVATION: _check_commitment,
    Kind.RESERVATION_RELEASE: _check_release,
    Kind.RESERVATION_CANCEL: _check_cancel_reservation,
    Kind.COMMITMENT_CANCEL: _check_cancel_commitment,
    Kind.ALLOCATION: _check_allocation,
    Kind.RETURN_UNUSED: _check_return,
    Kind.REPAYMENT: _check_repayment,
    Kind.EXEMPTION: _check_relief,
    Kind.WRITE_DOWN: _check_relief,
    Kind.FRAME_ADJUSTMENT: _check_frame,
    Kind.ARCHIVE: _check_archive,
}
