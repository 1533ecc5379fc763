"""A person without the task's role meets a Swedish 403 page, never the form."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import pages
from tests.e2e.conftest import LiveSif

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("user", "element_id"),
    [("lina.nord", "submit_idea"), ("nora.falk", "screen_idea")],
    ids=["coordinator-on-the-idea", "applicant-on-the-screening"],
)
def test_a_task_without_the_role_is_a_swedish_403_page(
    sif: LiveSif, page: Page, user: str, element_id: str
) -> None:
    case = sif.start_case(by="nora.falk")
    if element_id == "screen_idea":
        sif.submit_idea(case.id)
    task = sif.open_task(case.id, element_id)
    pages.sign_in(page, user)

    answer = page.goto(f"/uppgifter/{task.id}")
    assert answer is not None and answer.status == 403
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_have_text("Du har inte behörighet")
    expect(page.get_by_role("main")).to_contain_text("Du har inte behörighet till uppgiften.")
    expect(page.get_by_role("link", name="Till inkorgen")).to_be_visible()
    expect(page.locator("form.task-form")).to_have_count(0)
    expect(page.get_by_role("button", name=pages.COMPLETE)).to_have_count(0)
    expect(page.locator('[name="title"]')).to_have_count(0)
    pages.assert_accessible(page)
