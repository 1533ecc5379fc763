"""The same case under each rule profile takes that profile's path; the task tree stays bounded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import engine
from engine import Runtime
from engine.schema import cases
from tasks.deciders import decider_roles
from tasks.profiles import all_profiles, load_profile
from tests.integration.fund import fund_runtime
from tests.integration.fund_paths import twelve_years_in_norrkoping, until_evaluation
from web.demo.cases import CASE_D, form
from web.demo.replay import ReplayStuck, Step, replay

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def rt_for(db_url: str) -> Iterator[Any]:
    opened: list[Runtime] = []

    def open_(profile: str) -> Runtime:
        opened.append(fund_runtime(db_url, profile))
        return opened[-1]

    yield open_
    for rt in opened:
        rt.close()


@pytest.mark.parametrize(
    ("profile", "committee", "outcome", "next_task"),
    [
        ("sodertalje_2015", True, "economic_effect_within_limit", "repayment_plan"),
        ("stockholm_2016", False, "economic_effect_within_limit", "repayment_plan"),
        ("stockholm_2016", False, "no_economic_effect", "exemption_request"),
        ("budget_model", False, "economic_effect_within_limit", "implementation_decision"),
        ("norrkoping_pre2021", False, "effects_not_yet_visible", None),
        ("norrkoping_post2021", False, "economic_effect_within_limit", "implementation_decision"),
    ],
    ids=["sodertalje-repays", "stockholm-repays", "stockholm-exempts", "budget-model-no-repayment",
         "norrkoping-waits-a-year", "norrkoping-after-2021-no-repayment"],
)  # fmt: skip
def test_each_profile_takes_its_own_path(
    rt_for: Any, profile: str, committee: bool, outcome: str, next_task: str | None
) -> None:
    rt = rt_for(profile)
    ids = replay(rt, [replace(CASE_D, steps=until_evaluation(profile, outcome, committee))])
    case = engine.get_case(rt, ids["D"], with_data=False)
    offered = [t.element_id for t in case.open_tasks]
    if next_task is not None:
        assert offered == [next_task]
        return
    assert offered == [] and case.status == "waiting"  # Norrköping: re-check in a year
    engine.advance_clock(rt, engine.to_datetime("2021-04-01"), "test")
    reopened = engine.get_case(rt, ids["D"], with_data=False)
    assert [t.element_id for t in reopened.open_tasks] == ["evaluation"]


def test_a_major_deviation_without_deviation_rows_is_refused(rt_for: Any) -> None:  # no. 4
    rt = rt_for("sodertalje_2015")
    steps = CASE_D.steps[: [s.element for s in CASE_D.steps].index("progress_report")]
    bad = form("progress_report", period="T3", year=2017, status="major_deviation")
    bad.pop("deviations", None)
    with pytest.raises(ReplayStuck, match="deviations"):
        replay(rt, [replace(CASE_D, steps=[*steps, Step("2018-01-10", "progress_report",
                                                          "elif.demir", bad)])])  # fmt: skip


def tree_shape(workflow_json: str) -> tuple[int, int]:
    """(tasks, deepest parent chain) over the workflow and all its subprocesses."""
    dct = json.loads(workflow_json)
    trees = [dct["tasks"], *(sub["tasks"] for sub in dct["subprocesses"].values())]
    count = sum(len(tasks) for tasks in trees)
    deepest = 0
    for tasks in trees:
        for task in tasks.values():
            depth, parent = 0, task["parent"]
            while parent is not None:
                depth, parent = depth + 1, tasks[parent]["parent"]
            deepest = max(deepest, depth)
    return count, deepest


def test_ten_years_of_a_case_keep_the_task_tree_bounded(rt_for: Any) -> None:
    rt = rt_for("sodertalje_2015")
    replay(rt, [CASE_D])  # 2017–2026: 3 budget years, 7 reports, 5 repayment years
    with rt.db.reading() as conn:
        workflow = conn.execute(select(cases.c.workflow)).scalar_one()
    count, deepest = tree_shape(workflow)
    # Yearly repetitions are multi-instance children, not gateway loops: the deepest chain is
    # the main line of the process, whatever the number of years.
    assert deepest < 120, deepest
    assert count < 1500, count


def test_twelve_years_of_virtual_time_keep_the_task_tree_bounded(rt_for: Any) -> None:
    """Norrköping: effects not visible for three years (a yearly re-check), then five repayment
    years: the case lives 2017–2029 and still completes with a bounded tree."""
    rt = rt_for("norrkoping_pre2021")
    steps = twelve_years_in_norrkoping()
    ids = replay(rt, [replace(CASE_D, steps=steps)])
    final = engine.get_case(rt, ids["D"], with_data=False)
    assert final.status == "completed", (final.stage, engine.list_timers(rt, case_id=final.id))
    with rt.db.reading() as conn:
        workflow = conn.execute(select(cases.c.workflow)).scalar_one()
    count, deepest = tree_shape(workflow)
    assert deepest < 120, deepest
    assert count < 1500, count
    # Twelve years of finished subprocesses left the stored tree (engine.bpmn.prune).
    assert json.loads(workflow)["subprocesses"] == {}
    assert len(workflow.encode()) <= 100 * 1024, len(workflow.encode())


def _granted(profile: str) -> list[Step]:
    """Case D until its grant, along the profile's decision chain."""
    upto = [s.element for s in CASE_D.steps].index("project_setup")
    committee = "committee" in load_profile(profile).decision_chain
    return [s for s in CASE_D.steps[:upto] if committee or s.element != "committee_decision"]


@pytest.mark.parametrize("profile", sorted(all_profiles()))
def test_each_profile_offers_the_exemption_decision_to_its_decider(
    rt_for: Any, profile: str
) -> None:
    """Who decides an exemption comes from the frozen profile (Stockholm: the city director;
    Södertälje: KS, entered by the board secretary); anyone else is refused."""
    rt = rt_for(profile)
    case_id = replay(rt, [replace(CASE_D, steps=_granted(profile))])["D"]
    asked = engine.send_message(rt, case_id, "exemption_requested", {}, "maria.ek")
    [request] = [t for t in asked.open_tasks if t.element_id == "anytime_exemption_request"]
    engine.complete_task(rt, request.id, form("exemption_request"), "maria.ek")
    [decision] = [t for t in engine.get_case(rt, case_id, with_data=False).open_tasks
                  if t.element_id == "anytime_exemption_decision"]  # fmt: skip
    expected = tuple(decider_roles(load_profile(profile).exemption_decided_by))
    assert decision.roles == expected
    holders = {"board_secretary": "olle.vik", "city_director": "anna.berg"}
    outsider = "anna.berg" if "board_secretary" in expected else "olle.vik"
    full = form("exemption_decision", decision_date="2017-07-01")
    with pytest.raises(engine.NotAllowed):
        engine.complete_task(rt, decision.id, full, outsider)
    engine.complete_task(rt, decision.id, full, holders[expected[0]])
