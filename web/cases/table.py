"""The overview's columns as text: one definition for the page, the CSV and the Excel file, so
an export holds exactly what the list shows."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_babel.speaklater import LazyString

import engine
from engine import HumanTask, OverviewRow
from web.cases.status import status_name
from web.context import runtime
from web.formatting import day
from web.labels import board_name, profile_name, stage_name
from web.roles import role_names

COLUMNS: list[tuple[str, LazyString]] = [
    ("key", _("Ärende")),
    ("title", _("Projekt")),
    ("profile", _("Regelprofil")),
    ("board", _("Nämnd")),
    ("stage", _("Skede")),
    ("tasks", _("Öppna uppgifter")),
    ("timer", _("Nästa timer")),
    ("overdue", _("Försenat")),
    ("status", _("Status")),
    ("updated", _("Senast ändrat")),
]


@dataclass(frozen=True)
class OpenTask:
    name: str
    holder: str
    since: str
    due: str

    def text(self) -> str:
        due = gettext(", senast %(day)s", day=self.due) if self.due else ""
        text = gettext("%(name)s – %(holder)s sedan %(since)s", name=self.name,
                       holder=self.holder, since=self.since)  # fmt: skip
        return str(text) + due


def people() -> Callable[[str], str]:
    """Display names by user name, read once (a list of people is small)."""
    names = {u.name: u.display_name for u in engine.list_users(runtime())}
    return lambda name: names.get(name, name)


def open_tasks(row: OverviewRow, name_of: Callable[[str], str]) -> list[OpenTask]:
    return [_open_task(t, name_of) for t in row.case.open_tasks]


def _open_task(task: HumanTask, name_of: Callable[[str], str]) -> OpenTask:
    holder = name_of(task.assignee) if task.assignee else role_names(task.roles)
    since = task.claimed_at if task.assignee and task.claimed_at else task.created_at
    return OpenTask(task.name, holder, day(since), day(task.due_at) if task.due_at else "")


def cells(row: OverviewRow, name_of: Callable[[str], str]) -> dict[str, str]:
    """The row's text in each column."""
    case, timer = row.case, row.next_timer
    return {
        "key": case.business_key,
        "title": case.title,
        "profile": profile_name(row.tags.get("profile", "")),
        "board": board_name(row.tags.get("board", "")) or "–",
        "stage": stage_name(case.stage_code),
        "tasks": "; ".join(t.text() for t in open_tasks(row, name_of)),
        "timer": f"{timer.name} {day(timer.due_at)}" if timer else "",
        "overdue": gettext("Ja") if row.overdue else gettext("Nej"),
        "status": status_name(case.status),
        "updated": day(case.updated_at),
    }


def text_rows(rows: Iterable[OverviewRow]) -> Iterator[list[str]]:
    """The header, then each row's cells in column order."""
    name_of = people()
    yield [str(label) for _key, label in COLUMNS]
    for row in rows:
        found = cells(row, name_of)
        yield [found[key] for key, _label in COLUMNS]
