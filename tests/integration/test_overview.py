"""Where every case sits (engine.overview): stage codes from the BPMN ``stage`` property, case
tags, the earliest due task and next timer, and every filter and sort of ``CaseFilter`` — on
SQLite and PostgreSQL, with the real fund process."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

import engine
from engine import CaseFilter, Runtime
from engine.durations import LOCAL
from tasks.store import set_council_meetings
from tests.conftest import read_scenario
from tests.integration.fund import fund_runtime
from web.demo.cases import form as sample_form

ROOT = Path(__file__).resolve().parents[2]
PROCESS = "social_investment_case"
TITLE = str(sample_form("idea")["title"])


@pytest.fixture
def fund_rt(db_url: str) -> Iterator[Runtime]:
    rt = fund_runtime(db_url, now="2026-03-02T09:00")
    with rt.db.transaction() as conn:  # the council meets today: a taken-in idea is screened
        set_council_meetings(conn, "SIF-DEMO", [date(2026, 3, 2)])
    yield rt
    rt.close()


def _start(rt: Runtime) -> engine.Case:
    return engine.start_case(rt, PROCESS, "nora.falk", {"fund": "SIF-DEMO", "project": "F"})


def _submit_idea(rt: Runtime, case: engine.Case) -> None:
    """The idea sent, and taken in by the coordinator: the council meets the same day."""
    (task,) = case.open_tasks
    engine.complete_task(rt, task.id, sample_form("idea"), "nora.falk")
    (intake,) = engine.get_case(rt, case.id, with_data=False).open_tasks
    engine.complete_task(rt, intake.id, sample_form("intake"), "lina.nord")


def _keys(rt: Runtime, case_filter: CaseFilter, **order: object) -> list[str]:
    page = engine.overview(rt, case_filter, **order)  # type: ignore[arg-type]
    return [row.case.business_key for row in page.rows]


def test_a_case_carries_the_stage_its_bpmn_declares_and_its_tags(fund_rt: Runtime) -> None:
    case = _start(fund_rt)
    assert engine.get_case(fund_rt, case.id, with_data=False).stage_code == "idea_draft"
    _submit_idea(fund_rt, case)
    after = engine.get_case(fund_rt, case.id, with_data=False)
    assert (after.stage_code, after.stage) == ("idea_screening", "Rådet prövar idén")
    (row,) = engine.overview(fund_rt, CaseFilter()).rows
    assert row.tags == {"profile": "sodertalje_2015", "board": "UN", "project": "F"}
    assert row.due_at is not None  # P30D on the Swedish calendar (across summer time here)
    assert row.due_at.astimezone(LOCAL) == fund_rt.clock.now().astimezone(LOCAL) + timedelta(30)
    assert not row.overdue


def test_every_filter_narrows_as_it_says(fund_rt: Runtime) -> None:
    screened = _start(fund_rt)
    _submit_idea(fund_rt, screened)
    drafting = _start(fund_rt)
    engine.set_virtual_time(fund_rt.db, fund_rt.clock.now() + timedelta(days=31))
    keys = {screened.business_key, drafting.business_key}
    assert set(_keys(fund_rt, CaseFilter())) == keys
    expected = {
        CaseFilter(stage="idea_screening"): [screened.business_key],
        CaseFilter(stage="under_review"): [],
        CaseFilter(status="running"): None,
        CaseFilter(status="completed"): [],
        CaseFilter(role="council"): [screened.business_key],
        CaseFilter(role="applicant"): [drafting.business_key],
        CaseFilter(overdue=True): [screened.business_key],
        CaseFilter(profile="sodertalje_2015"): None,
        CaseFilter(profile="stockholm_2016"): [],
        CaseFilter(board="UN"): [screened.business_key],
        CaseFilter(year=2026): None,
        CaseFilter(year=2025): [],
        CaseFilter(process=PROCESS, version=1): None,
        CaseFilter(process=PROCESS, version=2): [],
        CaseFilter(process="due_dates"): [],
        CaseFilter(q=drafting.business_key): [drafting.business_key],
        CaseFilter(q=TITLE.lower()[2:12]): [screened.business_key],  # the idea's title, any case
        CaseFilter(q=TITLE.upper()): [screened.business_key],  # Å matches å
        CaseFilter(q="%"): [],  # a plain character, not a wildcard
    }
    for case_filter, wanted in expected.items():
        found = _keys(fund_rt, case_filter)
        assert sorted(found) == sorted(keys if wanted is None else wanted), case_filter


def test_sorting_by_next_timer_puts_undated_cases_last(fund_rt: Runtime) -> None:
    engine.deploy(fund_rt, read_scenario("timer_catch"), "admin")
    untimed = _start(fund_rt)
    timed = engine.start_case(fund_rt, "timer_catch", "nora.falk")
    (row,) = [r for r in engine.overview(fund_rt, CaseFilter()).rows if r.case.id == timed.id]
    assert row.next_timer is not None and row.next_timer.due_at > fund_rt.clock.now()
    for descending in (False, True):
        order = _keys(fund_rt, CaseFilter(), sort="timer", descending=descending)
        assert order == [timed.business_key, untimed.business_key]


def test_the_facets_offer_what_is_there_and_exports_see_every_page(fund_rt: Runtime) -> None:
    cases = [_start(fund_rt) for _ in range(3)]
    page = engine.overview(fund_rt, CaseFilter(), sort="key", descending=False, page_size=2)
    assert page.total == 3 and page.pages == 2 and len(page.rows) == 2
    assert page.facets is not None
    assert (page.facets.stages, page.facets.profiles, page.facets.years) == (
        ["idea_draft"], ["sodertalje_2015"], [2026],
    )  # fmt: skip
    assert (PROCESS, 1) in page.facets.versions
    every = engine.overview_rows(fund_rt, CaseFilter(), sort="key", descending=False)
    assert [r.case.business_key for r in every] == sorted(c.business_key for c in cases)
