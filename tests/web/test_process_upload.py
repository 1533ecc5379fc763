"""Uploading files made in another BPMN tool (``/processer/ladda-upp``): the same validation
and problem list as the modeller's; a valid bundle deploys unchanged as a new version."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

import engine
from engine import Runtime
from tests.conftest import read_scenario
from tests.web.conftest import add_process_people, csrf_token

PAGE = "/processer/ladda-upp"


@pytest.fixture
def owner(web_rt: Runtime, sign_in: Callable[[str], None]) -> None:
    add_process_people(web_rt)
    sign_in("petra")


def _post(client: FlaskClient, action: str, files: dict[str, bytes], **fields: str) -> Any:
    data: dict[str, Any] = {"csrf_token": csrf_token(client, PAGE), "action": action, **fields}
    data["files"] = [(io.BytesIO(content), name) for name, content in files.items()]
    return client.post(PAGE, data=data, content_type="multipart/form-data")


def _renamed(files: dict[str, bytes], old: str, new: str) -> dict[str, bytes]:
    bpmn = files["due_dates.bpmn"].decode()
    assert old in bpmn
    return {**files, "due_dates.bpmn": bpmn.replace(old, new).encode()}


def _versions(rt: Runtime) -> list[int]:
    return [d.version for d in engine.list_definitions(rt) if d.process_key == "due_dates"]


@pytest.mark.parametrize("who", ["klara", "nils"])
def test_the_upload_page_is_for_process_owners_only(
    client: FlaskClient, sign_in: Callable[[str], None], who: str
) -> None:
    sign_in(who)
    assert client.get(PAGE).status_code == 403


def test_a_valid_bundle_deploys_unchanged_as_a_new_version_with_its_comment(
    client: FlaskClient, web_rt: Runtime, owner: None
) -> None:
    files = _renamed(read_scenario("due_dates"), 'name="Registrera', 'name="Registrera nu')
    answer = _post(client, "driftsatt", files, comment="Tydligare namn")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/processer/due_dates/2"
    newest = engine.find_definition(web_rt, "due_dates")
    assert (newest.version, newest.comment, newest.deployed_by) == (2, "Tydligare namn", "petra")
    assert engine.definition_files(web_rt, newest.id) == files  # byte for byte
    again = _post(client, "driftsatt", files)
    assert again.status_code == 302
    assert _versions(web_rt) == [2, 1]
    assert "redan driftsatta" in client.get("/").get_data(as_text=True)


def test_a_broken_file_is_listed_with_file_and_line_and_nothing_is_deployed(
    client: FlaskClient, web_rt: Runtime, owner: None
) -> None:
    files = {**read_scenario("due_dates"), "due_dates.bpmn": b"<definitions>\n<process>\n"}
    answer = _post(client, "driftsatt", files, comment="Ska inte synas")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "driftsattes inte" in page
    assert "due_dates.bpmn:" in page
    assert "Ska inte synas" in page  # what was typed is kept
    assert _versions(web_rt) == [1]


def test_an_element_with_a_problem_is_named_on_the_list(
    client: FlaskClient, web_rt: Runtime, owner: None
) -> None:
    files = read_scenario("due_dates")
    files = {n: c for n, c in files.items() if n != "decide.schema.json"}  # a form goes missing
    answer = _post(client, "validera", files)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "decide.schema.json finns inte" in page
    assert _versions(web_rt) == [1]


def test_one_changed_file_is_completed_with_the_deployed_versions_other_files(
    client: FlaskClient, web_rt: Runtime, owner: None
) -> None:
    bpmn = _renamed(read_scenario("due_dates"), 'name="Registrera', 'name="Registrera nu')
    answer = _post(client, "validera", {"due_dates.bpmn": bpmn["due_dates.bpmn"]}, base="due_dates")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200, page
    assert "giltigt" in page
    assert "decide.schema.json" in page and "från den driftsatta versionen" in page
    assert _versions(web_rt) == [1]  # checked, not deployed


def test_an_upload_can_be_kept_as_a_draft_for_the_modeller(
    client: FlaskClient, web_rt: Runtime, owner: None
) -> None:
    files = {**read_scenario("due_dates"), "due_dates.bpmn": b"<half-done"}
    answer = _post(client, "utkast", files)  # a broken file cannot say which process it is
    assert answer.headers["Location"] == PAGE
    assert "ingen process" in client.get(PAGE).get_data(as_text=True)
    assert engine.process_draft(web_rt, "petra", "due_dates") is None
    answer = _post(client, "utkast", files, base="due_dates")
    assert answer.headers["Location"] == "/modellera/due_dates"
    draft = engine.process_draft(web_rt, "petra", "due_dates")
    assert draft is not None and draft.files["due_dates.bpmn"] == b"<half-done"
    assert draft.base_version == 1
    assert _versions(web_rt) == [1]


def test_no_files_are_refused_clearly(client: FlaskClient, web_rt: Runtime, owner: None) -> None:
    for files in ({}, "text in place of a file"):
        token = csrf_token(client, PAGE)
        answer = client.post(
            PAGE, data={"csrf_token": token, "action": "driftsatt", "files": files}
        )
        assert answer.status_code == 422
        assert "Välj minst en fil" in answer.get_data(as_text=True)
    assert _versions(web_rt) == [1]


def test_an_upload_without_the_csrf_token_is_refused(
    client: FlaskClient, web_rt: Runtime, owner: None
) -> None:
    files = read_scenario("due_dates")
    data = {"action": "driftsatt", "files": [(io.BytesIO(c), n) for n, c in files.items()]}
    answer = client.post(PAGE, data=data, content_type="multipart/form-data")
    assert answer.status_code == 400
    assert _versions(web_rt) == [1]


def test_a_process_id_longer_than_any_key_is_not_kept_as_a_draft(
    client: FlaskClient, web_rt: Runtime, owner: None
) -> None:
    key = "p" * 300
    bpmn = _renamed(read_scenario("due_dates"), 'id="due_dates"', f'id="{key}"')
    answer = _post(client, "utkast", {"long.bpmn": bpmn["due_dates.bpmn"]})
    assert answer.headers["Location"] == PAGE
    assert "för långt" in client.get(PAGE).get_data(as_text=True)
    assert engine.process_draft(web_rt, "petra", key) is None
