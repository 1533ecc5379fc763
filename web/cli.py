"""The ``sif`` command. Every command that prints data takes ``--json``; errors print one line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

import engine
from web.cli_cases import case, cases, task, tasks
from web.cli_common import (
    close_runtime,
    json_option,
    prepare,
    report_deploy,
    reports_errors,
    runtime,
)
from web.cli_doctor import doctor
from web.cli_export import export
from web.cli_fund import fund
from web.cli_migrate import migrate
from web.cli_timers import clock, scheduler, timers
from web.cli_web import serve, token, web
from web.output import emit_json, emit_table


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """Sif: the social investment fund's BPM engine."""
    ctx.call_on_close(close_runtime)


@main.command()
@click.option("--demo", is_flag=True, help="Lägg in demoanvändare och ett exempelärende.")
@reports_errors
def init(demo: bool) -> None:
    """Create or upgrade the database and deploy processes/ and forms/."""
    rt = runtime()
    prepare(rt)
    if demo:
        from web.demo import load_demo

        load_demo(rt, click.echo)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@json_option
@reports_errors
def validate(paths: tuple[Path, ...], as_json: bool) -> None:
    """Validate BPMN, DMN and form files; exit 2 with file:line: message lines on problems."""
    rt = runtime()
    files = engine.read_bundle(paths)
    try:
        services = rt.services
        bundle = engine.validate_bundle(files, rt.settings, services.names(), services.rule_names())
    except engine.BundleInvalid as exc:
        if not as_json:
            raise
        emit_json({"valid": False, "errors": [p.as_dict() for p in exc.problems]})
        sys.exit(2)
    keys = [p.process_key for p in bundle.processes]
    if as_json:
        emit_json({"valid": True, "files": sorted(files), "processes": keys})
    else:
        click.echo(f"OK: {len(files)} filer, processer: {', '.join(keys)}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--user", "user", default="system", help="Vem som driftsätter.")
@json_option
@reports_errors
def deploy(paths: tuple[Path, ...], user: str, as_json: bool) -> None:
    """Deploy a bundle as a new version (the same content again changes nothing)."""
    rt = runtime()
    report_deploy(engine.deploy(rt, engine.read_bundle(paths), user), as_json)


@main.group()
def user() -> None:
    """Users and their roles."""


@user.command("add")
@click.argument("name")
@click.option("--role", "roles", multiple=True, help="Roll (lane / candidate group); upprepa.")
@click.option("--display-name", default=None)
@click.option("--password", default=None, help="Lösenord (lagras som argon2id).")
@click.option("--email", default=None, help="E-postadress som aviseringar skickas till.")
@json_option
@reports_errors
def user_add(
    name: str,
    roles: tuple[str, ...],
    display_name: str | None,
    password: str | None,
    email: str | None,
    as_json: bool,
) -> None:
    """Create a user or replace their roles (and e-mail address, when given)."""
    created = engine.add_user(runtime(), name, roles, display_name, password, email)
    if as_json:
        emit_json(created)
    else:
        click.echo(f"{created.name}: {', '.join(sorted(created.roles)) or '(inga roller)'}")


@user.command("list")
@json_option
@reports_errors
def user_list(as_json: bool) -> None:
    """List users."""
    users = engine.list_users(runtime())
    if as_json:
        emit_json(users)
    else:
        emit_table(["namn", "roller"], [[u.name, sorted(u.roles)] for u in users])


for command in (case, cases, task, tasks, timers, scheduler, clock, fund, serve, token, export,
                migrate, doctor, web):  # fmt: skip
    main.add_command(command)
