"""Helper functions BPMN scripts and expressions may call, beyond the guard's safe builtins."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from engine.durations import shift_years


def parse_date(text: str) -> date:
    """``"2026-01-31"`` → a date."""
    return date.fromisoformat(text)


def add_days(day: date | str, days: int) -> str:
    start = parse_date(day) if isinstance(day, str) else day
    return (start + timedelta(days=days)).isoformat()


def add_years(day: date | str, years: int) -> str:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    return shift_years(parse_date(day) if isinstance(day, str) else day, years).isoformat()


def year_end(year: int) -> str:
    return date(int(year), 12, 31).isoformat()


def after_year_end(year: int) -> str:
    """The first day after ``year`` has ended (1 January of the next year): when the year-end
    follow-up can begin — not at midnight before 31 December, while the year still runs."""
    return date(int(year) + 1, 1, 1).isoformat()


SCRIPT_FUNCTIONS: dict[str, Callable[..., object]] = {
    "parse_date": parse_date,
    "add_days": add_days,
    "add_years": add_years,
    "year_end": year_end,
    "after_year_end": after_year_end,
}
