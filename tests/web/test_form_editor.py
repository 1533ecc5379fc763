"""The form editor (/modellera/<key>/formular/<file>): only process owners; the live preview
draws a real form with the task page's renderer and says in Swedish, with line and column,
why a text is not a form; saving puts the file into the person's draft; forged names are 404."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient

import engine
from engine import Runtime
from engine.forms import check_form_schema
from tests.conftest import read_scenario
from tests.web.conftest import add_process_people, csrf_token

ROOT = Path(__file__).resolve().parents[2]
KEY = "review_loop"
EDITOR = f"/modellera/{KEY}/formular/review.schema.json"
PREVIEW = "/modellera/formular/forhandsvisning"


@pytest.fixture
def owners(web_rt: Runtime) -> Runtime:
    add_process_people(web_rt)
    engine.deploy(web_rt, read_scenario(KEY), "admin")
    return web_rt


def _post_json(client: FlaskClient, path: str, body: object, page: str = EDITOR) -> object:
    token = csrf_token(client, page)
    return client.post(path, json=body, headers={"X-CSRFToken": token})


@pytest.mark.parametrize("who", ["klara", "ada", "nils"])
def test_only_process_owners_open_the_editor(
    owners: Runtime, client: FlaskClient, sign_in: Callable[[str], None], who: str
) -> None:
    sign_in(who)
    assert client.get(EDITOR).status_code == 403
    assert client.get(f"/modellera/{KEY}/formular").status_code == 403
    token = csrf_token(client, "/")
    answer = client.post(PREVIEW, json={"schema": "{}"}, headers={"X-CSRFToken": token})
    assert answer.status_code == 403
    assert answer.is_json


def test_the_list_names_each_form_and_the_tasks_using_it(
    owners: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("petra")
    page = client.get(f"/modellera/{KEY}/formular").get_data(as_text=True)
    for form in ("idea.schema.json", "review.schema.json", "revise.schema.json"):
        assert f"/modellera/{KEY}/formular/{form}" in page
    row = re.search(r"review\.schema\.json</a></th>(.*?)</tr>", page, re.S)
    assert row and "(review)" in row.group(1)


def test_the_preview_draws_a_real_form_in_swedish(
    owners: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("petra")
    schema = (ROOT / "forms" / "idea.schema.json").read_text()
    answer = _post_json(client, PREVIEW, {"schema": schema})
    body = answer.get_json()  # type: ignore[attr-defined]
    assert set(body) == {"html"}
    title = json.loads(schema)["properties"]["title"]["title"]
    assert f">{title}" in body["html"]
    assert 'name="title"' in body["html"]
    assert "<form" not in body["html"] and "<script" not in body["html"]


def test_the_preview_escapes_what_the_schema_says(
    owners: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("petra")
    hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    schema = {
        "type": "object",
        "title": hostile,
        "properties": {"a": {"type": "string", "title": hostile}},
    }
    body = _post_json(client, PREVIEW, {"schema": json.dumps(schema)}).get_json()  # type: ignore[attr-defined]
    assert "<script" not in body["html"] and "<img" not in body["html"]
    assert "&lt;script&gt;" in body["html"]


def test_broken_json_is_explained_with_line_and_column(
    owners: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("petra")
    text = '{\n  "type": "object",\n  "properties": {}\n  "title": "x"\n}'
    body = _post_json(client, PREVIEW, {"schema": text}).get_json()  # type: ignore[attr-defined]
    assert body == {
        "problems": [{"path": "", "message": "Rad 4, kolumn 3: ett kommatecken saknas."}]
    }


def test_an_unsupported_schema_is_explained(
    owners: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("petra")
    text = json.dumps(
        {"type": "object", "properties": {"a": {"type": "string", "contentMediaType": "x"}}}
    )
    body = _post_json(client, PREVIEW, {"schema": text}).get_json()  # type: ignore[attr-defined]
    assert "html" not in body
    assert "contentMediaType" in body["problems"][0]["message"]
    assert "stöds inte" in body["problems"][0]["message"]


@pytest.mark.parametrize("body", [None, [], {"schema": 3}, {"other": "{}"}])
def test_a_preview_request_without_text_is_refused_as_json(
    owners: Runtime, client: FlaskClient, sign_in: Callable[[str], None], body: object
) -> None:
    sign_in("petra")
    token = csrf_token(client, EDITOR)
    answer = client.post(PREVIEW, json=body, headers={"X-CSRFToken": token})
    assert answer.status_code == 400 and answer.is_json


def test_a_preview_without_the_csrf_token_is_refused(
    owners: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("petra")
    answer = client.post(PREVIEW, json={"schema": "{}"})
    assert answer.status_code == 400 and answer.is_json


def test_saving_puts_the_form_into_the_draft(
    owners: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("petra")
    deployed = engine.definition_files(owners, engine.find_definition(owners, KEY).id)
    schema = json.loads(deployed["review.schema.json"])
    schema["title"] = "Granskning, ny rubrik"
    text = json.dumps(schema, ensure_ascii=False, indent=2)
    answer = client.post(EDITOR, data={"schema": text, "csrf_token": csrf_token(client, EDITOR)})
    assert answer.status_code == 302
    draft = engine.process_draft(owners, "petra", KEY)
    assert draft is not None and draft.base_version == 1
    assert draft.files["review.schema.json"] == text.encode()
    assert {n: c for n, c in draft.files.items() if n != "review.schema.json"} == {
        n: c for n, c in deployed.items() if n != "review.schema.json"
    }
    page = client.get(EDITOR).get_data(as_text=True)
    assert "Granskning, ny rubrik" in page and "ditt utkast" in page


def test_text_that_is_not_json_is_kept_on_the_page_and_not_saved(
    owners: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("petra")
    text = '{"type": "object",, "title": "Halvfärdig"}'
    answer = client.post(EDITOR, data={"schema": text, "csrf_token": csrf_token(client, EDITOR)})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "Rad 1, kolumn 19" in page
    assert "Halvfärdig" in page
    assert engine.process_draft(owners, "petra", KEY) is None


def test_a_schema_with_problems_is_saved_and_flagged(
    owners: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("petra")
    text = json.dumps({"type": "array"})
    answer = client.post(EDITOR, data={"schema": text, "csrf_token": csrf_token(client, EDITOR)})
    assert answer.status_code == 302
    draft = engine.process_draft(owners, "petra", KEY)
    assert draft is not None and draft.files["review.schema.json"] == text.encode()
    page = client.get(EDITOR).get_data(as_text=True)
    assert "måste rättas före driftsättning" in page
    assert "Formuläret kan inte visas" in page


def test_a_new_form_gets_a_valid_name_and_opens_in_the_editor(
    owners: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("petra")
    listing = f"/modellera/{KEY}/formular"
    refused = client.post(
        listing, data={"namn": "../evil", "csrf_token": csrf_token(client, listing)}
    )
    assert refused.status_code == 422
    assert "Namnet får bara ha" in refused.get_data(as_text=True)
    taken = client.post(listing, data={"namn": "review", "csrf_token": csrf_token(client, listing)})
    assert taken.status_code == 422
    made = client.post(
        listing, data={"namn": "intervju", "csrf_token": csrf_token(client, listing)}
    )
    assert made.status_code == 302
    assert made.headers["Location"].endswith(f"/modellera/{KEY}/formular/intervju.schema.json")
    draft = engine.process_draft(owners, "petra", KEY)
    assert draft is not None
    assert check_form_schema(json.loads(draft.files["intervju.schema.json"])) == []


@pytest.mark.parametrize(
    "path",
    [
        f"/modellera/{KEY}/formular/nope.schema.json",
        f"/modellera/{KEY}/formular/review_loop.bpmn",
        f"/modellera/{KEY}/formular/classify_size.dmn",
        f"/modellera/{KEY}/formular/..%2F..%2Fetc%2Fpasswd",
        f"/modellera/{KEY}/formular/%2E%2E%2Freview.schema.json",
        "/modellera/no_such_process/formular/review.schema.json",
        "/modellera/no_such_process/formular",
    ],
)
def test_forged_names_are_not_found(
    owners: Runtime, client: FlaskClient, sign_in: Callable[[str], None], path: str
) -> None:
    sign_in("petra")
    assert client.get(path).status_code == 404
    token = csrf_token(client, "/")
    assert client.post(path, data={"schema": "{}", "csrf_token": token}).status_code == 404


def test_validation_names_the_problems_of_this_form(
    owners: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("petra")
    url = f"{EDITOR}/validera"
    good = (ROOT / "tests/data/review_loop/review.schema.json").read_text()
    assert _post_json(client, url, {"schema": good}).get_json()["problems"] == []  # type: ignore[attr-defined]
    bad = json.dumps({"type": "object", "properties": {"a": {"type": "strin"}}})
    found = _post_json(client, url, {"schema": bad}).get_json()["problems"]  # type: ignore[attr-defined]
    assert found and all(p["message"] for p in found)
    assert engine.process_draft(owners, "petra", KEY) is None


def test_a_lone_surrogate_is_a_bad_request_not_a_crash(
    owners: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("petra")
    token = csrf_token(client, EDITOR)
    body = '{"schema": "{\\"title\\": \\"\\ud800\\"}"}'
    headers = {"X-CSRFToken": token, "Content-Type": "application/json"}
    for path in (
        PREVIEW,
        f"{EDITOR}/validera",
        "/modellera/review_loop/beslut/classify_size.dmn/spara",
    ):
        sent = body if "beslut" not in path else body.replace('"schema"', '"xml"')
        answer = client.post(path, data=sent, headers=headers)
        assert answer.status_code == 400 and answer.is_json, path


def test_a_schema_the_renderer_cannot_draw_is_said_in_the_preview(
    owners: Runtime,
    client: FlaskClient,
    sign_in: Callable[[str], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def cannot_draw(*_: object) -> None:
        raise ValueError("the renderer fails")

    monkeypatch.setattr("web.modeller.forms.render_form", cannot_draw)
    sign_in("petra")
    answer = _post_json(client, PREVIEW, {"schema": '{"type": "object", "title": "<b>T</b>"}'})
    assert answer.status_code == 200  # type: ignore[attr-defined]
    html = answer.get_json()["html"]  # type: ignore[attr-defined]
    assert "Formuläret går inte att visa." in html
    assert "&lt;b&gt;T&lt;/b&gt;" in html
