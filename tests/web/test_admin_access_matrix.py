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
