"""The modeller's page and JSON endpoints (``/modellera/<key>``): for process owners only; the
bundle to edit; a draft per person; validation answering the problem list; deploying only a
valid bundle; every bad request answered as clear JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

import engine
from engine import Runtime
from tests.conftest import read_scenario
from tests.web.conftest import PASSWORD, add_process_people, csrf_token

KEY = "due_dates"
PAGE = f"/modellera/{KEY}"


@pytest.fixture
def owners(web_rt: Runtime) -> None:
    add_process_people(web_rt)
    engine.add_user(web_rt, "pia", ["process_owner"], "Pia Processägare", password=PASSWORD)


class Modeller:
    """The endpoints as the page's script calls them: JSON with the CSRF token in a header."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.token = ""

    def send(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Any:
        if not self.token:
            self.token = csrf_token(self.client, "/")
        headers = {"X-CSRFToken": self.token, **kwargs.pop("headers", {})}
        if body is not None:
            kwargs["json"] = body
        return self.client.open(f"{PAGE}{path}", method=method, headers=headers, **kwargs)

    def files(self) -> dict[str, str]:
        answer = self.send("GET", "/paket")
        assert answer.status_code == 200, answer.get_data(as_text=True)
        files: dict[str, str] = answer.get_json()["files"]
        return files


@pytest.fixture
def modeller(client: FlaskClient) -> Modeller:
    return Modeller(client)


def _text(files: dict[str, bytes]) -> dict[str, str]:
    return {name: content.decode() for name, content in files.items()}


def _renamed(files: dict[str, str], old: str, new: str) -> dict[str, str]:
    assert old in files["due_dates.bpmn"]
    return {**files, "due_dates.bpmn": files["due_dates.bpmn"].replace(old, new)}


def _versions(rt: Runtime) -> list[int]:
    return [d.version for d in engine.list_definitions(rt) if d.process_key == KEY]


ENDPOINTS = [
    ("GET", "", None),
    ("GET", "/paket", None),
    ("POST", "/utkast", {"files": {}}),
    ("DELETE", "/utkast", None),
    ("POST", "/validera", {"files": {}}),
    ("POST", "/driftsatt", {"files": {}}),
]


@pytest.mark.parametrize("who", ["klara", "bo", "nils", "ada"])
@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_the_modeller_is_refused_to_everyone_but_process_owners(
    modeller: Modeller, sign_in: Callable[[str], None], owners: None,
    who: str, method: str, path: str, body: Any,
) -> None:  # fmt: skip
    sign_in(who)
    answer = modeller.send(method, path, body)
    assert answer.status_code == 403
    if path:  # the JSON endpoints answer JSON, the page a page
        assert answer.get_json()["error"] == "not_allowed"


def test_signed_out_the_modeller_asks_for_sign_in(client: FlaskClient) -> None:
    answer = client.get(PAGE)
    assert answer.status_code == 302 and "/logga-in" in answer.headers["Location"]


def test_the_page_gives_its_script_swedish_role_names_and_the_endpoints(
    client: FlaskClient, sign_in: Callable[[str], None], owners: None
) -> None:
    sign_in("petra")
    page = client.get(PAGE).get_data(as_text=True)
    assert '<meta name="csrf-token"' in page
    config = json.loads(page.split('id="modeller-config">')[1].split("</script>")[0])
    assert {"id": "coordinator", "name": "Samordnare"} in config["choices"]["roles"]
    assert {"id": "granted", "name": "Beviljad"} in config["choices"]["stages"]
    grant = {"id": "fund.grant", "name": "Boka beviljade medel och reservation (fund.grant)"}
    assert grant in config["choices"]["services"]
    consents = "Berörda nämnder har samtyckt (fund.consents_given)"
    assert {"id": "fund.consents_given", "name": consents} in config["choices"]["rules"]
    assert config["urls"]["validate"] == f"{PAGE}/validera"
    assert config["texts"]["library"]["General"] == "Allmänt"
    assert "style=" not in page and "<script>" not in page


def test_a_process_that_does_not_exist_is_not_found(
    modeller: Modeller, sign_in: Callable[[str], None], owners: None
) -> None:
    sign_in("petra")
    assert modeller.client.get("/modellera/no_such_process").status_code == 404
    answer = modeller.client.get("/modellera/no_such_process/paket")
    assert answer.status_code == 404 and answer.get_json()["error"] == "not_found"


def test_every_endpoint_says_alike_that_a_process_does_not_exist(
    modeller: Modeller, sign_in: Callable[[str], None], owners: None
) -> None:
    sign_in("petra")
    said = "Processen no_such_process finns inte."
    assert said in modeller.client.get("/modellera/no_such_process").get_data(as_text=True)
    assert said in modeller.client.get("/modellera/no_such_process/formular").get_data(as_text=True)
    headers = {"X-CSRFToken": csrf_token(modeller.client, "/")}
    for method, path in [("GET", "/paket"), ("POST", "/utkast"), ("POST", "/validera")]:
        answer = modeller.client.open(
            f"/modellera/no_such_process{path}", method=method,
            json={"files": {"a.bpmn": "<x/>"}}, headers=headers,
        )  # fmt: skip
        assert answer.status_code == 404 and answer.get_json()["message"] == said, path


def test_without_a_draft_the_newest_version_is_edited(
    modeller: Modeller, sign_in: Callable[[str], None], owners: None
) -> None:
    sign_in("petra")
    answer = modeller.send("GET", "/paket").get_json()
    assert answer["files"] == _text(read_scenario(KEY))
    assert (answer["base_version"], answer["draft"]["exists"]) == (1, False)


def test_a_draft_is_kept_per_person_until_discarded(
    modeller: Modeller, client: FlaskClient, sign_in: Callable[[str], None],
    owners: None, web_rt: Runtime,
) -> None:  # fmt: skip
    sign_in("petra")
    changed = _renamed(modeller.files(), 'name="Registrera', 'name="Registrera utkast')
    saved = modeller.send("POST", "/utkast", {"files": changed})
    assert saved.status_code == 200
    assert saved.get_json()["draft"]["saved_text"].startswith("Utkast sparat ")
    loaded = modeller.send("GET", "/paket").get_json()
    assert loaded["files"] == changed and loaded["draft"]["exists"]
    assert _versions(web_rt) == [1]  # a draft is never deployed

    client.post("/logga-ut", data={"csrf_token": csrf_token(client, "/")})
    sign_in("pia")
    other = Modeller(client)
    assert other.send("GET", "/paket").get_json()["files"] == _text(read_scenario(KEY))

    client.post("/logga-ut", data={"csrf_token": csrf_token(client, "/")})
    sign_in("petra")
    petra = Modeller(client)
    assert petra.send("DELETE", "/utkast").get_json()["discarded"] is True
    assert petra.send("GET", "/paket").get_json()["draft"]["exists"] is False


def test_validation_answers_every_problem_with_its_element(
    modeller: Modeller, sign_in: Callable[[str], None], owners: None, web_rt: Runtime
) -> None:
    sign_in("petra")
    broken = _renamed(modeller.files(), '"register.schema.json"', '"missing.schema.json"')
    answer = modeller.send("POST", "/validera", {"files": broken})
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["valid"] is False
    assert [(p["file"], p["element_id"]) for p in body["problems"]] == [
        ("due_dates.bpmn", "register")
    ]
    assert "missing.schema.json finns inte" in body["problems"][0]["message"]
    assert body["problems"][0]["line"] > 1
    good = modeller.send("POST", "/validera", {"files": modeller.files()}).get_json()
    assert (good["valid"], good["problems"]) == (True, [])
    assert _versions(web_rt) == [1]


def test_deploying_creates_a_version_only_when_valid(
    modeller: Modeller, sign_in: Callable[[str], None], owners: None, web_rt: Runtime
) -> None:
    sign_in("petra")
    files = modeller.files()
    broken = _renamed(files, '"register.schema.json"', '"missing.schema.json"')
    refused = modeller.send("POST", "/driftsatt", {"files": broken, "comment": "x"})
    assert refused.status_code == 422
    assert refused.get_json()["error"] == "bundle_invalid"
    assert refused.get_json()["problems"][0]["element_id"] == "register"
    assert _versions(web_rt) == [1]

    renamed = _renamed(files, 'name="Registrera', 'name="Registrera nu')
    modeller.send("POST", "/utkast", {"files": renamed})
    answer = modeller.send("POST", "/driftsatt", {"files": renamed, "comment": "Nytt namn"})
    assert answer.status_code == 201, answer.get_data(as_text=True)
    body = answer.get_json()
    assert (body["version"], body["url"], body["created"]) == (2, f"/processer/{KEY}/2", True)
    newest = engine.find_definition(web_rt, KEY)
    assert (newest.version, newest.comment, newest.deployed_by) == (2, "Nytt namn", "petra")
    assert engine.process_draft(web_rt, "petra", KEY) is None  # the draft went with the deploy

    again = modeller.send("POST", "/driftsatt", {"files": renamed})
    assert again.status_code == 200 and again.get_json()["created"] is False
    assert _versions(web_rt) == [2, 1]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("text/plain", "ska vara JSON"),
        ("not json", "inte ett giltigt JSON-objekt"),
        ([1, 2], "inte ett giltigt JSON-objekt"),
        ({"files": "x"}, "saknar paketets filer"),
        ({"files": {}}, "saknar paketets filer"),
        ({"files": {"a.bpmn": 5}}, "kan inte läsas"),
        ({"files": {f"f{i}.bpmn": "" for i in range(201)}}, "för många filer"),
    ],
)
def test_a_malformed_request_is_answered_with_a_clear_json_error(
    modeller: Modeller, sign_in: Callable[[str], None], owners: None, body: Any, message: str
) -> None:
    sign_in("petra")
    for path in ("/utkast", "/validera", "/driftsatt"):
        if body == "text/plain":
            answer = modeller.send("POST", path, data="{}", content_type=body)
        elif isinstance(body, str):
            answer = modeller.send("POST", path, data=body, content_type="application/json")
        else:
            answer = modeller.send("POST", path, body)
        assert answer.status_code == 400, (path, answer.get_data(as_text=True))
        assert answer.get_json()["error"] == "bad_request"
        assert message in answer.get_json()["message"]


@pytest.mark.parametrize("name", ["../../etc/passwd.bpmn", "a/b.bpmn", "evil.exe", "x.json"])
def test_a_forged_file_name_is_a_problem_of_that_file(
    modeller: Modeller, sign_in: Callable[[str], None], owners: None, web_rt: Runtime, name: str
) -> None:
    sign_in("petra")
    files = {**modeller.files(), name: "<x/>"}
    for path in ("/validera", "/driftsatt", "/utkast"):
        answer = modeller.send("POST", path, {"files": files})
        body = answer.get_json()
        problems = body["problems"]
        assert answer.status_code in (200, 422), answer.get_data(as_text=True)
        assert [p["file"] for p in problems] == [name], path
    assert _versions(web_rt) == [1]
    assert engine.process_draft(web_rt, "petra", KEY) is None


def test_a_file_too_large_is_refused_with_its_name(
    modeller: Modeller, sign_in: Callable[[str], None], owners: None, web_rt: Runtime
) -> None:
    sign_in("petra")
    huge = "x" * (web_rt.settings.max_file_bytes + 1)
    files = {**modeller.files(), "huge.bpmn": huge}
    answer = modeller.send("POST", "/driftsatt", {"files": files})
    assert answer.status_code == 422
    assert [p["file"] for p in answer.get_json()["problems"]] == ["huge.bpmn"]
    saved = modeller.send("POST", "/utkast", {"files": files})
    assert saved.status_code == 422 and "för stor" in saved.get_json()["problems"][0]["message"]


def test_a_request_larger_than_any_bundle_is_refused_as_json(
    modeller: Modeller, sign_in: Callable[[str], None], owners: None, web_rt: Runtime
) -> None:
    sign_in("petra")
    limit = web_rt.settings.max_request_bytes
    answer = modeller.send(
        "POST", "/validera", data=b"{" + b" " * limit + b"}", content_type="application/json"
    )
    assert answer.status_code == 413
    assert answer.get_json()["error"] == "http"


def test_without_the_csrf_token_nothing_is_saved(
    client: FlaskClient, sign_in: Callable[[str], None], owners: None, web_rt: Runtime
) -> None:
    sign_in("petra")
    files = _text(read_scenario(KEY))
    answer = client.post(f"{PAGE}/utkast", json={"files": files})
    assert answer.status_code == 400 and answer.get_json()["error"] == "csrf"
    assert engine.process_draft(web_rt, "petra", KEY) is None


def test_the_modeller_keeps_the_forms_its_editors_saved(
    modeller: Modeller, sign_in: Callable[[str], None], owners: None, web_rt: Runtime
) -> None:
    """A modeller open in another tab sends old copies of the forms: they are not taken."""
    sign_in("petra")
    stale = modeller.files()
    form = next(name for name in stale if name.endswith(".schema.json"))
    newer = stale[form].replace('"title"', '"description": "Ny hjälptext", "title"', 1)
    engine.save_process_draft(
        web_rt, "petra", KEY, {n: t.encode() for n, t in {**stale, form: newer}.items()}, 1
    )
    assert modeller.send("POST", "/utkast", {"files": stale}).status_code == 200
    draft = engine.process_draft(web_rt, "petra", KEY)
    assert draft is not None and draft.files[form] == newer.encode()
    deployed = modeller.send("POST", "/driftsatt", {"files": stale})
    assert deployed.status_code == 201, deployed.get_data(as_text=True)
    newest = engine.find_definition(web_rt, KEY)
    assert engine.definition_files(web_rt, newest.id)[form] == newer.encode()


def test_a_draft_begun_on_an_older_version_is_deployed_only_when_asked(
    modeller: Modeller, sign_in: Callable[[str], None], owners: None, web_rt: Runtime
) -> None:
    sign_in("petra")
    files = modeller.files()
    bpmn = next(name for name in files if name.endswith(".bpmn"))
    other = {n: t.encode() for n, t in files.items()}
    files[bpmn] = files[bpmn].replace("</bpmn:definitions>", "<!-- Petra --></bpmn:definitions>")
    assert modeller.send("POST", "/utkast", {"files": files}).status_code == 200  # from v1
    other[bpmn] = other[bpmn].replace(b"</bpmn:definitions>", b"<!-- v2 --></bpmn:definitions>")
    engine.deploy(web_rt, other, "olof")  # someone else deploys version 2 meanwhile
    answer = modeller.send("POST", "/driftsatt", {"files": files})
    body = answer.get_json()
    assert answer.status_code == 409 and body["error"] == "newer_version"
    assert "utgår från version 1" in body["message"] and "version 2" in body["message"]
    assert _versions(web_rt) == [2, 1]
    asked = modeller.send("POST", "/driftsatt", {"files": files, "replace_newer": True})
    assert asked.status_code == 201, asked.get_data(as_text=True)
    assert _versions(web_rt) == [3, 2, 1]
