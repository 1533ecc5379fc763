"""Timer cycles: periods that would never move on are refused; the next occurrence after a
long pause is computed, not stepped to, and is the same one stepping would find."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from engine.durations import (
    MIN_PERIOD,
    InvalidTime,
    add_duration,
    occurrence_after,
    parse_cycle,
    parse_duration,
    to_datetime,
)
from tests.limits import run_limited

NEVER_MOVING = [
    "R/2020-01-01T00:00:00/PT0S",  # the payloads of the issue
    "R/P0D",
    "R3/PT0S",
    "R/2020-01-01/P0Y0M0D",
    "R/PT0.0S",
    "R/PT0.0000001S",  # under a microsecond: timedelta makes it zero
    "R/PT0.5S",
    "R/P0.5M",  # int(0.5 × k) months: every other step goes nowhere
]


@pytest.mark.parametrize("text", NEVER_MOVING)
def test_a_cycle_that_would_never_move_on_is_refused(text: str) -> None:
    with pytest.raises(InvalidTime, match="Upprepningens"):
        parse_cycle(text)


@pytest.mark.parametrize("text", ["R/P-1D", "R/PT-1S", "R/2020-01-01", "P1D", "R", 5, None])
def test_a_malformed_cycle_is_refused(text: object) -> None:
    with pytest.raises(InvalidTime):
        parse_cycle(text)


def test_a_cycle_keeps_its_count_start_and_period() -> None:
    assert parse_cycle("R10/P1Y").count == 10
    assert parse_cycle("R/PT1S").count == -1
    assert parse_cycle("R/PT1S").period == {"seconds": 1}
    half_year = parse_cycle("R2/2030-01-01/P0.5Y")
    assert (half_year.start, half_year.period) == (to_datetime("2030-01-01"), {"years": 0.5})
    assert timedelta(seconds=1) == MIN_PERIOD


def stepped(start: datetime, period: dict[str, float], now: datetime, after: int) -> int:
    """The reference: step through every occurrence, as the cycle used to."""
    k = after + 1
    while add_duration(start, period, k) <= now:
        k += 1
    return k


PERIODS = ["PT1S", "PT7M", "PT1H", "PT25M30S", "P1D", "P1W", "P1DT1H", "P1M", "P1Y", "P1MT1H"]
CLOCK_CHANGES = ["2025-10-26T01:30:00", "2026-03-29T01:30:00"]  # summer time ends, begins


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("begins", CLOCK_CHANGES)
def test_the_next_occurrence_is_the_one_stepping_finds_across_a_clock_change(
    period: str, begins: str
) -> None:
    duration, start = parse_duration(period), to_datetime(begins)
    for minutes in [0, 1, 29, 30, 31, 59, 60, 61, 89, 90, 91, 120, 150, 180, 240]:
        now = start + timedelta(minutes=minutes, seconds=0.5)
        for after in (0, 3):
            expected = max(stepped(start, duration, now, after), after + 1)
            assert occurrence_after(start, duration, now, after) == expected, (minutes, after)


@pytest.mark.parametrize("period", [p for p in PERIODS if parse_duration(p).get("seconds", 60) > 1])
def test_the_next_occurrence_is_the_one_stepping_finds_months_later(period: str) -> None:
    duration, start = parse_duration(period), to_datetime("2025-09-30T23:15:00")
    for days in [1, 27, 31, 95, 180, 200]:
        now = start + timedelta(days=days, hours=3)
        assert occurrence_after(start, duration, now, 0) == stepped(start, duration, now, 0)


def test_a_second_by_second_cycle_from_1900_finds_2026_at_once() -> None:
    start, now = to_datetime("1900-01-01T00:00:00"), to_datetime("2026-06-15T12:00:00")
    k = occurrence_after(start, {"seconds": 1}, now, 0)
    assert add_duration(start, {"seconds": 1}, k) == now + timedelta(seconds=1)
    assert add_duration(start, {"seconds": 1}, k - 1) == now
    assert k > 3_900_000_000  # what stepping one second at a time would have to walk


def test_whole_months_since_year_one_are_stepped_in_bounded_time() -> None:
    done = run_limited(
        """
        import json, time
        from engine.durations import occurrence_after, to_datetime
        began = time.monotonic()
        k = occurrence_after(to_datetime("0002-01-01"), {"months": 1}, to_datetime("9999-01-01"), 0)
        print(json.dumps({"k": k, "seconds": time.monotonic() - began}))
        """,
        seconds=60,
    )
    assert done.result["k"] == (9999 - 2) * 12 + 1, done.stderr
    assert done.result["seconds"] < 10


def test_a_stored_cycle_with_a_zero_period_is_refused_not_looped() -> None:
    with pytest.raises(InvalidTime, match="minst en sekund"):
        occurrence_after(to_datetime("2020-01-01"), {"days": 0}, to_datetime("2026-01-01"), 0)
