"""A case's audit trail as people read it: who did what, when, in which step, and what changed
— the data diff with the forms' labels, never a Python dict."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext

from engine import Event
from engine.casestore import SYSTEM
from web.formatting import when
from web.labels import EVENT_NAMES
from web.readable import readable_lines, scalar_text
from web.roles import role_names

#: What the engine does by itself around people's work: shown only when asked for all events.
ROUTINE = frozenset({"task_created", "timer_armed", "timer_cancelled", "task_cancelled"})


@dataclass(frozen=True)
class Change:
    label: str
    before: list[str]
    after: list[str]


@dataclass(frozen=True)
class Entry:
    at: datetime
    who: str
    what: str
    kind: str
    step: str
    note: str = ""  # a reason, roles offered, an error message, a due date
    changes: list[Change] = field(default_factory=list)


def timeline(
    events: list[Event],
    steps: Mapping[str, str],
    labels: Mapping[str, str],
    name_of: Callable[[str], str],
) -> list[Entry]:
    """The events, newest first, in Swedish."""
    return [_entry(e, steps, labels, name_of) for e in reversed(events)]


def _entry(
    event: Event, steps: Mapping[str, str], labels: Mapping[str, str], name_of: Callable[[str], str]
) -> Entry:
    detail = event.detail
    who = gettext("Systemet") if event.actor in (SYSTEM, "engine") else name_of(event.actor)
    step = steps.get(event.element_id or "", "") if event.element_id else ""
    what = str(EVENT_NAMES.get(event.kind) or gettext("Händelse"))
    changes = _changes(detail.get("changes"), labels)
    if event.kind == "case_started" and isinstance(detail.get("data"), Mapping):
        changes = _changes({k: [None, v] for k, v in detail["data"].items()}, labels)
    return Entry(event.at, who, what, event.kind, step, _note(event, detail), changes)


def _note(event: Event, detail: Mapping[str, Any]) -> str:
    if detail.get("reason"):
        return str(gettext("Skäl: %(reason)s", reason=detail["reason"]))
    if event.kind == "task_created" and detail.get("roles"):
        return str(gettext("till %(roles)s", roles=role_names(detail["roles"])))
    if event.kind == "incident" and detail.get("message"):
        line = detail.get("line")
        where = gettext("rad %(line)s: ", line=line) if line else ""
        return f"{where}{detail['message']}"
    if event.kind == "message_received" and detail.get("message"):
        return str(detail["message"])
    if event.kind == "migrated" and detail.get("to_version"):
        return _moved(detail)
    if event.kind in ("timer_armed", "timer_fired") and detail.get("due_at"):
        try:
            due = when(datetime.fromisoformat(str(detail["due_at"])))
        except ValueError:
            return ""
        return str(gettext("förfaller %(at)s", at=due))
    return ""


def _moved(detail: Mapping[str, Any]) -> str:
    """A move to another version: from which, to which, and what changed for the case."""
    moved = gettext("Från version %(old)s till version %(new)s.",
                    old=detail.get("from_version"), new=detail["to_version"])  # fmt: skip
    roles = detail.get("roles")
    offered = [gettext("Uppgiften '%(step)s' erbjuds nu: %(roles)s.", step=step,
                       roles=role_names(ids))
               for step, ids in (roles.items() if isinstance(roles, Mapping) else ())]  # fmt: skip
    return " ".join([moved, *map(str, detail.get("notes") or []), *offered])


def _changes(changes: object, labels: Mapping[str, str]) -> list[Change]:
    if not isinstance(changes, Mapping):
        return []
    found = []
    for key, pair in changes.items():
        before, after = pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
        label = labels.get(key, key.replace("_", " ").capitalize())
        found.append(Change(label, _lines(before, labels), _lines(after, labels)))
    return found


def _lines(value: object, labels: Mapping[str, str]) -> list[str]:
    """A value as lines of labelled text (records and lists of records one line per field)."""
    if isinstance(value, Mapping) and value:
        return [line.strip() for line in readable_lines(value, labels)]
    if isinstance(value, list) and any(isinstance(v, Mapping | list) for v in value):
        return [line.strip() for line in readable_lines({"rows": value}, labels)[1:]]
    return [scalar_text(value)]
