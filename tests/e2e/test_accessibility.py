"""axe-core (vendored, web/static/vendor/axe-core) finds no WCAG 2.1 A/AA violations on the
pages people use most, each with real content on it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

import engine
from tests.e2e import pages
from tests.e2e.conftest import LiveSif

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module", autouse=True)
def cases(sif: LiveSif) -> None:
    """Work to show: ideas waiting for the council (one taken), one idea still unwritten."""
    submitted = [sif.start_case(by=who) for who in ("nora.falk", "jonas.lind", "elif.demir")]
    for case in submitted:
        sif.submit_idea(case.id, by=case.started_by)
    sif.start_case(by="nora.falk")
    engine.claim_task(sif.rt, sif.open_task(submitted[0].id, "screen_idea").id, "anna.berg")


def test_the_sign_in_page(page: Page) -> None:
    page.goto("/logga-in")
    pages.assert_accessible(page)


def test_the_sign_in_page_with_an_error(page: Page) -> None:
    page.goto("/logga-in")
    page.get_by_label("Användarnamn").fill("nora.falk")
    page.get_by_label("Lösenord").fill("fel lösenord")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    pages.assert_accessible(page)


def test_the_sign_in_page_with_empty_fields(page: Page) -> None:
    page.goto("/logga-in")
    page.get_by_role("button", name="Logga in").click()
    expect(page.locator(".field__error").first).to_be_visible()
    pages.assert_accessible(page)


def test_the_inbox(page: Page) -> None:
    pages.sign_in(page, "anna.berg")
    expect(page.locator("table.inbox-table tbody tr")).to_have_count(3)
    pages.assert_accessible(page)


def test_the_empty_inbox(page: Page) -> None:
    pages.sign_in(page, "lina.nord")
    expect(page.get_by_role("heading", name="Inga uppgifter")).to_be_visible()
    pages.assert_accessible(page)


def test_the_idea_task_with_errors_shown(sif: LiveSif, page: Page) -> None:
    case = sif.start_case(by="nora.falk")
    task = sif.open_task(case.id, "submit_idea")
    pages.sign_in(page, "nora.falk")
    page.goto(f"/uppgifter/{task.id}")
    pages.set_value(page, "lead_board", "kfn")
    pages.set_value(page, "estimated_total_tkr", "många")
    pages.add_row(page, "partners", {"name": "Geneta BK"})
    pages.add_row(page, "criteria_self_assessment", {"criterion_code": "K1"})
    page.get_by_role("button", name=pages.COMPLETE).click()
    expect(page.locator("#felsammanfattning")).to_be_visible()
    pages.assert_accessible(page)


def test_the_screening_task_with_the_idea_beside_it(sif: LiveSif, page: Page) -> None:
    pages.sign_in(page, "anna.berg")
    page.locator("table.inbox-table tbody tr").first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rådet prövar idén")
    pages.assert_accessible(page)
    page.get_by_role("button", name=pages.COMPLETE).click()
    expect(page.locator("#felsammanfattning")).to_be_visible()
    pages.assert_accessible(page)


def test_my_cases(page: Page) -> None:
    pages.sign_in(page, "nora.falk")
    page.get_by_role("link", name="Mina ärenden").click()
    expect(page.locator("tbody tr").first).to_be_visible()
    pages.assert_accessible(page)


@pytest.mark.parametrize(("user", "path"), [(None, "/logga-in"), ("anna.berg", "/"),
                                            ("nora.falk", "/mina-arenden")])  # fmt: skip
def test_a_phone_sized_screen_needs_no_sideways_scrolling(
    page: Page, user: str | None, path: str
) -> None:
    """WCAG 1.4.10 at 320 CSS px: the page reflows; only a wide table scrolls, in its own
    region, which the keyboard can reach."""
    page.set_viewport_size({"width": 320, "height": 640})
    if user:
        pages.sign_in(page, user)
    page.goto(path)
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{path} is {widths[0]} px wide on a {widths[1]} px screen"
    pages.assert_accessible(page)
