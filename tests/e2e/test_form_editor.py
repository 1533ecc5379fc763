"""The form editor in a real browser: a changed field title shows in the live preview as staff
will see it, broken JSON is explained with its line, the text field can be left with the
keyboard (Esc, then Tab), saving keeps the form in the draft, and the page passes axe."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

import engine
from tests.e2e import pages
from tests.e2e.conftest import PROCESS, LiveSif
from tests.e2e.test_modeller import assert_leaving_asks_first

pytestmark = pytest.mark.e2e

OWNER = "helena.rask"
FORM = "idea.schema.json"
EDITOR = f"/modellera/{PROCESS}/formular/{FORM}"
SHOTS = os.environ.get("SIF_SHOTS_DIR")


@pytest.fixture(autouse=True)
def no_draft(sif: LiveSif) -> None:
    engine.discard_process_draft(sif.rt, OWNER, PROCESS)


def _select(page: Page, text: str) -> None:
    """Put the text field's selection on the first ``text`` (as a double click would)."""
    page.locator("#schema-text").evaluate(
        """(area, text) => { const at = area.value.indexOf(text);
             area.focus(); area.setSelectionRange(at, at + text.length); }""",
        text,
    )


def test_a_changed_title_shows_in_the_preview(page: Page, sif: LiveSif) -> None:
    pages.sign_in(page, OWNER)
    page.goto(EDITOR)
    preview = page.locator("[data-preview]")
    expect(preview.get_by_text("Huvudansvarig förvaltning", exact=False).first).to_be_visible()
    _select(page, '"Huvudansvarig förvaltning"')
    page.keyboard.type('"Förvaltning som leder projektet"')
    expect(preview.locator("label", has_text="Förvaltning som leder projektet")).to_be_visible()
    expect(preview).to_have_attribute("data-state", "ready")
    assert preview.locator("label", has_text="Huvudansvarig förvaltning").count() == 0
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "form-editor.png"), full_page=True)
    page.get_by_role("button", name="Spara i utkastet").click()
    expect(page.locator(".flashes")).to_contain_text("sparat i ditt utkast")
    draft = engine.process_draft(sif.rt, OWNER, PROCESS)
    assert draft is not None
    schema = json.loads(draft.files[FORM])
    assert schema["properties"]["lead_administration"]["title"] == "Förvaltning som leder projektet"


def test_broken_json_is_explained_with_its_line(page: Page) -> None:
    pages.sign_in(page, OWNER)
    page.goto(EDITOR)
    _select(page, '"title": "Idé (idéskiss)",')
    page.keyboard.type('"title": "Idé (idéskiss)"')  # the comma gone: line 4 runs into line 5
    problems = page.locator("[data-problems]")
    expect(problems).to_contain_text("Rad 4, kolumn 3: ett kommatecken saknas.")
    expect(page.locator("[data-preview]")).to_have_attribute("data-state", "problems")
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "form-editor-broken.png"))
    pages.assert_accessible(page)


def test_the_keyboard_indents_with_tab_and_leaves_with_esc_then_tab(page: Page) -> None:
    pages.sign_in(page, OWNER)
    page.goto(EDITOR)
    keyboard = pages.Keyboard(page)
    keyboard.tab_to("#schema-text")
    area = page.locator("#schema-text")
    before = area.input_value()
    area.evaluate("area => area.setSelectionRange(0, 0)")
    keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "schema-text"
    assert area.input_value() == "  " + before
    keyboard.press("Escape")
    keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Spara i utkastet"
    assert not keyboard.unseen, keyboard.unseen


def test_the_form_list_and_editor_pass_axe(page: Page) -> None:
    pages.sign_in(page, OWNER)
    page.goto(f"/modellera/{PROCESS}/formular")
    expect(page.get_by_role("heading", level=1)).to_have_text("Formulär")
    expect(page.get_by_role("link", name=FORM)).to_be_visible()
    pages.assert_accessible(page)
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "form-list.png"), full_page=True)
    page.get_by_role("link", name=FORM).click()
    expect(page.locator("[data-preview]")).to_have_attribute("data-state", "ready")
    pages.assert_accessible(page)


def test_the_helper_adds_a_field_the_preview_shows(page: Page) -> None:
    pages.sign_in(page, OWNER)
    page.goto(EDITOR)
    page.get_by_text("Lägg till ett fält").click()
    page.get_by_label("Namn i data").fill("start_date")
    page.get_by_label("Rubrik som handläggarna ser").fill("Planerad start")
    page.get_by_label("Typ", exact=True).select_option(label="Datum")
    page.get_by_label("Obligatoriskt", exact=True).check()
    page.get_by_role("button", name="Lägg till fältet").click()
    preview = page.locator("[data-preview]")
    field = preview.get_by_label("Planerad start")
    expect(field).to_have_attribute("type", "date")
    expect(preview.locator("label", has_text="Planerad start")).to_contain_text("obligatoriskt")
    schema = json.loads(page.locator("#schema-text").input_value())
    assert schema["properties"]["start_date"] == {
        "title": "Planerad start",
        "type": "string",
        "format": "date",
    }
    assert schema["required"][-1] == "start_date"
    if SHOTS:
        page.locator("[data-field-helper]").screenshot(path=str(Path(SHOTS) / "field-helper.png"))
    page.get_by_role("button", name="Lägg till fältet").click()
    expect(page.locator("[data-field-said]")).to_contain_text("Namnet får bara ha")
    pages.assert_accessible(page)


def test_leaving_with_unsaved_changes_asks_first(page: Page) -> None:
    pages.sign_in(page, OWNER)
    page.goto(EDITOR)
    _select(page, '"Huvudansvarig förvaltning"')
    page.keyboard.type('"Förvaltning som leder projektet"')
    assert_leaving_asks_first(page, page.get_by_role("link", name="Till formulären"))
    assert "Förvaltning som leder projektet" in page.locator("#schema-text").input_value()
