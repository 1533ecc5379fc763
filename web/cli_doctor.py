"""``sif doctor``: is this installation fit to run? Configuration, database, migrations,
processes, schedulers and timer lag, each said in one Swedish line as OK, VARNING or FEL.

Exit 0 when nothing is FEL (warnings allowed), 1 otherwise; ``--json`` for monitoring.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

import click

import engine
from engine import Runtime, Settings, SettingsInvalid
from tasks.store import MIGRATIONS as TASK_MIGRATIONS
from web.cli_common import json_option, runtime
from web.output import emit_json

LAG_WARNING, LAG_ERROR = 60.0, 300.0  # seconds the oldest due timer may wait
SILENT_SCHEDULER = 300.0  # seconds without any sweep before it is worth a word
WORDS = {"ok": "OK", "warning": "VARNING", "error": "FEL"}


@dataclass(frozen=True)
class Finding:
    check: str
    status: str  # ok | warning | error
    message: str


@click.command()
@json_option
def doctor(as_json: bool) -> None:
    """Check the configuration, the database, its migrations and the schedulers."""
    findings = list(_examine())
    if as_json:
        emit_json({"healthy": _healthy(findings), "checks": [asdict(f) for f in findings]})
    else:
        for f in findings:
            click.echo(f"{WORDS[f.status]:<8} {f.check}: {f.message}")
    sys.exit(0 if _healthy(findings) else 1)


def _healthy(findings: list[Finding]) -> bool:
    return all(f.status != "error" for f in findings)


def _examine() -> Iterator[Finding]:
    try:
        settings = Settings.from_env()
    except SettingsInvalid as exc:
        yield Finding("inställningar", "error", str(exc))
        return
    yield from _settings(settings)
    try:
        rt = runtime()
    except Exception as exc:  # an unusable URL or driver: said, not raised
        yield Finding("databas", "error", f"går inte att öppna ({type(exc).__name__}: {exc}).")
        return
    ready = engine.readiness(rt, [TASK_MIGRATIONS])
    if not ready.database:
        yield Finding("databas", "error", " ".join(ready.problems))
        return
    yield Finding("databas", "ok", f"svarar ({rt.db.dialect}).")
    if ready.pending:
        yield Finding("migreringar", "error", " ".join(ready.problems))
        return
    yield Finding("migreringar", "ok", "alla är körda.")
    yield _processes(rt)
    yield _schedulers(rt)
    yield _lag(rt)


def _settings(settings: Settings) -> Iterator[Finding]:
    production = not settings.database_url.startswith("sqlite")
    if settings.secret_key == Settings.secret_key:
        status = "error" if production else "warning"
        yield Finding(
            "inställningar", status, "SIF_SECRET_KEY är utvecklingsnyckeln; sätt en egen."
        )
    if production and not settings.secure_cookies:
        yield Finding("inställningar", "warning",
                      "SIF_SECURE_COOKIES är av: kakor skickas även utan HTTPS.")  # fmt: skip
    if settings.clock == "virtual":
        yield Finding("inställningar", "warning", "virtuell klocka (SIF_CLOCK=virtual): för test.")
    if settings.smtp_host:
        yield _smtp(settings)
    yield Finding("inställningar", "ok", f"läsbara; loggformat {settings.log_format}.")


def _smtp(settings: Settings) -> Finding:
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    try:
        with socket.create_connection((settings.smtp_host, settings.smtp_port), timeout=3):
            return Finding("e-post", "ok", f"SMTP-servern {where} svarar.")
    except OSError as exc:
        return Finding("e-post", "warning", f"SMTP-servern {where} svarar inte ({exc}).")


def _processes(rt: Runtime) -> Finding:
    keys = sorted({d.process_key for d in engine.list_definitions(rt)})
    if not keys:
        return Finding("processer", "warning", "ingen process är driftsatt; kör sif init.")
    return Finding("processer", "ok", f"driftsatta: {', '.join(keys)}.")


def _schedulers(rt: Runtime) -> Finding:
    beats = engine.list_scheduler_beats(rt)
    if not beats:
        return Finding("schemaläggare", "warning",
                       "ingen har svept den senaste veckan; starta sif scheduler.")  # fmt: skip
    age = (datetime.now(UTC) - beats[0].beat_at).total_seconds()
    alive = sum((datetime.now(UTC) - b.beat_at).total_seconds() < SILENT_SCHEDULER for b in beats)
    said = (
        f"{alive} av {len(beats)} har svept de senaste 5 minuterna; senast för {age:.0f} s sedan."
    )
    return Finding("schemaläggare", "ok" if alive else "warning", said)


def _lag(rt: Runtime) -> Finding:
    lag = engine.timer_lag(rt)
    status = "error" if lag > LAG_ERROR else "warning" if lag > LAG_WARNING else "ok"
    return Finding("timrar", status, f"den äldsta förfallna timern har väntat {lag:.0f} s.")
