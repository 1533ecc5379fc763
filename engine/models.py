"""The typed values the engine hands out. Never SpiffWorkflow objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class CaseStatus(StrEnum):
    RUNNING = "running"  # a person is expected to act
    WAITING = "waiting"  # only timers or messages are awaited
    COMPLETED = "completed"
    ERROR = "error"  # an incident: a script or service failed
    SUSPENDED = "suspended"
    TERMINATED = "terminated"


#: A case's status as a refusal says it (people read it; a status code they would not).
STATUS_SAID = {
    CaseStatus.RUNNING.value: "pågår",
    CaseStatus.WAITING.value: "väntar på en timer eller ett meddelande",
    CaseStatus.COMPLETED.value: "är avslutat",
    CaseStatus.ERROR.value: "har ett fel som väntar på att köras om",
    CaseStatus.SUSPENDED.value: "är pausat",
    CaseStatus.TERMINATED.value: "är avbrutet",
}


class TaskState(StrEnum):
    READY = "ready"
    CLAIMED = "claimed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


OPEN_TASK_STATES = (TaskState.READY.value, TaskState.CLAIMED.value)


class Paged:
    """A page of a longer list; the dataclasses that mix it in hold ``total`` and
    ``page_size``."""

    total: int
    page_size: int

    @property
    def pages(self) -> int:
        """How many pages the whole list fills (at least one, an empty list too)."""
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True)
class User:
    id: int
    name: str
    display_name: str
    roles: frozenset[str]
    active: bool = True
    email: str | None = None  # where notifications are mailed


@dataclass(frozen=True)
class HumanTask:
    id: str
    case_id: int
    business_key: str
    element_id: str
    name: str
    state: str
    roles: tuple[str, ...]
    form: str | None
    assignee: str | None
    created_at: datetime
    claimed_at: datetime | None = None
    completed_at: datetime | None = None
    completed_by: str | None = None
    due_at: datetime | None = None


@dataclass(frozen=True)
class Incident:
    task_id: str
    element_id: str
    line: int | None
    message: str
    at: str


@dataclass(frozen=True)
class Case:
    id: int
    business_key: str
    process_key: str
    definition_version: int
    status: str
    stage: str
    version: int
    started_by: str
    started_at: datetime
    updated_at: datetime
    ended_at: datetime | None
    incident: Incident | None = None
    open_tasks: list[HumanTask] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    title: str = ""  # the case data's ``title`` (the project's name), for lists
    stage_code: str = ""  # the stage (DOMAIN §3.3 code) its current elements declare


@dataclass(frozen=True)
class Event:
    id: int
    case_id: int
    at: datetime
    actor: str
    kind: str
    task_id: str | None
    element_id: str | None
    detail: dict[str, Any]
