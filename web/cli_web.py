"""``sif serve`` (the web app with its embedded scheduler) and ``sif token`` (API tokens)."""

from __future__ import annotations

import os
import sys

import click

import engine
from engine.logs import configure as configure_logs
from web.cli_common import close_runtime, json_option, prepare, reports_errors, runtime
from web.output import emit_json, emit_table


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Adress att lyssna på.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port.")
@click.option("--no-scheduler", is_flag=True, help="Kör inte timrarna i samma process.")
@reports_errors
def serve(host: str, port: int, no_scheduler: bool) -> None:
    """Serve the web app (and, unless told not to, fire timers in the same process)."""
    from waitress import serve as waitress_serve

    from web.app import create_app

    rt = runtime()
    configure_logs(rt.settings.log_format, rt.settings.log_level)
    app = create_app(rt.settings, rt)
    ticker = None if no_scheduler else engine.Scheduler(rt)
    if ticker is not None:
        ticker.start()
    click.echo(f"Sif svarar på http://{host}:{port}/  (avsluta med Ctrl-C)")
    try:
        waitress_serve(app, host=host, port=port, threads=8, ident="Sif")
    finally:
        if ticker is not None:
            ticker.stop()


@click.command("web")
@click.option("--bind", default="0.0.0.0:8000", show_default=True, help="Adress:port.")
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorns arbetare.")
@click.option(
    "--prepare/--no-prepare",
    "prepared",
    default=True,
    show_default=True,
    help="Migrera och driftsätt först (flera noder som startar samtidigt turas om).",
)
@reports_errors
def web(bind: str, workers: int, prepared: bool) -> None:
    """Production web node: gunicorn with WORKERS processes (timers fire in separate
    ``sif scheduler`` processes)."""
    if prepared:
        prepare(runtime())
    close_runtime()  # gunicorn's workers open their own connections
    command = [sys.executable, "-m", "gunicorn", "--config", "python:web.gunicorn_conf",
               "--bind", bind, "--workers", str(workers), "web.wsgi:app"]  # fmt: skip
    # gunicorn takes over this process (signals, exit code); a fixed program, no shell
    os.execv(sys.executable, command)  # noqa: S606


@click.group()
def token() -> None:
    """API tokens for scripts (Authorization: Bearer …)."""


@token.command("create")
@click.argument("user")
@click.option("--label", default="", help="Vad token används till.")
@json_option
@reports_errors
def token_create(user: str, label: str, as_json: bool) -> None:
    """Create a token for USER; it is printed once and stored only as a hash."""
    token_id, secret = engine.create_token(runtime(), user, label)
    if as_json:
        emit_json({"id": token_id, "token": secret})
    else:
        click.echo(secret)
        click.echo(f"Token {token_id} för {user}. Den visas bara nu; spara den säkert.", err=True)


@token.command("list")
@click.option("--user", default=None, help="Bara den här användarens.")
@json_option
@reports_errors
def token_list(user: str | None, as_json: bool) -> None:
    """List tokens (never the tokens themselves)."""
    found = engine.list_tokens(runtime(), user)
    if as_json:
        emit_json([t.__dict__ for t in found])
    else:
        headers = ["id", "användare", "etikett", "skapad", "senast använd", "återkallad"]
        emit_table(
            headers,
            [[t.id, t.user, t.label, t.created_at, t.last_used_at or "", t.revoked_at or ""]
             for t in found],
        )  # fmt: skip


@token.command("revoke")
@click.argument("token_id", type=int)
@reports_errors
def token_revoke(token_id: int) -> None:
    """Revoke a token for good."""
    engine.revoke_token(runtime(), token_id)
    click.echo(f"Token {token_id} är återkallad.")
