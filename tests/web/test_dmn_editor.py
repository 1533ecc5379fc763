"""The decision editor (/modellera/<key>/beslut/<file>): only process owners; the file's XML
comes from the draft, else the deployed version; saving keeps safe DMN XML in the draft and
refuses anything else in Swedish; forged names are 404 as JSON, never a 500."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

import engine
from engine import Runtime
from tests.conftest import read_scenario
from tests.web.conftest import add_process_people, csrf_token

KEY = "review_loop"
FILE = "classify_size.dmn"
EDITOR = f"/modellera/{KEY}/beslut/{FILE}"


@pytest.fixture
def owners(web_rt: Runtime) -> Runtime:
    add_process_people(web_rt)
    engine.deploy(web_rt, read_scenario(KEY), "admin")
    return web_rt


def _post(client: FlaskClient, path: str, body: object) -> object:
    return client.post(path, json=body, headers={"X-CSRFToken": csrf_token(client, EDITOR)})


def _deployed(rt: Runtime) -> dict[str, bytes]:
    return engine.definition_files(rt, engine.find_definition(rt, KEY).id)


@pytest.mark.parametrize("who", ["klara", "ada", "nils"])
def test_only_process_owners_open_the_decision_editor(
    owners: Runtime, client: FlaskClient, sign_in: Callable[[str], None], who: str
) -> None:
    sign_in(who)
    assert client.get(EDITOR).status_code == 403
    assert client.get(f"/modellera/{KEY}/beslut").status_code == 403
    answer = client.get(f"{EDITOR}/xml")
    assert answer.status_code == 403 and answer.is_json
    token = csrf_token(client, "/")
    saved = client.post(f"{EDITOR}/spara", json={"xml": "<x/>"}, headers={"X-CSRFToken": token})
    assert saved.status_code == 403 and saved.is_json
    assert engine.process_draft(owners, who, KEY) is None


def test_the_page_and_the_list_name_the_file(
    owners: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("petra")
    page = client.get(EDITOR).get_data(as_text=True)
    assert "data-dmn-editor" in page and f"{EDITOR}/xml" in page
    assert "dmn.bundle.js" in page and "/modellera/review_loop" in page
    listing = client.get(f"/modellera/{KEY}/beslut").get_data(as_text=True)
    assert EDITOR in listing


def test_the_xml_comes_from_the_deployed_version_then_the_draft(
    owners: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("petra")
    first = client.get(f"{EDITOR}/xml").get_json()
    assert first == {"name": FILE, "xml": _deployed(owners)[FILE].decode(), "from_draft": False}
    changed = first["xml"].replace("classify_size", "classify_size", 1) + "\n<!-- ändrad -->"
    answer = _post(client, f"{EDITOR}/spara", {"xml": changed})
    assert answer.status_code == 200, answer.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "utkast" in answer.get_json()["message"]  # type: ignore[attr-defined]
    second = client.get(f"{EDITOR}/xml").get_json()
    assert second["xml"] == changed and second["from_draft"] is True


def test_saving_replaces_only_that_file_in_the_draft(
    owners: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("petra")
    deployed = _deployed(owners)
    xml = deployed[FILE].decode().replace("<text>", "<text> ", 1)
    assert _post(client, f"{EDITOR}/spara", {"xml": xml}).status_code == 200  # type: ignore[attr-defined]
    draft = engine.process_draft(owners, "petra", KEY)
    assert draft is not None and draft.base_version == 1
    assert draft.files == {**deployed, FILE: xml.encode()}
    assert engine.process_draft(owners, "klara", KEY) is None


@pytest.mark.parametrize(
    ("xml", "said"),
    [
        ("inte xml alls", "inte giltig XML"),
        ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>', "DTD"),
        ('<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>', "inte en DMN-fil"),
        ("<decision/>", "inte en DMN-fil"),
    ],
)
def test_what_is_not_dmn_xml_is_refused_in_swedish(
    owners: Runtime, client: FlaskClient, sign_in: Callable[[str], None], xml: str, said: str
) -> None:
    sign_in("petra")
    answer = _post(client, f"{EDITOR}/spara", {"xml": xml})
    assert answer.status_code == 422  # type: ignore[attr-defined]
    assert said in answer.get_json()["message"]  # type: ignore[attr-defined]
    assert engine.process_draft(owners, "petra", KEY) is None


@pytest.mark.parametrize("body", [None, [], {"xml": 5}, {"text": "<x/>"}])
def test_a_save_without_xml_is_a_bad_request(
    owners: Runtime, client: FlaskClient, sign_in: Callable[[str], None], body: object
) -> None:
    sign_in("petra")
    answer = _post(client, f"{EDITOR}/spara", body)
    assert answer.status_code == 400 and answer.is_json  # type: ignore[attr-defined]


def test_a_save_without_the_csrf_token_is_refused(
    owners: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("petra")
    answer = client.post(f"{EDITOR}/spara", json={"xml": _deployed(owners)[FILE].decode()})
    assert answer.status_code == 400 and answer.is_json
    assert engine.process_draft(owners, "petra", KEY) is None


@pytest.mark.parametrize(
    "name",
    [
        "nope.dmn",
        "review_loop.bpmn",
        "review.schema.json",
        "..%2Fclassify_size.dmn",
        "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "classify_size.dmn.bak",
    ],
)
def test_forged_names_are_not_found(
    owners: Runtime, client: FlaskClient, sign_in: Callable[[str], None], name: str
) -> None:
    sign_in("petra")
    base = f"/modellera/{KEY}/beslut/{name}"
    assert client.get(base).status_code == 404
    xml = client.get(f"{base}/xml")
    assert xml.status_code == 404
    saved = _post(client, f"{base}/spara", {"xml": _deployed(owners)[FILE].decode()})
    assert saved.status_code == 404  # type: ignore[attr-defined]
    assert engine.process_draft(owners, "petra", KEY) is None


def test_a_process_that_does_not_exist_is_not_found(
    owners: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("petra")
    assert client.get(f"/modellera/ingen/beslut/{FILE}").status_code == 404
    answer = client.get(f"/modellera/ingen/beslut/{FILE}/xml")
    assert answer.status_code == 404 and answer.is_json


def test_validation_reports_this_files_problems_and_saves_nothing(
    owners: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("petra")
    good = _deployed(owners)[FILE].decode()
    answer = _post(client, f"{EDITOR}/validera", {"xml": good}).get_json()  # type: ignore[attr-defined]
    assert answer == {"problems": [], "others": 0}
    bad = good.replace("</decisionTable>", "<bogus/></decisionTable>", 1)
    assert bad != good
    found = _post(client, f"{EDITOR}/validera", {"xml": bad}).get_json()["problems"]  # type: ignore[attr-defined]
    assert found and all(p["file"] == FILE for p in found)
    assert engine.process_draft(owners, "petra", KEY) is None
