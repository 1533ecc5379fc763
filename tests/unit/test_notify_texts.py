"""The Swedish texts of reminders and escalations: the task's name, the case and the due day
as a Swedish letter writes it, in Swedish time; never a role id."""

from __future__ import annotations

from datetime import UTC, datetime

from engine import TaskAtStep
from tasks.notify import escalation_text, reminder_text, swedish_day


def task(due: datetime | None, assignee: str | None = None) -> TaskAtStep:
    return TaskAtStep("t1", "Lämna årsrapport", "SIF-2027-0003", due, assignee,
                      "Jonas Lind" if assignee else None, ("project_leader",))  # fmt: skip


def test_the_due_day_is_the_day_in_sweden() -> None:
    assert swedish_day(datetime(2027, 3, 5, 12, tzinfo=UTC)) == "5 mars 2027"
    # 23:30 UTC on New Year's Eve is already the first of January in Stockholm.
    assert swedish_day(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "1 januari 2027"


def test_a_reminder_without_a_due_date_says_only_that_the_task_waits() -> None:
    subject, body = reminder_text(task(None), "")
    assert subject == "Påminnelse: ”Lämna årsrapport” i ärende SIF-2027-0003 väntar på dig"
    assert "senast" not in body and "project_leader" not in body


def test_an_escalation_names_the_holder_or_says_nobody_took_it() -> None:
    due = datetime(2027, 1, 31, 8, tzinfo=UTC)
    _, held = escalation_text(task(due, "jonas.lind"), "\n\nRing projektledaren.")
    assert "skulle ha varit klar senast 31 januari 2027. Den hanteras av Jonas Lind." in held
    assert held.count("Ring projektledaren.") == 1 and "jonas.lind" not in held
    _, untaken = escalation_text(task(due), "")
    assert "Ingen har tagit uppgiften." in untaken
