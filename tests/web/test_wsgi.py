"""The production entry point: gunicorn loads ``web.wsgi:app`` configured by ``SIF_*``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.limits import ROOT


def test_gunicorn_loads_the_app_from_the_environment(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "SIF_DATABASE_URL": f"sqlite:///{tmp_path}/sif.db",
        "PYTHONPATH": str(ROOT),
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    checked = subprocess.run(
        [str(gunicorn), "--check-config", "--workers", "2", "web.wsgi:app"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
