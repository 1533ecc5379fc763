"""The decision editor in a real browser: every DMN file Sif ships (processes/, tests/data/)
opens in dmn-js without an import warning and, saved unchanged, still passes Sif's whole
validation; a changed cell reaches the draft; no CSP refusal on the way; the page passes axe."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import etree
from playwright.sync_api import Page, expect

import engine
from tests.conftest import read_scenario
from tests.e2e import pages
from tests.e2e.conftest import PROCESS, ROOT, LiveSif
from tests.e2e.test_modeller import assert_leaving_asks_first

pytestmark = pytest.mark.e2e

OWNER = "helena.rask"
SHOTS = os.environ.get("SIF_SHOTS_DIR")
#: Every DMN file in the repository's processes and test scenarios, with the process whose
#: bundle holds it once deployed.
DMN_FILES = sorted(
    [(PROCESS, p) for p in (ROOT / "processes").glob("*.dmn")]
    + [(p.parent.name, p) for p in (ROOT / "tests/data").glob("*/*.dmn")]
)


@pytest.fixture(scope="module")
def scenarios(sif: LiveSif) -> LiveSif:
    """The test scenarios that hold DMN files, deployed beside the fund process."""
    for key in {key for key, _ in DMN_FILES if key != PROCESS}:
        engine.deploy(sif.rt, read_scenario(key), "system")
    return sif


def _decisions(content: bytes) -> list[tuple[str, str, str]]:
    """What a DMN file decides: every element outside the drawing, its attributes and its own
    text (labels, names, expressions, cell values), in document order."""
    root = etree.fromstring(content)
    found = []
    for element in root.iter(etree.Element):
        name = etree.QName(element)
        if "DMNDI" in (name.namespace or "") or "/DC/" in (name.namespace or ""):
            continue
        attributes = dict(element.attrib)
        if name.localname == "decisionTable":  # dmn-js leaves out the default, as DMN allows
            attributes.setdefault("hitPolicy", "UNIQUE")
        said = " ".join(f"{k}={v}" for k, v in sorted(attributes.items()))
        found.append((name.localname, said, (element.text or "").strip()))
    return found


def _open(page: Page, sif: LiveSif, key: str, file: str) -> None:
    """Open ``file`` of ``key`` in the editor, from the deployed version (no draft)."""
    engine.discard_process_draft(sif.rt, OWNER, key)
    page.goto(f"/modellera/{key}/beslut/{file}")
    expect(page.locator("[data-dmn-editor]")).to_have_attribute("data-state", "ready")


@pytest.mark.parametrize(("key", "path"), DMN_FILES, ids=[p.name for _, p in DMN_FILES])
def test_a_dmn_file_survives_the_round_trip(
    page: Page, scenarios: LiveSif, key: str, path: Path
) -> None:
    pages.sign_in(page, OWNER)
    _open(page, scenarios, key, path.name)
    editor = page.locator("[data-dmn-editor]")
    assert editor.get_attribute("data-warnings") == "[]"
    expect(page.locator(".tjs-table").first).to_be_visible()
    page.get_by_role("button", name="Spara i utkastet").click()
    expect(editor).to_have_attribute("data-state", "saved")
    draft = engine.process_draft(scenarios.rt, OWNER, key)
    assert draft is not None
    assert engine.check_bundle(scenarios.rt, draft.files) == []
    assert _decisions(draft.files[path.name]) == _decisions(path.read_bytes())
    page.reload()
    expect(editor).to_have_attribute("data-state", "ready")
    assert editor.get_attribute("data-warnings") == "[]"


def test_a_changed_cell_reaches_the_draft(page: Page, scenarios: LiveSif) -> None:
    pages.sign_in(page, OWNER)
    _open(page, scenarios, PROCESS, "idea_screening.dmn")
    cell = page.locator('[data-element-id="idea_screening_rule_not_met_not_met"]')
    expect(cell.get_by_role("textbox")).to_have_text("> 0")
    cell.click()
    page.keyboard.press("End")
    page.keyboard.press("Backspace")
    page.keyboard.type("1")
    expect(cell.get_by_role("textbox")).to_have_text("> 1")
    editor = page.locator("[data-dmn-editor]")
    expect(editor).to_have_attribute("data-state", "unsaved")
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "dmn-editor.png"), full_page=True)
    page.get_by_role("button", name="Spara i utkastet").click()
    expect(editor).to_have_attribute("data-state", "saved")
    expect(page.locator("[data-dmn-status]")).to_contain_text("sparad i ditt utkast")
    expect(page.locator("[data-source-text]")).to_contain_text("Du arbetar i ditt utkast")
    draft = engine.process_draft(scenarios.rt, OWNER, PROCESS)
    assert draft is not None
    saved = draft.files["idea_screening.dmn"].decode()
    assert (
        "&gt; 1</text>" in saved
        and "&gt; 0</text>" not in saved.split("rule_not_met_not_met")[1][:200]
    )
    page.get_by_role("button", name="Validera").click()
    expect(page.locator("[data-dmn-problems]")).to_contain_text("inga fel")


def test_the_decision_pages_pass_axe(page: Page, scenarios: LiveSif) -> None:
    pages.sign_in(page, OWNER)
    page.goto(f"/modellera/{PROCESS}/beslut")
    expect(page.get_by_role("heading", level=1)).to_have_text("Beslutstabeller")
    pages.assert_accessible(page)
    _open(page, scenarios, PROCESS, "evaluation_outcome.dmn")
    pages.assert_accessible(page)


def test_leaving_with_unsaved_changes_asks_first(page: Page, scenarios: LiveSif) -> None:
    pages.sign_in(page, OWNER)
    _open(page, scenarios, PROCESS, "idea_screening.dmn")
    cell = page.locator('[data-element-id="idea_screening_rule_not_met_not_met"]')
    cell.click()
    page.keyboard.press("End")
    page.keyboard.type("1")
    editor = page.locator("[data-dmn-editor]")
    expect(editor).to_have_attribute("data-state", "unsaved")
    assert_leaving_asks_first(page, page.get_by_role("link", name="Till beslutstabellerna"))
    expect(editor).to_have_attribute("data-state", "unsaved")
