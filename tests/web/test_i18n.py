"""Swedish first, English on request: the language switch, the pages in both languages, Babel's
formats, and an English catalog that holds every text the pages can show."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask, session
from flask.testing import FlaskClient

import engine
from engine import Runtime
from tests.web.conftest import PASSWORD, csrf_token, post_form
from web import formatting
from web.app import LANGUAGES
from web.i18n import LANGUAGE_NAMES
from web.roles import role_names

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "web" / "translations" / "en" / "LC_MESSAGES"


def choose(client: FlaskClient, language: str, back: str = "/") -> str:
    """Press the footer's language button on ``back``; where the switch sent the browser."""
    answer = post_form(client, "/sprak", {"sprak": language, "tillbaka": back}, form_page=back)
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return str(answer.headers["Location"])


def page(client: FlaskClient, path: str) -> tuple[str, lxml.html.HtmlElement]:
    html = client.get(path).get_data(as_text=True)
    return html, lxml.html.fromstring(html)


def texts(tree: lxml.html.HtmlElement, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in tree.xpath(xpath)]


def start_case(rt: Runtime, title: str) -> None:
    case = engine.start_case(rt, "due_dates", "klara")
    engine.complete_task(rt, case.open_tasks[0].id, {"title": title, "urgent": True}, "klara")


def test_swedish_is_the_default(client: FlaskClient) -> None:
    html, tree = page(client, "/logga-in")

    assert tree.get("lang") == "sv"
    assert texts(tree, "//h1") == ["Logga in"]
    assert "Användarnamn" in html and "Lösenord" in html
    [switch] = tree.xpath("//footer//button[@name='sprak']")
    assert (switch.get("value"), switch.get("lang"), switch.text) == ("en", "en", "English")


def test_english_changes_navigation_headings_and_the_inbox(
    web_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    start_case(web_rt, "Läxhjälp i Hovsjö")
    sign_in("bo")

    assert choose(client, "en", "/?visa=alla") == "/?visa=alla"
    html, tree = page(client, "/?visa=alla")

    assert tree.get("lang") == "en"
    assert texts(tree, "//nav[@class='main-nav']//a") == ["Inbox 1", "My cases"]
    assert 'aria-label="1 open task"' in html
    assert texts(tree, "//h1") == ["Inbox"]
    assert [t.rstrip("▲▼") for t in texts(tree, "//thead//th")][:5] == [
        "Case",
        "Step",
        "Waiting since",
        "Due",
        "Handled by",
    ]
    assert "1 task" in texts(tree, "//p[@role='status']")
    assert "7 Mar 2026" in texts(tree, "//tbody//td[4]//time")  # due in five days
    assert texts(tree, "//tbody//td[3]//time") == ["2 Mar 2026 09:00"]
    assert "Läxhjälp i Hovsjö" in html  # case data stays as it was written
    assert texts(tree, "//footer//button[@name='sprak']") == ["Svenska"]

    assert texts(page(client, "/mina-arenden")[1], "//h2") == ["No cases yet"]
    post_form(client, "/logga-ut", {})
    sign_in("klara")  # who started the case
    cases = page(client, "/mina-arenden")[1]
    assert texts(cases, "//h1") == ["My cases"]
    assert texts(cases, "//thead//th") == ["Case", "Status", "Waiting for", "Last changed"]
    assert texts(cases, "//tbody//td[2]") == ["In progress"]
    assert texts(cases, "//tbody//td[3]")[0].startswith("Besluta – Other role (due 7 Mar 2026)")


def test_english_sign_in_page_messages_and_error_pages(client: FlaskClient) -> None:
    choose(client, "en", "/logga-in")

    tree = page(client, "/logga-in")[1]
    assert tree.get("lang") == "en"
    assert texts(tree, "//h1") == ["Sign in"]
    assert texts(tree, "//label") == ["User name", "Password"]
    assert texts(tree, "//main//button") == ["Sign in"]

    refused = post_form(client, "/logga-in", {"name": "", "password": ""}, "/logga-in")
    assert "Enter your user name." in refused.get_data(as_text=True)

    missing = client.get("/finns-inte")
    _, error = page(client, "/finns-inte")
    assert missing.status_code == 404
    assert texts(error, "//h1") == ["Page not found"]
    assert "Error code 404" in texts(error, "//main//p")

    first = client.get("/").headers["Location"]  # not signed in: sent to sign in, told so
    assert "Sign in to continue." in client.get(first).get_data(as_text=True)


def test_the_language_survives_signing_in_and_out(
    client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    choose(client, "en", "/logga-in")
    sign_in("klara")
    assert page(client, "/")[1].get("lang") == "en"

    post_form(client, "/logga-ut", {})
    html, tree = page(client, "/logga-in")
    assert tree.get("lang") == "en" and "You are signed out." in html


def test_switching_back_to_swedish(client: FlaskClient, sign_in: Callable[[str], None]) -> None:
    sign_in("klara")
    choose(client, "en")
    assert choose(client, "sv", "/mina-arenden") == "/mina-arenden"

    tree = page(client, "/mina-arenden")[1]
    assert tree.get("lang") == "sv"
    assert texts(tree, "//h1") == ["Mina ärenden"]
    assert "Inkorg" in texts(tree, "//nav[@class='main-nav']//a")[0]
    assert texts(tree, "//footer//button[@name='sprak']") == ["English"]


def test_role_names_are_english_in_english(
    web_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    engine.add_user(web_rt, "sara", ["coordinator", "council_member"], "Sara Ahl", PASSWORD)
    sign_in("sara")
    assert texts(page(client, "/")[1], "//*[@class='user-menu__roles']") == [
        "Rådsledamot, Samordnare"
    ]

    choose(client, "en")
    assert texts(page(client, "/")[1], "//*[@class='user-menu__roles']") == [
        "Coordinator, Council member"
    ]


def test_dates_money_and_role_lists_follow_the_language(app: Flask) -> None:
    moment = datetime(2026, 11, 26, 13, 5, tzinfo=UTC)  # 14:05 in Stockholm
    expected = {
        "sv": ("26 nov. 2026 14:05", "26 nov. 2026", "1\xa0500 tkr", "1 dag"),
        "en": ("26 Nov 2026 14:05", "26 Nov 2026", "1,500 tkr", "1 day"),
    }
    for language, (when, day, money, waited) in expected.items():
        with app.test_request_context("/"):
            session["lang"] = language
            shown = (
                formatting.when(moment),
                formatting.day(moment),
                formatting.tkr(1500),
                formatting.waited(datetime(2026, 11, 25, 9, tzinfo=UTC), moment),
            )
            assert shown == (when, day, money, waited)
            assert (
                role_names(["coordinator", "council_member"])
                == {
                    "sv": "Rådsledamot eller Samordnare",
                    "en": "Coordinator or Council member",
                }[language]
            )


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "/\t/evil.example"]
)
def test_the_switch_goes_back_only_to_this_site(client: FlaskClient, target: str) -> None:
    assert choose(client, "en", "/logga-in") == "/logga-in"
    token = csrf_token(client, "/logga-in")
    answer = client.post("/sprak", data={"sprak": "sv", "tillbaka": target, "csrf_token": token})
    assert answer.status_code == 302 and answer.headers["Location"] == "/"


def test_the_switch_needs_its_csrf_token_and_a_known_language(client: FlaskClient) -> None:
    without = client.post("/sprak", data={"sprak": "en", "tillbaka": "/logga-in"})
    assert without.status_code == 400
    unknown = post_form(client, "/sprak", {"sprak": "de", "tillbaka": "/"}, "/logga-in")
    assert unknown.status_code == 400
    assert client.get("/sprak").status_code == 405
    assert page(client, "/logga-in")[1].get("lang") == "sv"


def test_the_languages_offered_have_names_and_english_has_its_catalog(app: Flask) -> None:
    assert set(LANGUAGES) == set(LANGUAGE_NAMES) and "sv" in LANGUAGES
    with app.app_context():
        babel = app.extensions["babel"]
        assert babel.translation_directories == [str(ROOT / "web" / "translations")]
        found = {str(locale) for locale in babel.instance.list_translations()}
    assert found == set(LANGUAGES)  # en from its catalog, sv as the default (the msgids)


def _catalog() -> Catalog:
    with (CATALOG / "messages.po").open("rb") as po:
        return read_po(po)


def test_every_text_has_an_english_translation() -> None:
    catalog = _catalog()
    entries = [m for m in catalog if m.id]
    assert entries
    untranslated = [
        m.id
        for m in entries
        if m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string])
    ]
    assert untranslated == []
    assert not catalog.obsolete
    assert [(m.id, errors) for m, errors in catalog.check()] == []  # same placeholders


def test_the_catalog_holds_every_marked_text_and_is_compiled() -> None:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {**DEFAULT_KEYWORDS, "lazy_gettext": None}
    found = extract_from_dir(str(ROOT), method_map, options_map, keywords)
    marked = {_key(message) for _, _, message, _, _ in found}
    catalog = _catalog()
    assert marked == {_key(m.id) for m in catalog if m.id}, "run `make translations`"

    with (CATALOG / "messages.mo").open("rb") as mo:
        compiled = read_mo(mo)
    assert {(_key(m.id), _key(m.string)) for m in compiled if m.id} == {
        (_key(m.id), _key(m.string)) for m in catalog if m.id
    }, "run `make translations`: messages.mo differs from messages.po"


def _key(text: str | Sequence[str]) -> str | tuple[str, ...]:
    """A message id or translation, its plural forms as a tuple."""
    return text if isinstance(text, str) else tuple(text)


def test_no_marked_text_is_left_untranslated_on_an_english_page(
    web_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    start_case(web_rt, "Fritidsmentorer")
    sign_in("bo")
    choose(client, "en")
    swedish = {m.id for m in _catalog() if isinstance(m.id, str) and len(m.id) > 12}
    for path in ("/", "/mina-arenden", "/finns-inte"):
        text = page(client, path)[1].text_content()
        assert [s for s in swedish if s in text] == [], path
