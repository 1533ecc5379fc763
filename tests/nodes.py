"""Sif as it runs in production, without Docker: web nodes (`sif web`: gunicorn) and
scheduler processes (`sif scheduler`) on one database, each its own process group, and a
small JSON client for their API. Used by the multi-node tests and bench/throughput.py."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SIF = [sys.executable, "-c", "from web.cli import main; main()"]


def timer_scenario(seconds: int) -> dict[str, bytes]:
    """tests/data/timer_catch with its timer of one hour made ``seconds`` long."""
    folder = ROOT / "tests" / "data" / "timer_catch"
    return {
        p.name: p.read_bytes().replace(b'"PT1H"', f'"PT{seconds}S"'.encode())
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def call(
    base: str, method: str, path: str, token: str, body: dict[str, Any] | None = None
) -> tuple[int, Any]:
    """One API call: (status, JSON answer); a refused call is a status, not an exception."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"{base}/api/v1{path}", data=data, method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return int(answer.status), json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as refused:
        with refused:
            return refused.code, json.loads(refused.read() or b"null")


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        refused.close()
        return refused.code
    except OSError:
        return 0


class Cluster:
    """``webs`` web nodes with ``workers`` gunicorn workers each and ``schedulers`` scheduler
    processes on the database ``url``, all started at once. ``prepare``: each web node migrates
    and deploys processes/ as it starts (else the database is ready already)."""

    def __init__(
        self, url: str, *, webs: int = 2, workers: int = 2, schedulers: int = 2,
        interval: float = 1.0, lease: float = 5.0, clock: str = "virtual", prepare: bool = False,
    ) -> None:  # fmt: skip
        self.env = {**os.environ, "SIF_DATABASE_URL": url, "SIF_CLOCK": clock,
                    "SIF_SECRET_KEY": "cluster-test-secret", "PYTHONPATH": str(ROOT)}  # fmt: skip
        self.ports = [free_port() for _ in range(webs)]
        self.workers = workers
        self.prepare = prepare
        self.scheduler_args = ["--interval", str(interval), "--lease", str(lease)]
        self.scheduler_count = schedulers
        self.webs: list[subprocess.Popen[bytes]] = []
        self.schedulers: list[subprocess.Popen[bytes]] = []

    @property
    def bases(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports]

    def _spawn(self, *args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [*SIF, *args], env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip

    def __enter__(self) -> Cluster:
        prepare = "--prepare" if self.prepare else "--no-prepare"
        for port in self.ports:
            self.webs.append(self._spawn("web", prepare, "--bind", f"127.0.0.1:{port}",
                                         "--workers", str(self.workers)))  # fmt: skip
        for _ in range(self.scheduler_count):
            self.schedulers.append(self._spawn("scheduler", *self.scheduler_args))
        deadline = time.monotonic() + 90
        while any(status_of(f"{b}/readyz") != 200 for b in self.bases):
            if time.monotonic() > deadline or any(p.poll() is not None for p in self.webs):
                self.__exit__()
                raise RuntimeError("the web nodes did not become ready")
            time.sleep(0.2)
        return self

    def pause_scheduler(self, index: int, pause: bool = True) -> None:
        """SIGSTOP (or SIGCONT): the scheduler holds still, as a slow node would."""
        os.killpg(self.schedulers[index].pid, signal.SIGSTOP if pause else signal.SIGCONT)

    def kill_scheduler(self, index: int) -> None:
        """SIGKILL: no clean-up, its leases stay until they run out."""
        os.killpg(self.schedulers[index].pid, signal.SIGKILL)
        self.schedulers[index].wait(timeout=10)

    def __exit__(self, *_: object) -> None:
        for process in self.webs + self.schedulers:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.webs + self.schedulers:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
