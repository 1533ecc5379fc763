"""Who reaches the administrators' pages: role × page, and role × action.

Staff without ``admin`` or ``auditor`` reach none of the pages or downloads; an auditor reads
every one and every POST of theirs is refused without changing anything; an administrator
reads and acts. SQLite only: the access rules are the same code on both databases, and each
page's own tests run on both.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient

import engine
from engine import Database, Runtime, migrate
from tasks.store import MIGRATIONS as TASK_MIGRATIONS
from tests.conftest import read_scenario
from tests.integration.test_process_versions import changed_review_loop
from tests.web.conftest import PASSWORD, post_form

CASE = "{key}"
PAGES = (
    "/arenden",
    "/arenden/export.csv",
    "/arenden/export.xlsx",
    "/arenden/handelselogg.xes",
    "/arenden/handelselogg.csv",
    f"/arenden/{CASE}",
    f"/arenden/{CASE}/diagram",
    f"/arenden/{CASE}/diagram.json",
    f"/arenden/{CASE}/diagram.bpmn",
    f"/arenden/{CASE}/uppfoljning",
    "/arenden/vantetider?process=service_incident",
    "/arenden/vantetider.json?process=service_incident",
    "/arenden/vantetider.bpmn?process=service_incident",
    "/fond",
    "/fond/export.csv?tabell=saldon",
    "/fond/export.xlsx",
    "/admin/anvandare",
    "/admin/anvandare/klara",
    "/admin/anvandare/ny",  # a form for acting: administrators only
)
ACTIONS = (
    f"/arenden/{CASE}/suspend",
    f"/arenden/{CASE}/terminate",
    "/admin/anvandare/ny",
    "/admin/anvandare/klara/roller",
    "/admin/anvandare/klara/inaktivera",
    "/admin/anvandare/klara/losenord",
)
READS = {"klara": 403, "bo": 403, "nils": 200, "ada": 200}
# The process owners' pages: every role but process_owner is refused, administrators too.
PROCESS_PAGES = (
    "/processer",
    "/processer/review_loop",
    "/processer/review_loop/2",
    "/processer/review_loop/2/diagram.bpmn",
    "/processer/review_loop/2/diagram.json",
    "/processer/review_loop/2/filer.zip",
    "/processer/review_loop/2/filer/review_loop.bpmn",
    "/processer/review_loop/skillnad?fran=1&till=2",
    "/processer/review_loop/skillnad.json?fran=1&till=2&ritning=gammal",
)


@pytest.fixture
def world(api_rt: Runtime) -> tuple[Runtime, str]:
    engine.reset_password(api_rt, "ada", "ada", PASSWORD)  # ada signs in with a password here
    engine.add_user(api_rt, "carl", ["clerk"], "Carl", password=PASSWORD)
    engine.deploy(api_rt, read_scenario("service_incident"), "admin")
    case = engine.start_case(api_rt, "service_incident", "carl")
    return api_rt, case.business_key


@pytest.fixture(params=["sqlite"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/sif.db"
    db = Database(url)
    migrate(db, [TASK_MIGRATIONS])
    db.dispose()
    return url


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("who", sorted(READS))
def test_who_reaches_each_page(
    world: tuple[Runtime, str],
    client: FlaskClient,
    sign_in: Callable[[str], None],
    who: str,
    path: str,
) -> None:
    _, key = world
    sign_in(who)
    answer = client.get(path.format(key=key))
    expected = 403 if path.endswith("/ny") and who != "ada" else READS[who]
    assert answer.status_code == expected, answer.get_data(as_text=True)[:300]


@pytest.mark.parametrize("path", ACTIONS)
@pytest.mark.parametrize("who", ["klara", "nils"])
def test_an_auditors_and_staffs_actions_are_refused_and_change_nothing(
    world: tuple[Runtime, str],
    client: FlaskClient,
    sign_in: Callable[[str], None],
    who: str,
    path: str,
) -> None:
    rt, key = world
    before = engine.find_case(rt, key)
    klara = engine.get_user(rt, "klara")
    sign_in(who)
    form = {"reason": "Prov", "roles": "admin", "name": "ny.person", "display_name": "Ny",
            "password": "ett-långt-lösenord", "password_again": "ett-långt-lösenord",
            "confirm": "1"}  # fmt: skip
    answer = post_form(client, path.format(key=key), form, form_page="/mina-arenden")
    assert answer.status_code == 403
    after = engine.find_case(rt, key)
    assert (after.status, after.version) == (before.status, before.version)
    assert engine.get_user(rt, "klara") == klara
    assert engine.check_password(rt, "klara", PASSWORD) is not None
    with pytest.raises(engine.NotFound):
        engine.get_user(rt, "ny.person")


@pytest.mark.parametrize("who", ["klara", "bo", "nils", "ada", "petra"])
def test_only_process_owners_reach_the_process_pages(
    world: tuple[Runtime, str], client: FlaskClient, sign_in: Callable[[str], None], who: str
) -> None:
    rt, _ = world
    engine.reset_password(rt, "ada", "petra", PASSWORD)
    engine.deploy(rt, changed_review_loop(), "petra")  # review_loop's version 2
    sign_in(who)
    expected = 200 if who == "petra" else 403
    answers = {path: client.get(path).status_code for path in PROCESS_PAGES}
    assert answers == dict.fromkeys(PROCESS_PAGES, expected)
