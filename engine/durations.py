"""ISO 8601 dates and durations as Sif reads them: calendar-correct, Swedish local time.

``P1Y`` after 31 January 2016 is 31 January 2017; ``P1M`` after 31 January is the last day of
February. Naive dates and times mean Europe/Stockholm; everything returned is aware UTC.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Europe/Stockholm")
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
    if not parts or text.strip().upper().endswith("T"):
        raise InvalidTime(f"Ogiltig varaktighet: {text!r} (exempel: P1Y, P14D, PT2H)")
    return parts


def add_duration(start: datetime, duration: dict[str, float], times: int = 1) -> datetime:
    """``start`` plus ``times`` × ``duration``; years and months on the calendar, day clamped."""
    local = start.astimezone(LOCAL)
    months = int((duration.get("years", 0) * 12 + duration.get("months", 0)) * times)
    year, month0 = divmod(local.month - 1 + months, 12)
    year += local.year
    day = min(local.day, monthrange(year, month0 + 1)[1])
    moved = local.replace(year=year, month=month0 + 1, day=day)
    rest = timedelta(
        weeks=duration.get("weeks", 0) * times,
        days=duration.get("days", 0) * times,
        hours=duration.get("hours", 0) * times,
        minutes=duration.get("minutes", 0) * times,
        seconds=duration.get("seconds", 0) * times,
    )
    return (moved + rest).astimezone(UTC)


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
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=LOCAL)
        return aware.astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=LOCAL).astimezone(UTC)
    raise InvalidTime(f"Inget datum: {value!r}")
