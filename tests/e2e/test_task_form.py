"""The task page keeps what people type: through a refused form, a draft across sign-ins, and
a task completed meanwhile in another tab."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import pages
from tests.e2e.conftest import LiveSif
from tests.e2e.pages import IDEA

pytestmark = pytest.mark.e2e

TYPED = {
    "title": "Simskola för nyanlända familjer",
    "lead_board": "kfn",  # lower case: the pattern wants a board code such as KFN
    "lead_administration": "Kultur- och fritidskontoret",
    "contact_person": "nora.falk",
    "need_description": "Många barn i Ronna kan inte simma när de börjar årskurs 4.",
    "estimated_total_tkr": "ungefär en miljon",  # not a number
    "estimated_duration_years": "2",
}
CRITERIA = [
    {"criterion_code": "K1", "met": "yes", "motivation": "Förebygger drunkningsolyckor."},
    {"criterion_code": "K2", "met": "partly", "motivation": "Effekten på kostnader är osäker."},
]
PARTNER = {"name": "Södertälje Simsällskap", "kind": "non_profit", "role": "Simlärare"}


def open_idea(sif: LiveSif, page: Page) -> str:
    """A new case's idea task, opened by its applicant; the case's business key."""
    case = sif.start_case(by="nora.falk")
    task = sif.open_task(case.id, "submit_idea")
    pages.sign_in(page, "nora.falk")
    page.goto(f"/uppgifter/{task.id}")
    return case.business_key


def type_partial_idea(page: Page) -> None:
    for name, value in TYPED.items():
        pages.set_value(page, name, value)
    pages.add_row(page, "co_boards", "SN")
    pages.add_row(page, "partners", PARTNER)
    for criterion in CRITERIA:
        pages.add_row(page, "criteria_self_assessment", criterion)
    page.get_by_label("Ny, lovande metod").check()


def expect_partial_idea_kept(page: Page) -> None:
    assert pages.values_of(page, list(TYPED)) == TYPED
    assert pages.list_values(page, "co_boards") == ["SN"]
    assert pages.row_values(page, "partners") == [PARTNER]
    assert pages.row_values(page, "criteria_self_assessment") == CRITERIA
    expect(page.get_by_label("Ny, lovande metod")).to_be_checked()


def test_a_refused_form_keeps_everything_typed_including_rows(sif: LiveSif, page: Page) -> None:
    open_idea(sif, page)
    type_partial_idea(page)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name=pages.COMPLETE).click()
    assert answer.value.status == 422

    summary = page.locator("#felsammanfattning")
    expect(summary).to_be_focused()  # a screen reader starts at the list of errors
    expect(summary).to_contain_text(re.compile(r"Rätta \d+ fel innan du skickar"))
    expect_partial_idea_kept(page)
    for name in ("lead_board", "estimated_total_tkr", "target_group"):
        expect(pages.control(page, name)).to_have_attribute("aria-invalid", "true")

    # Each error in the summary is a link to its field.
    summary.get_by_role("link", name=re.compile("Målgrupp")).click()
    expect(pages.control(page, "target_group")).to_be_focused()


def test_a_draft_survives_signing_out_and_in(sif: LiveSif, page: Page) -> None:
    key = open_idea(sif, page)
    type_partial_idea(page)
    page.get_by_role("button", name=pages.SAVE_DRAFT).click()
    assert "Utkastet är sparat" in pages.flash(page)
    pages.sign_out(page)

    pages.sign_in(page, "nora.falk")
    pages.inbox_row(page, key).get_by_role("link", name="Lämna idé").click()
    expect(page.get_by_text("Du fortsätter på ditt utkast")).to_be_visible()
    expect_partial_idea_kept(page)


def test_the_second_tab_to_complete_a_task_is_told_and_keeps_its_answers(
    sif: LiveSif, page: Page
) -> None:
    case = sif.start_case(by="nora.falk")
    task = sif.open_task(case.id, "submit_idea")
    pages.sign_in(page, "nora.falk")
    first = page
    second = page.context.new_page()  # the same person, the same session, another tab
    for tab in (first, second):
        tab.goto(f"/uppgifter/{task.id}")

    first.bring_to_front()  # a background tab is throttled; people type in the one in front
    pages.fill_idea(first)
    first.get_by_role("button", name=pages.COMPLETE).click()
    assert "är slutförd" in pages.flash(first)

    second.bring_to_front()
    pages.fill_idea(second)
    pages.set_value(second, "title", "Läxhjälp i Hovsjö – version från andra fliken")
    with second.expect_response(lambda r: r.request.method == "POST") as answer:
        second.get_by_role("button", name=pages.COMPLETE).click()
    assert answer.value.status == 409

    problem = second.get_by_role("alert").filter(has_text="Uppgiften kunde inte slutföras")
    expect(problem).to_contain_text("Uppgiften är redan slutförd av nora.falk.")
    expect(problem).to_contain_text("Det du har fyllt i visas nedan men är inte sparat.")
    expect(pages.control(second, "title")).to_have_value(
        "Läxhjälp i Hovsjö – version från andra fliken"
    )
    assert pages.row_values(second, "criteria_self_assessment") == list(IDEA.criteria)
    assert pages.row_values(second, "partners") == list(IDEA.partners)
    assert sif.case(case.id).data["title"] == IDEA.fields["title"]  # the first tab's answer
