"""``sif case …``, ``sif cases``, ``sif tasks``, ``sif task …``: cases and work items."""

from __future__ import annotations

import click

import engine
from engine import Case, HumanTask
from web.cli_common import data_option, json_option, read_data, reports_errors, runtime, user_option
from web.output import emit_json, emit_table
from web.readable import readable_lines


def _case_by_ref(ref: str) -> Case:
    rt = runtime()
    return engine.get_case(rt, int(ref)) if ref.isdigit() else engine.find_case(rt, ref)


@click.group()
def case() -> None:
    """One case: start, show, and administer."""


@case.command("start")
@click.argument("process_key")
@user_option
@data_option
@json_option
@reports_errors
def case_start(process_key: str, user: str, data: str | None, as_json: bool) -> None:
    """Start a case of the newest version of PROCESS_KEY."""
    started = engine.start_case(runtime(), process_key, user, read_data(data))
    if as_json:
        emit_json(started)
        return
    click.echo(f"{started.business_key} (id {started.id}): {started.status} — {started.stage}")
    _print_tasks(started.open_tasks)


@case.command("show")
@click.argument("ref")
@json_option
@reports_errors
def case_show(ref: str, as_json: bool) -> None:
    """Show a case (by id or business key) with its open tasks and audit trail."""
    found = _case_by_ref(ref)
    history = engine.case_events(runtime(), found.id)
    if as_json:
        emit_json({"case": found, "events": history})
        return
    click.echo(
        f"{found.business_key} (id {found.id})  {found.process_key} v{found.definition_version}"
    )
    click.echo(f"status: {found.status}   steg: {found.stage or '-'}   version: {found.version}")
    if found.incident:
        i = found.incident
        click.echo(f"incident: {i.element_id} rad {i.line or '-'}: {i.message}")
    click.echo(f"titel: {found.title or '-'}")
    click.echo("uppgifter:")
    labels = engine.case_labels(runtime(), found.id)
    for line in readable_lines(found.data, labels, depth=1) or ["  (inga än)"]:
        click.echo(line)
    _print_tasks(found.open_tasks)
    click.echo("händelser:")
    emit_table(
        ["tid", "vem", "vad", "element", "detaljer"],
        [[e.at, e.actor, e.kind, e.element_id, e.detail or ""] for e in history],
    )


def _admin(action: str) -> click.Command:
    @click.argument("ref")
    @user_option
    @click.option("--reason", default="", help="Varför (krävs för suspend/resume/terminate).")
    @json_option
    @reports_errors
    def command(ref: str, user: str, reason: str, as_json: bool) -> None:
        rt = runtime()
        case_id = _case_by_ref(ref).id
        if action == "retry":
            changed = engine.retry_case(rt, case_id, user)
        else:
            changed = engine.set_case_status(rt, case_id, user, action, reason)
        if as_json:
            emit_json(changed)
        else:
            click.echo(f"{changed.business_key}: {changed.status} — {changed.stage}")

    command.__doc__ = {
        "retry": "Run a failed task of a case in error again.",
        "suspend": "Suspend a case.",
        "resume": "Resume a suspended case.",
        "terminate": "Terminate a case.",
    }[action]
    return click.command(action)(command)


for _action in ("retry", "suspend", "resume", "terminate"):
    case.add_command(_admin(_action))


@case.command("message")
@click.argument("ref")
@click.argument("name")
@user_option
@data_option
@json_option
@reports_errors
def case_message(ref: str, name: str, user: str, data: str | None, as_json: bool) -> None:
    """Send the BPMN message NAME to a case (e.g. a request for exemption at any time)."""
    changed = engine.send_message(runtime(), _case_by_ref(ref).id, name, read_data(data), user)
    if as_json:
        emit_json(changed)
        return
    click.echo(f"{changed.business_key}: {changed.status} — {changed.stage}")
    _print_tasks(changed.open_tasks)


@click.command()
@click.option("--status", default=None, help="running, waiting, completed, error …")
@click.option("--process", "process_key", default=None)
@click.option("-q", "query", default=None, help="Sök i ärendenummer och steg.")
@click.option("--page", default=1, type=int)
@json_option
@reports_errors
def cases(
    status: str | None, process_key: str | None, query: str | None, page: int, as_json: bool
) -> None:
    """List cases, newest change first."""
    found = engine.list_cases(runtime(), status, process_key, query, page)
    if as_json:
        emit_json(found)
        return
    emit_table(
        ["id", "ärende", "titel", "process", "status", "steg", "ändrad"],
        [[c.id, c.business_key, c.title, f"{c.process_key} v{c.definition_version}", c.status,
          c.stage, c.updated_at] for c in found.cases],
    )  # fmt: skip
    click.echo(f"sida {found.page}, {len(found.cases)} av {found.total}")


@click.command()
@user_option
@click.option("--scope", type=click.Choice(["all", "mine", "group"]), default="all")
@json_option
@reports_errors
def tasks(user: str, scope: str, as_json: bool) -> None:
    """The user's inbox: tasks they have claimed and tasks offered to their roles."""
    found = engine.tasks_for(runtime(), user, scope)
    if as_json:
        emit_json(found)
    else:
        _print_tasks(found)


def _print_tasks(found: list[HumanTask]) -> None:
    emit_table(
        ["uppgift", "ärende", "namn", "roller", "status", "tagen av"],
        [[t.id, t.business_key, t.name, t.roles, t.state, t.assignee] for t in found],
    )


@click.group()
def task() -> None:
    """One work item: claim, unclaim, complete, show."""


@task.command("show")
@click.argument("task_id")
@user_option
@json_option
@reports_errors
def task_show(task_id: str, user: str, as_json: bool) -> None:
    """Show a task the user may see."""
    found = engine.get_task(runtime(), task_id, user)
    if as_json:
        emit_json(found)
    else:
        _print_tasks([found])


@task.command("claim")
@click.argument("task_id")
@user_option
@json_option
@reports_errors
def task_claim(task_id: str, user: str, as_json: bool) -> None:
    """Claim a task."""
    claimed = engine.claim_task(runtime(), task_id, user)
    emit_json(claimed) if as_json else click.echo(f"Tagen: {claimed.name} ({claimed.business_key})")


@task.command("unclaim")
@click.argument("task_id")
@user_option
@json_option
@reports_errors
def task_unclaim(task_id: str, user: str, as_json: bool) -> None:
    """Give a claimed task back to its group."""
    released = engine.unclaim_task(runtime(), task_id, user)
    emit_json(released) if as_json else click.echo(f"Släppt: {released.name}")


@task.command("complete")
@click.argument("task_id")
@user_option
@data_option
@json_option
@reports_errors
def task_complete(task_id: str, user: str, data: str | None, as_json: bool) -> None:
    """Complete a task with form data (validated against the task's form)."""
    following = engine.complete_task(runtime(), task_id, read_data(data), user)
    if as_json:
        emit_json({"open_tasks": following})
        return
    click.echo("Slutförd. Öppna uppgifter i ärendet:" if following else "Slutförd.")
    if following:
        _print_tasks(following)
