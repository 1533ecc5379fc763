"""A user task's due date: ``camunda:dueDate`` or the Sif property ``dueDate`` on the task.

The value is an ISO 8601 duration counted from when the task is offered (``P14D``), an ISO date
or date-time (``2026-12-31``), or an expression the script guard evaluates on the task's data
that gives one of those (``"P30D" if urgent else "P90D"``, ``decision_date``). Dates without a
time are due at the end of that day, Swedish time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta

from engine.durations import LOCAL, InvalidTime, add_duration, parse_duration, to_datetime
from engine.scripting import guard


def literal_due(text: str) -> bool:
    """Whether ``text`` is a duration or a date as it stands (not an expression)."""
    try:
        _from_value(text.strip(), datetime(2000, 1, 1, tzinfo=LOCAL))
    except InvalidTime:
        return False
    return True


def due_at(
    text: str,
    data: Mapping[str, object],
    now: datetime,
    functions: Mapping[str, Callable[..., object]] | None = None,
) -> datetime:
    """When a task offered at ``now`` is due; ``InvalidTime`` or ``guard.ScriptError`` if the
    declaration gives no usable time."""
    text = text.strip()
    if literal_due(text):
        return _from_value(text, now)
    return _from_value(guard.evaluate(text, data, functions), now)


def _from_value(value: object, now: datetime) -> datetime:
    if isinstance(value, str) and value.upper().startswith("P"):
        return add_duration(now, parse_duration(value))
    if isinstance(value, date) and not isinstance(value, datetime):
        return _end_of(value)
    if isinstance(value, str) and len(value) == 10:
        try:
            return _end_of(date.fromisoformat(value))
        except ValueError:
            raise InvalidTime(f"Ogiltigt datum: {value!r} (exempel: 2030-06-01)") from None
    return to_datetime(value)


def _end_of(day: date) -> datetime:
    start = datetime.combine(day, time(), tzinfo=LOCAL)
    return to_datetime(start + timedelta(days=1) - timedelta(seconds=1))
