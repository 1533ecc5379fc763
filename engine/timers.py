"""Firing due timers exactly once, from any number of scheduler processes.

A sweep claims due timers (``FOR UPDATE SKIP LOCKED`` and a lease on PostgreSQL; under
SQLite's ``BEGIN IMMEDIATE`` the same conditional claim is serialized), then fires each in its
case's own transaction: lock the case, re-read the timer, let the workflow see the step's time,
save. The workflow's state is the truth: a timer another process fired meanwhile is no longer
waiting and is skipped, so a timer fires once however many sweeps race or crash. Leases are in
real time (they are about processes); due times are in the clock's time (real or virtual).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import Connection, bindparam, func, or_, select, update
from sqlalchemy.exc import DBAPIError

from engine.casestore import CaseStep, case_transaction, mark_incident
from engine.clock import as_utc, set_virtual_time
from engine.errors import Conflict, StepRefused
from engine.logs import bind_case
from engine.models import CaseStatus
from engine.runtime import Runtime
from engine.schema import cases, timers

LIVE = (CaseStatus.RUNNING.value, CaseStatus.WAITING.value)
DEFAULT_LEASE = timedelta(minutes=5)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TimerInfo:
    id: int
    case_id: int
    business_key: str
    element_id: str
    name: str
    kind: str
    position: str
    state: str
    due_at: datetime | None
    fired_count: int
    lease_owner: str | None


@dataclass(frozen=True)
class SweepResult:
    claimed: int
    fired: int
    skipped: int
    failed: int = 0  # timers whose case became an incident while firing them


_DUE = (
    select(timers.c.id, timers.c.case_id)
    .join(cases, cases.c.id == timers.c.case_id)
    .where(
        timers.c.state == "waiting",
        timers.c.due_at <= bindparam("now"),
        or_(timers.c.lease_until.is_(None), timers.c.lease_until < bindparam("real_now")),
        cases.c.status.in_(LIVE),
    )
    .order_by(timers.c.due_at, timers.c.id)
    .limit(bindparam("batch"))
    .with_for_update(of=timers, skip_locked=True)
)
_CLAIM = (
    update(timers)
    .where(
        timers.c.id.in_(bindparam("ids", expanding=True)),
        or_(timers.c.lease_until.is_(None), timers.c.lease_until < bindparam("real_now")),
    )
    .values(lease_owner=bindparam("owner"), lease_until=bindparam("until"))
)
_RELEASE = (
    update(timers)
    .where(timers.c.id == bindparam("timer_id"), timers.c.lease_owner == bindparam("owner"))
    .values(lease_owner=None, lease_until=None)
)


class Claim(NamedTuple):
    timer_id: int
    case_id: int


def claim_due(
    rt: Runtime, owner: str, batch: int = 100, lease: timedelta = DEFAULT_LEASE
) -> list[Claim]:
    """Lease up to ``batch`` due timers to ``owner``; others skip them until the lease ends."""
    real_now = datetime.now(UTC)
    with rt.db.transaction() as conn:
        params = {"now": rt.clock.now(conn), "real_now": real_now, "batch": batch}
        claims = [Claim(r.id, r.case_id) for r in conn.execute(_DUE, params)]
        if claims:
            ids = [c.timer_id for c in claims]
            until = real_now + lease
            conn.execute(_CLAIM, {"ids": ids, "real_now": real_now, "owner": owner, "until": until})
        return claims


_TIMER = select(timers).where(timers.c.id == bindparam("timer_id"))


def fire_timer(rt: Runtime, claim: Claim, owner: str) -> bool:
    """Fire one claimed timer in its case's transaction; False if there was nothing to fire."""
    with case_transaction(rt) as conn:
        step = CaseStep.open(rt, conn, claim.case_id)
        row = conn.execute(_TIMER, {"timer_id": claim.timer_id}).one()  # re-read under the lock
        due = as_utc(row.due_at) if row.due_at else None
        release = {"timer_id": claim.timer_id, "owner": owner}
        if row.state != "waiting" or due is None or due > step.now or step.row.status not in LIVE:
            conn.execute(_RELEASE, release)
            return False
        step.fired_by = owner
        step.save(step.run())
        still = step.timers_before.get(row.task_id)
        if still is not None and still.due_at == due:  # the workflow did not fire it after all
            conn.execute(_RELEASE, release)
            return False
        return True


def sweep(
    rt: Runtime, owner: str, batch: int = 100, lease: timedelta = DEFAULT_LEASE
) -> SweepResult:
    """Claim and fire due timers until none are left; safe to run in many processes at once.

    One case can never stop the others: whatever goes wrong while firing one timer becomes
    that case's incident (its timers wait until someone retries it), or, for a database
    error, leaves the timer leased so it is tried again when the lease runs out.
    """
    claimed = fired = skipped = failed = 0
    while True:
        claims = claim_due(rt, owner, batch, lease)
        if not claims:
            return SweepResult(claimed, fired, skipped, failed)
        claimed += len(claims)
        for claim in claims:
            outcome = _fire_one(rt, claim, owner)
            fired += outcome == "fired"
            skipped += outcome == "skipped"
            failed += outcome == "failed"


def _fire_one(rt: Runtime, claim: Claim, owner: str) -> str:
    """``fired``, ``skipped`` or ``failed``; never raises."""
    try:
        return "fired" if fire_timer(rt, claim, owner) else "skipped"
    except Conflict:
        return "skipped"  # the case moved on meanwhile; the timer is looked at again
    except StepRefused:
        _release(rt, claim, owner)  # the case is an incident already (case_transaction)
        return "failed"
    except DBAPIError:
        log.exception("timer %s: database error; retried after the lease", claim.timer_id)
        return "skipped"
    except Exception as exc:
        log.exception("timer %s of case %s failed", claim.timer_id, claim.case_id)
        message = f"Timern kunde inte utlösas: internt fel ({type(exc).__name__}: {exc!s:.200})"
        try:
            with rt.db.transaction() as conn:
                mark_incident(conn, rt, claim.case_id, message)
                conn.execute(_RELEASE, {"timer_id": claim.timer_id, "owner": owner})
        except Exception:  # the database or the case row itself: retried after the lease
            log.exception("timer %s: the incident could not be recorded", claim.timer_id)
        return "failed"
    finally:
        bind_case("")  # the case's lines end with its timer


def _release(rt: Runtime, claim: Claim, owner: str) -> None:
    try:
        with rt.db.transaction() as conn:
            conn.execute(_RELEASE, {"timer_id": claim.timer_id, "owner": owner})
    except DBAPIError:
        log.exception("timer %s: the lease could not be released", claim.timer_id)


def next_due_at(rt: Runtime) -> datetime | None:
    """When the earliest waiting timer of a live case is due."""
    with rt.db.reading() as conn:
        return next_due(conn)


def next_due(conn: Connection) -> datetime | None:
    """``next_due_at`` in the caller's transaction."""
    found = conn.execute(
        select(func.min(timers.c.due_at))
        .join(cases, cases.c.id == timers.c.case_id)
        .where(timers.c.state == "waiting", cases.c.status.in_(LIVE))
    ).scalar()
    return as_utc(found) if found is not None else None


def advance_clock(
    rt: Runtime,
    target: datetime,
    owner: str,
    progress: Callable[[datetime, SweepResult], None] | None = None,
) -> SweepResult:
    """Move the virtual clock to ``target``, stopping at every due time on the way to fire."""
    total = SweepResult(0, 0, 0, 0)
    while True:
        due = next_due_at(rt)
        stop = target if due is None or due > target else max(due, rt.clock.now())
        set_virtual_time(rt.db, stop)
        result = sweep(rt, owner)
        total = SweepResult(*(a + b for a, b in zip(_t(total), _t(result), strict=True)))
        if progress is not None:
            progress(stop, result)
        if stop >= target or (result.fired == 0 and next_due_at(rt) == due):
            return total


def _t(result: SweepResult) -> tuple[int, int, int, int]:
    return (result.claimed, result.fired, result.skipped, result.failed)


def list_timers(
    rt: Runtime, state: str | None = "waiting", case_id: int | None = None, limit: int = 200
) -> list[TimerInfo]:
    """Timers with their case, soonest first."""
    query = select(timers, cases.c.business_key).join(cases, cases.c.id == timers.c.case_id)
    if state:
        query = query.where(timers.c.state == state)
    if case_id is not None:
        query = query.where(timers.c.case_id == case_id)
    with rt.db.reading() as conn:
        rows = conn.execute(query.order_by(timers.c.due_at, timers.c.id).limit(limit)).all()
    return [
        TimerInfo(
            r.id, r.case_id, r.business_key, r.element_id, r.name, r.kind, r.position, r.state,
            as_utc(r.due_at) if r.due_at else None, r.fired_count, r.lease_owner,
        )
        for r in rows
    ]  # fmt: skip
