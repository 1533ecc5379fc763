"""Waking the schedulers when a timer is armed anywhere, so it fires on time whichever process
armed it (a web node starting a case, another scheduler moving a cycle on).

On PostgreSQL every save that arms or moves a timer sends ``NOTIFY sif_timers`` in its own
transaction (delivered at commit); each scheduler LISTENs on a connection of its own and, when
told, arms its wake-up at the earliest due time. On SQLite there is no such channel: each
scheduler asks every second for the earliest due time (an index lookup) and re-arms when it
changed. The sweep on its interval stays the safety net for anything missed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

import psycopg

from engine.runtime import Runtime
from engine.timer_sync import CHANNEL
from engine.timers import next_due_at

POLL_SECONDS = 1.0  # SQLite: how often the earliest due time is asked for
RETRY_SECONDS = 5.0  # PostgreSQL: how long to wait before listening again after an error

log = logging.getLogger("sif.scheduler")


class Waker:
    """A daemon thread calling ``wake`` when the earliest due timer may have changed."""

    def __init__(self, rt: Runtime, wake: Callable[[], None]) -> None:
        self.rt = rt
        self.wake = wake
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sif-waker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=POLL_SECONDS * 3)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._listen() if self.rt.db.is_postgres else self._poll()
            except Exception:  # the database went away: try again shortly, never die
                log.warning("timer wake-up failed; listening again", exc_info=True)
                self._stop.wait(RETRY_SECONDS)

    def _poll(self) -> None:
        seen: datetime | None = None
        while not self._stop.wait(POLL_SECONDS):
            due = next_due_at(self.rt)
            if due != seen:
                seen = due
                self.wake()

    def _listen(self) -> None:
        url = self.rt.db.engine.url.set(drivername="postgresql")
        with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            self.wake()  # whatever was armed before we listened
            while not self._stop.is_set():
                if any(True for _ in conn.notifies(timeout=POLL_SECONDS)):
                    self.wake()
