"""The fund's yearly portfolio report (DOMAIN S20): a case of its own whose first step gathers
every project's money from the ledger as of 31 December, its latest results from its follow-up
and the risks its case shows; the coordinator writes the assessment and the one the profile
names reports it to KS (the city director in Stockholm, KS's secretary elsewhere)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

import engine
from engine import Runtime
from tasks.store import load_ledger
from tests.integration.fund import complete, fund_runtime, offered, open_task
from web.demo.cases import CASE_D, follow_up, form, report
from web.demo.replay import advance_to, replay

WRITTEN = {"summary": "Ett projekt pågår enligt plan.", "risk_assessment": "Tidplanen har ändrats."}


def _d_through_2018(rt: Runtime) -> int:
    """Case D into 2019: a deviation (a new timeline, the head of administration's call) in its
    T1 2018 report, and the follow-up of 2018 at the year-end accounts."""
    steps = CASE_D.steps[: [s.on for s in CASE_D.steps].index("2018-05-08")]
    case_id = replay(rt, [replace(CASE_D, steps=steps)])["D"]
    advance_to(rt, "2018-05-08")
    row = {"type": "time", "severity": "major", "decision_needed": True,
           "description": "Rekryteringen drog ut på tiden."}  # fmt: skip
    complete(rt, case_id, "progress_report", "elif.demir",
             report("T1", 2018, "major_deviation", deviations=[row]))  # fmt: skip
    asked = {"change_type": "timeline", "decision": "approved", "decided_by": "per.sjo",
             "decision_date": "2018-05-12", "description": "Starten flyttas en månad."}  # fmt: skip
    complete(rt, case_id, "handle_deviation", "per.sjo", form("deviation", **asked))
    advance_to(rt, "2019-01-20")
    complete(rt, case_id, "annual_follow_up", "elif.demir", follow_up(2018, 1200))
    return case_id


def _portfolio(rt: Runtime, case_id: int) -> dict[str, Any]:
    data = engine.get_case(rt, case_id).data
    assert data is not None
    return dict(data["portfolio"])


def test_the_report_shows_each_project_as_the_ledger_and_its_follow_up_tell_it(
    fund_rt: Runtime,
) -> None:
    d_case = _d_through_2018(fund_rt)
    case = engine.start_case(fund_rt, "portfolio_report", "lina.nord", {"fund": "SIF-DEMO"})
    assert offered(fund_rt, case.id) == ["write_portfolio_report"]
    portfolio = _portfolio(fund_rt, case.id)
    assert portfolio["year"] == 2018  # the last year that has ended on 2019-01-20
    assert engine.get_case(fund_rt, case.id, with_data=False).title == "Portföljrapport 2018"
    with fund_rt.db.reading() as conn:
        ledger = load_ledger(conn, "SIF-DEMO")
    d, fund = ledger.project("D", date(2018, 12, 31)), ledger.fund(date(2018, 12, 31))
    [line] = portfolio["projects"]
    assert line["case"] == engine.get_case(fund_rt, d_case, with_data=False).business_key
    assert (line["granted_tkr"], line["net_disbursed_tkr"], line["outstanding_tkr"]) == (
        d.granted, d.net_disbursed, d.outstanding,
    )  # fmt: skip
    assert line["net_disbursed_tkr"] > 0
    assert line["result"].startswith("Årsuppföljning 2018: förbrukat 1\u00a0200 tkr")
    assert "avvikelse 2018-05-08: ändrad tidplan" in line["risks"]
    assert portfolio["fund"]["available_tkr"] == fund.available_to_grant
    assert portfolio["fund"]["net_disbursed_tkr"] == fund.net_disbursed


def test_a_year_asked_for_is_reported_as_of_its_end(fund_rt: Runtime) -> None:
    _d_through_2018(fund_rt)
    case = engine.start_case(fund_rt, "portfolio_report", "lina.nord",
                             {"fund": "SIF-DEMO", "year": 2017})  # fmt: skip
    with fund_rt.db.reading() as conn:
        d = load_ledger(conn, "SIF-DEMO").project("D", date(2017, 12, 31))
    [line] = _portfolio(fund_rt, case.id)["projects"]
    assert line["net_disbursed_tkr"] == d.net_disbursed
    assert "avvikelse" not in line["risks"]  # the deviation came in 2018


@pytest.mark.parametrize(
    ("profile", "reporter", "other"),
    [("stockholm_2016", "city_director", "olle.vik"), ("sodertalje_2015", "board_secretary",
                                                        "maria.lund")],
)  # fmt: skip
def test_the_profile_names_who_reports_to_ks(
    db_url: str, profile: str, reporter: str, other: str
) -> None:
    rt = fund_runtime(db_url, profile=profile, now="2019-02-01")
    try:
        case = engine.start_case(rt, "portfolio_report", "lina.nord", {"fund": "SIF-DEMO"})
        assert _portfolio(rt, case.id)["projects"] == []
        complete(rt, case.id, "write_portfolio_report", "lina.nord", WRITTEN)
        present = open_task(rt, case.id, "present_portfolio")
        assert present.roles == (reporter,)
        with pytest.raises(engine.NotAllowed):
            engine.complete_task(rt, present.id, {"outcome": "presented",
                                                  "meeting_date": "2019-02-20"}, other)  # fmt: skip
    finally:
        rt.close()


def test_a_returned_report_goes_back_to_the_coordinator_with_what_was_written(
    fund_rt: Runtime,
) -> None:
    engine.set_virtual_time(fund_rt.db, engine.to_datetime("2019-02-01"))
    case = engine.start_case(fund_rt, "portfolio_report", "lina.nord", {"fund": "SIF-DEMO"})
    complete(fund_rt, case.id, "write_portfolio_report", "lina.nord", WRITTEN)
    present = open_task(fund_rt, case.id, "present_portfolio")
    with pytest.raises(engine.ValidationFailed) as refused:  # returned, but not said what for
        unsaid = {"outcome": "returned", "meeting_date": "2019-02-20"}
        engine.complete_task(fund_rt, present.id, unsaid, "olle.vik")
    assert [e.path for e in refused.value.errors] == ["comments"]
    assert offered(fund_rt, case.id) == ["present_portfolio"]
    returned = {"outcome": "returned", "meeting_date": "2019-02-20", "comments": "Lägg till D."}
    engine.complete_task(fund_rt, present.id, returned, "olle.vik")
    again = open_task(fund_rt, case.id, "write_portfolio_report")
    view = engine.task_view(fund_rt, again.id, "lina.nord")
    assert view.form_values["summary"] == WRITTEN["summary"]
    assert view.form_values["portfolio"]["year"] == 2018
    complete(fund_rt, case.id, "write_portfolio_report", "lina.nord", WRITTEN)
    noted = {"outcome": "presented", "meeting_date": "2019-03-20", "paragraph": "§45"}
    complete(fund_rt, case.id, "present_portfolio", "olle.vik", noted)
    assert engine.get_case(fund_rt, case.id, with_data=False).status == "completed"


def test_figures_posted_back_with_the_form_never_replace_the_gathered_ones(
    fund_rt: Runtime,
) -> None:
    engine.set_virtual_time(fund_rt.db, engine.to_datetime("2019-02-01"))
    case = engine.start_case(fund_rt, "portfolio_report", "lina.nord", {"fund": "SIF-DEMO"})
    gathered = _portfolio(fund_rt, case.id)
    forged = {**gathered, "fund": {**gathered["fund"], "available_tkr": 1}}
    complete(fund_rt, case.id, "write_portfolio_report", "lina.nord",
             {**WRITTEN, "portfolio": forged})  # fmt: skip
    assert _portfolio(fund_rt, case.id) == gathered
    data = engine.get_case(fund_rt, case.id).data or {}
    assert data["portfolio_report"] == WRITTEN  # the facts shown are no answers of the step


def test_a_year_that_has_not_ended_is_refused_in_words(fund_rt: Runtime) -> None:
    engine.set_virtual_time(fund_rt.db, engine.to_datetime("2019-02-01"))
    case = engine.start_case(fund_rt, "portfolio_report", "lina.nord",
                             {"fund": "SIF-DEMO", "year": 2019})  # fmt: skip
    stuck = engine.get_case(fund_rt, case.id, with_data=False)
    assert stuck.status == "error" and stuck.incident is not None
    assert "Året 2019 har inte tagit slut än" in stuck.incident.message


def test_a_year_that_is_no_year_is_refused_in_words(fund_rt: Runtime) -> None:
    engine.set_virtual_time(fund_rt.db, engine.to_datetime("2019-02-01"))
    case = engine.start_case(fund_rt, "portfolio_report", "lina.nord",
                             {"fund": "SIF-DEMO", "year": "förra året"})  # fmt: skip
    stuck = engine.get_case(fund_rt, case.id, with_data=False)
    assert stuck.status == "error" and stuck.incident is not None
    assert "Året ska vara ett årtal, till exempel 2018" in stuck.incident.message
