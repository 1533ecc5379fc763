"""The administrators' cases overview (``/arenden``), its exports, and the case page
(``/arenden/<key>``) with retry / suspend / resume / terminate — on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

import engine
from engine import Case, Runtime, ServiceCall
from tests.conftest import read_scenario
from tests.web.conftest import PASSWORD, post_form

ROWS = re.compile(r'<tr[^>]*data-key="([^"]+)"')
PAGES = ("/arenden", "/arenden/export.csv", "/arenden/export.xlsx", "/arenden/handelselogg.xes",
         "/arenden/handelselogg.csv")  # fmt: skip


@pytest.fixture
def admin_rt(web_rt: Runtime) -> Runtime:
    engine.add_user(web_rt, "ada", ["admin"], "Ada Administratör", password=PASSWORD)
    engine.deploy(web_rt, read_scenario("service_incident"), "admin")
    return web_rt


def _registered(rt: Runtime, who: str = "klara") -> Case:
    return engine.start_case(rt, "due_dates", who, {"title": f"Ärende av {who}"})


def _shown_keys(client: FlaskClient, query: str = "") -> list[str]:
    answer = client.get(f"/arenden{query}")
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    return ROWS.findall(answer.get_data(as_text=True))


def _move_clock(rt: Runtime, days: int) -> None:
    engine.set_virtual_time(rt.db, rt.clock.now() + timedelta(days=days))


def test_the_overview_shows_each_case_its_holder_and_overdue_cases_on_filter(
    admin_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    late = _registered(admin_rt)
    _move_clock(admin_rt, 10)
    fresh = _registered(admin_rt, "olle")
    _move_clock(admin_rt, 5)  # the first is 15 days old: past its 14-day due date
    sign_in("ada")
    page = client.get("/arenden").get_data(as_text=True)
    assert set(ROWS.findall(page)) == {late.business_key, fresh.business_key}
    assert "Registrera ärendet" in page and "Ärende av klara" in page
    assert _shown_keys(client, "?forsenade=1") == [late.business_key]
    assert _shown_keys(client, f"?sok={fresh.business_key}") == [fresh.business_key]
    assert _shown_keys(client, "?status=completed") == []
    assert _shown_keys(client, "?roll=clerk&sortera=arende&ordning=stigande") == [
        late.business_key,
        fresh.business_key,
    ]
    assert _shown_keys(client, "?roll=manager") == []


def test_the_csv_and_excel_exports_hold_exactly_the_filtered_list(
    admin_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    late = _registered(admin_rt)
    _move_clock(admin_rt, 20)
    _registered(admin_rt, "olle")
    sign_in("ada")
    shown = _shown_keys(client, "?forsenade=1")
    answer = client.get("/arenden/export.csv?forsenade=1")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"].startswith('attachment; filename="arenden-')
    text = answer.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0][:2] == ["Ärende", "Projekt"]
    assert [r[0] for r in rows[1:]] == shown == [late.business_key]
    assert rows[1][1] == "Ärende av klara"
    assert rows[1][rows[0].index("Försenat")] == "Ja"
    book = load_workbook(io.BytesIO(client.get("/arenden/export.xlsx?forsenade=1").get_data()))
    sheet = book.active
    assert sheet is not None
    assert [[c or "" for c in row] for row in sheet.iter_rows(values_only=True)] == rows


@pytest.mark.parametrize("path", [*PAGES, "/arenden/{key}"])
def test_staff_without_admin_or_auditor_reach_none_of_the_pages(
    admin_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None], path: str
) -> None:
    case = _registered(admin_rt)
    sign_in("klara")
    answer = client.get(path.format(key=case.business_key))
    assert answer.status_code == 403
    assert "administratörer och revisorer" in answer.get_data(as_text=True)


@pytest.mark.parametrize("path", [*PAGES, "/arenden/{key}"])
def test_an_auditor_reads_every_page(
    admin_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None], path: str
) -> None:
    case = _registered(admin_rt)
    sign_in("nils")
    answer = client.get(path.format(key=case.business_key))
    assert answer.status_code == 200
    if path == "/arenden/{key}":
        page = answer.get_data(as_text=True)
        assert "läsbehörighet" in page and "Pausa ärendet" not in page


@pytest.mark.parametrize("action", ["retry", "suspend", "resume", "terminate"])
@pytest.mark.parametrize("who", ["nils", "klara"])
def test_an_auditors_and_staffs_posts_are_refused_and_change_nothing(
    admin_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None], who: str, action: str
) -> None:
    case = _registered(admin_rt)
    sign_in(who)
    path = f"/arenden/{case.business_key}/{action}"
    answer = post_form(client, path, {"reason": "Prov"}, form_page="/mina-arenden")
    assert answer.status_code == 403
    after = engine.get_case(admin_rt, case.id, with_data=False)
    assert (after.status, after.version) == ("running", case.version)


def test_an_unknown_case_is_a_swedish_404(
    admin_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("ada")
    answer = client.get("/arenden/SIF-1999-9999")
    assert answer.status_code == 404
    assert "finns inte" in answer.get_data(as_text=True)


def test_suspending_needs_a_reason_keeps_what_was_typed_and_is_audited(
    admin_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    case = _registered(admin_rt)
    sign_in("ada")
    page = f"/arenden/{case.business_key}"
    refused = post_form(client, f"{page}/suspend", {"reason": "   "}, form_page=page)
    assert refused.status_code == 422
    assert "Ange ett skäl" in refused.get_data(as_text=True)
    assert engine.get_case(admin_rt, case.id, with_data=False).status == "running"
    done = post_form(client, f"{page}/suspend", {"reason": "Väntar på nämndens beslut"}, page)
    assert done.status_code == 302
    assert engine.get_case(admin_rt, case.id, with_data=False).status == "suspended"
    suspended = [e for e in engine.case_events(admin_rt, case.id) if e.kind == "case_suspended"]
    assert [(e.actor, e.detail["reason"]) for e in suspended] == [
        ("ada", "Väntar på nämndens beslut")
    ]
    shown = client.get(page).get_data(as_text=True)
    assert "Ärendet pausades" in shown and "Skäl: Väntar på nämndens beslut" in shown
    twice = post_form(client, f"{page}/suspend", {"reason": "igen"}, page)
    assert twice.status_code == 409 and "igen" in twice.get_data(as_text=True)
    resumed = post_form(client, f"{page}/resume", {"reason": "Beslutet kom"}, page)
    assert resumed.status_code == 302
    assert engine.get_case(admin_rt, case.id, with_data=False).status == "running"


def test_an_incident_is_shown_with_its_step_and_line_and_a_retry_moves_the_case_on(
    admin_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    outage = {"down": True}

    def flaky(call: ServiceCall) -> object:
        if outage["down"]:
            raise ConnectionError("bokföringen svarar inte")
        return call.params["value"]

    admin_rt.services.register("test.echo", flaky)
    engine.add_user(admin_rt, "carl", ["clerk"], "Carl", password=PASSWORD)
    case = engine.start_case(admin_rt, "service_incident", "carl")
    engine.complete_task(admin_rt, case.open_tasks[0].id, {"divisor": 4, "amount": 100}, "carl")
    sign_in("ada")
    page = f"/arenden/{case.business_key}"
    shown = client.get(page).get_data(as_text=True)
    assert "Fel i ärendet" in shown and "bokföringen svarar inte" in shown
    assert _shown_keys(client, "?status=error") == [case.business_key]
    outage["down"] = False
    retried = post_form(client, f"{page}/retry", {}, form_page=page)
    assert retried.status_code == 302
    after = engine.get_case(admin_rt, case.id, with_data=False)
    assert after.status == "running" and after.incident is None
    assert "Steget kördes om" in client.get(page).get_data(as_text=True)


def test_the_timeline_shows_who_did_what_with_the_forms_labels(
    admin_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    case = _registered(admin_rt)
    engine.claim_task(admin_rt, case.open_tasks[0].id, "klara")
    engine.complete_task(
        admin_rt, case.open_tasks[0].id, {"title": "Bygglov i Hovsjö", "urgent": True}, "klara"
    )
    sign_in("ada")
    shown = client.get(f"/arenden/{case.business_key}").get_data(as_text=True)
    assert "Klara Handläggare" in shown and "Uppgiften slutfördes" in shown
    assert "Registrera ärendet" in shown
    assert "Brådskande" in shown and "Bygglov i Hovsjö" in shown  # the form's labels, the values
    assert "{" not in re.sub(r"<[^>]+>", "", shown.split('id="historik"')[1])
    assert "Uppgiften erbjöds" not in shown  # the engine's own routine, unless asked for
    every = client.get(f"/arenden/{case.business_key}?handelser=alla").get_data(as_text=True)
    assert "Uppgiften erbjöds" in every and "Uppgiften slutfördes" in every


def test_a_long_timeline_is_paged_newest_first(
    admin_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    case = _registered(admin_rt)
    task = case.open_tasks[0].id
    for _ in range(30):  # 60 events of people's own
        engine.claim_task(admin_rt, task, "klara")
        engine.unclaim_task(admin_rt, task, "klara")
    sign_in("ada")
    first = client.get(f"/arenden/{case.business_key}").get_data(as_text=True)
    assert first.count('class="timeline__entry') == 50 and "Sida 1 av 2" in first
    second = client.get(f"/arenden/{case.business_key}?sida=2").get_data(as_text=True)
    assert second.count('class="timeline__entry') == 11  # 60 and the start
    assert "Ärendet startades" in second and "Ärendet startades" not in first


def test_the_event_log_download_holds_the_filtered_cases_only(
    admin_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    late = _registered(admin_rt)
    _move_clock(admin_rt, 20)
    fresh = _registered(admin_rt, "olle")
    sign_in("ada")
    xes = client.get("/arenden/handelselogg.xes?forsenade=1").get_data(as_text=True)
    assert late.business_key in xes and fresh.business_key not in xes
    assert xes.count("</trace>") == 1


def test_the_heatmap_counts_only_the_cases_the_overviews_filter_lets_through(
    admin_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    engine.add_user(admin_rt, "carl", ["clerk"], "Carl", password=PASSWORD)
    first = engine.start_case(admin_rt, "service_incident", "carl")
    engine.start_case(admin_rt, "service_incident", "carl")
    sign_in("ada")
    every = client.get("/arenden/vantetider.json?process=service_incident").get_json()
    assert every["open_tasks"] == 2
    narrowed = client.get(
        f"/arenden/vantetider.json?process=service_incident&sok={first.business_key}"
    ).get_json()
    assert narrowed["open_tasks"] == 1
    assert [(e["id"], e["open_tasks"]) for e in narrowed["elements"]] == [("enter", 1)]
    page = client.get(f"/arenden/vantetider?process=service_incident:1&sok={first.business_key}")
    assert page.status_code == 200
    assert "Bara ärendena som matchar filtret" in page.get_data(as_text=True)
