"""Fixtures for the web application: ``app`` on a fresh database (SQLite and PostgreSQL),
``client``, and ``sign_in`` that goes through the real sign-in form with its CSRF token."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import engine
from engine import Runtime
from tests.conftest import make_runtime, read_scenario
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
