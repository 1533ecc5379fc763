"""Moving running cases to a new version in a real browser: the dry run and the result pass
axe-core, the marked case moves, the unmarked and the refused stay. A picture of the dry run
and of the result are taken on every run; ``SIF_MIGRATION_SCREENSHOT=path.png`` keeps them
for a person to look at.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

import engine
from tests.conftest import read_scenario
from tests.e2e import pages
from tests.e2e.conftest import LiveSif

pytestmark = pytest.mark.e2e

TITLES = ["Läxhjälp i Hovsjö", "Familjecentral i Ronna", "Sommarjobb för unga i Geneta",
          "Kvällsöppen fritidsgård i Geneta"]  # fmt: skip


@pytest.fixture(scope="module")
def keys(sif: LiveSif) -> list[str]:
    """Four cases on version 1 of the migration scenario: two at registration, one at the
    step version 2 removes, one past it; version 2 deployed by Helena Rask."""
    rt = sif.rt
    engine.add_user(rt, "kim.handlaggare", ["clerk"], "Kim Handläggare")
    engine.deploy(rt, read_scenario("migration/v1"), "helena.rask")
    started = [engine.start_case(rt, "case_flow", "kim.handlaggare", {"title": t}) for t in TITLES]
    for case in started[2:]:
        engine.complete_task(rt, case.open_tasks[0].id, {}, "kim.handlaggare")
    engine.set_virtual_time(rt.db, rt.clock.now() + timedelta(days=1, minutes=1))
    engine.sweep(rt, "e2e")
    for case, steps in ((started[2], 1), (started[3], 2)):  # review; and complete
        for _ in range(steps):
            [task] = engine.get_case(rt, case.id, with_data=False).open_tasks
            engine.complete_task(rt, task.id, {}, "kim.handlaggare")
    comment = "Granskningen heter bedömning; kompletteringen tas bort"
    engine.deploy(rt, read_scenario("migration/v2"), "helena.rask", comment=comment)
    return [c.business_key for c in started]


def keep(page: Page, suffix: str) -> None:
    """Take the page's picture; keep it where ``SIF_MIGRATION_SCREENSHOT`` says, if it does."""
    picture = page.screenshot(full_page=True)
    path = os.environ.get("SIF_MIGRATION_SCREENSHOT")
    if path:
        root, ext = os.path.splitext(path)
        with open(f"{root}{suffix}{ext}", "wb") as out:
            out.write(picture)


def test_the_dry_run_and_the_move_in_a_browser(page: Page, sif: LiveSif, keys: list[str]) -> None:
    pages.sign_in(page, "helena.rask")
    page.goto("/processer/case_flow/1/flytta")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Flytta pågående ärenden från version 1"
    )
    table = page.locator("table.migration-table")
    expect(table.locator("tbody tr")).to_have_count(4)
    expect(table.locator("tbody tr").nth(2)).to_contain_text("som inte finns i version 2")
    pages.assert_accessible(page)
    keep(page, "")

    page.get_by_label(f"Flytta {keys[1]}").uncheck()
    page.get_by_role("button", name="Flytta markerade").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Resultat av flytten till version 2")
    expect(page.locator(".flashes")).to_contain_text("1 ärende flyttades till version 2.")
    pages.assert_accessible(page)
    keep(page, "-resultat")
    versions = [engine.find_case(sif.rt, k, with_data=False).definition_version for k in keys]
    assert versions == [2, 1, 1, 1]
