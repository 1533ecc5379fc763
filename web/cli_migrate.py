"""``sif migrate``: move running cases to another version of their process (or a dry run).

One line per case: its key, ``kan flyttas`` / ``kan inte flyttas`` (dry run) or ``flyttat`` /
``inte flyttat``, and the reason or what changes. Exit 0 when every requested case moved (or
the dry run ran), 2 when some case was refused; other failures exit as every ``sif`` command.
"""

from __future__ import annotations

import sys

import click

import engine
from engine import CaseMove, FieldError, ValidationFailed
from web.cli_common import json_option, reports_errors, runtime
from web.output import emit_json


def _source(text: str) -> tuple[str, int]:
    """``KEY:V`` → (KEY, V), or a Swedish error naming ``--from``."""
    key, _, version = text.rpartition(":")
    if not key or not version.isdigit():
        message = f"--from: ange process och version som NYCKEL:VERSION, inte {text!r}."
        raise ValidationFailed([FieldError("--from", message)], message)
    return key, int(version)


@click.command("migrate")
@click.option("--from", "source", required=True, help="Process och version: NYCKEL:VERSION.")
@click.option("--to", "target", required=True, type=int, help="Versionen att flytta till.")
@click.option("--dry-run", is_flag=True, help="Visa bara vad som skulle hända.")
@click.option("--case", "case_keys", multiple=True, help="Bara detta ärende; upprepa.")
@click.option("--user", "user", default="system", help="Vem som flyttar (för historiken).")
@json_option
@reports_errors
def migrate(
    source: str,
    target: int,
    dry_run: bool,
    case_keys: tuple[str, ...],
    user: str,
    as_json: bool,
) -> None:
    """Move running cases of KEY version V to version --to; exit 2 if some could not move."""
    process_key, version = _source(source)
    keys = list(case_keys) or None
    rt = runtime()
    if dry_run:
        plan = engine.plan_migration(rt, process_key, version, target, keys)
        if as_json:
            emit_json(plan)
        else:
            for change in plan.version_changes:
                click.echo(f"ändring: {change}")
            for move in plan.cases:
                _line(move, "kan flyttas" if move.movable else "kan inte flyttas")
            click.echo(f"{len(plan.movable)} av {plan.total} ärenden kan flyttas.")
        return
    result = engine.migrate_cases(rt, process_key, version, target, keys, user)
    if as_json:
        emit_json(result)
    else:
        for move in result.moved + result.refused:
            _line(move, "flyttat" if move.moved else "inte flyttat")
        total = len(result.moved) + len(result.refused)
        click.echo(f"{len(result.moved)} av {total} ärenden flyttades till version {target}.")
    if result.refused:
        sys.exit(2)


def _line(move: CaseMove, verdict: str) -> None:
    said = list(move.reasons if not move.movable else move.changes)
    said += [f"Uppgiften {c.step!r} erbjuds nu rollerna: {', '.join(c.roles) or '-'}."
             for c in move.role_changes]  # fmt: skip
    click.echo(f"{move.business_key}  {verdict}  {' '.join(said) or '-'}".rstrip())
