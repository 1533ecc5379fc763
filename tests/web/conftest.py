"""Fixtures for the web application: ``app`` on a fresh database (SQLite and PostgreSQL),
``client``, and ``sign_in`` that goes through the real sign-in form with its CSRF token."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import engine
from engine import Runtime
from tasks.store import DEFAULT_FUND, create_fund
from tasks.store import MIGRATIONS as TASK_MIGRATIONS
from tests.conftest import _pg_database, make_runtime, read_scenario
from web.app import create_app

PASSWORD = "rätt-lösenord-123"
PEOPLE = {
    "klara": (["clerk"], "Klara Handläggare"),
    "olle": (["clerk"], "Olle Handläggare"),
    "bo": (["manager"], "Bo Chef"),
    "nils": (["auditor"], "Nils Utan Uppgifter"),
}
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


@pytest.fixture
def web_rt(db_url: str) -> Iterator[Runtime]:
    rt = make_runtime(db_url, clock="virtual")
    engine.set_virtual_time(rt.db, engine.to_datetime("2026-03-02T09:00"))
    for name, (roles, display) in PEOPLE.items():
        engine.add_user(rt, name, roles, display, password=PASSWORD)
    engine.deploy(rt, read_scenario("due_dates"), "admin")
    yield rt
    rt.close()


def add_process_people(rt: Runtime) -> None:
    """Petra, a process owner, and Ada, an administrator (who may not model processes)."""
    engine.add_user(rt, "petra", ["process_owner"], "Petra Processägare", password=PASSWORD)
    engine.add_user(rt, "ada", ["admin"], "Ada Administratör", password=PASSWORD)


@pytest.fixture
def app(web_rt: Runtime) -> Flask:
    flask_app = create_app(web_rt.settings, web_rt)
    flask_app.config["TESTING"] = True
    return flask_app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_token(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form on ``path``, as a browser would post it back."""
    page = client.get(path).get_data(as_text=True)
    found = _TOKEN.search(page)
    assert found, f"no CSRF token on {path}"
    return found.group(1) or found.group(2)


def post_form(client: FlaskClient, path: str, data: dict[str, Any], form_page: str = "/") -> Any:
    """Post ``data`` to ``path`` with the CSRF token from ``form_page``."""
    return client.post(path, data={**data, "csrf_token": csrf_token(client, form_page)})


@pytest.fixture
def sign_in(client: FlaskClient) -> Callable[[str], None]:
    def signed_in(name: str) -> None:
        token = csrf_token(client, "/logga-in")
        answer = client.post(
            "/logga-in", data={"name": name, "password": PASSWORD, "csrf_token": token}
        )
        assert answer.status_code == 302, answer.get_data(as_text=True)

    return signed_in


# The API (tests/web/test_api*.py) -----------------------------------------------------------

#: People the API tests add beside PEOPLE: an administrator, a process owner, and the two
#: roles of the review_loop scenario.
API_PEOPLE = {
    "ada": (["admin"], "Ada Administratör"),
    "petra": (["process_owner"], "Petra Processägare"),
    "sam": (["applicant"], "Sam Sökande"),
    "rut": (["reviewer"], "Rut Granskare"),
}


@pytest.fixture
def api_rt(web_rt: Runtime) -> Runtime:
    """``web_rt`` with API_PEOPLE, the review_loop scenario deployed too, and the fund."""
    for name, (roles, display) in API_PEOPLE.items():
        engine.add_user(web_rt, name, roles, display)  # API tokens only: no password to hash
    engine.deploy(web_rt, read_scenario("review_loop"), "admin")
    posted_at = engine.to_datetime("2026-01-02T09:00")
    with web_rt.db.transaction() as conn:
        create_fund(conn, DEFAULT_FUND, "Sociala investeringsfonden", "stockholm_2016",
                    date(2026, 1, 1), 50_000, "admin", posted_at)  # fmt: skip
    return web_rt


@pytest.fixture
def tokens(api_rt: Runtime) -> dict[str, str]:
    """A bearer token for every person of PEOPLE and API_PEOPLE."""
    return {name: engine.create_token(api_rt, name, "test")[1] for name in {**PEOPLE, **API_PEOPLE}}


class Api:
    """The API as a script calls it: ``api.get("/me", "klara")`` sends klara's bearer token;
    without a name the request carries no token (only the client's session cookie, if any)."""

    def __init__(self, client: FlaskClient, tokens: dict[str, str]) -> None:
        self.client = client
        self.tokens = tokens

    def call(self, method: str, path: str, who: str | None = None, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}))
        if who is not None:
            headers["Authorization"] = f"Bearer {self.tokens[who]}"
        return self.client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    def get(self, path: str, who: str | None = None, **kwargs: Any) -> Any:
        return self.call("GET", path, who, **kwargs)

    def post(self, path: str, who: str | None = None, **kwargs: Any) -> Any:
        return self.call("POST", path, who, **kwargs)

    def start(self, who: str, process_key: str, data: dict[str, Any] | None = None) -> Any:
        """Start a case as ``who``; the case as the API answers it."""
        answer = self.post("/cases", who, json={"process_key": process_key, "data": data or {}})
        assert answer.status_code == 201, answer.get_data(as_text=True)
        return answer.get_json()


@pytest.fixture
def api(client: FlaskClient, tokens: dict[str, str]) -> Api:
    return Api(client, tokens)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared_rt(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Runtime]:
    """One runtime for all the tests of a module, on SQLite and on PostgreSQL, for tests that
    share a world built once (they only read, or what they write does not matter): the clock
    at 2026-03-02 09:00, PEOPLE and API_PEOPLE (only klara with a password), due_dates and
    review_loop deployed."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('shared')}/sif.db"
        database = engine.Database(url)
        engine.migrate(database, [TASK_MIGRATIONS])
        database.dispose()
    else:
        url = _pg_database(request.getfixturevalue("pg_server"))
    rt = make_runtime(url, clock="virtual")
    engine.set_virtual_time(rt.db, engine.to_datetime("2026-03-02T09:00"))
    for name, (roles, display) in {**PEOPLE, **API_PEOPLE}.items():
        engine.add_user(rt, name, roles, display, password=PASSWORD if name == "klara" else None)
    for scenario in ("due_dates", "review_loop"):
        engine.deploy(rt, read_scenario(scenario), "admin")
    yield rt
    rt.close()
