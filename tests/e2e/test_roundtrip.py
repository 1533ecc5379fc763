"""Round-trip fidelity: every .bpmn file in processes/ and tests/data/ opened in Sif's modeller
and saved unchanged imports without a warning, validates as before, deploys, and compiles to
exactly the process it was (the same SpiffWorkflow spec and the same Sif metadata: roles,
forms, due dates, stages), so its scenario runs as before. The fund is also run: a case
started on the saved version goes through its first steps. (The .dmn files' round trip is
the DMN editor's, tests/e2e/test_dmn_editor.py.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

import engine
from engine import Runtime
from engine.schema import definitions
from tests.conftest import read_scenario
from tests.e2e import pages
from tests.e2e.conftest import PROCESS, ROOT, LiveSif
from tests.e2e.test_modeller import OWNER, open_modeller

pytestmark = pytest.mark.e2e

SCENARIOS = sorted({p.parent.name for p in (ROOT / "tests/data").glob("*/*.bpmn")})


def test_every_shipped_and_scenario_file_has_a_diagram() -> None:
    """A file without a diagram cannot be shown by any graphical modeller: every BPMN file we
    ship or test with is drawn (the three hand-written ones were laid out with
    bpmn-auto-layout)."""
    files = [*(ROOT / "processes").glob("*.bpmn"), *(ROOT / "tests/data").glob("*/*.bpmn")]
    assert len(files) > len(SCENARIOS)
    assert [f.name for f in files if b"BPMNDiagram" not in f.read_bytes()] == []


def saved_by_the_modeller(page: Page, key: str) -> dict[str, bytes]:
    """Open ``key`` in the modeller, open each of its BPMN files, and take the bundle as the
    modeller would save it; every file must import without a warning."""
    open_modeller(page, key)
    names = page.evaluate("() => window.sifModeller.files().then(f => Object.keys(f))")
    for name in [n for n in names if n.endswith(".bpmn")]:
        page.evaluate("name => window.sifModeller.openFile(name)", name)
        warnings = page.evaluate("() => window.sifModeller.importWarnings")
        assert warnings == [], f"{name}: {warnings}"
    files: dict[str, str] = page.evaluate("() => window.sifModeller.files()")
    return {name: text.encode() for name, text in files.items()}


def _findings(rt: Runtime, files: dict[str, bytes]) -> list[tuple[str, str | None, str]]:
    """What validation finds, without the line numbers (bpmn-js lays the XML out anew)."""
    return [(p.file, p.element_id, p.message) for p in engine.check_bundle(rt, files)]


def _compiled(rt: Runtime, key: str, version: int) -> tuple[Any, Any]:
    """The stored SpiffWorkflow spec and Sif metadata of a version, as data."""
    with rt.db.reading() as conn:
        row = conn.execute(
            select(definitions.c.spec, definitions.c.meta).where(
                definitions.c.process_key == key, definitions.c.version == version
            )
        ).one()
    return json.loads(row.spec), json.loads(row.meta)


def _first_wait(rt: Runtime, key: str) -> tuple[str, str, list[tuple[str, str, tuple[str, ...]]]]:
    """Where a case of the newest version of ``key`` started with no data first waits: its
    status, stage and open tasks (or the error that stopped it)."""
    try:
        case = engine.start_case(rt, key, OWNER, {})
    except engine.SifError as error:
        return type(error).__name__, error.message, []
    tasks = sorted((t.element_id, t.name, t.roles) for t in case.open_tasks)
    return case.status, case.stage, tasks


def _round_trip(page: Page, rt: Runtime, key: str, files: dict[str, bytes]) -> int:
    """Save ``files`` through the modeller; check what it gives validates and compiles as
    ``files`` do; deploy both; the saved version's number (0 if the files are refused, as
    some scenarios are on purpose: then the saved files must be refused the same way)."""
    saved = saved_by_the_modeller(page, key)
    assert sorted(saved) == sorted(files)
    changed = [n for n in files if n.endswith(".bpmn")]
    assert all(saved[n] != files[n] for n in changed)  # it was written by bpmn-js
    assert all(saved[n] == files[n] for n in files if n not in changed)
    before = _findings(rt, files)
    assert _findings(rt, saved) == before
    if before:
        return 0
    original = engine.deploy(rt, files, "system").definitions
    before_start = _first_wait(rt, key)
    again = engine.deploy(rt, saved, OWNER, "Sparad i modelleraren utan ändringar")
    assert again.created
    assert _first_wait(rt, key) == before_start  # a case starts and stops where it did
    for old in original:
        new = next(d for d in again.definitions if d.process_key == old.process_key)
        assert _compiled(rt, old.process_key, new.version) == _compiled(
            rt, old.process_key, old.version
        ), f"{old.process_key} compiles differently after the round trip"
    return next(d.version for d in again.definitions if d.process_key == key)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_test_scenario_survives_a_save_in_the_modeller(
    page: Page, sif: LiveSif, scenario: str
) -> None:
    files = read_scenario(scenario)
    # The modeller edits the person's draft when there is one: the scenario as a draft.
    engine.save_process_draft(sif.rt, OWNER, scenario, files, None)
    pages.sign_in(page, OWNER)
    _round_trip(page, sif.rt, scenario, files)
    engine.discard_process_draft(sif.rt, OWNER, scenario)


def test_a_file_without_a_diagram_is_explained_and_nothing_is_saved_from_it(
    page: Page, sif: LiveSif
) -> None:
    scenario = "due_dates"  # as a hand-written file would come: no BPMNDiagram
    files = read_scenario(scenario)
    drawn = files[f"{scenario}.bpmn"].decode()
    start, end = drawn.index("<bpmndi:BPMNDiagram"), drawn.index("</bpmndi:BPMNDiagram>")
    undrawn = drawn[:start] + drawn[end + len("</bpmndi:BPMNDiagram>") :]
    files[f"{scenario}.bpmn"] = undrawn.encode()
    engine.save_process_draft(sif.rt, OWNER, scenario, files, None)
    pages.sign_in(page, OWNER)
    page.goto(f"/modellera/{scenario}")
    expect(page.locator("[data-modeller]")).to_have_attribute("data-ready", "failed")
    expect(page.locator("#modeller-status")).to_contain_text("har inget diagram")
    expect(page.get_by_role("button", name="Spara utkast")).to_be_disabled()
    expect(page.get_by_role("button", name="Driftsätt …")).to_be_disabled()
    engine.discard_process_draft(sif.rt, OWNER, scenario)


def test_the_fund_process_survives_a_save_and_runs_on_the_saved_version(
    page: Page, sif: LiveSif
) -> None:
    files = engine.read_bundle([ROOT / "processes", ROOT / "forms"])
    assert sorted(Path(n).suffix for n in files if not n.endswith(".json")) == [
        ".bpmn", ".bpmn", ".bpmn", ".dmn", ".dmn"
    ]  # fmt: skip
    pages.sign_in(page, OWNER)
    version = _round_trip(page, sif.rt, PROCESS, files)
    assert version == engine.find_definition(sif.rt, PROCESS).version > 1

    case = sif.start_case()
    assert sif.case(case.id).definition_version == version
    sif.submit_idea(case.id)
    screening = sif.open_task(case.id, "screen_idea")
    assert (screening.name, screening.form, screening.roles) == (
        "Rådet prövar idén", "screening.schema.json", ("council",)
    )  # fmt: skip
    assert sif.case(case.id).stage == "Rådet prövar idén"
