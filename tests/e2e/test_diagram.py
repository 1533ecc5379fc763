"""The process maps in a real browser: a case's diagram marks exactly its path and its open
tasks, the heatmap puts the waiting tasks on the right steps, every marker explains itself on
hover and on keyboard focus, and neither page breaks the CSP or WCAG 2.1 AA.

Three fund cases: one still waits for its idea, two have sent theirs to the council (one of
them taken by Anna Berg). The clock stands at ``NOW``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

import engine
from tests.e2e import pages
from tests.e2e.conftest import NOW, LiveSif

pytestmark = pytest.mark.e2e

# The fund process up to the council's screening: what a case with a sent idea has passed.
SENT_IDEA_PATH = {
    "start", "load_profile", "init_case", "idea_merge", "submit_idea", "intake_idea",
    "intake_gw", "book_meeting", "wait_meeting", "count_criteria", "recommend_screening",
}  # fmt: skip
SENT_IDEA_FLOWS = {
    "flow_start_to_load_profile", "flow_load_profile_to_init_case",
    "flow_init_case_to_idea_merge", "flow_idea_merge_to_submit_idea",
    "flow_submit_idea_to_intake_idea", "flow_intake_idea_to_intake_gw",
    "flow_intake_gw_to_book_meeting", "flow_book_meeting_to_wait_meeting",
    "flow_wait_meeting_to_count_criteria", "flow_count_criteria_to_recommend_screening",
    "flow_recommend_screening_to_screen_idea",
}  # fmt: skip


@dataclass(frozen=True)
class Work:
    waiting_idea: engine.Case  # started 2 Feb, no idea yet
    taken: engine.Case  # idea sent 9 Feb, screening taken by Anna Berg
    offered: engine.Case  # idea sent 23 Feb, screening offered to the council


@pytest.fixture(scope="module")
def work(sif: LiveSif) -> Work:
    engine.set_virtual_time(sif.rt.db, engine.to_datetime("2026-02-02T08:30"), allow_backwards=True)
    waiting_idea, taken, offered = (sif.start_case(by=b) for b in ("nora.falk", "amira.haddad",
                                                                    "jonas.lind"))  # fmt: skip
    engine.set_virtual_time(sif.rt.db, engine.to_datetime("2026-02-09T10:15"))
    sif.submit_idea(taken.id, by="amira.haddad", title="Tidiga insatser i Hovsjö")
    engine.set_virtual_time(sif.rt.db, engine.to_datetime("2026-02-23T08:55"))
    sif.submit_idea(offered.id, by="jonas.lind", title="Läsfrämjande i förskoleklass")
    engine.set_virtual_time(sif.rt.db, engine.to_datetime("2026-02-24T13:00"))
    engine.claim_task(sif.rt, sif.open_task(taken.id, "screen_idea").id, "anna.berg")
    engine.set_virtual_time(sif.rt.db, engine.to_datetime(NOW))
    return Work(waiting_idea, taken, offered)


def drawn(page: Page) -> Locator:
    """The map once bpmn-js has drawn it and the markers are on."""
    diagram = page.locator(".diagram")
    expect(diagram).to_have_class("diagram diagram--ready")
    return diagram


def ids(diagram: Locator, kind: str) -> set[str]:
    return set((diagram.get_attribute(f"data-{kind}") or "").split())


def test_a_case_map_marks_exactly_its_path_and_its_open_task(
    work: Work, page: Page, tmp_path: Path
) -> None:
    pages.sign_in(page, "greta.sund")  # the auditor reads everything
    page.goto(f"/arenden/{work.taken.business_key}/diagram")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Processkarta för ärendet {work.taken.business_key}"
    )
    diagram = drawn(page)
    assert ids(diagram, "current") == {"screen_idea"}
    assert ids(diagram, "completed") == SENT_IDEA_PATH
    assert ids(diagram, "flows") == SENT_IDEA_FLOWS
    assert ids(diagram, "timers") == ids(diagram, "incident") == set()
    # the drawing itself carries the classes, on exactly those elements
    current = page.locator(".djs-element.sif-mark--current")
    expect(current).to_have_count(1)
    assert current.get_attribute("data-element-id") == "screen_idea"
    expect(page.locator(".djs-shape.sif-mark--completed")).to_have_count(len(SENT_IDEA_PATH))
    expect(page.locator(".bjs-powered-by")).to_be_visible()  # bpmn.io's watermark stays
    page.screenshot(path=tmp_path / "case-diagram.png", full_page=True)
    pages.assert_accessible(page)


def test_a_marker_explains_itself_on_hover_and_on_keyboard_focus(work: Work, page: Page) -> None:
    pages.sign_in(page, "admin")
    page.goto(f"/arenden/{work.taken.business_key}/diagram")
    drawn(page)
    badge = page.get_by_role("button", name="Pågående uppgift: Rådet prövar idén")
    tip = page.locator(".diagram-mark--current [role=tooltip]")
    expect(tip).to_be_hidden()
    badge.hover()
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("Hos Anna Berg sedan 24 feb. 2026 13:00.")
    page.mouse.move(0, 0)
    expect(tip).to_be_hidden()
    page.get_by_role("button", name="Visa hela").focus()
    for _ in range(5):  # the map itself takes arrow keys; then come the markers
        page.keyboard.press("Tab")
        if badge.evaluate("b => b === document.activeElement"):
            break
    expect(badge).to_be_focused()
    expect(tip).to_be_visible()
    expect(badge).to_have_attribute("aria-describedby", tip.get_attribute("id") or "")
    page.keyboard.press("Escape")
    expect(tip).to_be_hidden()
    # the page's table says the same in words
    row = page.locator("tr[data-marker=current]")
    expect(row).to_contain_text("Rådet prövar idén")
    expect(row).to_contain_text("Hos Anna Berg")


def test_an_offered_task_names_the_roles_and_a_new_case_only_its_first_steps(
    work: Work, page: Page
) -> None:
    pages.sign_in(page, "admin")
    page.goto(f"/arenden/{work.offered.business_key}/diagram")
    diagram = drawn(page)
    assert ids(diagram, "current") == {"screen_idea"}
    page.get_by_role("button", name="Pågående uppgift: Rådet prövar idén").hover()
    expect(page.locator(".diagram-mark--current [role=tooltip]")).to_contain_text(
        "Erbjuden Rådet för sociala investeringar sedan 23 feb. 2026 08:55."
    )
    page.goto(f"/arenden/{work.waiting_idea.business_key}/diagram")
    diagram = drawn(page)
    assert ids(diagram, "current") == {"submit_idea"}
    assert ids(diagram, "completed") == {"start", "load_profile", "init_case", "idea_merge"}


def test_the_heatmap_shows_the_waiting_tasks_on_their_steps(
    work: Work, page: Page, tmp_path: Path
) -> None:
    pages.sign_in(page, "admin")
    page.goto("/arenden/vantetider")
    expect(page.get_by_role("heading", level=1)).to_have_text("Var ärendena väntar")
    diagram = drawn(page)
    assert ids(diagram, "heat") == {"screen_idea", "submit_idea"}
    screening = page.locator(".djs-element.sif-mark--heat.sif-heat--5")
    assert screening.get_attribute("data-element-id") == "screen_idea"  # the most open tasks
    badge = page.get_by_role("button", name="Rådet prövar idén: 2 öppna uppgifter")
    expect(badge).to_have_text("2Rådet prövar idén: 2 öppna uppgifter")
    badge.hover()
    # waited 20.9 and 7.0 days: the median of two is their mean
    expect(page.locator(".diagram-mark--heat [role=tooltip]").first).to_contain_text(
        "Väntat i median 14,0 dagar, längst 20,9 dagar (sedan 9 feb. 2026)."
    )
    rows = page.locator("table.diagram-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_attribute("data-element", "screen_idea")
    expect(rows.nth(0).locator("td")).to_have_text(["2", "14,0", "20,9", "9 feb. 2026"])
    expect(rows.nth(1).locator("td")).to_have_text(["1", "28,0", "28,0", "2 feb. 2026"])
    page.screenshot(path=tmp_path / "heatmap.png", full_page=True)
    pages.assert_accessible(page)


def test_an_unknown_process_is_said_in_swedish_with_the_choice_kept(work: Work, page: Page) -> None:
    pages.sign_in(page, "admin")
    response = page.goto("/arenden/vantetider?process=finns_inte")
    assert response is not None and response.status == 404
    expect(page.get_by_role("alert")).to_contain_text("Processen finns_inte finns inte.")
    pages.assert_accessible(page)


def test_the_case_page_carries_the_same_map(work: Work, page: Page) -> None:
    pages.sign_in(page, "admin")
    page.goto(f"/arenden/{work.taken.business_key}")
    diagram = drawn(page)
    assert ids(diagram, "current") == {"screen_idea"}
    assert ids(diagram, "completed") == SENT_IDEA_PATH
