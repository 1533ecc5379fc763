"""An administrator in a real browser: filters the overview to overdue cases and downloads it,
suspends a case (after which its staff cannot advance it), retries an incident and sees the
case move on; axe finds nothing on the overview and the case page."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

import engine
from engine import ServiceCall
from tests.conftest import read_scenario
from tests.e2e import pages
from tests.e2e.conftest import LiveSif

pytestmark = pytest.mark.e2e


def test_the_overview_filtered_to_overdue_cases_is_exported_as_shown(
    sif: LiveSif, page: Page
) -> None:
    late = sif.start_case()
    sif.submit_idea(late.id)  # the council's screening is due in 30 days
    engine.set_virtual_time(sif.rt.db, sif.rt.clock.now() + timedelta(days=31))
    fresh = sif.start_case()
    pages.sign_in(page, "admin")
    page.goto("/arenden")
    expect(page.locator(f'tr[data-key="{fresh.business_key}"]')).to_be_visible()
    page.get_by_label("Bara försenade").check()
    page.get_by_role("button", name="Filtrera").click()
    rows = page.locator("tr[data-key]")
    shown = [rows.nth(i).get_attribute("data-key") for i in range(rows.count())]
    assert late.business_key in shown and fresh.business_key not in shown
    expect(page.locator(f'tr[data-key="{late.business_key}"]')).to_contain_text("Rådet prövar")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV – listan som CSV-fil").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    exported = [r[0] for r in list(csv.reader(io.StringIO(text), delimiter=";"))[1:]]
    assert exported == shown
    pages.assert_accessible(page)


def test_a_suspended_case_cannot_be_advanced_by_its_staff(sif: LiveSif, page: Page) -> None:
    case = sif.start_case()
    sif.submit_idea(case.id)
    task = sif.open_task(case.id, "screen_idea")
    pages.sign_in(page, "admin")
    page.goto(f"/arenden/{case.business_key}")
    page.get_by_role("button", name="Pausa ärendet").click()
    expect(page.get_by_role("alert")).to_contain_text("Ange ett skäl")  # nothing typed yet
    page.locator("#skal-suspend").fill("Väntar på kompletterande underlag")
    page.get_by_role("button", name="Pausa ärendet").click()
    expect(page.get_by_role("status").first).to_contain_text("Ärendet är pausat")
    expect(page.locator(".case-summary")).to_contain_text("Pausat")
    expect(page.locator(".timeline")).to_contain_text("Skäl: Väntar på kompletterande underlag")
    pages.assert_accessible(page)
    pages.sign_out(page)
    pages.sign_in(page, "anna.berg")
    page.goto("/")
    expect(page.locator(f"text={case.business_key}")).to_have_count(0)
    answer = page.goto(f"/uppgifter/{task.id}")
    assert answer is not None and answer.status in (403, 404, 409)
    expect(page.get_by_role("button", name=pages.COMPLETE)).to_have_count(0)
    assert sif.case(case.id).status == "suspended"


def test_retrying_an_incident_moves_the_case_on(sif: LiveSif, page: Page) -> None:
    outage = {"down": True}

    def flaky(call: ServiceCall) -> object:
        if outage["down"]:
            raise ConnectionError("bokföringen svarar inte")
        return call.params["value"]

    sif.rt.services.register("test.echo", flaky)
    engine.deploy(sif.rt, read_scenario("service_incident"), "admin")
    engine.add_user(sif.rt, "carl", ["clerk"], "Carl Clerk")
    case = engine.start_case(sif.rt, "service_incident", "carl")
    engine.complete_task(sif.rt, case.open_tasks[0].id, {"divisor": 4, "amount": 100}, "carl")
    pages.sign_in(page, "admin")
    page.goto(f"/arenden/{case.business_key}")
    incident = page.get_by_role("region", name="Fel i ärendet")
    expect(incident).to_contain_text("bokföringen svarar inte")
    pages.assert_accessible(page)
    outage["down"] = False
    page.get_by_role("button", name="Kör steget igen").click()
    expect(page.get_by_role("status").first).to_contain_text("Steget kördes om")
    expect(page.get_by_role("region", name="Fel i ärendet")).to_have_count(0)
    expect(page.locator(".case-summary")).to_contain_text("Pågår")
    assert sif.case(case.id).status == "running"
