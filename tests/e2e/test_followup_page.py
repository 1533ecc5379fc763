"""The follow-up page in a real browser: case D's indicators, each a chart with its table of
numbers, and its reports; case E's evaluation report is late. axe finds nothing to fault.

The demo cases A–E are replayed through the engine into this module's database first (about
ten seconds), then the clock is set back to ``NOW``.

    SIF_UPDATE_SCREENSHOTS=1 .venv/bin/python -m pytest tests/e2e/test_followup_page.py
"""

from __future__ import annotations

from dataclasses import replace
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
def demo(sif: LiveSif) -> dict[str, str]:
    """Cases A–E replayed; the clock back at NOW. Their business keys by title."""
    engine.set_virtual_time(sif.rt.db, engine.to_datetime(DEMO_START), allow_backwards=True)
    replay(replace(sif.rt, clock=VirtualClock(sif.rt.db)), CASES, lambda _: None)
    engine.set_virtual_time(sif.rt.db, engine.to_datetime(NOW), allow_backwards=True)
    found = engine.list_cases(sif.rt, process_key="social_investment_case", page_size=50)
    return {c.title: c.business_key for c in found.cases}


def test_case_d_shows_every_indicator_as_a_chart_and_a_table(
    demo: dict[str, str], page: Page, tmp_path: Path
) -> None:
    pages.sign_in(page, "greta.sund")  # the auditor
    key = demo["KAA – Ung i Tälje"]
    page.goto(f"/arenden/{key}")
    page.get_by_role("link", name="Uppföljning av indikatorer och rapporter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Uppföljning: {key}")
    expect(page.locator(".breadcrumbs li")).to_have_text(["Ärenden", key, "Uppföljning"])
    indicators = page.locator("article.indicator")
    expect(indicators).to_have_count(6)
    for n in range(6):
        panel = indicators.nth(n)
        expect(panel.locator("figure svg.chart[role=img]")).to_have_count(1)
        expect(panel.locator("table caption")).to_contain_text("Värden för")
    effect = indicators.filter(has_text="Andel i studier/arbete efter 6 mån")
    expect(effect.locator("svg.chart .chart-marker").first).to_be_visible()
    cells = effect.locator("tbody tr").filter(has_text="Lägesrapport T1 2018").locator("td")
    expect(cells.first).to_have_text("38 %")
    reports = page.locator("#rapporter ~ .table-wrap tbody tr")
    expect(reports).to_have_count(11)  # 7 progress reports, 3 annual follow-ups, 1 evaluation
    expect(reports.locator(".report-status")).to_have_text(["Inlämnad"] * 11)
    pages.assert_accessible(page)
    target = picture_folder(tmp_path) / "followup.png"
    page.screenshot(path=str(target), full_page=True)
    width, height = png_size(target)
    assert width == 1280 and height > 3000


def test_a_late_evaluation_report_is_shown_as_late(demo: dict[str, str], page: Page) -> None:
    pages.sign_in(page, "admin")
    page.goto(f"/arenden/{demo['Fritidsmentorer 10–15 år']}/uppfoljning")
    last = page.locator("#rapporter ~ .table-wrap tbody tr").last
    expect(last.locator("th")).to_have_text("Utvärderingsrapport")
    expect(last.locator(".report-status")).to_have_text("Försenad")
    pages.assert_accessible(page)
