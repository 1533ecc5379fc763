"""Run hostile payloads in a child Python process with a memory cap and a wall-clock limit.

A payload that escapes the engine's limits must fail the test quickly instead of taking the
test machine down with it: the child gets ``RLIMIT_AS`` (address space) and is killed after
``seconds``. The child's last line of standard output is JSON, which ``run_limited`` returns.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MEMORY_CAP = 1024 * 1024 * 1024  # 1 GiB of address space: Python, lxml, SQLAlchemy fit easily


@dataclass(frozen=True)
class Limited:
    """What the child printed last (decoded JSON) and how it ended."""

    result: Any
    returncode: int
    stderr: str


def _cap(memory: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def run_limited(code: str, *, seconds: float = 30, memory: int = MEMORY_CAP) -> Limited:
    """Run ``code`` (dedented) in a fresh interpreter under the caps; its last stdout line
    must be JSON (print it with ``json.dumps``). A hang fails as ``subprocess.TimeoutExpired``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=seconds,
        cwd=ROOT,
        env=env,
        preexec_fn=lambda: _cap(memory),
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    result = json.loads(lines[-1]) if lines else None
    return Limited(result, done.returncode, done.stderr[-4000:])
