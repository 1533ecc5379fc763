"""ISO 8601 dates, durations and cycles as Sif reads them: calendar-correct, Swedish local time.

``P1Y`` after 31 January 2016 is 31 January 2017; ``P1M`` after 31 January is the last day of
February. Naive dates and times mean Europe/Stockholm; everything returned is aware UTC.
A cycle ``R[n]/[start/]period`` repeats its period from ``start``; the period must be whole
months (years count as twelve) or at least ``MIN_PERIOD`` long.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from math import isfinite
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Europe/Stockholm")
#: The shortest period a cycle may have. Shorter periods fire more often than any sweep can
#: run them, and below a microsecond ``timedelta`` rounds them to zero: a cycle that never
#: moves on. With at least a second, finding the next occurrence after a clock change (an
#: hour of wall time) takes at most 3 600 steps.
MIN_PERIOD = timedelta(seconds=1)
_CLOCK_CHANGE = timedelta(hours=2)  # more than any change of Swedish time
_DURATION = re.compile(
    r"^P(?:(?P<years>\d+(?:\.\d+)?)Y)?(?:(?P<months>\d+(?:\.\d+)?)M)?(?:(?P<weeks>\d+(?:\.\d+)?)W)?"
    r"(?:(?P<days>\d+(?:\.\d+)?)D)?(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?"
    r"(?:(?P<minutes>\d+(?:\.\d+)?)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)


class InvalidTime(ValueError):
    """A date, duration or cycle Sif cannot use; the message is Swedish."""


def parse_duration(text: object) -> dict[str, float]:
    """``"P1Y2M"`` → ``{"years": 1, "months": 2}``; raises ``InvalidTime``."""
    if not isinstance(text, str):
        raise InvalidTime(f"Ingen ISO 8601-varaktighet: {text!r}")
    found = _DURATION.match(text.strip().upper())
    parts = {k: float(v) for k, v in found.groupdict().items() if v} if found else {}
    if not parts or text.strip().upper().endswith("T") or not all(map(isfinite, parts.values())):
        raise InvalidTime(f"Ogiltig varaktighet: {text!r} (exempel: P1Y, P14D, PT2H)")
    return parts


def add_duration(start: datetime, duration: dict[str, float], times: int = 1) -> datetime:
    """``start`` plus ``times`` × ``duration``; years and months on the calendar, day clamped."""
    local = start.astimezone(LOCAL)
    try:
        months = int(calendar_months(duration) * times)
        year, month0 = divmod(local.month - 1 + months, 12)
        year += local.year
        day = min(local.day, monthrange(year, month0 + 1)[1])
        moved = local.replace(year=year, month=month0 + 1, day=day)
        return (moved + fixed_length(duration, times)).astimezone(UTC)
    except (ValueError, OverflowError):
        raise _off_calendar(duration) from None


def _off_calendar(what: object) -> InvalidTime:
    return InvalidTime(f"Tiden hamnar utanför kalendern (år 1–9999): {what}")


def calendar_months(duration: dict[str, float]) -> float:
    """The calendar part of a duration in months (a year is twelve)."""
    return duration.get("years", 0) * 12 + duration.get("months", 0)


def fixed_length(duration: dict[str, float], times: int = 1) -> timedelta:
    """The part of ``times`` × ``duration`` that is not on the calendar: weeks to seconds."""
    try:
        return timedelta(
            weeks=duration.get("weeks", 0) * times,
            days=duration.get("days", 0) * times,
            hours=duration.get("hours", 0) * times,
            minutes=duration.get("minutes", 0) * times,
            seconds=duration.get("seconds", 0) * times,
        )
    except OverflowError:
        raise _off_calendar(duration) from None


@dataclass(frozen=True)
class Cycle:
    """``R[n]/[start/]period``: ``count`` occurrences (-1: for ever) ``period`` apart, from
    ``start`` (None: one period after the timer is reached)."""

    count: int
    start: datetime | None
    period: dict[str, float]


def parse_cycle(text: object) -> Cycle:
    """``"R3/2030-01-01/P1Y"`` → ``Cycle(3, …, {"years": 1})``; raises ``InvalidTime``, also
    for a period that would not move the cycle on (zero, under a second, part of a month)."""
    if not isinstance(text, str) or not text.strip().upper().startswith("R"):
        raise InvalidTime(f"Timern gav ingen upprepning (R…/P…): {text!r}")
    parts = text.strip().upper().split("/")
    count = parts[0][1:]
    if not count.isdigit() and count != "":
        raise InvalidTime(f"Ogiltigt antal upprepningar: {text!r}")
    if len(parts) == 2:
        start, period = None, parse_duration(parts[1])
    elif len(parts) == 3:
        start, period = to_datetime(parts[1]), parse_duration(parts[2])
    else:
        raise InvalidTime(f"Ogiltig upprepning: {text!r}")
    check_period(period, text)
    return Cycle(int(count) if count else -1, start, period)


def check_period(period: dict[str, float], text: object) -> None:
    """Raise ``InvalidTime`` unless each repetition of ``period`` moves a cycle forward."""
    months = calendar_months(period)
    if months != int(months):
        raise InvalidTime(f"Upprepningens år och månader måste bli hela månader: {text!r}")
    if months == 0 and fixed_length(period) < MIN_PERIOD:
        raise InvalidTime(f"Upprepningens period måste vara minst en sekund (inte noll): {text!r}")


def occurrence_after(start: datetime, period: dict[str, float], now: datetime, after: int) -> int:
    """The first occurrence number ``k > after`` with ``start + k × period`` later than ``now``
    (what stepping through every occurrence would find).

    Whole months are stepped through (each step is at least 28 days, so at most twelve a
    year). A fixed period is divided into the wall-clock time since ``start``, then set exact
    against ``add_duration``; around a clock change that takes up to an hour's worth of
    steps, and occurrences in the skipped hour (which come out of order) are looked for.
    """
    check_period(period, period)
    k, step = after + 1, fixed_length(period)
    fixed = calendar_months(period) == 0
    if fixed:
        k = max(k, (_wall(now) - _wall(start)) // step + 1)
        while k > after + 1 and add_duration(start, period, k - 1) > now:
            k -= 1
    while add_duration(start, period, k) <= now:
        k += 1
    if fixed and _wall(now) - _wall(now - _CLOCK_CHANGE) != _CLOCK_CHANGE:
        first = max(after + 1, k - _CLOCK_CHANGE // step - 1)
        k = next(j for j in range(first, k + 1) if add_duration(start, period, j) > now)
    return k


def _wall(moment: datetime) -> datetime:
    """The Swedish wall-clock time of ``moment`` (what ``add_duration`` counts in)."""
    return moment.astimezone(LOCAL).replace(tzinfo=None)


def shift_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def to_datetime(value: object) -> datetime:
    """A date/time value as aware UTC; dates and naive times are Swedish local time."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise InvalidTime(f"Ogiltigt datum: {value!r} (exempel: 2030-06-01)") from None
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if not isinstance(value, datetime):
        raise InvalidTime(f"Inget datum: {value!r}")
    aware = value if value.tzinfo else value.replace(tzinfo=LOCAL)
    try:
        return aware.astimezone(UTC)
    except OverflowError:  # the first or last hours of the calendar, in UTC
        raise _off_calendar(value.isoformat()) from None
