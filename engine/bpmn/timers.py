"""Timer events that read Sif's clock, and the list of timers a workflow is waiting for.

SpiffWorkflow's timer definitions call ``datetime.now()``. Sif replaces them, when a bundle is
compiled, with subclasses that read the time of the current step (``clock_at``), so a virtual
clock drives BPMN timers too, without patching ``datetime``. Cycles are calendar-correct
(``R/P1Y`` from 2016-01-01 falls on every 1 January) and an overdue cycle fires once, then
re-arms at its next occurrence after now, found without stepping through the missed ones.
A timer whose expression gives no usable time raises ``TimerFailed``, which names the event.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
)

from engine.durations import (
    InvalidTime,
    add_duration,
    occurrence_after,
    parse_cycle,
    parse_duration,
    to_datetime,
)

_now: ContextVar[datetime | None] = ContextVar("sif_step_time", default=None)


@contextmanager
def clock_at(now: datetime) -> Iterator[None]:
    """Let timer evaluation inside this block see ``now`` as the current time."""
    token = _now.set(now)
    try:
        yield
    finally:
        _now.reset(token)


def step_time() -> datetime:
    now = _now.get()
    return now if now is not None else datetime.now(UTC)


class TimerFailed(InvalidTime):
    """A timer's expression gave no time Sif can use; names the timer event's task."""

    def __init__(self, task: Any, cause: InvalidTime) -> None:
        super().__init__(str(cause))
        self.task_id = str(task.id)
        self.element_id = str(task.task_spec.bpmn_id or "")


@contextmanager
def _naming(task: Any) -> Iterator[None]:
    try:
        yield
    except TimerFailed:
        raise
    except InvalidTime as exc:
        raise TimerFailed(task, exc) from exc


class SifTimeDate(TimeDateEventDefinition):  # type: ignore[misc]
    def has_fired(self, my_task: Any) -> bool:
        if my_task._get_internal_data("event_value") is None:
            value = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            with _naming(my_task):
                my_task._set_internal_data(event_value=to_datetime(value).isoformat())
        if to_datetime(my_task._get_internal_data("event_value")) <= step_time():
            my_task._set_internal_data(event_fired=True)
        return bool(my_task._get_internal_data("event_fired", False))


class SifDuration(DurationTimerEventDefinition):  # type: ignore[misc]
    def has_fired(self, my_task: Any) -> bool:
        if my_task._get_internal_data("event_value") is None:
            value = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            with _naming(my_task):
                due = add_duration(step_time(), parse_duration(value))
            my_task._set_internal_data(event_value=due.isoformat())
        if to_datetime(my_task._get_internal_data("event_value")) <= step_time():
            my_task._set_internal_data(event_fired=True)
        return bool(my_task._get_internal_data("event_fired", False))


class SifCycle(CycleTimerEventDefinition):  # type: ignore[misc]
    """``R[n]/[start/]duration``: fires at start, start+d, start+2d … (n times, or forever)."""

    def cycle_complete(self, my_task: Any) -> bool:
        value = my_task._get_internal_data("event_value")
        if value is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            with _naming(my_task):
                value = _parse_cycle(expression, step_time())
        if value["cycles"] == 0:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
            return False
        now = step_time()
        ready = to_datetime(value["next"]) <= now
        if ready:
            with _naming(my_task):
                _skip_past(value, now)
        my_task._set_internal_data(event_value=value)
        return ready


def _parse_cycle(expression: object, now: datetime) -> dict[str, Any]:
    cycle = parse_cycle(expression)
    start = cycle.start or add_duration(now, cycle.period)
    return {
        "cycles": cycle.count,
        "start": start.isoformat(),
        "next": start.isoformat(),
        "n": 0,
        "duration": cycle.period,
    }


def _skip_past(value: dict[str, Any], now: datetime) -> None:
    """Move a due cycle to its first occurrence after ``now``; missed occurrences are skipped,
    not replayed, but each uses up one of a limited cycle's repetitions."""
    start, occurrence = to_datetime(value["start"]), int(value["n"])
    steps = occurrence_after(start, value["duration"], now, occurrence) - occurrence
    if value["cycles"] > 0:
        steps = min(steps, value["cycles"])
        value["cycles"] -= steps
    value["n"] = occurrence + steps
    value["next"] = add_duration(start, value["duration"], occurrence + steps).isoformat()


SIF_TIMERS: dict[type, type] = {
    TimeDateEventDefinition: SifTimeDate,
    DurationTimerEventDefinition: SifDuration,
    CycleTimerEventDefinition: SifCycle,
}


def use_sif_timers(task_specs: Iterator[Any]) -> None:
    """Swap SpiffWorkflow's timer definitions for Sif's in freshly parsed specs."""
    for spec in task_specs:
        definition: Any = getattr(spec, "event_definition", None)
        replacement = SIF_TIMERS.get(type(definition))
        if replacement is not None:
            spec.event_definition = replacement(
                definition.name, definition.expression, description=definition.description
            )


@dataclass(frozen=True)
class WaitingTimer:
    task_id: str
    element_id: str
    name: str
    kind: str  # date | duration | cycle
    position: str  # catch | boundary_interrupting | boundary_non_interrupting | start
    due_at: datetime | None


_KINDS = {SifTimeDate: "date", SifDuration: "duration", SifCycle: "cycle"}


def timer_of(task: Any) -> WaitingTimer | None:
    """The timer a task stands for, or None when it is not a timer event."""
    kind = _KINDS.get(type(getattr(task.task_spec, "event_definition", None)))
    if kind is None:
        return None
    return WaitingTimer(
        str(task.id),
        task.task_spec.bpmn_id or task.task_spec.name,
        task.task_spec.bpmn_name or "",
        kind,
        _position(task.task_spec),
        _due(task.internal_data.get("event_value"), kind),
    )


def _position(spec: Any) -> str:
    kind = type(spec).__name__
    if "Boundary" in kind:
        return "boundary_interrupting" if spec.cancel_activity else "boundary_non_interrupting"
    return "start" if "Start" in kind else "catch"


def _due(value: Any, kind: str) -> datetime | None:
    if value is None:
        return None
    if kind == "cycle":
        return to_datetime(value["next"]) if value.get("cycles", 0) != 0 else None
    return to_datetime(value)
