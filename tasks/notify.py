"""Reminders and escalations as service tasks, for a BPMN service task after a boundary timer.

``notify.remind`` (params ``task``: the element id of the user task, optional ``message``)
tells whoever holds that task now: its assignee once claimed, else every active user with one
of its roles. ``notify.escalate`` (params ``task``, ``role``, optional ``message``) tells every
active user with ``role`` (e.g. the coordinator). Both write their notifications in the case
step's transaction, so a timer that fires once notifies once; the scheduler mails them later.
Texts are Swedish and name the task, the case and the due date, never a role id.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from engine import (
    FieldError,
    Runtime,
    ServiceCall,
    TaskAtStep,
    ValidationFailed,
    add_notifications,
    case_business_key,
    open_tasks_at,
    role_holders,
    task_holders,
)
from tasks.store import case_connection

LOCAL = ZoneInfo("Europe/Stockholm")  # the municipality's time, as on every page

MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)  # fmt: skip
SIGNATURE = "Det här meddelandet skickades automatiskt av Sif."


def swedish_day(moment: datetime) -> str:
    """``5 mars 2027``: the day in Swedish time, as a Swedish letter writes it."""
    local = moment.astimezone(LOCAL)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}"


def _param(call: ServiceCall, name: str) -> str:
    value = call.params.get(name)
    if not isinstance(value, str) or not value.strip():
        problem = f"Tjänsten {call.operation} behöver parametern {name!r} (en text)."
        raise ValidationFailed([FieldError(name, problem)])
    return value.strip()


def _message(call: ServiceCall) -> str:
    value = call.params.get("message")
    return f"\n\n{value.strip()}" if isinstance(value, str) and value.strip() else ""


def reminder_text(task: TaskAtStep, message: str) -> tuple[str, str]:
    """Subject and body of a reminder to the task's holder."""
    named = f"”{task.name}” i ärende {task.business_key}"
    if task.due_at is not None:
        due = swedish_day(task.due_at)
        subject = f"Påminnelse: {named} ska vara klar senast {due}"
        lead = f"Uppgiften {named} väntar på dig och ska vara klar senast {due}."
    else:
        subject = f"Påminnelse: {named} väntar på dig"
        lead = f"Uppgiften {named} väntar på dig."
    body = f"Hej!\n\n{lead}{message}\n\nDu hittar uppgiften i din inkorg i Sif.\n\n{SIGNATURE}"
    return subject, body


def escalation_text(task: TaskAtStep, message: str) -> tuple[str, str]:
    """Subject and body of an escalation about an overdue task, naming who holds it."""
    holder = task.assignee_name
    named = f"”{task.name}” i ärende {task.business_key}"
    subject = f"Eskalering: {named} är försenad"
    if task.due_at is not None:
        lead = f"Uppgiften {named} skulle ha varit klar senast {swedish_day(task.due_at)}."
    else:
        lead = f"Uppgiften {named} har passerat sin frist."
    who = f"Den hanteras av {holder}." if holder else "Ingen har tagit uppgiften."
    body = f"Hej!\n\n{lead} {who}{message}\n\nÄrendet behöver din åtgärd.\n\n{SIGNATURE}"
    return subject, body


def _escalation_without_task(key: str, message: str) -> tuple[str, str]:
    subject = f"Eskalering: ärende {key} har passerat en frist"
    body = f"Hej!\n\nÄrende {key} har passerat en frist.{message}\n\n{SIGNATURE}"
    return subject, body


class Notifier:
    """The two handlers, bound to the runtime for its clock and whether mail is configured."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def _store(
        self, conn: Connection, call: ServiceCall, recipients: list[str],
        task_id: str | None, kind: Literal["reminder", "escalation"], text: tuple[str, str],
    ) -> int:  # fmt: skip
        return add_notifications(
            conn, recipients, case_id=_case(call), task_id=task_id, kind=kind,
            subject=text[0], body=text[1], now=self.rt.clock.now(conn),
            mail=bool(self.rt.settings.smtp_host),
        )  # fmt: skip

    def remind(self, call: ServiceCall) -> object:
        """Notify the holder of each open task of the element ``task`` in this case."""
        conn = case_connection(call.connection, call.operation)
        element, message = _param(call, "task"), _message(call)
        notified = 0
        for task in open_tasks_at(conn, _case(call), element):
            text = reminder_text(task, message)
            holders = task_holders(conn, task)
            notified += self._store(conn, call, holders, task.id, "reminder", text)
        return {"notified": notified}

    def escalate(self, call: ServiceCall) -> object:
        """Notify every active holder of ``role`` about the element ``task`` in this case."""
        conn = case_connection(call.connection, call.operation)
        element, role, message = _param(call, "task"), _param(call, "role"), _message(call)
        recipients = role_holders(conn, [role])
        tasks = open_tasks_at(conn, _case(call), element)
        if not tasks:
            text = _escalation_without_task(case_business_key(conn, _case(call)), message)
            return {"notified": self._store(conn, call, recipients, None, "escalation", text)}
        notified = 0
        for task in tasks:
            text = escalation_text(task, message)
            notified += self._store(conn, call, recipients, task.id, "escalation", text)
        return {"notified": notified}


def _case(call: ServiceCall) -> int:
    if call.case_id is None:
        raise RuntimeError(f"{call.operation} kräver ett ärende")
    return call.case_id


def register_notifications(rt: Runtime) -> None:
    """Register ``notify.remind`` and ``notify.escalate`` on ``rt``'s services."""
    notifier = Notifier(rt)
    handlers: dict[str, Callable[[ServiceCall], object]] = {
        "notify.remind": notifier.remind,
        "notify.escalate": notifier.escalate,
    }
    for name, handler in handlers.items():
        rt.services.register(name, handler)
