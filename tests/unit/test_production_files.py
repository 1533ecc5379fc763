"""The production shape, checked without Docker (it cannot run here): the compose file and
the Dockerfile say what the README promises, and every command and setting they use exists."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from engine import Settings
from web.cli import main

ROOT = Path(__file__).resolve().parents[2]
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text("utf-8"))
DOCKERFILE = (ROOT / "Dockerfile").read_text("utf-8")
SERVICES: dict[str, Any] = COMPOSE["services"]
#: Every SIF_* variable Settings.from_env reads.
READ = set(re.findall(r'"(SIF_[A-Z_]+)"', (ROOT / "engine" / "settings.py").read_text("utf-8")))


def _options(*command: str) -> str:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    return result.output


def test_postgresql_keeps_its_data_in_a_volume_and_says_when_it_is_ready() -> None:
    db = SERVICES["db"]
    assert db["image"].startswith("postgres:")
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert "pgdata" in COMPOSE["volumes"]


def test_the_web_node_runs_gunicorn_with_two_workers_once_the_database_is_healthy() -> None:
    web = SERVICES["web"]
    command = web["command"]
    assert command[0] == "web" and int(command[command.index("--workers") + 1]) >= 2
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert "/readyz" in " ".join(web["healthcheck"]["test"])
    options = _options("web")
    assert all(flag in options for flag in ("--bind", "--workers", "--prepare"))


def test_two_schedulers_start_after_the_web_node_has_migrated() -> None:
    scheduler = SERVICES["scheduler"]
    assert scheduler["command"][0] == "scheduler" and scheduler["deploy"]["replicas"] == 2
    assert scheduler["depends_on"]["web"]["condition"] == "service_healthy"
    assert "--interval" in _options("scheduler")


def test_every_node_is_configured_only_by_settings_sif_reads() -> None:
    for name in ("web", "scheduler"):
        given = set(SERVICES[name]["environment"])
        assert given and all(key.startswith("SIF_") for key in given), given
        assert given <= READ, given - READ
        assert SERVICES[name]["environment"]["SIF_LOG_FORMAT"] == "json"
    assert Settings.from_env(
        {k: "x" if "${" in str(v) else str(v) for k, v in SERVICES["web"]["environment"].items()
         if k not in ("SIF_SMTP_PORT", "SIF_LOG_LEVEL")}
    ).log_format == "json"  # fmt: skip


def test_the_image_runs_as_a_user_of_its_own_with_the_sif_entry_point() -> None:
    users = re.findall(r"^USER\s+(\S+)", DOCKERFILE, re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    assert re.search(r'^ENTRYPOINT \["sif"\]', DOCKERFILE, re.MULTILINE)
    assert re.search(r"^FROM python:3\.11-slim-\w+", DOCKERFILE, re.MULTILINE)
    for folder in ("engine", "tasks", "web", "processes", "forms"):
        assert re.search(rf"^COPY {folder} {folder}$", DOCKERFILE, re.MULTILINE), folder
    assert "HEALTHCHECK" in DOCKERFILE and "/healthz" in DOCKERFILE
    assert (ROOT / "web" / "static" / "js" / "modeller.bundle.js").is_file()  # built, committed
