"""The follow-up page (/arenden/<key>/uppfoljning): for administrators and auditors only; the
case's indicators with chart and table, and its reports with their status."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

import engine
from engine import Runtime

PLAN = {
    "title": "Läxhjälp i Hovsjö",
    "evaluation_plan": {
        "indicators": [
            {"code": "P1", "name": "Kontaktade inom 30 dagar", "kind": "process_measure",
             "unit": "%", "direction": "higher", "frequency": "T",
             "baseline": {"value": 35, "date": "2025-09-01"},
             "target": {"value": 80, "date": "2026-12-31"}},
            {"code": "E1", "name": "Andel i studier", "kind": "effect_measure", "unit": "%",
             "direction": "higher", "frequency": "T", "baseline_plan": "Mäts i vår."},
        ],
    },
    "report_dates": ["2025-12-31", "2026-04-30"],
}  # fmt: skip


@pytest.fixture
def planned(web_rt: Runtime) -> engine.Case:
    """A case (of the due_dates scenario) whose data holds an evaluation plan and report days."""
    return engine.start_case(web_rt, "due_dates", "klara", PLAN)


def test_staff_without_admin_or_auditor_are_refused(
    client: FlaskClient, sign_in: Callable[[str], None], planned: engine.Case
) -> None:
    assert client.get(f"/arenden/{planned.business_key}/uppfoljning").status_code == 302
    sign_in("klara")
    refused = client.get(f"/arenden/{planned.business_key}/uppfoljning")
    assert refused.status_code == 403
    assert "Kontaktade" not in refused.get_data(as_text=True)


def test_an_unknown_case_is_not_found(client: FlaskClient, sign_in: Callable[[str], None]) -> None:
    sign_in("nils")
    assert client.get("/arenden/SIF-1999-0001/uppfoljning").status_code == 404


def test_the_page_shows_every_indicator_and_the_reports(
    client: FlaskClient, sign_in: Callable[[str], None], planned: engine.Case
) -> None:
    sign_in("nils")  # an auditor
    answer = client.get(f"/arenden/{planned.business_key}/uppfoljning")
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert re.search(r"<h1>Uppföljning: SIF-\d{4}-\d{4} Läxhjälp i Hovsjö</h1>", page)
    assert 'href="/arenden"' in page and f'href="/arenden/{planned.business_key}"' in page
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart') == 2
    assert page.count('<article class="indicator"') == 2
    for caption in ("Värden för P1 Kontaktade inom 30 dagar", "Värden för E1 Andel i studier"):
        assert f">{caption}</caption>" in page
    assert "Mäts i vår." in page and "Högre är bättre" in page
    assert page.count("Inga värden rapporterade än.") == 2
    statuses = re.findall(r'report-status--(\w+)">([^<]+)</span>', page)
    assert statuses == [("missing", "Saknas"), ("upcoming", "Kommande")]


def test_a_case_without_a_plan_says_so(
    client: FlaskClient, sign_in: Callable[[str], Any], web_rt: Runtime
) -> None:
    case = engine.start_case(web_rt, "due_dates", "klara", {"title": "Utan plan"})
    sign_in("nils")
    page = client.get(f"/arenden/{case.business_key}/uppfoljning").get_data(as_text=True)
    assert "Ärendet har ingen plan för uppföljning ännu." in page
    assert "Inga rapporter är planerade än." in page
    assert "<svg" not in page
