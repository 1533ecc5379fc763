"""Where every case sits, for administrators and auditors: the cases overview, filtered, sorted
and paged from the projection tables only (``cases``, ``human_tasks``, ``timers``,
``case_tags``), never from a deserialized workflow.

``CaseFilter`` is the one description of "which cases": the overview, its exports, the heatmap
and the audit export all narrow by it (``matching_ids``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, exists, func, select

from engine.cases import CASE_ROWS, MAX_PAGE_SIZE, business_key_prefix, to_case
from engine.clock import as_utc
from engine.models import OPEN_TASK_STATES, Case, CaseStatus, Paged
from engine.runtime import Runtime
from engine.schema import (
    business_key_counters,
    case_tags,
    cases,
    definitions,
    human_task_roles,
    human_tasks,
    timers,
)
from engine.tags import tags_of
from engine.worklist import open_tasks_of

#: Statuses in which a case still has work ahead (an overdue flag means something).
LIVE = (
    CaseStatus.RUNNING.value,
    CaseStatus.WAITING.value,
    CaseStatus.ERROR.value,
    CaseStatus.SUSPENDED.value,
)
SORTS: dict[str, Any] = {
    "updated": cases.c.updated_at,
    "key": cases.c.business_key,
    "title": cases.c.title,
    "stage": cases.c.stage_code,
    "status": cases.c.status,
    "due": cases.c.due_at,
    "timer": cases.c.next_timer_at,
    "started": cases.c.started_at,
}
EXPORT_LIMIT = 100_000


@dataclass(frozen=True)
class CaseFilter:
    """Which cases. Empty fields do not narrow; ``q`` matches business key or title."""

    stage: str = ""
    status: str = ""
    role: str = ""  # an open task is offered to this role
    overdue: bool = False  # an open task is past its due date
    profile: str = ""  # case tag ``profile``
    board: str = ""  # case tag ``board``
    year: int | None = None  # the year the case started
    process: str = ""  # process key
    version: int | None = None  # the definition version (with ``process``)
    q: str = ""

    def narrow(self, query: Select[Any], now: datetime) -> Select[Any]:
        """``query`` (over ``cases``, joined or not) narrowed by this filter. The conditions
        name ``cases`` only, so a count or a page of ids never joins another table."""
        return query.where(*self._conditions(now))

    def _conditions(self, now: datetime) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.stage:
            found.append(cases.c.stage_code == self.stage)
        if self.status:
            found.append(cases.c.status == self.status)
        if self.role:
            # Driven by the open tasks (few), each checked for the role by its primary key.
            offered = select(human_tasks.c.case_id).where(
                human_tasks.c.state.in_(OPEN_TASK_STATES),
                exists().where(
                    human_task_roles.c.task_id == human_tasks.c.id,
                    human_task_roles.c.role == self.role,
                ),
            )
            found.append(cases.c.id.in_(offered))
        if self.overdue:
            found.append(and_(cases.c.due_at < now, cases.c.status.in_(LIVE)))
        for name, value in (("profile", self.profile), ("board", self.board)):
            if value:
                tagged = select(case_tags.c.case_id).where(
                    case_tags.c.name == name, case_tags.c.value == value
                )
                found.append(cases.c.id.in_(tagged))
        if self.year:  # the business key carries the year the case started: SIF-2026-0001
            prefix = business_key_prefix(self.year)
            found.append(cases.c.business_key >= prefix)
            found.append(cases.c.business_key < prefix[:-1] + ".")  # "." sorts after "-"
        if self.process:
            chosen = select(definitions.c.id).where(definitions.c.process_key == self.process)
            if self.version:
                chosen = chosen.where(definitions.c.version == self.version)
            found.append(cases.c.definition_id.in_(chosen))
        if self.q.strip():
            # In the lowercase key-and-title column and its narrow index, never in the wide
            # rows that hold the workflows; the person's % and _ are plain characters.
            found.append(cases.c.search_text.contains(self.q.strip().lower(), autoescape=True))
        return found


def matching_ids(case_filter: CaseFilter, now: datetime) -> Select[Any]:
    """A ``SELECT cases.id`` of the cases the filter lets through (for IN-subqueries)."""
    return case_filter.narrow(select(cases.c.id), now)


@dataclass(frozen=True)
class NextTimer:
    element_id: str
    name: str
    due_at: datetime


@dataclass(frozen=True)
class OverviewRow:
    case: Case
    tags: dict[str, str]
    next_timer: NextTimer | None
    overdue: bool
    due_at: datetime | None


@dataclass(frozen=True)
class Facets:
    """What the filters offer: the values present (stage codes, tags, years, versions)."""

    stages: list[str]
    profiles: list[str]
    boards: list[str]
    years: list[int]
    versions: list[tuple[str, int]]  # (process key, version)


@dataclass(frozen=True)
class OverviewPage(Paged):
    rows: list[OverviewRow]
    total: int
    page: int
    page_size: int
    facets: Facets | None = None
    filter: CaseFilter = field(default_factory=CaseFilter)


def _order(key: Any, tie: Any, sort: str, descending: bool) -> list[ColumnElement[Any]]:
    """By ``key``, then ``tie`` (the case id), in ``sort``'s direction; undated cases last. An
    unknown sort is the newest change first."""
    descending = descending or sort not in SORTS
    order: list[ColumnElement[Any]] = [
        key.desc() if descending else key.asc(),
        tie.desc() if descending else tie.asc(),
    ]
    if sort in ("due", "timer"):
        order.insert(0, key.is_(None))
    return order


def _ordered(query: Select[Any], sort: str, descending: bool) -> Select[Any]:
    column = SORTS.get(sort, cases.c.updated_at)
    return query.order_by(*_order(column, cases.c.id, sort, descending))


def overview(
    rt: Runtime,
    case_filter: CaseFilter,
    sort: str = "updated",
    descending: bool = True,
    page: int = 1,
    page_size: int = 50,
    with_facets: bool = True,
) -> OverviewPage:
    """One page of the cases the filter lets through, with what each waits for."""
    page, page_size = max(page, 1), min(max(page_size, 1), MAX_PAGE_SIZE)
    with rt.db.reading() as conn:
        now = rt.clock.now(conn)
        counted = case_filter.narrow(select(func.count()).select_from(cases), now)
        total = int(conn.execute(counted).scalar() or 0)
        start = (page - 1) * page_size
        chosen = _chosen(case_filter, now, sort, descending)
        page_ids = list(conn.execute(chosen.limit(page_size).offset(start)).scalars())
        rows = _rows(conn, _cases_by_id(conn, page_ids), now)
        facets = read_facets(conn) if with_facets else None
    return OverviewPage(rows, total, page, page_size, facets, case_filter)


def _chosen(case_filter: CaseFilter, now: datetime, sort: str, descending: bool) -> Select[Any]:
    """The ids of the cases the filter lets through, in the asked order."""
    if case_filter.q.strip():
        return _searched(case_filter, now, sort, descending)
    return _ordered(matching_ids(case_filter, now), sort, descending)


def _searched(case_filter: CaseFilter, now: datetime, sort: str, descending: bool) -> Select[Any]:
    """A text search's ids in order. The matches are chosen inside the narrow search index and
    only then ordered (``OFFSET 0`` keeps the database from walking the wide rows in time order
    instead)."""
    column = SORTS.get(sort, cases.c.updated_at)
    matches = case_filter.narrow(select(cases.c.id, column.label("key")), now).offset(0)
    inner = matches.subquery()
    return select(inner.c.id).order_by(*_order(inner.c.key, inner.c.id, sort, descending))


def _cases_by_id(conn: Connection, ids: list[int]) -> list[Any]:
    """The case rows (with their definition) of a page of ids, in the page's order: the page is
    chosen on ``cases`` alone, and only its rows are joined."""
    rows = {r.id: r for r in conn.execute(CASE_ROWS.where(cases.c.id.in_(ids)))}
    return [rows[case_id] for case_id in ids]


def overview_rows(
    rt: Runtime, case_filter: CaseFilter, sort: str = "updated", descending: bool = True
) -> Iterator[OverviewRow]:
    """Every row the filter lets through, in the overview's order (for exports), in chunks."""
    with rt.db.reading() as conn:
        now = rt.clock.now(conn)
        query = _chosen(case_filter, now, sort, descending)
        for offset in range(0, EXPORT_LIMIT, MAX_PAGE_SIZE):
            page_ids = list(conn.execute(query.limit(MAX_PAGE_SIZE).offset(offset)).scalars())
            chunk = _cases_by_id(conn, page_ids)
            yield from _rows(conn, chunk, now)
            if len(chunk) < MAX_PAGE_SIZE:
                return


def _rows(conn: Connection, rows: Sequence[Any], now: datetime) -> list[OverviewRow]:
    ids = [r.id for r in rows]
    tasks = open_tasks_of(conn, ids)
    tags = tags_of(conn, ids)
    next_timers = _next_timers(conn, ids)
    found = []
    for r in rows:
        due = as_utc(r.due_at) if r.due_at else None
        overdue = due is not None and due < now and r.status in LIVE
        found.append(
            OverviewRow(
                to_case(r, tasks.get(r.id, []), {}), tags.get(r.id, {}), next_timers.get(r.id),
                overdue, due,
            )
        )  # fmt: skip
    return found


def _next_timers(conn: Connection, ids: list[int]) -> dict[int, NextTimer]:
    found: dict[int, NextTimer] = {}
    if not ids:
        return found
    waiting = (
        select(timers.c.case_id, timers.c.element_id, timers.c.name, timers.c.due_at)
        .where(timers.c.case_id.in_(ids), timers.c.state == "waiting")
        .where(timers.c.due_at.is_not(None))
        .order_by(timers.c.due_at.desc())
    )
    for row in conn.execute(waiting):  # the earliest is seen last and wins
        found[row.case_id] = NextTimer(row.element_id, row.name, as_utc(row.due_at))
    return found


def read_facets(conn: Connection) -> Facets:
    """The values the filters can take; each read is an index or a small table."""

    def tag(name: str) -> list[str]:
        query = select(case_tags.c.value).where(case_tags.c.name == name).distinct()
        return sorted(str(v) for v in conn.execute(query).scalars())

    stages = conn.execute(select(cases.c.stage_code).distinct()).scalars()
    years = conn.execute(select(business_key_counters.c.year)).scalars()
    versions = conn.execute(
        select(definitions.c.process_key, definitions.c.version).order_by(
            definitions.c.process_key, definitions.c.version
        )
    ).all()
    return Facets(
        stages=sorted(s for s in stages if s),
        profiles=tag("profile"),
        boards=tag("board"),
        years=sorted((int(y) for y in years), reverse=True),
        versions=[(str(k), int(v)) for k, v in versions],
    )
