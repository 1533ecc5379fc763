"""``sif export xes|csv FILE``: the event log of one case, or of the cases a filter lets
through (the overview's filters), as XES for process-mining tools or as CSV.

The file is written beside FILE and moved into place when complete, so a failed export never
leaves half a file; ``-`` writes to standard output. Progress goes to standard error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, NoReturn

import click

import engine
from engine import CaseFilter, CaseStatus, LogEvent, ValidationFailed
from web.cli_common import reports_errors, runtime
from web.export import FORMATS
from web.roles import ROLE_NAMES

PROGRESS_EVERY = 1000  # cases

_FILTER_OPTIONS: list[Callable[[Any], Any]] = [
    click.option("--case", "case_ref", default=None, help="Bara detta ärende (nummer eller id)."),
    click.option("--status", default="", help="running, waiting, error, suspended, completed …"),
    click.option("--stage", default="", help="Skede (kod), t.ex. under_review."),
    click.option("--role", default="", help="En öppen uppgift erbjuds denna roll."),
    click.option("--overdue", is_flag=True, help="Bara ärenden med en försenad uppgift."),
    click.option("--profile", default="", help="Regelprofil, t.ex. sodertalje_2015."),
    click.option("--board", default="", help="Nämnd, t.ex. SN."),
    click.option("--year", default="", help="Året då ärendet startade."),
    click.option("--process", default="", help="Processnyckel."),
    click.option("--version", default="", help="Processens version (med --process)."),
    click.option("--q", "q", default="", help="Sök i ärendenummer och titel."),
]


@click.group()
def export() -> None:
    """Export the event log (the audit trail) for audit and process mining."""


def _command(kind: str, summary: str) -> click.Command:
    @click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
    @reports_errors
    def command(file: Path, case_ref: str | None, **filters: Any) -> None:
        rt = runtime()
        if case_ref:
            if any(filters.values()):
                _refuse("--case", "kan inte kombineras med filter.")
            found = engine.get_case(rt, int(case_ref)) if case_ref.isdigit() else None
            case_id = (found or engine.find_case(rt, case_ref)).id
            log = engine.event_log(rt, case_id=case_id)
        else:
            log = engine.event_log(rt, _case_filter(rt, **filters))
        write = FORMATS[kind][0]
        counted = _Progress(log)
        _write(file, write(counted))
        where = "standard ut" if str(file) == "-" else str(file)
        click.echo(f"Skrev {counted.events} händelser från {counted.cases} ärenden till {where}.",
                   err=str(file) == "-")  # fmt: skip

    for option in reversed(_FILTER_OPTIONS):
        command = option(command)
    command.__doc__ = summary
    return click.command(kind)(command)


export.add_command(_command("xes", "The event log as XES (IEEE 1849-2016): one trace per case."))
export.add_command(_command("csv", "The event log as CSV: one row per event, XES column names."))


class _Progress:
    """Counts cases and events as they stream past; a line on stderr every so many cases."""

    def __init__(self, log: Iterable[LogEvent]) -> None:
        self.log, self.cases, self.events = log, 0, 0

    def __iter__(self) -> Iterator[LogEvent]:
        last = None
        for event in self.log:
            if event.case_id != last:
                last = event.case_id
                self.cases += 1
                if self.cases % PROGRESS_EVERY == 0:
                    click.echo(f"… {self.cases} ärenden, {self.events} händelser", err=True)
            self.events += 1
            yield event


def _write(file: Path, chunks: Iterable[bytes]) -> None:
    if str(file) == "-":
        _copy(chunks, sys.stdout.buffer)
        return
    partial = file.with_name(f".{file.name}.delvis")
    try:
        with partial.open("wb") as out:
            _copy(chunks, out)
        os.replace(partial, file)
    finally:
        partial.unlink(missing_ok=True)


def _copy(chunks: Iterable[bytes], out: BinaryIO) -> None:
    for chunk in chunks:
        out.write(chunk)
    out.flush()


def _case_filter(rt: engine.Runtime, **given: Any) -> CaseFilter:
    """The filter the options ask for; a value no case could match is an error (exit 2)."""
    statuses = [s.value for s in CaseStatus]
    if given["status"] and given["status"] not in statuses:
        _refuse("--status", f"okänd status {given['status']!r}; välj bland {', '.join(statuses)}.")
    facets = engine.overview(rt, CaseFilter(), page_size=1).facets
    assert facets is not None
    for option, known in (("stage", facets.stages), ("profile", facets.profiles),
                          ("board", facets.boards)):  # fmt: skip
        if given[option] and given[option] not in known:
            _refuse(f"--{option}", f"inget ärende har {given[option]!r}; "
                    f"finns: {', '.join(known) or '(inga)'}.")  # fmt: skip
    if given["role"] and given["role"] not in ROLE_NAMES:
        _refuse("--role", f"okänd roll {given['role']!r}.")
    year = _number(given["year"], "--year", 1900, 2200)
    version = _number(given["version"], "--version", 1, 1_000_000)
    if version is not None and not given["process"]:
        _refuse("--version", "kräver --process.")
    if given["process"]:
        versions = [v for k, v in facets.versions if k == given["process"]]
        if not versions:
            _refuse("--process", f"processen {given['process']!r} är inte driftsatt.")
        if version is not None and version not in versions:
            _refuse("--version", f"{given['process']} har ingen version {version}.")
    return CaseFilter(
        stage=given["stage"], status=given["status"], role=given["role"],
        overdue=given["overdue"], profile=given["profile"], board=given["board"], year=year,
        process=given["process"], version=version, q=given["q"],
    )  # fmt: skip


def _number(text: str, option: str, low: int, high: int) -> int | None:
    if not text:
        return None
    if not text.isdigit() or not low <= int(text) <= high:
        _refuse(option, f"ange ett heltal mellan {low} och {high}, inte {text!r}.")
    return int(text)


def _refuse(option: str, message: str) -> NoReturn:
    """Stop with ``fel: message`` and exit 2 (``option`` names what was wrong)."""
    raise ValidationFailed([], message if message.startswith(option) else f"{option}: {message}")
