"""Notifications in the browser: a project leader reminded about a report and the coordinator
told it is late see them on the inbox page, which passes axe, follow the link to the task,
and mark them read."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

import engine
from tests.conftest import read_scenario
from tests.e2e import pages
from tests.e2e.conftest import NOW, LiveSif

pytestmark = pytest.mark.e2e
SHOTS = Path(os.environ.get("SIF_SCREENSHOT_DIR", "/tmp"))


@pytest.fixture(scope="module")
def late_report(sif: LiveSif) -> engine.Case:
    """A report Jonas Lind holds, 31 days after it was asked for (due after 30)."""
    engine.deploy(sif.rt, read_scenario("deadline_notices"), "system")
    case = engine.start_case(sif.rt, "deadline_notices", "lina.nord")
    engine.claim_task(sif.rt, case.open_tasks[0].id, "jonas.lind")
    engine.advance_clock(sif.rt, engine.to_datetime(NOW) + timedelta(days=31), "e2e")
    return case


def test_the_coordinator_sees_the_escalation_follows_it_and_marks_it_read(
    sif: LiveSif, late_report: engine.Case, page: Page
) -> None:
    pages.sign_in(page, "lina.nord")
    section = page.get_by_role("region", name="Aviseringar")
    expect(section).to_contain_text("Eskalering")
    expect(section).to_contain_text(f"”Lämna lägesrapport” i ärende {late_report.business_key}")
    expect(page.get_by_label("1 oläst avisering")).to_be_visible()
    pages.assert_accessible(page)
    page.screenshot(path=str(SHOTS / "notifications-inbox.png"), full_page=True)

    section.get_by_role("link", name="Eskalering: ”Lämna lägesrapport”", exact=False).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Följ upp den försenade rapporten")

    page.goto("/")
    page.get_by_role("button", name="Markera som läst", exact=False).click()
    expect(page.locator(".flashes")).to_contain_text("Aviseringen är markerad som läst.")
    expect(page.get_by_role("region", name="Aviseringar")).to_have_count(0)
    assert engine.unread_count(sif.rt, "lina.nord") == 0


def test_the_holder_reads_the_whole_reminder_and_marks_all_read(
    sif: LiveSif, late_report: engine.Case, page: Page
) -> None:
    pages.sign_in(page, "jonas.lind")
    section = page.get_by_role("region", name="Aviseringar")
    expect(section).to_contain_text("Påminnelse")
    section.get_by_text("Hela meddelandet").click()
    expect(section).to_contain_text("Hör av dig till samordnaren om du behöver mer tid.")
    pages.assert_accessible(page)
    page.get_by_role("button", name="Markera alla som lästa").click()
    expect(page.locator(".flashes")).to_contain_text("1 avisering är markerad som läst.")
    assert engine.unread_count(sif.rt, "jonas.lind") == 0


def test_an_administrator_gives_a_person_an_email_address(sif: LiveSif, page: Page) -> None:
    pages.sign_in(page, "admin")
    page.goto("/admin/anvandare/lina.nord")
    page.get_by_label("E-postadress").fill("lina.nord@kommun.se")
    page.get_by_role("button", name="Spara e-postadressen").click()
    expect(page.locator(".flashes")).to_contain_text(
        "Aviseringar till Lina Nord skickas till lina.nord@kommun.se."
    )
    pages.assert_accessible(page)
    page.screenshot(path=str(SHOTS / "notifications-admin-email.png"), full_page=True)
    assert engine.get_user(sif.rt, "lina.nord").email == "lina.nord@kommun.se"
