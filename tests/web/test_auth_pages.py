"""Signing in and out, the lock-out, CSRF, security headers and Swedish error pages."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from engine import Runtime
from tests.conftest import make_runtime
from tests.web.conftest import PASSWORD, csrf_token, post_form
from web.app import create_app


def test_pages_need_a_signed_in_person(client: FlaskClient) -> None:
    for path in ("/", "/mina-arenden", "/uppgifter/nonexistent"):
        answer = client.get(path)
        assert answer.status_code == 302
        assert answer.headers["Location"].startswith("/logga-in")


def test_signing_in_leads_to_the_inbox_and_out_again(
    client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("klara")
    inbox = client.get("/")
    assert inbox.status_code == 200
    assert "Klara Handläggare" in inbox.get_data(as_text=True)

    answer = post_form(client, "/logga-ut", {})
    assert answer.status_code == 302
    assert client.get("/").status_code == 302


def test_a_wrong_password_is_refused_in_swedish_and_locks_after_five(client: FlaskClient) -> None:
    for _ in range(4):
        token = csrf_token(client, "/logga-in")
        answer = client.post("/logga-in", data={"name": "klara", "password": "fel",
                                                "csrf_token": token})  # fmt: skip
        assert answer.status_code == 401
        assert "Fel användarnamn eller lösenord." in answer.get_data(as_text=True)
    token = csrf_token(client, "/logga-in")
    answer = client.post(
        "/logga-in", data={"name": "klara", "password": "fel", "csrf_token": token}
    )
    assert "tillfälligt låst" in answer.get_data(as_text=True)
    token = csrf_token(client, "/logga-in")
    locked = client.post(
        "/logga-in", data={"name": "klara", "password": PASSWORD, "csrf_token": token}
    )
    assert locked.status_code == 401  # even the right password, while locked


def test_a_form_post_without_its_csrf_token_is_refused(client: FlaskClient) -> None:
    answer = client.post("/logga-in", data={"name": "klara", "password": PASSWORD})
    assert answer.status_code == 400
    assert "Formuläret har gått ut" in answer.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not signed in


def test_sign_in_never_redirects_to_another_site(client: FlaskClient) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        token = csrf_token(client, "/logga-in")
        answer = client.post(
            f"/logga-in?next={target}",
            data={"name": "klara", "password": PASSWORD, "csrf_token": token},
        )
        assert answer.headers["Location"] == "/"
        post_form(client, "/logga-ut", {})


def test_every_page_has_the_security_headers(app: Flask, client: FlaskClient) -> None:
    answer = client.get("/logga-in")
    csp = answer.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert answer.headers["Referrer-Policy"] == "same-origin"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    [cookie] = [c for c in answer.headers.getlist("Set-Cookie") if c.startswith("sif_session=")]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "<script>" not in answer.get_data(as_text=True)  # no inline scripts anywhere


def test_an_unknown_page_is_a_swedish_404(
    client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("klara")
    answer = client.get("/finns-inte")
    assert answer.status_code == 404
    assert "Sidan finns inte" in answer.get_data(as_text=True)


def test_the_lock_out_holds_across_two_web_processes(web_rt: Runtime, db_url: str) -> None:
    """Two app instances on one database (two gunicorn workers): failures on either count."""
    other_rt = make_runtime(db_url, clock="virtual")
    try:
        first = create_app(web_rt.settings, web_rt).test_client()
        second = create_app(other_rt.settings, other_rt).test_client()
        for attempt in range(5):
            client = first if attempt % 2 else second
            token = csrf_token(client, "/logga-in")
            client.post("/logga-in", data={"name": "olle", "password": "fel", "csrf_token": token})
        token = csrf_token(first, "/logga-in")
        locked = first.post(
            "/logga-in", data={"name": "olle", "password": PASSWORD, "csrf_token": token}
        )
        assert locked.status_code == 401
        assert "tillfälligt låst" in locked.get_data(as_text=True)
    finally:
        other_rt.close()
