"""What the process map marks, as the JSON its script reads: one marker per element and kind,
with the text a person reads on hover or focus — in their language, names and dates as the
rest of Sif shows them (display names, Swedish role names, Swedish time).

``{"markers": [{"id", "kind", "symbol", "label", "text", "level"}]}``; ``kind`` is one of
``completed``, ``flow``, ``current``, ``timer``, ``incident`` (a case) or ``heat`` (where cases
wait). The symbol is drawn on the badge so that colour is never the only cue.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from babel.numbers import format_decimal
from flask_babel import get_locale, gettext, ngettext
from flask_babel import lazy_gettext as _
from flask_babel.speaklater import LazyString

from engine import CaseDiagram, HumanTask, WaitingMap
from web.formatting import day, person, when
from web.roles import role_names

Marker = dict[str, Any]
SYMBOLS = {"completed": "✓", "current": "●", "timer": "◷", "incident": "!"}
HEAT_LEVELS = 5
KIND_NAMES: dict[str, LazyString] = {
    "completed": _("Klart"),
    "current": _("Pågår"),
    "timer": _("Timer"),
    "incident": _("Fel"),
}


def case_markers(diagram: CaseDiagram, now: datetime) -> list[Marker]:
    """The case's path, open tasks, timers and incident. An element both passed and open
    again (a loop) carries both markers; the open one is drawn on top."""
    names = diagram.drawing.names
    found: list[Marker] = [
        _marker(e, "completed", gettext("Klart: %(name)s", name=names[e]))
        for e in diagram.completed
    ]
    found += [{"id": flow, "kind": "flow"} for flow in diagram.flows]
    by_element: dict[str, list[HumanTask]] = defaultdict(list)
    for task in diagram.current:
        by_element[task.element_id].append(task)
    for element_id, tasks in by_element.items():
        label = gettext("Pågående uppgift: %(name)s", name=names[element_id])
        if len(tasks) > 1:
            label += " " + ngettext("(%(num)d öppen)", "(%(num)d öppna)", len(tasks))
        text = " · ".join(_task_text(task, now) for task in tasks)
        found.append(_marker(element_id, "current", label, text))
    for timer in diagram.timers:
        text = gettext("Löper ut %(when)s.", when=when(timer.due_at)) if timer.due_at else ""
        label = gettext("Väntar på timer: %(name)s", name=names[timer.element_id])
        found.append(_marker(timer.element_id, "timer", label, text))
    incident = diagram.incident
    if incident is not None and incident.element_id in names:
        text = incident.message
        if incident.line:
            text = gettext("Rad %(line)d: %(message)s", line=incident.line, message=text)
        label = gettext("Fel: %(name)s", name=names[incident.element_id])
        found.append(_marker(incident.element_id, "incident", label, text))
    return found


def _task_text(task: HumanTask, now: datetime) -> str:
    """Who holds the task, since when, and when it is due."""
    text: str
    if task.assignee:
        since = task.claimed_at or task.created_at
        text = gettext("Hos %(person)s sedan %(when)s.", person=person(task.assignee),
                       when=when(since))  # fmt: skip
    else:
        text = gettext("Erbjuden %(roles)s sedan %(when)s.", roles=role_names(task.roles),
                       when=when(task.created_at))  # fmt: skip
    if task.due_at is not None:
        if task.due_at < now:
            text += " " + gettext("Försenad: skulle vara klar %(day)s.", day=day(task.due_at))
        else:
            text += " " + gettext("Senast %(day)s.", day=day(task.due_at))
    return text


def heat_markers(waits: WaitingMap) -> list[Marker]:
    """One marker per element with open tasks: the number on the badge, a level from 1 to
    ``HEAT_LEVELS`` for the colour (relative to the element with the most), the median and
    longest wait in the text."""
    most = max((e.open_tasks for e in waits.elements), default=0)
    found: list[Marker] = []
    for element in waits.elements:
        level = max(1, -(-element.open_tasks * HEAT_LEVELS // most))
        label = ngettext(
            "%(name)s: %(num)d öppen uppgift", "%(name)s: %(num)d öppna uppgifter",
            element.open_tasks, name=element.name,
        )  # fmt: skip
        text = gettext(
            "Väntat i median %(median)s dagar, längst %(oldest)s dagar (sedan %(since)s).",
            median=days(element.median_days), oldest=days(element.oldest_days),
            since=day(element.oldest_since),
        )  # fmt: skip
        marker = _marker(element.element_id, "heat", label, text, str(element.open_tasks))
        found.append({**marker, "level": level})
    return found


def days(value: float) -> str:
    """Days with one decimal, as the person's language writes them ('3,5')."""
    return str(format_decimal(round(value, 1), format="#,##0.0", locale=str(get_locale() or "sv")))


def _marker(element_id: str, kind: str, label: str, text: str = "", symbol: str = "") -> Marker:
    return {
        "id": element_id, "kind": kind, "symbol": symbol or SYMBOLS.get(kind, ""),
        "label": label, "text": text,
    }  # fmt: skip
