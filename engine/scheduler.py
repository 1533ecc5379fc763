"""The tick: APScheduler runs a sweep every ``interval`` seconds, and once more at the earliest
due time so that firing is prompt. Timers themselves live in the database, never in
APScheduler's job store, so any number of schedulers may run and a restart loses nothing.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from engine.clock import RealClock
from engine.mail import send_pending
from engine.operations import record_beat
from engine.runtime import Runtime
from engine.timers import DEFAULT_LEASE, SweepResult, next_due_at, sweep
from engine.wakeup import Waker

log = logging.getLogger("sif.scheduler")


def scheduler_id() -> str:
    """Who fires: host, process and a random suffix, recorded on every timer it fires."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Scheduler:
    """Sweeps due timers on a tick; ``run`` blocks (``sif scheduler``), ``start`` does not."""

    def __init__(
        self,
        rt: Runtime,
        interval: float = 30.0,
        batch: int = 100,
        lease: timedelta = DEFAULT_LEASE,
        report: Callable[[SweepResult], None] | None = None,
    ) -> None:
        self.rt = rt
        self.owner = scheduler_id()
        self.interval = interval
        self.batch = batch
        self.lease = lease
        self.report = report
        self.started_at = datetime.now(UTC)
        self._aps: BaseScheduler | None = None
        self._waker: Waker | None = None

    def tick(self) -> SweepResult:
        """One sweep, then the notifications it left mailed (each in its own transaction,
        never the case's); then arm the wake-up job at the next due time (real clock only)."""
        try:
            result = sweep(self.rt, self.owner, self.batch, self.lease)
        except Exception:  # a sweep must never kill the scheduler; the next tick tries again
            log.exception("sweep failed")
            self._beat(SweepResult(0, 0, 0, failed=1))
            send_pending(self.rt)
            return SweepResult(0, 0, 0)
        self._beat(result)
        send_pending(self.rt)  # never raises: a failed send is the notification's state
        if self.report is not None and result.claimed:
            self.report(result)
        self._arm_wakeup()
        return result

    def _beat(self, result: SweepResult) -> None:
        """Record this sweep for operators (``sif doctor``, ``/readyz``); never raises."""
        try:
            record_beat(self.rt, self.owner, self.started_at, result.fired, result.failed)
        except Exception:  # the database is down: the sweep said so already, or will
            log.warning("could not record the scheduler's beat", exc_info=True)

    def _arm_wakeup(self) -> None:
        """Sweep again when the earliest timer falls due (now, if it already has)."""
        if self._aps is None or not isinstance(self.rt.clock, RealClock):
            return
        due = next_due_at(self.rt)
        if due is not None:
            at = max(due, datetime.now(UTC))  # a past date would be dropped as a misfire
            self._aps.add_job(self.tick, "date", run_date=at, id="wakeup", replace_existing=True)

    def _configure(self, aps: BaseScheduler) -> BaseScheduler:
        aps.add_job(
            self.tick, "interval", seconds=self.interval, id="sweep",
            max_instances=1, coalesce=True, next_run_time=RealClock().now(),
        )  # fmt: skip
        self._aps = aps
        return aps

    def run(self) -> None:
        """Sweep now and then on every tick until interrupted."""
        aps = self._configure(BlockingScheduler(timezone="UTC"))
        self._start_waker()
        try:
            aps.start()
        finally:
            self._stop_waker()

    def start(self) -> None:
        """Run in a background thread (the web server's embedded scheduler)."""
        self._configure(BackgroundScheduler(timezone="UTC")).start()
        self._start_waker()

    def stop(self) -> None:
        self._stop_waker()
        if self._aps is not None and self._aps.running:
            self._aps.shutdown(wait=False)

    def _start_waker(self) -> None:
        """Under the real clock, hear of timers armed by any process (engine.wakeup)."""
        if isinstance(self.rt.clock, RealClock) and self._waker is None:
            self._waker = Waker(self.rt, self._arm_wakeup)
            self._waker.start()

    def _stop_waker(self) -> None:
        if self._waker is not None:
            self._waker.stop()
            self._waker = None
