"""Keyboard only (WCAG 2.1.1, 2.4.1, 2.4.7): an applicant signs in, finds her task and fills in
and sends the idea form with Tab, Space, Enter, arrow keys and typing — never the mouse — and
every place the focus stops can be seen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import pages
from tests.e2e.conftest import LiveSif

pytestmark = pytest.mark.e2e


def test_the_idea_form_can_be_filled_and_sent_with_the_keyboard_alone(
    sif: LiveSif, page: Page
) -> None:
    case = sif.start_case(by="nora.falk")
    task = sif.open_task(case.id, "submit_idea")
    keys = pages.Keyboard(page)

    page.goto("/logga-in")
    keys.fill("name", "nora.falk")
    keys.fill("password", "nora.falk")
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inkorg")

    keys.press("Tab")  # the first stop is the skip link, shown when it has the focus
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    keys.press("Enter")
    keys.tab_to(f'a[href="/uppgifter/{task.id}"]')
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lämna idé")

    keys.fill("title", "Kvällsöppen fritidsgård i Geneta")
    keys.fill("lead_board", "KFN")
    keys.fill("lead_administration", "Kultur- och fritidskontoret")
    keys.fill("contact_person", "nora.falk")
    keys.add_row("co_boards")
    keys.type("SN")
    keys.add_row("partners", key="Space")
    keys.type("Geneta BK")
    keys.press("Tab")
    keys.type("I")  # type-ahead in the closed select: "Idéburen organisation"
    keys.fill("need_description", "Unga i Geneta saknar en trygg plats på kvällarna.")
    keys.fill("target_group", "Unga 13–17 år i Geneta")
    keys.fill("intervention_summary", "Fritidsgården är öppen till 22 med fältassistenter.")
    keys.tab_to('[name="knowledge_base"]')  # into the radio group: its first option
    keys.press("ArrowDown")  # the next option, "Beprövad erfarenhet", is chosen
    for code, met in (("K1", "Ja"), ("K2", "Delvis")):
        keys.add_row("criteria_self_assessment")
        keys.type(code)
        keys.press("Tab")
        keys.type(met)
    keys.tab_to('[name="not_regular_or_existing"]')
    keys.press("Space")
    keys.fill("expected_cost_reductions", "Färre placeringar i SN.")
    keys.fill("estimated_total_tkr", "1800")
    keys.fill("estimated_duration_years", "2")
    keys.tab_to('button[name="atgard"][value="slutfor"]')
    keys.press("Enter")

    expect(page).to_have_url(re.compile(r"/$"))
    assert f"Uppgiften ”Lämna idé” i ärende {case.business_key} är slutförd." in pages.flash(page)
    stored = sif.case(case.id).data
    assert stored["title"] == "Kvällsöppen fritidsgård i Geneta"
    assert stored["co_boards"] == ["SN"]
    assert stored["partners"] == [{"name": "Geneta BK", "kind": "non_profit"}]
    assert stored["knowledge_base"] == "proven_experience"
    assert stored["criteria_self_assessment"] == [
        {"criterion_code": "K1", "met": "yes"},
        {"criterion_code": "K2", "met": "partly"},
    ]
    assert stored["not_regular_or_existing"] is True
    assert (stored["estimated_total_tkr"], stored["estimated_duration_years"]) == (1800, 2)
    assert not keys.unseen, "focus not visible on:\n" + "\n".join(keys.unseen)
