"""What every ``sif`` command shares: the runtime, error reporting, data input, options."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy.exc import OperationalError, ProgrammingError

import engine
import tasks
from engine import (
    BundleInvalid,
    Conflict,
    Deployment,
    FieldError,
    NotAllowed,
    NotFound,
    Runtime,
    Settings,
    SettingsInvalid,
    SifError,
    ValidationFailed,
)
from tasks.store import MIGRATIONS as TASK_MIGRATIONS
from web.output import emit_json

F = TypeVar("F", bound=Callable[..., Any])
EXIT_CODES: dict[type[SifError], int] = {
    BundleInvalid: 2, ValidationFailed: 2, Conflict: 3, NotAllowed: 4, NotFound: 5,
}  # fmt: skip
ROOT = Path(__file__).resolve().parent.parent


_open: list[Runtime] = []


def runtime() -> Runtime:
    """The command's runtime, opened on first use and closed when the command ends."""
    if not _open:
        _open.append(tasks.install(Runtime.open(Settings.from_env())))
    return _open[0]


def close_runtime() -> None:
    while _open:
        _open.pop().close()


def reports_errors(command: F) -> F:
    """Turn every failure into one clear line on stderr and a non-zero exit; never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except BundleInvalid as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            click.echo(exc.message, err=True)
            sys.exit(2)
        except ValidationFailed as exc:
            click.echo(f"fel: {exc.message}", err=True)
            for error in exc.errors:
                click.echo(f"  {error.path or '(formuläret)'}: {error.message}", err=True)
            sys.exit(2)
        except SifError as exc:
            click.echo(f"fel: {exc.message}", err=True)
            sys.exit(EXIT_CODES.get(type(exc), 1))
        except (OperationalError, ProgrammingError) as exc:
            click.echo(
                f"fel: databasen går inte att använda ({exc.orig}); kör 'sif init'.", err=True
            )
            sys.exit(1)
        except (OSError, json.JSONDecodeError) as exc:
            click.echo(f"fel: {exc}", err=True)
            sys.exit(1)
        except SettingsInvalid as exc:
            click.echo(f"fel i inställningarna: {exc}", err=True)
            sys.exit(2)
        except (click.ClickException, click.Abort):
            raise
        except Exception as exc:  # a bug: still one line, never a traceback
            click.echo(f"internt fel ({type(exc).__name__}): {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def parse_day(text: str, option: str) -> date:
    """An ISO date from the command line, or a Swedish error naming the option."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        message = f"{option}: ogiltigt datum {text!r} (ange ÅÅÅÅ-MM-DD)."
        raise ValidationFailed([FieldError(option, message)], message) from None


def read_data(source: str | None) -> dict[str, Any]:
    """``--data FILE`` or ``--data -`` (stdin): a JSON object."""
    if source is None:
        return {}
    text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValidationFailed([], "Data måste vara ett JSON-objekt.")
    return data


json_option = click.option("--json", "as_json", is_flag=True, help="Skriv ut JSON för skript.")
user_option = click.option("--user", "user", required=True, help="Vem som agerar.")
data_option = click.option("--data", "data", default=None, help="JSON-fil, eller - för stdin.")


def prepare(rt: Runtime) -> None:
    """What ``sif init`` does and every node may do as it starts: bring the tables up to date
    and deploy the processes and forms beside the code. Several nodes at once take turns
    (engine.migrate, engine.deploy); the bundle already deployed changes nothing."""
    engine.migrate(rt.db, [TASK_MIGRATIONS])
    engine.purge_drafts(rt)  # drafts of tasks completed since the last start
    click.echo(f"Databasen är klar: {rt.settings.database_url}")
    bundle_dirs = [p for p in (ROOT / "processes", ROOT / "forms") if p.is_dir()]
    files = engine.read_bundle(bundle_dirs) if bundle_dirs else {}
    if any(name.endswith(".bpmn") for name in files):
        report_deploy(engine.deploy(rt, files, "system"), as_json=False)


def report_deploy(result: Deployment, as_json: bool) -> None:
    if as_json:
        emit_json(result)
        return
    verb = "Driftsatt" if result.created else "Oförändrat (redan driftsatt)"
    for d in result.definitions:
        click.echo(f"{verb}: {d.process_key} version {d.version}")
