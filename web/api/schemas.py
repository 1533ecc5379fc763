"""What goes in and out of the API, as pydantic models.

Every endpoint validates its request and its response with these, and the OpenAPI document is
generated from them (``web.api.spec``). Times are ISO 8601 with the offset of Europe/Stockholm
(``2026-03-02T10:00:00+01:00``); days are ISO dates. Answers build themselves from the engine's
dataclasses with ``of``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

from engine import Case, Definition, Draft, Event, HumanTask, InboxRow, TimerInfo, User
from engine.durations import LOCAL
from tasks.ledger import FundBalance
from tasks.store import DEFAULT_FUND
from web.roles import role_name


def _local(moment: datetime) -> str:
    return moment.astimezone(LOCAL).isoformat()


Instant = Annotated[
    datetime,
    PlainSerializer(_local, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
Page = Annotated[int, Field(ge=1, le=100_000, description="Sidnummer, från 1.")]
PageSize = Annotated[int, Field(ge=1, le=200, description="Rader per sida (högst 200).")]
JsonObject = dict[str, Any]
#: Text that reaches a database query: no NUL characters (PostgreSQL refuses them).
Text = Annotated[str, Field(pattern=r"^[^\x00]*$")]


class Strict(BaseModel):
    """Requests: unknown fields are refused rather than silently dropped."""

    model_config = ConfigDict(extra="forbid")


class Paging(Strict):
    """What page of a list to answer."""

    page: Page = 1
    page_size: PageSize = 50


class Paged(BaseModel):
    """One page of a list: ``items`` (in the subclass), and where the page lies in all."""

    total: int = Field(description="Hur många det finns i hela listan.")
    page: int
    page_size: int


# Errors -------------------------------------------------------------------------------------


class Problem(BaseModel):
    error: str = Field(description="Felets rubrik (svenska).")
    message: str = Field(description="Vad som gick fel (svenska).")


class FieldProblem(BaseModel):
    path: str = Field(description="Fältets sökväg, punktseparerad (plan.0.amount).")
    message: str


class ValidationProblem(Problem):
    errors: list[FieldProblem]


class BundleFileProblem(BaseModel):
    file: str
    line: int | None
    element_id: str | None
    message: str


class BundleProblem(Problem):
    errors: list[BundleFileProblem]


# Who I am -----------------------------------------------------------------------------------


class Role(BaseModel):
    id: str
    name: str = Field(description="Rollens svenska namn.")


class Me(BaseModel):
    name: str
    display_name: str
    roles: list[Role]

    @classmethod
    def of(cls, user: User) -> Me:
        roles = [Role(id=r, name=role_name(r)) for r in sorted(user.roles)]
        return cls(name=user.name, display_name=user.display_name, roles=roles)


# Definitions --------------------------------------------------------------------------------


class DefinitionOut(BaseModel):
    id: int
    process_key: str
    version: int
    name: str
    sha256: str
    deployed_by: str
    deployed_at: Instant
    comment: str

    @classmethod
    def of(cls, d: Definition) -> DefinitionOut:
        return cls(
            id=d.id, process_key=d.process_key, version=d.version, name=d.name, sha256=d.sha256,
            deployed_by=d.deployed_by, deployed_at=d.deployed_at, comment=d.comment,
        )  # fmt: skip


class DefinitionQuery(Paging):
    process_key: Text | None = Field(None, max_length=255)


class DefinitionList(Paged):
    items: list[DefinitionOut]


class Deployment(BaseModel):
    created: bool = Field(description="false: samma innehåll var redan driftsatt.")
    sha256: str
    definitions: list[DefinitionOut]


# Tasks --------------------------------------------------------------------------------------


class TaskOut(BaseModel):
    id: str
    name: str
    element_id: str
    state: Literal["ready", "claimed", "completed", "cancelled"]
    roles: list[str]
    assignee: str | None
    due_at: Instant | None
    created_at: Instant
    claimed_at: Instant | None
    completed_at: Instant | None
    completed_by: str | None
    case_id: int
    business_key: str
    form: str | None

    @classmethod
    def of(cls, t: HumanTask) -> TaskOut:
        return cls(
            id=t.id, name=t.name, element_id=t.element_id, state=t.state,  # type: ignore[arg-type]
            roles=list(t.roles), assignee=t.assignee, due_at=t.due_at, created_at=t.created_at,
            claimed_at=t.claimed_at, completed_at=t.completed_at, completed_by=t.completed_by,
            case_id=t.case_id, business_key=t.business_key, form=t.form,
        )  # fmt: skip


class InboxItem(TaskOut):
    case_title: str
    overdue: bool

    @classmethod
    def of_row(cls, row: InboxRow) -> InboxItem:
        task = TaskOut.of(row.task).model_dump()
        return cls(**task, case_title=row.case_title, overdue=row.overdue)


class TaskQuery(Paging):
    scope: Literal["all", "mine", "group"] = Field(
        "all", description="mine: uppgifter jag har tagit; group: lediga för mina roller."
    )
    overdue: bool = Field(False, description="Bara uppgifter vars förfallodag har passerat.")
    dated: bool = Field(False, description="Bara uppgifter med förfallodag.")
    step: Text = Field("", max_length=255, description="Stegets id (element_id).")
    role: Text = Field("", max_length=80, description="En av mina roller.")
    sort: Literal["waiting", "due", "case", "step"] = "waiting"
    descending: bool = False
    page_size: PageSize = 25


class TaskList(Paged):
    items: list[InboxItem]


class DraftOut(BaseModel):
    data: JsonObject
    saved_at: Instant

    @classmethod
    def of(cls, draft: Draft | None) -> DraftOut | None:
        return cls(data=draft.data, saved_at=draft.saved_at) if draft else None


class CompleteTask(Strict):
    data: JsonObject = Field(description="Svaren, enligt uppgiftens formulär.")
    case_version: int | None = Field(
        None, ge=0, description="Ärendets version när uppgiften lästes; 409 om det har ändrats."
    )


# Cases --------------------------------------------------------------------------------------


class IncidentOut(BaseModel):
    element_id: str
    line: int | None
    message: str
    at: str


class CaseOut(BaseModel):
    id: int
    business_key: str
    title: str
    process_key: str
    definition_version: int
    status: Literal["running", "waiting", "completed", "error", "suspended", "terminated"]
    stage: str
    stage_code: str
    version: int
    started_by: str
    started_at: Instant
    updated_at: Instant
    ended_at: Instant | None
    open_tasks: list[TaskOut]
    incident: IncidentOut | None

    @classmethod
    def of(cls, c: Case) -> CaseOut:
        incident = c.incident
        return cls(
            id=c.id, business_key=c.business_key, title=c.title, process_key=c.process_key,
            definition_version=c.definition_version, status=c.status,  # type: ignore[arg-type]
            stage=c.stage, stage_code=c.stage_code, version=c.version, started_by=c.started_by,
            started_at=c.started_at,
            updated_at=c.updated_at, ended_at=c.ended_at,
            open_tasks=[TaskOut.of(t) for t in c.open_tasks],
            incident=IncidentOut(element_id=incident.element_id, line=incident.line,
                                 message=incident.message, at=incident.at) if incident else None,
        )  # fmt: skip


class TimerOut(BaseModel):
    element_id: str
    name: str
    kind: str
    due_at: Instant | None
    fired_count: int

    @classmethod
    def of(cls, t: TimerInfo) -> TimerOut:
        return cls(element_id=t.element_id, name=t.name, kind=t.kind, due_at=t.due_at,
                   fired_count=t.fired_count)  # fmt: skip


class CaseDetail(CaseOut):
    waiting_timers: list[TimerOut]


class CaseQuery(Paging):
    status: (
        Literal["running", "waiting", "completed", "error", "suspended", "terminated"] | None
    ) = None
    stage: Text | None = Field(None, max_length=255, description="Namnet på steget ärendet står i.")
    stage_code: Text | None = Field(
        None, max_length=60, description="Skedet (DOMAIN §3.3), t.ex. under_review."
    )
    process_key: Text | None = Field(None, max_length=255)
    version: int | None = Field(
        None, ge=1, le=1_000_000, description="Processversion (med process_key)."
    )
    role: Text | None = Field(None, max_length=80, description="En öppen uppgift hos rollen.")
    profile: Text | None = Field(None, max_length=200, description="Regelprofil (sodertalje_2015).")
    board: Text | None = Field(None, max_length=200, description="Huvudansvarig nämnd, t.ex. UN.")
    year: int | None = Field(None, ge=1900, le=2200, description="Året ärendet startade.")
    q: Text | None = Field(None, max_length=200, description="Sök i ärendenummer, titel och etapp.")
    overdue: bool = Field(False, description="Bara ärenden med en försenad öppen uppgift.")


class CaseList(Paged):
    items: list[CaseOut]


class AdminReason(Strict):
    """Why an administrator suspends, resumes or terminates a case (kept in the audit trail)."""

    reason: str = Field(min_length=1, max_length=2000)


class StartCase(Strict):
    process_key: Text = Field(
        min_length=1, max_length=255, json_schema_extra={"examples": ["due_dates"]}
    )
    data: JsonObject = Field(default_factory=dict, description="Ärendets startdata.")


class EventOut(BaseModel):
    id: int
    at: Instant
    actor: str
    kind: str
    task_id: str | None
    element_id: str | None
    detail: JsonObject

    @classmethod
    def of(cls, e: Event) -> EventOut:
        return cls(id=e.id, at=e.at, actor=e.actor, kind=e.kind, task_id=e.task_id,
                   element_id=e.element_id, detail=e.detail)  # fmt: skip


class EventQuery(Paging):
    page_size: PageSize = 100


class EventList(Paged):
    items: list[EventOut]


class NextTasks(BaseModel):
    """What a completed task led to: the case's open tasks now."""

    case_id: int
    open_tasks: list[TaskOut]


class TaskDetail(TaskOut):
    form_schema: JsonObject | None = Field(description="Uppgiftens formulär (JSON Schema).")
    data: JsonObject = Field(description="Ärendets nuvarande värden för formulärets fält.")
    draft: DraftOut | None = Field(description="Mitt sparade utkast, om jag har ett.")
    may_act: bool = Field(description="Om jag får ta och slutföra uppgiften.")
    case: CaseOut


# The fund -----------------------------------------------------------------------------------


class FundQuery(Strict):
    code: Text = Field(DEFAULT_FUND, min_length=1, max_length=40)
    as_of: date | None = Field(None, description="Saldon per detta datum (i dag om det saknas).")


class FundOut(BaseModel):
    code: str
    name: str
    profile: str
    as_of: date
    balances: FundBalance = Field(description="DOMAIN §5.2, i tkr.")
