"""Calendar helpers the fund process uses for its timers (DOMAIN §3.1): council meetings,
report due dates, budget years. Pure functions of dates; registered as script functions
(``year_end``, ``add_days`` and ``add_years`` come with the engine's own script functions).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

# The preparation group meets four times a year (DOMAIN §9.1: Feb, Apr, Sep, Nov; [A] the
# third Wednesday-ish dates of the demo calendar are approximated by fixed month-days).
MEETING_MONTH_DAYS = ((2, 15), (4, 15), (9, 15), (11, 15))


def _as_date(value: date | str) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def next_council_meeting(after: date | str, meetings: list[str] | None = None) -> str:
    """The first council meeting on or after ``after``: from an explicit calendar of ISO dates
    when one is given (the fund's), else the default four-a-year pattern."""
    day = _as_date(after)
    if meetings:
        upcoming = sorted(m for m in meetings if date.fromisoformat(m) >= day)
        if upcoming:
            return upcoming[0]
    for year in (day.year, day.year + 1):
        for month, mday in MEETING_MONTH_DAYS:
            candidate = date(year, month, mday)
            if candidate >= day:
                return candidate.isoformat()
    raise AssertionError("unreachable: next year always has a meeting")


def report_due_dates(start: date | str, end: date | str, due_month_days: list[str]) -> list[str]:
    """Every report date ("MM-DD" in the profile) from the project's start to its end."""
    first, last = _as_date(start), _as_date(end)
    found = []
    for year in range(first.year, last.year + 1):
        for month_day in due_month_days:
            month, mday = (int(part) for part in month_day.split("-"))
            due = date(year, month, mday)
            if first <= due <= last:
                found.append(due.isoformat())
    return sorted(found)


def budget_years(start: date | str, end: date | str) -> list[int]:
    return list(range(_as_date(start).year, _as_date(end).year + 1))


CALENDAR_FUNCTIONS: dict[str, Callable[..., object]] = {
    "next_council_meeting": next_council_meeting,
    "report_due_dates": report_due_dates,
    "budget_years": budget_years,
}
