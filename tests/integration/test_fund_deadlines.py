"""Deadlines in the fund process: the year-end follow-up opens once the year has ended, is due
by 31 January, reminds its holder before that and escalates to the coordinator after it — each
once, on a virtual clock — and a follow-up made in time sets off neither."""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo

import engine
from engine import Runtime
from web.demo.cases import CASE_D
from web.demo.replay import advance_to, replay

SWEDEN = ZoneInfo("Europe/Stockholm")


def _follow_up_open(rt: Runtime) -> tuple[int, engine.HumanTask]:
    """Case D with its 2017 year-end follow-up just offered (the 2017 progress report done)."""
    upto = [s.element for s in CASE_D.steps].index("annual_follow_up")
    case_id = replay(rt, [replace(CASE_D, steps=CASE_D.steps[:upto])])["D"]
    [task] = [t for t in engine.get_case(rt, case_id, with_data=False).open_tasks
              if t.element_id == "annual_follow_up"]  # fmt: skip
    return case_id, task


def _kinds(rt: Runtime, user: str) -> list[str]:
    page = engine.notifications_for(rt, user, unread_only=False)
    return sorted(n.kind for n in page.rows if "Uppföljning vid årsbokslutet" in n.subject)


def test_the_follow_up_opens_after_the_year_has_ended(fund_rt: Runtime) -> None:
    _, task = _follow_up_open(fund_rt)
    opened = task.created_at.astimezone(SWEDEN)
    assert opened.date().isoformat() == "2018-01-01"  # not on 31 December, mid-year-end
    assert task.due_at is not None
    assert task.due_at.astimezone(SWEDEN).date().isoformat() == "2018-02-01"


def test_a_late_follow_up_reminds_its_holder_then_escalates_once_each(fund_rt: Runtime) -> None:
    _, task = _follow_up_open(fund_rt)
    engine.claim_task(fund_rt, task.id, "elif.demir")
    advance_to(fund_rt, "2018-01-23")  # 21 days in: the reminder
    assert _kinds(fund_rt, "elif.demir") == ["reminder"]
    assert _kinds(fund_rt, "jonas.lind") == []  # a project leader who does not hold it
    assert _kinds(fund_rt, "lina.nord") == []
    advance_to(fund_rt, "2018-02-16")  # 45 days in: the coordinator hears of it
    assert _kinds(fund_rt, "lina.nord") == ["escalation"]
    advance_to(fund_rt, "2018-06-30")
    assert _kinds(fund_rt, "elif.demir") == ["reminder"]  # once each, however long it waits
    assert _kinds(fund_rt, "lina.nord") == ["escalation"]
    assert "annual_follow_up" in [
        t.element_id for t in engine.get_case(fund_rt, task.case_id, with_data=False).open_tasks
    ]  # the task stays with its holder


def test_a_follow_up_made_in_time_sets_off_neither(fund_rt: Runtime) -> None:
    _, task = _follow_up_open(fund_rt)
    advance_to(fund_rt, "2018-01-15")
    follow_up = next(s for s in CASE_D.steps if s.element == "annual_follow_up")
    engine.complete_task(fund_rt, task.id, dict(follow_up.data), "elif.demir")
    advance_to(fund_rt, "2018-03-31")
    assert _kinds(fund_rt, "elif.demir") == [] and _kinds(fund_rt, "lina.nord") == []
