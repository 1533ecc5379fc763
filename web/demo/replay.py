"""Replaying a case's timeline through the engine: move the virtual clock to each step's date
(firing every timer on the way), then complete the step's task as the right person.
Nothing is written behind the engine's back.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import engine
from engine import Runtime

REPLAYER = "demo-replay"


@dataclass(frozen=True)
class Step:
    """Complete the open task ``element`` on ``on`` (ISO date) as ``user`` with ``data``; or,
    with ``message``, send the case that message (``element`` names what it starts)."""

    on: str
    element: str
    user: str
    data: Mapping[str, Any] = field(default_factory=dict)
    message: str = ""


@dataclass(frozen=True)
class Timeline:
    project: str
    title: str
    started_on: str
    started_by: str
    steps: list[Step]
    start_data: Mapping[str, Any] = field(default_factory=dict)
    process: str = "social_investment_case"
    key: str = ""  # unique per timeline; defaults to the project

    @property
    def ref(self) -> str:
        return self.key or self.project


class ReplayStuck(Exception):
    """The case does not offer the task the timeline expects next."""


def at(day: str) -> datetime:
    """Steps happen at 10:00 Swedish time on their day."""
    return engine.to_datetime(f"{day}T10:00")


def advance_to(rt: Runtime, day: str) -> None:
    target = at(day)
    if target > rt.clock.now():
        engine.advance_clock(rt, target, REPLAYER)


def replay(
    rt: Runtime, timelines: list[Timeline], say: Callable[[str], None] = lambda _: None
) -> dict[str, int]:
    """Play every case's steps in date order across cases (one clock); ref → case id."""
    agenda: list[tuple[str, int, int, Timeline, Step | None]] = []
    for order, timeline in enumerate(timelines):
        agenda.append((timeline.started_on, order, -1, timeline, None))
        agenda += [(s.on, order, i, timeline, s) for i, s in enumerate(timeline.steps)]
    case_ids: dict[str, int] = {}
    for day, _, _, timeline, step in sorted(agenda, key=lambda item: item[:3]):
        advance_to(rt, day)
        if step is None:
            data = {"project": timeline.project, **timeline.start_data}
            started = engine.start_case(rt, timeline.process, timeline.started_by, data)
            case_ids[timeline.ref] = started.id
            say(f"{day}: {timeline.project} {timeline.title} startar ({started.business_key})")
        else:
            _play(rt, case_ids[timeline.ref], timeline, step)
    return case_ids


def _play(rt: Runtime, case_id: int, timeline: Timeline, step: Step) -> None:
    try:
        if step.message:
            engine.send_message(rt, case_id, step.message, dict(step.data), step.user)
        else:
            task = _open_task(rt, case_id, step.element)
            engine.complete_task(rt, task.id, copy.deepcopy(dict(step.data)), step.user)
    except engine.SifError as exc:
        details = getattr(exc, "errors", [])
        message = f"{timeline.ref} {step.on} {step.element}: {exc.message} {details}"
        raise ReplayStuck(message) from exc
    current = engine.get_case(rt, case_id, with_data=False)
    if current.status == engine.CaseStatus.ERROR:
        raise ReplayStuck(f"{timeline.project} {step.on} {step.element}: {current.incident}")


def _open_task(rt: Runtime, case_id: int, element: str) -> engine.HumanTask:
    current = engine.get_case(rt, case_id, with_data=False)
    for task in current.open_tasks:
        if task.element_id == element:
            return task
    offered = ", ".join(t.element_id for t in current.open_tasks) or "inga"
    raise ReplayStuck(
        f"{current.business_key}: väntade uppgiften {element}, ärendet erbjuder {offered} "
        f"(status {current.status}, steg {current.stage})"
    )
