"""The README's pictures: the council's inbox and a screening task, 1280 px wide.

Every run takes them (so the pages are known to render at that width); they are written to
``docs/inbox.png`` and ``docs/task.png`` only when asked for, so that an ordinary test run
leaves the working tree alone:

    SIF_UPDATE_SCREENSHOTS=1 .venv/bin/python -m pytest tests/e2e/test_screenshots.py
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

import engine
from tests.e2e import pages
from tests.e2e.conftest import NOW, ROOT, LiveSif

pytestmark = pytest.mark.e2e

WIDTH = 1280
TASK_HEIGHT = 1300  # down to the council's criteria table
# (applicant, when the idea was sent, what the idea form says)
IDEAS = [
    ("amira.haddad", "2026-02-09T10:15", {
        "title": "Tidiga insatser för familjer i Hovsjö", "lead_board": "SN",
        "lead_administration": "Social- och omsorgskontoret", "contact_person": "amira.haddad",
        "estimated_total_tkr": 3600, "co_boards": ["UN"],
        "need_description": "Familjer i Hovsjö får stöd sent, när problemen redan har vuxit.",
        "need_evidence": "Orosanmälningar för barn 0–6 år i Hovsjö: 240 om året (2025).",
        "target_group": "Familjer med barn 0–6 år i Hovsjö", "target_group_size": 600,
        "intervention_summary": "Familjecentral med BVC, öppen förskola och socialtjänst."}),
    ("jonas.lind", "2026-02-16T13:40", {
        "title": "Läsfrämjande i förskoleklass", "lead_board": "UN",
        "lead_administration": "Utbildningskontoret", "contact_person": "jonas.lind",
        "estimated_total_tkr": 1200}),
    ("elif.demir", "2026-02-23T08:55", {
        "title": "Sommarjobb för unga i Ronna", "lead_board": "UN",
        "lead_administration": "Utbildningskontoret", "contact_person": "elif.demir",
        "estimated_total_tkr": 900}),
    ("nora.falk", "2026-02-27T15:20", {
        "title": "Kvällsöppen fritidsgård i Geneta", "lead_board": "KFN",
        "lead_administration": "Kultur- och fritidskontoret", "contact_person": "nora.falk",
        "estimated_total_tkr": 1800}),
]  # fmt: skip


@pytest.fixture(scope="module")
def council_work(sif: LiveSif) -> list[engine.Case]:
    """Four ideas sent over a month, waiting for the council; Anna Berg has taken one."""
    first_day = engine.to_datetime("2026-02-02T08:30")
    engine.set_virtual_time(sif.rt.db, first_day, allow_backwards=True)
    cases = [sif.start_case(by=applicant) for applicant, _, _ in IDEAS]
    for case, (applicant, sent, idea) in zip(cases, IDEAS, strict=True):
        engine.set_virtual_time(sif.rt.db, engine.to_datetime(sent))
        sif.submit_idea(case.id, by=applicant, **idea)
    engine.set_virtual_time(sif.rt.db, engine.to_datetime(NOW))
    engine.claim_task(sif.rt, sif.open_task(cases[1].id, "screen_idea").id, "anna.berg")
    return cases


def picture_folder(tmp_path: Path) -> Path:
    return ROOT / "docs" if os.environ.get("SIF_UPDATE_SCREENSHOTS") == "1" else tmp_path


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_the_inbox_picture(council_work: list[engine.Case], page: Page, tmp_path: Path) -> None:
    pages.sign_in(page, "anna.berg")
    expect(page.locator("table.inbox-table tbody tr")).to_have_count(len(IDEAS))
    target = picture_folder(tmp_path) / "inbox.png"
    target.parent.mkdir(exist_ok=True)
    page.screenshot(path=target, full_page=True)
    assert png_size(target)[0] == WIDTH


def test_the_task_picture(council_work: list[engine.Case], page: Page, tmp_path: Path) -> None:
    """The screening of the oldest idea, half filled in, with the idea beside it."""
    pages.sign_in(page, "anna.berg")
    pages.inbox_row(page, council_work[0].business_key).get_by_role("link").click()
    page.set_viewport_size({"width": WIDTH, "height": TASK_HEIGHT})
    for member in ("anna.berg", "johan.lund", "maria.ek"):
        pages.add_row(page, "present_members", member)
    for code, verdict in (("K1", "met"), ("K2", "met"), ("K3", "partly")):
        pages.add_row(page, "criteria_assessment", {"criterion_code": code, "assessment": verdict})
    page.evaluate("() => { document.activeElement.blur(); window.scrollTo(0, 0); }")
    target = picture_folder(tmp_path) / "task.png"
    target.parent.mkdir(exist_ok=True)
    page.screenshot(path=target)
    assert png_size(target) == (WIDTH, TASK_HEIGHT)
