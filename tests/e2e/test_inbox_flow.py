"""The fund's first steps in a real browser: an applicant submits an idea, the council screens
it, and the applicant sees the result in My cases (DOMAIN §3 S01–S03)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import pages
from tests.e2e.conftest import LiveSif
from tests.e2e.pages import IDEA

pytestmark = pytest.mark.e2e


def screen_idea(page: Page) -> None:
    """The council's screening form, filled after its meeting: approve for an application."""
    pages.set_value(page, "meeting_date", "2026-02-18")
    for member in ("anna.berg", "johan.lund", "maria.ek"):
        pages.add_row(page, "present_members", member)
    for code, verdict in (("K1", "met"), ("K2", "met"), ("K3", "partly")):
        pages.add_row(page, "criteria_assessment", {"criterion_code": code, "assessment": verdict})
    page.get_by_label("Bifall – ansökan ska skrivas").check()
    pages.set_value(page, "max_amount_tkr", "2400")


def test_an_idea_is_submitted_screened_and_the_applicant_sees_the_result(
    sif: LiveSif, page: Page
) -> None:
    case = sif.start_case(by="nora.falk")
    key = case.business_key

    # S01: the applicant finds the idea in her inbox, fills it in and sends it.
    pages.sign_in(page, "nora.falk")
    row = pages.inbox_row(page, key)
    expect(row).to_contain_text("Ingen rubrik ännu")
    row.get_by_role("link", name="Lämna idé").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lämna idé")
    pages.fill_idea(page)
    page.get_by_role("button", name=pages.COMPLETE).click()
    expect(page).to_have_url(re.compile(r"/$"))
    done = pages.flash(page)
    assert f"Uppgiften ”Lämna idé” i ärende {key} är slutförd." in done
    assert "Nästa steg: ”Ta emot idén” (Samordnare)" in done, done
    expect(pages.inbox_row(page, key)).to_have_count(0)

    page.get_by_role("link", name="Mina ärenden").click()
    mine = page.locator("tbody tr").filter(has_text=key)
    expect(mine).to_contain_text(IDEA.fields["title"])
    expect(mine).to_contain_text("Ta emot idén – Samordnare")
    pages.sign_out(page)

    # S02: the coordinator finds the idea complete; the council meets today (the test fund's
    # calendar), so the screening is offered at once.
    pages.sign_in(page, "lina.nord")
    pages.inbox_row(page, key).get_by_role("link", name="Ta emot idén").click()
    page.get_by_label("Komplett: boka till rådets nästa möte").check()
    page.get_by_role("button", name=pages.COMPLETE).click()
    assert "Nästa steg: ”Rådet prövar idén” (Rådet för sociala investeringar)" in pages.flash(page)
    expect(pages.inbox_row(page, key)).to_have_count(0)
    pages.sign_out(page)

    # S03: a council member takes the screening from the inbox, reads the idea and decides.
    pages.sign_in(page, "anna.berg")
    row = pages.inbox_row(page, key)
    expect(row).to_contain_text(IDEA.fields["title"])
    expect(row).to_contain_text("Ingen än")
    # "Ta …" with the task and case spelled out for screen readers.
    claim = re.compile(rf"^Ta\b.* Rådet prövar idén i {key}$")
    row.get_by_role("button", name=claim).click()
    assert "Du har tagit uppgiften ”Rådet prövar idén”" in pages.flash(page)
    row = pages.inbox_row(page, key)
    expect(row).to_contain_text("Du")
    row.get_by_role("link", name="Rådet prövar idén").click()
    context = page.get_by_role("complementary")
    expect(context).to_contain_text(IDEA.fields["title"])
    earlier = context.locator("details.answer").filter(has_text="Lämna idé").first
    expect(earlier).to_contain_text("Lämna idé")
    expect(earlier).to_contain_text("Nora Falk")
    expect(earlier).to_contain_text("Läxhjälp tre kvällar i veckan")
    screen_idea(page)
    page.get_by_role("button", name=pages.COMPLETE).click()
    expect(page).to_have_url(re.compile(r"/$"))
    assert "Nästa steg: ”Skriv och signera ansökan” (Sökande förvaltning)" in pages.flash(page)
    pages.sign_out(page)

    # The applicant sees the outcome: her case now waits for her application.
    pages.sign_in(page, "nora.falk")
    page.get_by_role("link", name="Mina ärenden").click()
    mine = page.locator("tbody tr").filter(has_text=key)
    expect(mine).to_contain_text("Skriv och signera ansökan – Sökande förvaltning")
    page.get_by_role("link", name="Inkorg").click()
    expect(pages.inbox_row(page, key)).to_contain_text("Skriv och signera ansökan")

    stored = sif.case(case.id).data
    assert stored["title"] == IDEA.fields["title"]
    assert stored["screening_decision"] == "approve_for_application"
    assert stored["present_members"] == ["anna.berg", "johan.lund", "maria.ek"]
