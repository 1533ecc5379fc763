"""ISO dates and durations: calendar-correct, Swedish local time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine import InvalidTime, add_duration, parse_duration, to_datetime
from engine.durations import LOCAL


def test_a_year_after_new_year_is_new_year_even_across_leap_years() -> None:
    start = to_datetime("2016-01-01")
    yearly = parse_duration("P1Y")
    dates = [add_duration(start, yearly, n) for n in range(1, 11)]
    local = [to_local_date(d) for d in dates]
    assert local == [f"{2016 + n}-01-01" for n in range(1, 11)]


def to_local_date(value: datetime) -> str:
    return value.astimezone(LOCAL).date().isoformat()


def test_a_month_after_the_31st_is_the_last_day_of_the_next_month() -> None:
    month = parse_duration("P1M")
    assert to_local_date(add_duration(to_datetime("2023-01-31"), month)) == "2023-02-28"
    assert to_local_date(add_duration(to_datetime("2024-01-31"), month)) == "2024-02-29"


def test_naive_dates_are_swedish_local_time() -> None:
    assert to_datetime("2026-06-01T12:00") == datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    assert to_datetime("2026-01-01") == datetime(2025, 12, 31, 23, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("P1Y", {"years": 1}), ("P14D", {"days": 14}), ("PT2H30M", {"hours": 2, "minutes": 30}),
     ("P1Y2M3DT4H", {"years": 1, "months": 2, "days": 3, "hours": 4}), ("P2W", {"weeks": 2})],
)  # fmt: skip
def test_durations_parse(text: str, expected: dict[str, float]) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "P", "PT", "1Y", "P1Q", "P-1D", 5, None])
def test_bad_durations_are_refused(text: object) -> None:
    with pytest.raises(InvalidTime):
        parse_duration(text)
