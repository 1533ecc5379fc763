"""The fund page in a real browser: an administrator picks a date with the keyboard and sees
the balances of that day; axe finds nothing to fault; the README's picture of it.

The demo cases A–E are replayed through the engine into this module's database first (about
ten seconds), then the clock is set back to ``NOW``.

    SIF_UPDATE_SCREENSHOTS=1 .venv/bin/python -m pytest tests/e2e/test_fund_page.py
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

import engine
from engine import VirtualClock
from tests.e2e import pages
from tests.e2e.conftest import NOW, LiveSif
from tests.e2e.test_screenshots import picture_folder, png_size
from web.demo import DEMO_START
from web.demo.cases import CASES
from web.demo.replay import replay

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def demo_ledger(sif: LiveSif) -> LiveSif:
    """Cases A–E replayed, so the fund has the DOMAIN §9 postings; the clock back at NOW."""
    engine.set_virtual_time(sif.rt.db, engine.to_datetime(DEMO_START), allow_backwards=True)
    replay(replace(sif.rt, clock=VirtualClock(sif.rt.db)), CASES, lambda _: None)
    engine.set_virtual_time(sif.rt.db, engine.to_datetime(NOW), allow_backwards=True)
    return sif


def balance(page: Page, name: str) -> str:
    card = page.locator(".fund-balance").filter(has=page.get_by_text(name, exact=True))
    return card.locator("data").get_attribute("value") or ""


def type_date(page: Page, field: str, value: date) -> None:
    """Type ``value`` into the focused date field part by part, as a person would.

    The parts' order is the browser's own (Chromium's follows its interface language, not the
    page's), so each part is found first: ArrowUp on it shows which part of the value moves."""
    order = []
    for _ in range(3):
        before = page.input_value(field).split("-")
        page.keyboard.press("ArrowUp")
        after = page.input_value(field).split("-")
        page.keyboard.press("ArrowDown")
        changed = [i for i in range(3) if before[i] != after[i]]
        order.append(("year", "month", "day")[changed[0]])
        page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    typed = {"year": f"{value.year:04d}", "month": f"{value.month:02d}", "day": f"{value.day:02d}"}
    for part in order:
        page.keyboard.type(typed[part])
        if part == "year":  # a year may have more digits: the field does not move on by itself
            page.keyboard.press("ArrowRight")
    assert page.input_value(field) == value.isoformat()


def test_picking_a_date_with_the_keyboard_shows_that_days_balances(
    demo_ledger: LiveSif, page: Page
) -> None:
    pages.sign_in(page, "admin")
    page.goto("/fond")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fonden")
    expect(page.locator("#saldon")).to_contain_text("2 mars 2026")
    assert balance(page, "Fondens saldo") == "10500"  # 2026: D has repaid in full
    for _ in range(60):
        if page.evaluate("() => document.activeElement && document.activeElement.id") == "datum":
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError("Tab never reached the date field")
    type_date(page, "#datum", date(2018, 5, 18))
    page.keyboard.press("Enter")
    expect(page.locator("#saldon")).to_contain_text("18 maj 2018")
    assert page.url.endswith("datum=2018-05-18")
    assert (balance(page, "Fondens saldo"), balance(page, "Kvar att bevilja")) == ("11150", "1500")
    table1 = page.locator("table[data-sheet='tabell1']")
    expect(table1.locator("thead th")).to_have_text(["Projekt", "2016", "2017", "2018", "Summa"])
    expect(page.locator("table[data-sheet='tabell2']")).to_contain_text(
        "Reserverade medel – Familjecentral Nord"
    )
    pages.assert_accessible(page)


def test_a_wrong_date_is_explained_on_the_field(demo_ledger: LiveSif, page: Page) -> None:
    pages.sign_in(page, "greta.sund")  # the auditor reads the fund too
    page.goto("/fond?datum=18/5-2018")
    expect(page.locator("#datum-fel")).to_contain_text("ÅÅÅÅ-MM-DD")
    expect(page.locator("#datum")).to_have_attribute("aria-invalid", "true")
    pages.assert_accessible(page)


def test_the_fund_picture(demo_ledger: LiveSif, page: Page, tmp_path: Path) -> None:
    pages.sign_in(page, "admin")
    page.goto("/fond?datum=2018-05-18")
    expect(page.locator("svg.chart").first).to_be_visible()
    target = picture_folder(tmp_path) / "fund.png"
    page.screenshot(path=str(target), full_page=True)
    width, height = png_size(target)
    assert width == 1280 and height > 2000
