"""User administration pages (``/admin/anvandare``) on SQLite and PostgreSQL: an administrator
adds people, gives and takes roles, deactivates and resets passwords, with effect at once and
every change in the history; the last administrator stays; an auditor reads and changes
nothing; other staff see nothing."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

import engine
from engine import Runtime
from engine.schema import admin_events
from tests.web.conftest import PASSWORD, csrf_token
from web.admin.forms import role_groups
from web.roles import ROLE_NAMES

NEW_PASSWORD = "ett-nytt-lösenord-456"
LIST = "/admin/anvandare"


@pytest.fixture
def ada(web_rt: Runtime) -> str:
    """The administrator (PEOPLE has none)."""
    engine.add_user(web_rt, "ada", ["admin"], "Ada Administratör", password=PASSWORD)
    return "ada"


@pytest.fixture
def admin(client: FlaskClient, sign_in: Callable[[str], None], ada: str) -> FlaskClient:
    sign_in(ada)
    return client


def browser(app: Flask, name: str, password: str = PASSWORD) -> FlaskClient:
    """A second person at another computer, signed in as ``name``."""
    other = app.test_client()
    answer = sign_in_with(other, name, password)
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return other


def sign_in_with(client: FlaskClient, name: str, password: str) -> TestResponse:
    token = csrf_token(client, "/logga-in")
    return client.post("/logga-in", data={"name": name, "password": password, "csrf_token": token})


def post(client: FlaskClient, path: str, data: Mapping[str, object] | None = None) -> TestResponse:
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client, LIST)})


def text(answer: TestResponse) -> str:
    return answer.get_data(as_text=True)


def events(rt: Runtime) -> int:
    with rt.db.reading() as conn:
        return int(conn.execute(select(func.count()).select_from(admin_events)).scalar_one())


def new_user_form(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "name": "sara.ahl", "display_name": "Sara Ahl", "roles": ["coordinator", "council"],
        "password": NEW_PASSWORD, "password_again": NEW_PASSWORD,
    }  # fmt: skip
    return {**form, **changes}


def test_an_administrator_adds_a_user_who_can_then_sign_in(
    admin: FlaskClient, app: Flask, web_rt: Runtime
) -> None:
    page = admin.get("/admin/anvandare/ny")
    assert page.status_code == 200
    assert "Rådet för sociala investeringar" in text(page)
    added = post(admin, "/admin/anvandare/ny", new_user_form())
    assert added.status_code == 302
    assert added.headers["Location"] == "/admin/anvandare/sara.ahl"
    shown = text(admin.get("/admin/anvandare/sara.ahl"))
    assert "Sara Ahl (sara.ahl) är tillagd och kan logga in." in shown
    assert "Lade till användaren med rollerna Rådet för sociala investeringar, Samordnare." in shown
    assert engine.get_user(web_rt, "sara.ahl").roles == {"coordinator", "council"}
    sara = browser(app, "sara.ahl", NEW_PASSWORD)
    assert "Sara Ahl" in text(sara.get("/"))


def test_roles_given_and_taken_take_effect_at_once(
    admin: FlaskClient, app: Flask, web_rt: Runtime
) -> None:
    klara = browser(app, "klara")
    assert klara.get(LIST).status_code == 403
    given = post(admin, "/admin/anvandare/klara/roller", {"roles": ["auditor"]})
    assert given.status_code == 302
    assert klara.get(LIST).status_code == 200
    assert engine.get_user(web_rt, "klara").roles == {"clerk", "auditor"}  # clerk: kept
    shown = text(admin.get("/admin/anvandare/klara"))
    assert "Rollerna för Klara Handläggare är ändrade" in shown
    assert "Gav rollen Revisor." in shown
    post(admin, "/admin/anvandare/klara/roller", {"roles": []})
    assert klara.get(LIST).status_code == 403
    assert "Tog bort rollen Revisor." in text(admin.get("/admin/anvandare/klara"))
    unchanged = post(admin, "/admin/anvandare/klara/roller", {"roles": []})
    assert unchanged.status_code == 302
    assert "Inget ändrades" in text(admin.get("/admin/anvandare/klara"))
    assert events(web_rt) == 2


def test_a_deactivated_person_is_signed_out_and_cannot_sign_in_until_reactivated(
    admin: FlaskClient, app: Flask, web_rt: Runtime
) -> None:
    klara = browser(app, "klara")
    confirm = text(admin.get("/admin/anvandare/klara/inaktivera"))
    assert "kan då inte längre logga in" in confirm and "Ja, inaktivera kontot" in confirm
    assert klara.get("/").status_code == 200  # asking is not doing
    done = post(admin, "/admin/anvandare/klara/inaktivera")
    assert done.status_code == 302
    shown = text(admin.get("/admin/anvandare/klara"))
    assert "är inaktiverad och kan inte längre logga in" in shown
    signed_out = klara.get("/")
    assert signed_out.status_code == 302 and "/logga-in" in signed_out.headers["Location"]
    refused = sign_in_with(app.test_client(), "klara", PASSWORD)
    assert refused.status_code == 401
    listed = text(admin.get(f"{LIST}?status=inaktiverade"))
    assert "Klara Handläggare" in listed and "Olle" not in listed
    post(admin, "/admin/anvandare/klara/aktivera")
    assert browser(app, "klara").get("/").status_code == 200
    history = text(admin.get("/admin/anvandare/klara"))
    assert "Aktiverade kontot igen." in history and "Inaktiverade kontot." in history


def test_a_new_password_works_and_the_old_one_does_not(
    admin: FlaskClient, app: Flask, web_rt: Runtime
) -> None:
    reset = post(admin, "/admin/anvandare/olle/losenord",
                 {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})  # fmt: skip
    assert reset.status_code == 302
    shown = text(admin.get("/admin/anvandare/olle"))
    assert "har fått ett nytt lösenord" in shown and "Satte ett nytt lösenord." in shown
    assert NEW_PASSWORD not in shown
    assert sign_in_with(app.test_client(), "olle", PASSWORD).status_code == 401
    browser(app, "olle", NEW_PASSWORD)


def test_a_password_reset_needs_the_same_long_password_twice(
    admin: FlaskClient, app: Flask, web_rt: Runtime
) -> None:
    short = post(admin, "/admin/anvandare/olle/losenord",
                 {"password": "kort", "password_again": "kort"})  # fmt: skip
    assert short.status_code == 422
    assert "Lösenordet måste vara 12–200 tecken." in text(short)
    differ = post(admin, "/admin/anvandare/olle/losenord",
                  {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD + "x"})  # fmt: skip
    assert differ.status_code == 422
    assert "Lösenorden är inte lika" in text(differ) and NEW_PASSWORD not in text(differ)
    assert events(web_rt) == 0
    browser(app, "olle")


def test_the_last_administrator_keeps_the_role_and_the_account(
    admin: FlaskClient, web_rt: Runtime
) -> None:
    dropped = post(admin, "/admin/anvandare/ada/roller", {"roles": ["coordinator"]})
    assert dropped.status_code == 409
    assert "Du är den enda aktiva administratören och kan inte ta bort din egen roll." in text(
        dropped
    )
    left = post(admin, "/admin/anvandare/ada/inaktivera")
    assert left.status_code == 409
    assert "kan inte inaktivera dig själv" in text(left)
    ada = engine.get_user(web_rt, "ada")
    assert ada.roles == {"admin"} and ada.active
    assert events(web_rt) == 0
    assert admin.get(LIST).status_code == 200


def test_the_auditor_reads_everything_and_changes_nothing(
    client: FlaskClient, sign_in: Callable[[str], None], ada: str, web_rt: Runtime
) -> None:
    engine.set_roles(web_rt, ada, "olle", ["coordinator"])
    sign_in("nils")
    listed = text(client.get(LIST))
    assert "Olle Handläggare" in listed and "Lägg till användare" not in listed
    page = client.get("/admin/anvandare/olle")
    assert page.status_code == 200
    assert "Samordnare" in text(page) and "Gav rollen Samordnare." in text(page)
    assert "<form" not in text(page).split('id="innehall"')[1].split("</main>")[0]
    before = events(web_rt)
    posts: list[tuple[str, Mapping[str, object]]] = [
        ("/admin/anvandare/ny", new_user_form()),
        ("/admin/anvandare/olle/roller", {"roles": ["admin"]}),
        ("/admin/anvandare/olle/inaktivera", {}),
        ("/admin/anvandare/olle/aktivera", {}),
        ("/admin/anvandare/olle/losenord", {"password": NEW_PASSWORD,
                                            "password_again": NEW_PASSWORD}),
    ]  # fmt: skip
    for path, data in posts:
        assert post(client, path, data).status_code == 403, path
    assert client.get("/admin/anvandare/ny").status_code == 403
    assert client.get("/admin/anvandare/olle/inaktivera").status_code == 403
    assert events(web_rt) == before
    assert engine.get_user(web_rt, "olle").roles == {"coordinator"}
    with pytest.raises(engine.NotFound):
        engine.get_user(web_rt, "sara.ahl")


ROUTES = [
    ("GET", LIST), ("GET", "/admin/anvandare/ny"), ("POST", "/admin/anvandare/ny"),
    ("GET", "/admin/anvandare/olle"), ("POST", "/admin/anvandare/olle/roller"),
    ("GET", "/admin/anvandare/olle/inaktivera"), ("POST", "/admin/anvandare/olle/inaktivera"),
    ("POST", "/admin/anvandare/olle/aktivera"), ("POST", "/admin/anvandare/olle/losenord"),
]  # fmt: skip


def test_staff_without_admin_or_auditor_reach_no_page(
    client: FlaskClient, sign_in: Callable[[str], None], web_rt: Runtime
) -> None:
    sign_in("klara")
    for method, path in ROUTES:
        data = {"roles": ["admin"]} if method == "POST" else None
        answer = post(client, path, data) if method == "POST" else client.get(path)
        assert answer.status_code == 403, (method, path)
        assert "administratörer" in text(answer) or "administratör" in text(answer)
    assert engine.get_user(web_rt, "klara").roles == {"clerk"}
    assert events(web_rt) == 0


def test_a_stranger_is_sent_to_sign_in(client: FlaskClient) -> None:
    for method, path in ROUTES:
        answer = client.open(path, method=method)
        assert answer.status_code in (302, 400), (method, path)  # POST without CSRF: 400
        if answer.status_code == 302:
            assert "/logga-in" in answer.headers["Location"]


def test_bad_input_is_shown_at_each_field_in_swedish_and_kept(
    admin: FlaskClient, web_rt: Runtime
) -> None:
    form = new_user_form(name="Sara Ahl", display_name="Sara Ahl", password="kort",
                         password_again="kort", roles=["council"])  # fmt: skip
    answer = post(admin, "/admin/anvandare/ny", form)
    assert answer.status_code == 422
    page = text(answer)
    assert "Rätta 2 fel och försök igen" in page
    assert "Användarnamnet får bara innehålla små bokstäver" in page
    assert "Lösenordet måste vara 12–200 tecken." in page
    assert 'value="Sara Ahl"' in page  # the name and display name kept
    assert re.search(r'value="council" id="roll-council" checked', page)
    assert 'value="kort"' not in page  # never a password
    assert 'aria-invalid="true"' in page and 'href="#name"' in page
    missing = post(admin, "/admin/anvandare/ny", {"roles": ["wizard"]})
    assert missing.status_code == 422
    for said in ("Ange ett användarnamn.", "Ange personens namn.", "Rollen finns inte: wizard.",
                 "Ange ett lösenord."):  # fmt: skip
        assert said in text(missing)
    assert events(web_rt) == 0


def test_a_taken_user_name_is_refused_at_the_field(admin: FlaskClient, web_rt: Runtime) -> None:
    answer = post(admin, "/admin/anvandare/ny", new_user_form(name="olle"))
    assert answer.status_code == 422
    assert "Användarnamnet olle är redan upptaget. Välj ett annat." in text(answer)
    reserved = post(admin, "/admin/anvandare/ny", new_user_form(name="ny"))
    assert "Användarnamnet är reserverat" in text(reserved)
    assert engine.get_user(web_rt, "olle").display_name == "Olle Handläggare"


def test_a_post_without_its_csrf_token_is_refused(admin: FlaskClient, web_rt: Runtime) -> None:
    answer = admin.post("/admin/anvandare/olle/roller", data={"roles": ["admin"]})
    assert answer.status_code == 400
    assert "Formuläret har gått ut" in answer.get_data(as_text=True)
    added = admin.post("/admin/anvandare/ny", data=new_user_form())
    assert added.status_code == 400
    assert engine.get_user(web_rt, "olle").roles == {"clerk"}
    assert events(web_rt) == 0


def test_an_unknown_user_is_not_found(admin: FlaskClient) -> None:
    for method, path in ROUTES[3:]:
        path = path.replace("olle", "ingen.alls")
        answer = post(admin, path, {"roles": []}) if method == "POST" else admin.get(path)
        assert answer.status_code == 404, (method, path)
        assert "Sidan finns inte" in text(answer)


def test_the_list_filters_searches_and_pages(admin: FlaskClient, web_rt: Runtime) -> None:
    for n in range(30):
        engine.add_user(web_rt, f"person.{n:02d}", ["council"] if n < 3 else [], f"Person {n}")
    first = text(admin.get(LIST))
    assert "35 användare" in first and "Sida 1 av 2" in first
    assert "Systemadministratör" in first and ">admin<" not in first
    second = text(admin.get(f"{LIST}?sida=2"))
    assert "Person 29" in second and 'href="/admin/anvandare/ada"' not in second
    council = text(admin.get(f"{LIST}?roll=council"))
    assert "3 användare" in council and "Person 0" in council and "Person 3<" not in council
    found = text(admin.get(f"{LIST}?sok=handl"))
    assert "2 användare" in found and "Klara Handläggare" in found
    assert "Ingen användare matchar filtret." in text(admin.get(f"{LIST}?sok=zzz"))
    ignored = text(admin.get(f"{LIST}?roll=wizard&status=kanske&sida=x"))
    assert "35 användare" in ignored


def test_every_role_of_the_catalogue_can_be_given_by_its_swedish_name(
    admin: FlaskClient,
) -> None:
    with admin.application.test_request_context():
        offered = [role for _, roles in role_groups() for role, _ in roles]
    assert sorted(offered) == sorted(ROLE_NAMES)  # each role once
    page = text(admin.get("/admin/anvandare/ny"))
    for role, name in ROLE_NAMES.items():
        assert f'id="roll-{role}"' in page and f'for="roll-{role}">{name}<' in page
