"""The fund ledger in the database: postings are checked by ``Ledger`` and stored in the
caller's transaction (a case step's, when a service task posts), or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    delete,
    func,
    insert,
    select,
)

from engine import Conflict, NotFound
from tasks.ledger import FUND_WIDE, Decision, Kind, Ledger, ProjectBalance, Tx
from tasks.profiles import ProfileInvalid, load_profile

MIGRATIONS = Path(__file__).parent / "migrations" / "versions"
DEFAULT_FUND = "SIF"

metadata = MetaData()


def _decision_columns() -> list[Column[object]]:
    """The decision a row carries out: the body, its date and the minutes' paragraph."""
    return [
        Column("decision_body", String(40), nullable=False, server_default=""),
        Column("decision_date", Date),
        Column("paragraph", String(40), nullable=False, server_default=""),
    ]


fund_transactions = Table(
    "fund_transactions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("fund", String(40), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("amount", Integer, nullable=False),
    Column("booked_on", Date, nullable=False),
    Column("project", String(80), nullable=False),
    Column("budget_year", Integer),
    Column("board", String(40), nullable=False),
    Column("reference", String(255), nullable=False),
    Column("spent", Integer),
    Column("case_id", Integer),
    Column("posted_by", String(80), nullable=False),  # the person whose step caused it
    Column("posted_at", DateTime(timezone=True), nullable=False),  # when it was entered
    *_decision_columns(),
    Column("closes_project", Boolean, nullable=False, server_default="0"),
)
repayment_plan_totals = Table(  # one row per decided plan version
    "repayment_plan_totals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("fund", String(40), nullable=False),
    Column("project", String(80), nullable=False),
    Column("total", Integer, nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),  # when it was entered
    *_decision_columns(),
    Column("entered_by", String(80), nullable=False, server_default=""),
)
repayment_plan_lines = Table(
    "repayment_plan_lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_id", ForeignKey("repayment_plan_totals.id", ondelete="CASCADE"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("board", String(40), nullable=False),
    Column("amount", Integer, nullable=False),
)

council_meetings = Table(  # the fund's council meeting calendar (F01)
    "council_meetings",
    metadata,
    Column("fund", String(40), primary_key=True),
    Column("day", Date, primary_key=True),
)
reservation_conditions = Table(  # what a reservation waits for, in the case that granted it
    "reservation_conditions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("fund", String(40), nullable=False),
    Column("project", String(80), nullable=False),
    Column("case_id", Integer, nullable=False),
    Column("release_when", String(40), nullable=False),
    Column("condition", Text, nullable=False),
)
case_profiles = Table(  # the rule profile frozen on a case at its grant (S13), as JSON
    "case_profiles",
    metadata,
    Column("case_id", Integer, primary_key=True),
    Column("fund", String(40), nullable=False),
    Column("profile", Text, nullable=False),
    Column("frozen_at", DateTime(timezone=True), nullable=False),
)


funds = Table(
    "funds",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("profile", String(80), nullable=False),
    Column("established", Date, nullable=False),
)


@dataclass(frozen=True)
class Fund:
    code: str
    name: str
    profile: str
    established: date


def create_fund(
    conn: Connection,
    code: str,
    name: str,
    profile: str,
    established: date,
    capital_tkr: int,
    posted_by: str,
    posted_at: datetime,
) -> Fund:
    """F01: a fund with its rule profile and initial capital (a capital contribution)."""
    try:
        load_profile(profile)
    except ProfileInvalid as exc:
        raise NotFound(str(exc)) from None
    if conn.execute(select(funds.c.code).where(funds.c.code == code)).scalar() is not None:
        raise Conflict(f"Fonden {code} finns redan.")
    conn.execute(
        insert(funds).values(code=code, name=name, profile=profile, established=established)
    )
    capital = Tx(Kind.CAPITAL_CONTRIBUTION, capital_tkr, established, reference="Fondens kapital")
    post(conn, capital, posted_by, posted_at, fund=code)
    return Fund(code, name, profile, established)


def get_fund(conn: Connection, code: str = DEFAULT_FUND) -> Fund:
    row = conn.execute(select(funds).where(funds.c.code == code)).one_or_none()
    if row is None:
        raise NotFound(f"Fonden {code} finns inte; skapa den med 'sif fund create'.")
    return Fund(row.code, row.name, row.profile, row.established)


def fund_code(value: object) -> str:
    """The fund a case or a service call names, or the default fund."""
    return str(value or DEFAULT_FUND)


def case_connection(connection: Connection | None, who: str) -> Connection:
    """The case step's transaction, which service tasks and form rules must post and read in."""
    if connection is None:
        raise RuntimeError(f"{who} kräver ärendets transaktion")
    return connection


_PLAN_TOTALS = (
    select(repayment_plan_totals.c.project, repayment_plan_totals.c.total)
    .where(repayment_plan_totals.c.fund == bindparam("fund"))
    .order_by(repayment_plan_totals.c.id)
)
_POSTINGS = (
    select(fund_transactions)
    .where(fund_transactions.c.fund == bindparam("fund"))
    .order_by(fund_transactions.c.id)
)
_OF_PROJECT = (  # the same, for one project
    _PLAN_TOTALS.where(repayment_plan_totals.c.project == bindparam("project")),
    _POSTINGS.where(fund_transactions.c.project == bindparam("project")),
)
_INSERT_POSTING = insert(fund_transactions)


def load_ledger(conn: Connection, fund: str = DEFAULT_FUND, project: str | None = None) -> Ledger:
    """The fund's ledger as stored: every posting in order, the latest plan total per project.
    With ``project``, that project's postings and plan alone: enough for its balance and to
    check any posting for it but those ``FUND_WIDE`` — and as cheap in a fund's tenth year as
    in its first."""
    plans, postings = (_PLAN_TOTALS, _POSTINGS) if project is None else _OF_PROJECT
    asked = {"fund": fund, "project": project}
    ledger = Ledger()
    for name, total in conn.execute(plans, asked):
        ledger.set_repayment_due(name, total)
    rows = conn.execute(postings, asked)
    ledger.transactions = [
        Tx(
            Kind(r.kind),
            r.amount,
            r.booked_on,
            r.project,
            r.budget_year,
            r.board,
            r.reference,
            r.spent,
            Decision(r.decision_body, r.decision_date, r.paragraph),
            bool(r.closes_project),
        )
        for r in rows
    ]  # already checked when posted
    return ledger


def project_balance(conn: Connection, fund: str, project: str) -> ProjectBalance:
    """Where one project's money stands now, read from its own postings and plan."""
    return load_ledger(conn, fund, project).project(project)


def post(
    conn: Connection,
    tx: Tx,
    posted_by: str,
    posted_at: datetime,
    case_id: int | None = None,
    fund: str = DEFAULT_FUND,
) -> None:
    """Check ``tx`` against the stored ledger (its project's part, unless the check reads the
    whole fund) and store it; ``ValidationFailed`` stores nothing."""
    post_all(conn, [tx], posted_by, posted_at, case_id, fund)


def post_all(
    conn: Connection,
    txs: Sequence[Tx],
    posted_by: str,
    posted_at: datetime,
    case_id: int | None = None,
    fund: str = DEFAULT_FUND,
) -> None:
    """``post`` for postings one step books together (a year's repayments, one per board):
    the ledger is read once and each is checked after the ones before it, as if posted one
    by one; ``ValidationFailed`` stores none of them."""
    if not txs:
        return
    projects = {tx.project for tx in txs}
    whole = len(projects) > 1 or any(tx.kind in FUND_WIDE for tx in txs)
    ledger = load_ledger(conn, fund, None if whole else txs[0].project)
    for tx in txs:
        ledger.post(tx)
    conn.execute(
        _INSERT_POSTING, [_posting_row(tx, fund, posted_by, posted_at, case_id) for tx in txs]
    )


def _posting_row(
    tx: Tx, fund: str, posted_by: str, posted_at: datetime, case_id: int | None
) -> dict[str, Any]:
    return {
        "fund": fund, "kind": tx.kind.value, "amount": tx.amount, "booked_on": tx.booked_on,
        "project": tx.project, "budget_year": tx.budget_year, "board": tx.board,
        "reference": tx.reference, "spent": tx.spent, "case_id": case_id,
        "posted_by": posted_by, "posted_at": posted_at, "decision_body": tx.decision.body,
        "decision_date": tx.decision.on, "paragraph": tx.decision.paragraph,
        "closes_project": tx.closes,
    }  # fmt: skip


@dataclass(frozen=True)
class PlanVersion:
    """A decided repayment plan version: its lines (year, board, tkr) and the decision."""

    project: str
    lines: tuple[tuple[int, str, int], ...]
    decision: Decision
    entered_by: str
    entered_at: datetime

    @property
    def total(self) -> int:
        return sum(amount for _, _, amount in self.lines)


def decide_plan(conn: Connection, plan: PlanVersion, fund: str = DEFAULT_FUND) -> None:
    """Record a newly decided repayment plan version; it becomes what the project owes."""
    stored = conn.execute(
        insert(repayment_plan_totals).values(
            fund=fund, project=plan.project, total=plan.total, decided_at=plan.entered_at,
            decision_body=plan.decision.body, decision_date=plan.decision.on,
            paragraph=plan.decision.paragraph, entered_by=plan.entered_by,
        )
    ).inserted_primary_key  # fmt: skip
    assert stored is not None  # an INSERT of one row always has its key
    plan_id = stored[0]
    if plan.lines:
        conn.execute(
            insert(repayment_plan_lines),
            [{"plan_id": plan_id, "year": y, "board": b, "amount": a} for y, b, a in plan.lines],
        )


def freeze_profile(
    conn: Connection, case_id: int, fund: str, profile: Mapping[str, Any], at: datetime
) -> None:
    """Keep ``profile`` as the case's rule profile from now on (its grant decision)."""
    conn.execute(delete(case_profiles).where(case_profiles.c.case_id == case_id))
    conn.execute(
        insert(case_profiles).values(
            case_id=case_id, fund=fund, profile=json.dumps(dict(profile)), frozen_at=at
        )
    )


def frozen_profile(conn: Connection, case_id: int) -> dict[str, Any] | None:
    """The rule profile frozen on the case at its grant, or None before the grant."""
    text = conn.execute(
        select(case_profiles.c.profile).where(case_profiles.c.case_id == case_id)
    ).scalar()
    return None if text is None else dict(json.loads(text))


@dataclass(frozen=True)
class ReservationCondition:
    """What a project's reservation waits for (``project_started``, ``project_evaluated``,
    ``project_ended``) in the case that granted it, and the condition as decided."""

    case_id: int
    release_when: str
    condition: str


def keep_reservation_condition(
    conn: Connection, fund: str, project: str, case_id: int, release_when: str, condition: str
) -> None:
    conn.execute(
        insert(reservation_conditions).values(
            fund=fund, project=project, case_id=case_id, release_when=release_when,
            condition=condition,
        )
    )  # fmt: skip


def reservation_condition(conn: Connection, fund: str, project: str) -> ReservationCondition | None:
    """The newest condition kept for ``project``'s reservation, if any."""
    row = conn.execute(
        select(reservation_conditions)
        .where(reservation_conditions.c.fund == fund, reservation_conditions.c.project == project)
        .order_by(reservation_conditions.c.id.desc())
    ).first()
    if row is None:
        return None
    return ReservationCondition(row.case_id, row.release_when, row.condition)


def set_council_meetings(conn: Connection, fund: str, days: list[date]) -> None:
    """Replace the fund's council meeting calendar with ``days``."""
    conn.execute(delete(council_meetings).where(council_meetings.c.fund == fund))
    if days:
        conn.execute(
            insert(council_meetings), [{"fund": fund, "day": d} for d in sorted(set(days))]
        )


def council_meeting_days(conn: Connection, fund: str) -> list[date]:
    """The fund's council meetings, in date order (empty: the default pattern applies)."""
    rows = conn.execute(
        select(council_meetings.c.day)
        .where(council_meetings.c.fund == fund)
        .order_by(council_meetings.c.day)
    )
    return [r.day for r in rows]


def planned_through(conn: Connection, fund: str, project: str, year: int) -> int | None:
    """What the project's latest decided repayment plan asks to be repaid by the end of
    ``year`` (all boards), or None when no plan is decided."""
    latest = conn.execute(
        select(repayment_plan_totals.c.id)
        .where(repayment_plan_totals.c.fund == fund, repayment_plan_totals.c.project == project)
        .order_by(repayment_plan_totals.c.id.desc())
        .limit(1)
    ).scalar()
    if latest is None:
        return None
    total = conn.execute(
        select(func.coalesce(func.sum(repayment_plan_lines.c.amount), 0)).where(
            repayment_plan_lines.c.plan_id == latest, repayment_plan_lines.c.year <= year
        )
    ).scalar_one()
    return int(total)
