"""The fund's register of closed projects (S31): when each case was closed and archived, by
whom, the lessons it left and the results report to KS, kept apart from the case's workflow
so the fund page reads them from one table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import (
    Column,
    Connection,
    Date,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    insert,
    select,
)

from tasks.store import metadata

project_closures = Table(
    "project_closures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("fund", String(40), nullable=False),
    Column("project", String(80), nullable=False),
    Column("case_id", Integer),
    Column("closed_on", Date, nullable=False),  # the municipality's day of the close
    Column("lessons", Text, nullable=False),
    Column("results_report", String(255), nullable=False, server_default=""),
    Column("closed_by", String(80), nullable=False),  # the person who closed it
    Column("closed_at", DateTime(timezone=True), nullable=False),  # when it was entered
)


@dataclass(frozen=True)
class Closure:
    """A closed project of a fund and what it taught."""

    fund: str
    project: str
    case_id: int | None
    closed_on: date
    lessons: str
    results_report: str
    closed_by: str
    closed_at: datetime


def keep_closure(conn: Connection, closure: Closure) -> None:
    """Add ``closure`` to the fund's register, in the caller's transaction."""
    conn.execute(
        insert(project_closures).values(
            fund=closure.fund, project=closure.project, case_id=closure.case_id,
            closed_on=closure.closed_on, lessons=closure.lessons,
            results_report=closure.results_report, closed_by=closure.closed_by,
            closed_at=closure.closed_at,
        )
    )  # fmt: skip


def closures(conn: Connection, fund: str, as_of: date | None = None) -> list[Closure]:
    """The fund's closed projects, closed on or before ``as_of`` (all when None), oldest first."""
    query = select(project_closures).where(project_closures.c.fund == fund)
    if as_of is not None:
        query = query.where(project_closures.c.closed_on <= as_of)
    rows = conn.execute(query.order_by(project_closures.c.closed_on, project_closures.c.id))
    return [
        Closure(r.fund, r.project, r.case_id, r.closed_on, r.lessons, r.results_report,
                r.closed_by, r.closed_at)
        for r in rows
    ]  # fmt: skip
