"""What both event-log formats say about one event: its activity name, lifecycle transition
(the XES standard lifecycle extension), time, resource and details.

The lifecycle mapping, Sif's event kind → XES ``lifecycle:transition``:

==================  ============  =======================================================
kind                transition    why
==================  ============  =======================================================
task_created        schedule      the work item is offered to its roles
task_claimed        assign        a person takes it
task_unclaimed      reassign      it goes back to the group, for someone else to take
task_completed      complete      the answers are submitted
task_cancelled      withdraw      the process no longer waits for it (never started)
case_started        start         the case (process instance) begins
case_completed      complete      it reached its end
case_suspended      suspend       an administrator paused it
case_resumed        resume        …and let it go on
case_retried        resume        the failed step runs again and the case goes on
case_terminated     pi_abort      an administrator ended the whole case
incident            ate_abort     the failing step's run was abandoned (undone)
timer_armed         schedule      a timer starts waiting
timer_fired         complete      a timer event happened (events are instantaneous)
timer_cancelled     withdraw      the timer was no longer awaited
message_received    complete      a message event happened
anything else       unknown
==================  ============  =======================================================
"""

from __future__ import annotations

import json
import re
from datetime import UTC

from flask_babel import gettext

from engine import LogEvent
from web.labels import EVENT_NAMES

LIFECYCLE = {
    "task_created": "schedule", "task_claimed": "assign", "task_unclaimed": "reassign",
    "task_completed": "complete", "task_cancelled": "withdraw",
    "case_started": "start", "case_completed": "complete", "case_suspended": "suspend",
    "case_resumed": "resume", "case_retried": "resume", "case_terminated": "pi_abort",
    "incident": "ate_abort",
    "timer_armed": "schedule", "timer_fired": "complete", "timer_cancelled": "withdraw",
    "message_received": "complete",
}  # fmt: skip
# Characters XML 1.0 cannot carry at all (not even escaped); a case's data may hold them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def activity(event: LogEvent) -> str:
    """The step's name ('Granska idé'), else the event kind in words ('Ärendet startades')."""
    if event.step:
        return event.step
    return str(EVENT_NAMES.get(event.kind) or gettext("Händelse"))


def transition(event: LogEvent) -> str:
    return LIFECYCLE.get(event.kind, "unknown")


def timestamp(event: LogEvent) -> str:
    """ISO 8601 in UTC with its offset and milliseconds: ``2026-03-02T09:00:00.000+00:00``."""
    return event.at.astimezone(UTC).isoformat(timespec="milliseconds")


def detail_text(event: LogEvent) -> str:
    """The event's details as compact JSON (empty when there are none)."""
    if not event.detail:
        return ""
    return json.dumps(event.detail, ensure_ascii=False, sort_keys=True, default=str)


def xml_safe(text: str) -> str:
    """``text`` without the control characters XML 1.0 has no way to write."""
    return _NOT_XML.sub("\ufffd", text)
