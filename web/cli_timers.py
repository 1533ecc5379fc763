"""``sif timers``, ``sif scheduler`` and ``sif clock``: timers, their tick, and virtual time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click

from engine import (
    InvalidTime,
    Scheduler,
    SweepResult,
    ValidationFailed,
    VirtualClock,
    add_duration,
    advance_clock,
    list_timers,
    parse_duration,
    scheduler_id,
    send_pending,
    set_virtual_time,
    sweep,
    to_datetime,
)
from engine.logs import configure as configure_logs
from web.cli_common import json_option, reports_errors, runtime
from web.output import emit_json, emit_table


@click.group(invoke_without_command=True)
@click.option("--state", default="waiting", help="waiting, fired, cancelled eller all.")
@json_option
@click.pass_context
@reports_errors
def timers(ctx: click.Context, state: str, as_json: bool) -> None:
    """List timers: which case waits for what, until when."""
    if ctx.invoked_subcommand is not None:
        return
    found = list_timers(runtime(), None if state == "all" else state)
    if as_json:
        emit_json(found)
        return
    emit_table(
        ["id", "ärende", "timer", "typ", "läge", "status", "förfaller", "avfyrad"],
        [[t.id, t.business_key, t.name, t.kind, t.position, t.state, t.due_at, t.fired_count]
         for t in found],
    )  # fmt: skip


@timers.command("run-due")
@json_option
@reports_errors
def run_due(as_json: bool) -> None:
    """Run one sweep: fire every timer that is due now, then mail the notifications waiting
    (when SIF_SMTP_HOST is set), as one tick of the scheduler does."""
    rt = runtime()
    result = sweep(rt, scheduler_id())
    mailed = send_pending(rt)
    if as_json:
        emit_json(result)
    else:
        failed = f"; {result.failed} ärende(n) blev incidenter" if result.failed else ""
        click.echo(f"Avfyrade {result.fired} timer(s); {result.skipped} hoppades över{failed}.")
        if mailed.sent or mailed.failed:
            click.echo(
                f"Skickade {mailed.sent} avisering(ar) med e-post; {mailed.failed} misslyckades."
            )


@click.command()
@click.option("--interval", default=30.0, show_default=True, help="Sekunder mellan svep.")
@click.option("--batch", default=100, show_default=True, help="Timrar per anspråk.")
@click.option("--lease", default=300.0, show_default=True, help="Sekunder en timer är reserverad.")
@reports_errors
def scheduler(interval: float, batch: int, lease: float) -> None:
    """Run the timer scheduler in the foreground (any number may run against one database)."""
    rt = runtime()
    configure_logs(rt.settings.log_format, rt.settings.log_level)

    def report(result: SweepResult) -> None:
        click.echo(
            f"{datetime.now(UTC):%H:%M:%S} avfyrade {result.fired}, hoppade {result.skipped}, "
            f"incidenter {result.failed}"
        )

    tick = Scheduler(rt, interval, batch, timedelta(seconds=lease), report)
    click.echo(
        f"Schemaläggaren {tick.owner} startar (svep var {interval:g} s). Avsluta med Ctrl-C."
    )
    try:
        tick.run()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Schemaläggaren stoppad.")


@click.group()
def clock() -> None:
    """Sif's clock: show it; set or advance it (virtual clock only)."""


@clock.command("show")
@json_option
@reports_errors
def clock_show(as_json: bool) -> None:
    rt = runtime()
    now = rt.clock.now()
    kind = "virtual" if isinstance(rt.clock, VirtualClock) else "real"
    if as_json:
        emit_json({"clock": kind, "now": now})
    else:
        click.echo(f"{kind}: {now.isoformat()}")


def _virtual() -> VirtualClock:
    rt = runtime()
    if not isinstance(rt.clock, VirtualClock):
        raise ValidationFailed(
            [], "Klockan är verklig; sätt SIF_CLOCK=virtual för att styra tiden."
        )
    return rt.clock


@clock.command("set")
@click.argument("when")
@reports_errors
def clock_set(when: str) -> None:
    """Set the virtual clock (ISO date or date-time; naive means Europe/Stockholm)."""
    virtual = _virtual()
    click.echo(set_virtual_time(virtual.db, _parse_when(when)).isoformat())


@clock.command("advance")
@click.argument("duration")
@json_option
@reports_errors
def clock_advance(duration: str, as_json: bool) -> None:
    """Advance the virtual clock by an ISO duration (P1Y, P14D, PT2H), firing timers on the way."""
    virtual = _virtual()
    rt = runtime()
    target = _after(virtual.now(), duration)

    def progress(at: datetime, result: SweepResult) -> None:
        if (result.fired or result.failed) and not as_json:
            failed = f", {result.failed} ärende(n) blev incidenter" if result.failed else ""
            click.echo(f"{at.date().isoformat()}: avfyrade {result.fired}{failed}")

    total = advance_clock(rt, target, scheduler_id(), progress)
    if as_json:
        emit_json({"now": target, "fired": total.fired, "failed": total.failed})
    else:
        click.echo(f"Klockan står på {target.isoformat()}; {total.fired} timer(s) avfyrade.")


def _after(start: datetime, duration: str) -> datetime:
    text = duration.strip().upper()
    try:
        return add_duration(start, parse_duration(text))
    except InvalidTime as exc:
        raise ValidationFailed([], str(exc)) from None


def _parse_when(text: str) -> datetime:
    try:
        return to_datetime(text)
    except InvalidTime as exc:
        raise ValidationFailed([], str(exc)) from None
