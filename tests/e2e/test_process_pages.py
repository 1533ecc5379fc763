"""The process owners' pages in a real browser: the list of processes, a version with its
diagram and files, and what changed between two versions marked on both diagrams — WCAG 2.1
AA by axe, within the CSP, and usable from the keyboard.

The live Sif has the fund process deployed (version 1); review_loop is deployed here as
version 1 and as version 2 with ``changed_review_loop``'s changes, by Helena Rask, the demo's
process owner.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

import engine
from tests.conftest import read_scenario
from tests.e2e import pages
from tests.e2e.conftest import PROCESS, LiveSif
from tests.e2e.test_screenshots import picture_folder
from tests.integration.test_process_versions import changed_review_loop

pytestmark = pytest.mark.e2e

OWNER = "helena.rask"


@pytest.fixture(scope="module")
def two_versions(sif: LiveSif) -> LiveSif:
    engine.deploy(sif.rt, read_scenario("review_loop"), OWNER, comment="Första versionen")
    engine.deploy(sif.rt, changed_review_loop(), OWNER, comment="Noggrannare granskning")
    sif.start_case()
    return sif


def drawn(diagram: Locator) -> Locator:
    expect(diagram).to_have_class("diagram diagram--ready")
    return diagram


def ids(diagram: Locator, kind: str) -> set[str]:
    return set((diagram.get_attribute(f"data-{kind}") or "").split())


def shoot(page: Page, folder: Path, name: str) -> None:
    """The whole page as a picture (taken every run, so the page is known to render)."""
    page.screenshot(path=folder / f"{name}.png", full_page=True)


def test_the_list_shows_each_process_and_its_versions(
    two_versions: LiveSif, page: Page, tmp_path: Path
) -> None:
    pages.sign_in(page, OWNER)
    page.get_by_role("link", name="Processer", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Processer")
    fund = page.get_by_role("region", name="Versioner av Social investering, nyaste först")
    expect(fund.locator("tbody tr")).to_have_count(1)
    expect(fund.locator("tbody tr td.num")).to_have_text(["1", "1"])  # the case started above
    loop = page.get_by_role(
        "region", name="Versioner av Idégranskning med återremiss, nyaste först"
    )
    expect(loop.locator("tbody th")).to_have_text(["Version 2", "Version 1"])
    expect(loop.locator("tbody tr").first).to_contain_text("Helena Rask")
    expect(loop.locator("tbody tr").first).to_contain_text("Noggrannare granskning")
    expect(page.get_by_role("link", name="Ladda upp filer")).to_have_attribute(
        "href", "/processer/ladda-upp"
    )
    shoot(page, tmp_path, "list")
    pages.assert_accessible(page)


def test_a_version_shows_its_diagram_and_files(
    two_versions: LiveSif, page: Page, tmp_path: Path
) -> None:
    pages.sign_in(page, OWNER)
    page.goto(f"/processer/{PROCESS}/1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Social investering, version 1")
    diagram = drawn(page.locator(".diagram"))
    assert ids(diagram, "added") == ids(diagram, "changed") == ids(diagram, "removed") == set()
    expect(page.locator(".djs-shape[data-element-id=submit_idea]")).to_be_visible()
    files = page.get_by_role("region", name="Filer")
    expect(files.get_by_role("link", name="social_investment_case.bpmn")).to_have_attribute(
        "href", f"/processer/{PROCESS}/1/filer/social_investment_case.bpmn"
    )
    expect(files.get_by_role("link", name="idea.schema.json")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner versionen som zip-fil").click()
    assert download.value.suggested_filename == f"{PROCESS}-v1.zip"
    shoot(page, tmp_path, "version")
    pages.assert_accessible(page)


def test_the_diff_marks_what_changed_on_both_diagrams(
    two_versions: LiveSif, page: Page, tmp_path: Path
) -> None:
    pages.sign_in(page, OWNER)
    page.goto("/processer/review_loop/skillnad?fran=1&till=2")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Vad ändrades i Idégranskning med återremiss"
    )
    new, old = page.locator(".diagram").nth(0), page.locator(".diagram").nth(1)
    drawn(new)
    drawn(old)
    assert ids(new, "added") == {"log_approval", "flow_log_approval_to_approved"}
    assert ids(new, "changed") == {"review", "flow_decision_revise", "flow_decision_approve"}
    assert ids(new, "removed") == ids(old, "added") == ids(old, "changed") == set()
    assert ids(old, "removed") == {"count_round", "flow_count_round_to_revise"}
    expect(page.locator(".djs-shape.sif-mark--removed")).to_have_attribute(
        "data-element-id", "count_round"
    )
    expect(page.get_by_role("heading", name="Kommentar till sökanden")).to_have_count(0)
    expect(page.locator("tr[data-field=comment][data-aspect=maxLength] td")).to_have_text(
        ["Största längd", "2000", "4000"]
    )
    shoot(page, picture_folder(tmp_path), "diff")
    pages.assert_accessible(page)


def test_a_changed_step_explains_itself_on_keyboard_focus(
    two_versions: LiveSif, page: Page
) -> None:
    pages.sign_in(page, OWNER)
    page.goto("/processer/review_loop/skillnad?fran=1&till=2")
    drawn(page.locator(".diagram").nth(0))
    badge = page.get_by_role("button", name="Ändrat: Granska idén noga")
    keyboard = pages.Keyboard(page)
    keyboard.tab_to(".diagram-mark--changed .diagram-mark__button")
    expect(badge).to_be_focused()
    tip = page.locator(".diagram-mark--changed [role=tooltip]")
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("Namn: Granska idé → Granska idén noga")
    page.keyboard.press("Escape")
    expect(tip).to_be_hidden()
    assert not keyboard.unseen, keyboard.unseen


def test_two_versions_are_chosen_from_the_keyboard(
    two_versions: LiveSif, page: Page, tmp_path: Path
) -> None:
    pages.sign_in(page, OWNER)
    page.goto("/processer/review_loop/2")
    keyboard = pages.Keyboard(page)
    keyboard.tab_to("select#fran")
    expect(page.locator("select#fran")).to_have_value("1")
    keyboard.press("Tab")
    expect(page.get_by_role("button", name="Visa skillnaderna")).to_be_focused()
    keyboard.press("Enter")
    page.wait_for_url("**/processer/review_loop/skillnad?till=2&fran=1")
    expect(page.locator("li[data-change=added]")).to_have_count(2)
    page.locator("select#fran").select_option("2")
    page.get_by_role("button", name="Jämför").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Du har valt version 2 två gånger. Välj två olika versioner att jämföra."
    )
    shoot(page, tmp_path, "same-version")
    pages.assert_accessible(page)
    assert not keyboard.unseen, keyboard.unseen


def test_an_unknown_version_is_said_in_swedish(two_versions: LiveSif, page: Page) -> None:
    pages.sign_in(page, OWNER)
    response = page.goto("/processer/review_loop/7")
    assert response is not None and response.status == 404
    expect(page.locator("main")).to_contain_text("Processen review_loop har ingen version 7.")
