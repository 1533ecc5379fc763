"""The granting body's change decision in a real browser (DOMAIN S18): the board secretary
enters KS's decision on case C's amount change. A total beyond what the fund has left is refused
on the field, in Swedish, and nothing is booked; the decided total is then booked. axe finds
nothing to fault.

    SIF_UPDATE_SCREENSHOTS=1 .venv/bin/python -m pytest tests/e2e/test_change_decision.py
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

import engine
from engine import VirtualClock
from tasks.store import load_ledger
from tests.e2e import pages
from tests.e2e.conftest import LiveSif
from tests.e2e.test_screenshots import picture_folder, png_size
from web.demo import DEMO_START
from web.demo.cases import CASE_C, form
from web.demo.replay import replay

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def asked(sif: LiveSif) -> str:
    """Case C up to its T1 2018 deviation, which asks KS for a larger grant; the clock on the
    day KS decides. The id of the decision task."""
    engine.set_virtual_time(sif.rt.db, engine.to_datetime(DEMO_START), allow_backwards=True)
    rt = replace(sif.rt, clock=VirtualClock(sif.rt.db))
    steps = [s for s in CASE_C.steps if s.on < "2018-05-20"]
    case_id = replay(rt, [replace(CASE_C, steps=steps)])["C"]
    engine.set_virtual_time(sif.rt.db, engine.to_datetime("2018-05-20T10:00"))
    deviation = form("deviation", change_type="amount_change", decision="approved",
                     decided_by="per.sjo", decision_date="2018-05-20", impact_budget_tkr=500,
                     description="Fler elever i årskurs 7–9 behöver coachning.")  # fmt: skip
    task = sif.open_task(case_id, "handle_deviation")
    engine.complete_task(sif.rt, task.id, deviation, "maria.ek")
    engine.set_virtual_time(sif.rt.db, engine.to_datetime("2018-05-28T10:00"))
    return sif.open_task(case_id, "decide_change").id


def _committed(sif: LiveSif) -> int:
    with sif.rt.db.reading() as conn:
        return load_ledger(conn, "SIF-DEMO").project("C").committed


def test_ks_decides_a_larger_grant_within_what_the_fund_has_left(
    sif: LiveSif, asked: str, page: Page, tmp_path: Path
) -> None:
    pages.sign_in(page, "olle.vik")  # the board secretary enters KS's minutes
    page.goto(f"/uppgifter/{asked}")
    page.get_by_label("Ändringen godkänns").check()
    pages.set_value(page, "decision_date", "2018-05-28")
    pages.set_value(page, "paragraph", "§99")
    pages.set_value(page, "approved_amount_tkr", "25000")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name=pages.COMPLETE).click()
    assert answer.value.status == 422
    expect(pages.control(page, "approved_amount_tkr")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("main")).to_contain_text(
        "Ökningen 19\u00a0000 tkr överstiger vad fonden har kvar att bevilja (18\u00a0000 tkr)."
    )
    assert _committed(sif) == 6000
    expect(page.locator("body")).to_contain_text("Södertälje 2015")  # the profile by its name,
    expect(page.locator("body")).not_to_contain_text("'decision_chain'")  # never as a dict
    pages.assert_accessible(page)
    target = picture_folder(tmp_path) / "change-decision.png"
    page.screenshot(path=str(target), full_page=True)
    assert png_size(target)[0] >= 1280

    pages.set_value(page, "approved_amount_tkr", "6500")
    page.get_by_role("button", name=pages.COMPLETE).click()
    page.wait_for_load_state()
    assert _committed(sif) == 6500
