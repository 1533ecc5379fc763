"""The process owners' pages: every process and its versions, a version's diagram and files,
and what changed between two versions — for process owners only, on SQLite and PostgreSQL.

review_loop is deployed as version 1 (two cases start on it) and as version 2 with the changes
of ``tests.integration.test_process_versions.changed_review_loop``; the pages only read, so
the world is built once per database.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

import engine
from engine import Runtime
from tests.conftest import read_scenario
from tests.integration.test_process_versions import changed_review_loop
from tests.web.conftest import PASSWORD
from web.app import create_app
from web.processes import pages
from web.processes.changes import aspect_value, field_value


@pytest.fixture(scope="module")
def world(shared_rt: Runtime) -> Runtime:
    """The module's shared world (review_loop deployed by admin as version 1) with two cases on
        version 1, version 2 deployed by Petra; Petra (a process owner), Nils (an auditor) and Ada
    (an administrator) sign in with a password."""
    for name in ("petra", "nils", "ada"):
        engine.reset_password(shared_rt, "ada", name, PASSWORD)
    for _ in range(2):
        engine.start_case(shared_rt, "review_loop", "sam")
    engine.deploy(shared_rt, changed_review_loop(), "petra", comment="Noggrannare granskning")
    return shared_rt


@pytest.fixture
def app(world: Runtime) -> Flask:
    flask_app = create_app(world.settings, world)
    flask_app.config["TESTING"] = True
    return flask_app


@pytest.fixture
def owner(client: FlaskClient, sign_in: Callable[[str], None]) -> FlaskClient:
    """Petra, signed in."""
    sign_in("petra")
    return client


def text(client: FlaskClient, path: str, status: int = 200) -> str:
    answer = client.get(path)
    assert answer.status_code == status, answer.get_data(as_text=True)[:500]
    return answer.get_data(as_text=True)


def test_the_list_shows_every_process_with_its_versions_newest_first(owner: FlaskClient) -> None:
    whole = text(owner, "/processer")
    assert whole.count("<h1>") == 1 and 'href="/processer/ladda-upp"' in whole
    assert "Idégranskning med återremiss" in whole and "<code>due_dates</code>" in whole
    page = whole[whole.index("<code>review_loop</code>") :]  # the processes by key
    second, first = page.index("Version 2</a>"), page.index("Version 1</a>")
    assert second < first
    assert "Petra Processägare" in page and "<td>admin</td>" in page
    assert "Noggrannare granskning" in page
    row = page[first : page.index("</tr>", first)]
    assert '<td class="num">2</td>' in row  # two cases under way on version 1, two in all
    assert 'href="/modellera/review_loop"' in page
    assert "/processer/review_loop/skillnad?fran=1&amp;till=2" in page


def test_cases_under_way_on_an_older_version_link_to_moving_them(owner: FlaskClient) -> None:
    move = 'href="/processer/review_loop/1/flytta"'
    listed = text(owner, "/processer")
    assert listed.count(move) == 1  # version 1's cases; none run on version 2, the newest
    assert move in text(owner, "/processer/review_loop")
    old = text(owner, "/processer/review_loop/1")
    assert "2 ärenden pågår på den här versionen." in old and move in old
    assert "/flytta" not in text(owner, "/processer/review_loop/2")


def test_a_process_with_many_versions_is_paged(
    owner: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "LATEST_SHOWN", 1)
    monkeypatch.setattr(pages, "PAGE_SIZE", 1)
    listed = text(owner, "/processer")
    assert (
        "/processer/review_loop/1" not in listed and "Alla 2 versioner av Idégranskning" in listed
    )
    first = text(owner, "/processer/review_loop")
    assert "Version 2</a>" in first and "Version 1</a>" not in first
    assert "Sida 1 av 2" in first
    second = text(owner, "/processer/review_loop?sida=2")
    assert "Version 1</a>" in second and "Version 2</a>" not in second
    assert "Version 1</a>" in text(owner, "/processer/review_loop?sida=99")
    assert "Version 2</a>" in text(owner, "/processer/review_loop?sida=x")


def test_a_version_page_has_its_diagram_facts_files_and_a_compare_form(
    owner: FlaskClient,
) -> None:
    page = text(owner, "/processer/review_loop/2")
    assert "<h1>Idégranskning med återremiss, version 2</h1>" in page
    assert 'data-xml-url="/processer/review_loop/2/diagram.bpmn"' in page
    assert 'data-marks-url="/processer/review_loop/2/diagram.json"' in page
    assert "Noggrannare granskning" in page and "Petra Processägare" in page
    for name in read_scenario("review_loop"):
        assert f'href="/processer/review_loop/2/filer/{name}"' in page
    assert 'href="/processer/review_loop/2/filer.zip"' in page
    assert "Ladda ner versionen som zip-fil (5 filer)" in page
    assert 'name="till" value="2"' in page and '<option value="1" selected>' in page
    assert " kB</td>" in page


def test_a_versions_drawing_is_as_deployed_with_lanes_named_for_people(
    owner: FlaskClient,
) -> None:
    xml = text(owner, "/processer/review_loop/1/diagram.bpmn")
    assert 'id="count_round"' in xml and 'id="log_approval"' not in xml
    assert 'name="Sökande förvaltning"' in xml
    assert owner.get("/processer/review_loop/1/diagram.json").get_json() == {"markers": []}


def test_a_version_downloads_as_its_files_in_one_zip(owner: FlaskClient) -> None:
    answer = owner.get("/processer/review_loop/2/filer.zip")
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    assert answer.headers["Content-Disposition"] == "attachment; filename=review_loop-v2.zip"
    with zipfile.ZipFile(io.BytesIO(answer.data)) as archive:
        unpacked = {name: archive.read(name) for name in archive.namelist()}
    assert unpacked == changed_review_loop()


def test_each_file_downloads_alone_and_only_a_file_of_the_version(owner: FlaskClient) -> None:
    answer = owner.get("/processer/review_loop/1/filer/review.schema.json")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == "attachment; filename=review.schema.json"
    assert answer.data == read_scenario("review_loop")["review.schema.json"]
    for forged in ("nope.json", "..%2F..%2Fetc%2Fpasswd", "due_dates.bpmn"):
        assert owner.get(f"/processer/review_loop/1/filer/{forged}").status_code == 404


def test_the_diff_lists_what_changed_in_swedish(owner: FlaskClient) -> None:
    page = text(owner, "/processer/review_loop/skillnad?fran=1&till=2")
    assert "<h1>Vad ändrades i Idégranskning med återremiss</h1>" in page
    assert 'data-change="added" data-element="log_approval"' in page
    assert 'data-change="removed" data-element="count_round"' in page
    assert "Notera godkännandet" in page and "(Skriptuppgift, id <code>log_approval</code>)" in page
    review = page[page.index('data-element="review"') :]
    assert "Granska idé</td><td>Granska idén noga</td>" in review[: review.index("</table>")]
    approve = page[page.index('data-element="flow_decision_approve"') :]
    approve = approve[: approve.index("</table>")]
    assert '<th scope="row">Villkor</th>' in approve
    assert "decision in (&#39;approve&#39;, &#39;accept&#39;)" in approve
    assert "Idé godkänd</td><td>Notera godkännandet" in approve
    form = page[page.index('data-form="review.schema.json"') :]
    assert '<tr data-field="comment" data-aspect="maxLength">' in form
    assert "Största längd</td><td>2000</td><td>4000</td>" in form
    assert '<tr data-field="grade" data-change="added">' in form
    assert (
        'data-marks-url="/processer/review_loop/skillnad.json?fran=1&amp;till=2&amp;ritning=ny"'
        in page
    )


def test_the_diff_marks_added_and_changed_on_the_new_and_removed_on_the_old(
    owner: FlaskClient,
) -> None:
    new = owner.get("/processer/review_loop/skillnad.json?fran=1&till=2&ritning=ny").get_json()
    assert {(m["id"], m["kind"]) for m in new["markers"]} == {
        ("log_approval", "added"), ("flow_log_approval_to_approved", "added"),
        ("review", "changed"), ("flow_decision_revise", "changed"),
        ("flow_decision_approve", "changed"),
    }  # fmt: skip
    review = next(m for m in new["markers"] if m["id"] == "review")
    assert review["label"] == "Ändrat: Granska idén noga"
    assert review["text"] == "Namn: Granska idé → Granska idén noga"
    old = owner.get("/processer/review_loop/skillnad.json?fran=1&till=2&ritning=gammal")
    assert [(m["id"], m["kind"], m["label"]) for m in old.get_json()["markers"]] == [
        ("count_round", "removed", "Borttaget: Räkna kompletteringsrunda"),
        ("flow_count_round_to_revise", "removed", "Borttaget: Runda räknad"),
    ]


def test_the_same_version_twice_says_so(owner: FlaskClient) -> None:
    page = text(owner, "/processer/review_loop/skillnad?fran=2&till=2")
    assert "Du har valt version 2 två gånger. Välj två olika versioner att jämföra." in page
    assert '<select id="fran" name="fran">' in page
    missing = text(owner, "/processer/review_loop/skillnad", status=400)
    assert "Välj två versioner att jämföra." in missing
    assert "Välj två versioner" in text(owner, "/processer/review_loop/skillnad?fran=x&till=2", 400)


@pytest.mark.parametrize(
    "path",
    [
        "/processer/review_loop/3",
        "/processer/review_loop/0",
        "/processer/review_loop/99999999999999999999",
        "/processer/no_such_process",
        "/processer/due_dates/2",
        "/processer/review_loop/3/diagram.bpmn",
        "/processer/review_loop/3/filer.zip",
        "/processer/review_loop/skillnad?fran=1&till=3",
        "/processer/review_loop/skillnad?fran=1&till=99999999999999999999",
        "/processer/review_loop/skillnad?fran=-1&till=2",
        "/processer/no_such_process/skillnad?fran=1&till=2",
    ],
)
def test_an_unknown_or_forged_version_is_not_found(owner: FlaskClient, path: str) -> None:
    page = text(owner, path, status=404)
    assert "Traceback" not in page


def test_the_markers_of_an_unknown_version_are_not_found_as_json(owner: FlaskClient) -> None:
    for path in ("/processer/review_loop/skillnad.json?fran=1&till=3",
                 "/processer/review_loop/3/diagram.json"):  # fmt: skip
        answer = owner.get(path)
        assert answer.status_code == 404 and answer.get_json()["message"]


@pytest.mark.parametrize("who", ["klara", "nils", "ada"])  # staff, an auditor, an administrator
def test_only_process_owners_reach_the_pages(
    owner: FlaskClient, sign_in: Callable[[str], None], who: str
) -> None:
    sign_in(who)
    for path in ("/processer", "/processer/review_loop/1", "/processer/review_loop/1/filer.zip",
                 "/processer/review_loop/skillnad?fran=1&till=2"):  # fmt: skip
        assert owner.get(path).status_code == 403


def test_the_changes_read_in_swedish(app: Flask) -> None:
    with app.test_request_context("/"):
        assert aspect_value("type", "userTask") == "Användaruppgift"
        assert aspect_value("type", "scriptTask") == "Skriptuppgift"
        assert aspect_value("roles", "council, coordinator") == (
            "Rådet för sociala investeringar eller Samordnare"
        )
        assert aspect_value("lane", "scientific_reviewer") == "Vetenskaplig granskare"
        assert aspect_value("lane", "Granskare") == "Granskare"
        assert aspect_value("timer_kind", "timeDuration") == "varaktighet"
        assert aspect_value("event", "messageEventDefinition, timerEventDefinition") == (
            "meddelande, timer"
        )
        assert aspect_value("loop", "sequential") == "flera instanser i tur och ordning"
        assert aspect_value("stage", "under_review") != "under_review"
        assert aspect_value("form", None) == "–"
        assert field_value("required", "true") == "ja"
        assert field_value("type", "integer") == "heltal"
