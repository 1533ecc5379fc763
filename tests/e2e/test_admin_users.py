"""User administration in a real browser: the administrator adds a colleague and gives her a
role with the keyboard alone, every focus stop visible; axe finds no WCAG 2.1 A/AA violation on
the list, the new-user form (with its errors), the user page and the confirmation."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

import engine
from tests.e2e import pages
from tests.e2e.conftest import LiveSif

pytestmark = pytest.mark.e2e

PASSWORD = "ett-långt-lösenord-1"


def test_an_administrator_adds_a_user_and_gives_a_role_with_the_keyboard(
    page: Page, sif: LiveSif
) -> None:
    pages.sign_in(page, "admin")
    page.goto("/admin/anvandare")
    keys = pages.Keyboard(page)
    keys.tab_to("a[href='/admin/anvandare/ny']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/anvandare/ny")
    keys.type_into("#display_name", "Hanna Berglund")
    keys.type_into("#name", "hanna.berglund")
    keys.tab_to("#roll-coordinator")
    page.keyboard.press("Space")
    keys.type_into("#password", PASSWORD)
    keys.type_into("#password_again", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/anvandare/hanna.berglund")
    expect(page.locator(".flashes")).to_contain_text("Hanna Berglund (hanna.berglund) är tillagd")
    expect(page.locator("h1")).to_have_text("Hanna Berglund")

    keys.tab_to("#roll-council")
    page.keyboard.press("Space")
    keys.tab_to("form[action$='/roller'] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator(".flashes")).to_contain_text("Rollerna för Hanna Berglund är ändrade")
    history = page.locator(".admin-history")
    expect(history).to_contain_text("Gav rollen Rådet för sociala investeringar.")
    expect(history).to_contain_text("Lade till användaren med rollen Samordnare.")
    expect(history).to_contain_text("Fondadministratör")
    assert engine.get_user(sif.rt, "hanna.berglund").roles == {"coordinator", "council"}
    shoot(page, "admin-user-history")
    assert keys.unseen == [], "focus not visible on:\n" + "\n".join(keys.unseen)


def test_the_pages_have_no_accessibility_violations(page: Page, sif: LiveSif) -> None:
    pages.sign_in(page, "admin")
    page.goto("/admin/anvandare")
    pages.assert_accessible(page)
    shoot(page, "admin-users")
    page.goto("/admin/anvandare/ny")
    page.get_by_label("Namn", exact=True).fill("Nils")
    page.get_by_label("Användarnamn").fill("Nils N")
    page.get_by_role("button", name="Lägg till användaren").click()
    expect(page.locator("#felsammanfattning")).to_contain_text("Rätta 3 fel")
    pages.assert_accessible(page)
    shoot(page, "admin-new-user-errors")
    page.goto("/admin/anvandare/greta.sund")
    pages.assert_accessible(page)
    shoot(page, "admin-user")
    page.get_by_role("link", name="Inaktivera kontot …").click()
    expect(page.locator("h1")).to_have_text("Inaktivera Greta Sund?")
    pages.assert_accessible(page)
    shoot(page, "admin-deactivate")


def test_the_auditor_sees_the_user_page_without_any_control(page: Page, sif: LiveSif) -> None:
    pages.sign_in(page, "greta.sund")
    page.goto("/admin/anvandare/admin")
    expect(page.locator("h1")).to_have_text("Fondadministratör")
    expect(page.locator("main form")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Systemadministratör")
    pages.assert_accessible(page)
    shoot(page, "admin-user-auditor")


def shoot(page: Page, name: str) -> None:
    """A full-page picture to look at, written only when SIF_ADMIN_SCREENSHOTS names a
    folder (an ordinary run leaves the disk alone)."""
    folder = os.environ.get("SIF_ADMIN_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
