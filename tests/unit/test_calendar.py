"""The fund's calendar helpers: report dates, council meetings, budget years."""

from __future__ import annotations

from tasks.calendar import budget_years, next_council_meeting, report_due_dates


def test_report_dates_follow_the_profile_within_the_project() -> None:
    dates = report_due_dates("2017-09-01", "2019-12-31", ["04-30", "08-31", "12-31"])
    assert dates == ["2017-12-31", "2018-04-30", "2018-08-31", "2018-12-31",
                     "2019-04-30", "2019-08-31", "2019-12-31"]  # fmt: skip
    assert report_due_dates("2019-01-01", "2020-12-31", ["12-31"]) == ["2019-12-31", "2020-12-31"]


def test_the_next_council_meeting_comes_from_the_calendar_or_the_pattern() -> None:
    calendar = ["2018-02-14", "2018-04-18", "2018-09-12"]
    assert next_council_meeting("2018-04-19", calendar) == "2018-09-12"
    assert next_council_meeting("2018-04-18", calendar) == "2018-04-18"
    assert next_council_meeting("2018-12-01") == "2019-02-15"
    assert next_council_meeting("2018-09-20", calendar) == "2018-11-15"  # past the calendar


def test_budget_years_span_the_project() -> None:
    assert budget_years("2016-08-15", "2019-06-30") == [2016, 2017, 2018, 2019]
