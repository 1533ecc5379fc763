"""The process maps' pages and data (``/arenden/<key>/diagram…``, ``/arenden/vantetider…``):
for administrators and auditors only, a missing case or process is a 404 in Swedish, and the
markers say in words who holds a task, since when and until when — on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask, session
from flask.testing import FlaskClient

import engine
from engine import Case, Runtime
from tests.conftest import read_scenario
from tests.web.conftest import PASSWORD
from web.diagrams import readable_lanes


@pytest.fixture
def case(web_rt: Runtime) -> Case:
    """A registered case (a day ago) now waiting for its approval, taken by Bo."""
    engine.add_user(web_rt, "ada", ["admin"], "Ada Administratör", password=PASSWORD)
    engine.deploy(web_rt, read_scenario("camunda_style"), "admin")
    engine.set_virtual_time(web_rt.db, engine.to_datetime("2026-03-01T10:00"), True)
    started = engine.start_case(web_rt, "camunda_style", "klara")
    engine.complete_task(web_rt, started.open_tasks[0].id, {"name": "Faktura", "count": 1}, "klara")
    engine.set_virtual_time(web_rt.db, engine.to_datetime("2026-03-01T14:30"))
    [approve] = engine.get_case(web_rt, started.id, with_data=False).open_tasks
    engine.claim_task(web_rt, approve.id, "bo")
    engine.set_virtual_time(web_rt.db, engine.to_datetime("2026-03-02T09:00"))
    return started


def paths(key: str) -> list[str]:
    return [
        f"/arenden/{key}/diagram", f"/arenden/{key}/diagram.bpmn", f"/arenden/{key}/diagram.json",
        "/arenden/vantetider", "/arenden/vantetider.json?process=camunda_style",
        "/arenden/vantetider.bpmn?process=camunda_style",
    ]  # fmt: skip


def test_staff_without_admin_or_auditor_reach_none_of_it(
    case: Case, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    for path in paths(case.business_key):
        assert client.get(path).status_code == 302, path  # to the sign-in page first
    for person in ("klara", "bo"):
        sign_in(person)
        for path in paths(case.business_key):
            answer = client.get(path)
            assert answer.status_code == 403, (person, path)
            assert "Attestera" not in answer.get_data(as_text=True)  # nothing of the case


@pytest.mark.parametrize("person", ["ada", "nils"])  # an administrator and an auditor
def test_overseers_read_the_map_its_markers_and_the_heatmap(
    case: Case, client: FlaskClient, sign_in: Callable[[str], None], person: str
) -> None:
    sign_in(person)
    key = case.business_key
    xml = client.get(f"/arenden/{key}/diagram.bpmn")
    assert (xml.status_code, xml.mimetype) == (200, "application/xml")
    assert xml.get_data() == read_scenario("camunda_style")["camunda_style.bpmn"]
    markers = client.get(f"/arenden/{key}/diagram.json").get_json()["markers"]
    by_kind: dict[str, list[str]] = {}
    for marker in markers:
        by_kind.setdefault(marker["kind"], []).append(marker["id"])
    assert set(by_kind) == {"completed", "flow", "current"}
    assert by_kind["current"] == ["approve"]
    assert "register" in by_kind["completed"] and "approve" not in by_kind["completed"]
    [current] = [m for m in markers if m["kind"] == "current"]
    assert current["label"] == "Pågående uppgift: Attestera ärende"
    assert current["text"] == "Hos Bo Chef sedan 1 mars 2026 14:30."
    page = client.get(f"/arenden/{key}/diagram").get_data(as_text=True)
    assert f"Processkarta för ärendet {key}</h1>" in page
    assert 'data-marks-url="/arenden/' + key + '/diagram.json"' in page
    assert "Hos Bo Chef sedan 1 mars 2026 14:30." in page  # the markers as text, too

    heat = client.get("/arenden/vantetider.json?process=camunda_style").get_json()
    assert heat["open_tasks"] == 1
    [approve] = heat["elements"]
    assert (approve["id"], approve["open_tasks"], approve["median_days"]) == ("approve", 1, 0.96)
    [marker] = heat["markers"]
    assert (marker["id"], marker["symbol"], marker["level"]) == ("approve", "1", 5)
    assert marker["label"] == "Attestera ärende: 1 öppen uppgift"
    table = client.get("/arenden/vantetider?process=camunda_style").get_data(as_text=True)
    assert '<tr data-element="approve">' in table and ">1,0<" in table  # 23 hours


def test_a_missing_or_forged_case_is_not_found(
    case: Case, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("ada")
    for key in ("SIF-1999-0001", "x" * 300, "SIF-2026-0001' OR 1=1 --"):
        for suffix in ("", ".bpmn"):
            answer = client.get(f"/arenden/{key}/diagram{suffix}")
            assert answer.status_code == 404, (key, suffix)
            assert "Sidan finns inte" in answer.get_data(as_text=True)
        answer = client.get(f"/arenden/{key}/diagram.json")
        assert answer.status_code == 404
        assert answer.get_json()["message"].startswith("Ärendet ")


def test_an_unknown_process_is_said_in_swedish(
    case: Case, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("nils")
    page = client.get("/arenden/vantetider?process=finns_inte")
    assert page.status_code == 404
    text = page.get_data(as_text=True)
    assert "Processen finns_inte finns inte." in text
    assert '<option value="camunda_style"' in text  # the choice is there to make again
    assert client.get("/arenden/vantetider.json?process=finns_inte").status_code == 404
    assert client.get("/arenden/vantetider.bpmn?process=finns_inte").status_code == 404


def test_a_drawings_lanes_are_named_by_their_roles_names_not_ids(app: Flask) -> None:
    xml = (
        '<bpmn:lane id="a" name="council,coordinator"/><lane id="b" name="clerk" />'
        '<bpmn:lane id="c" name="economist"><bpmn:flowNodeRef>x</bpmn:flowNodeRef></bpmn:lane>'
    )
    with app.test_request_context():
        shown = readable_lanes(xml)
    assert 'name="Rådet för sociala investeringar eller Samordnare"' in shown
    assert 'name="clerk"' in shown  # no role Sif knows: left as the process owner wrote it
    assert 'name="Ekonom och utvärderare"' in shown


def test_a_lane_with_a_swedish_name_is_named_by_its_roles_property(app: Flask) -> None:
    xml = (
        '<bpmn:lane id="a" name="Nämndsekreterare"><bpmn:extensionElements>'
        '<spiffworkflow:properties><spiffworkflow:property name="roles" '
        'value="board_secretary" /></spiffworkflow:properties></bpmn:extensionElements>'
        "<bpmn:flowNodeRef>x</bpmn:flowNodeRef></bpmn:lane>"
        '<bpmn:lane id="b" name="Utan roll" />'
        '<bpmn:lane id="c" name="Okänd"><bpmn:extensionElements><camunda:properties>'
        '<camunda:property name="roles" value="clerk" /></camunda:properties>'
        "</bpmn:extensionElements></bpmn:lane>"
    )
    with app.test_request_context():
        assert 'name="Nämndsekreterare"' in readable_lanes(xml)
    with app.test_request_context():
        session["lang"] = "en"
        shown = readable_lanes(xml)
    assert 'name="Board secretary"' in shown  # the lane in the reader's language
    assert 'name="Utan roll"' in shown and 'name="Okänd"' in shown
