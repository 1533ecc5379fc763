"""The inbox, claiming and releasing, the task page and My cases, through the Flask app."""

from __future__ import annotations

from collections.abc import Callable

import lxml.html
from flask import Flask
from flask.testing import FlaskClient

import engine
from engine import Runtime
from tests.web.conftest import csrf_token, post_form


def start(rt: Runtime, title: str | None = None) -> engine.Case:
    case = engine.start_case(rt, "due_dates", "klara")
    if title is not None:
        engine.complete_task(rt, case.open_tasks[0].id, {"title": title, "urgent": True}, "klara")
        case = engine.get_case(rt, case.id, with_data=False)
    return case


def test_the_inbox_lists_my_tasks_with_case_step_and_due_date(
    web_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    start(web_rt, "Läxhjälp i Hovsjö")
    sign_in("bo")

    page = client.get("/").get_data(as_text=True)

    assert "Läxhjälp i Hovsjö" in page
    assert "Besluta" in page
    assert "7 mars 2026" in page  # due in five days, in Swedish
    assert 'aria-label="1 öppen uppgift"' in page
    assert "manager" not in lxml.html.fromstring(page).text_content()  # no role ids on screen


def test_filters_sorting_and_paging_travel_in_the_address(
    web_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    for _ in range(30):
        start(web_rt)
    sign_in("klara")

    first = client.get("/?per-sida=25").get_data(as_text=True)
    second = client.get("/?per-sida=25&sida=2").get_data(as_text=True)
    nothing = client.get("/?forfallo=forsenade").get_data(as_text=True)

    assert "Sida 1 av 2" in first and "Sida 2 av 2" in second
    assert first.count("Registrera ärendet</a>") == 25
    assert second.count("Registrera ärendet</a>") == 5
    assert "Inga uppgifter matchar filtret" in nothing
    assert client.get("/?sida=abc&sortera=xyz&per-sida=-4").status_code == 200


def test_claim_and_release_from_the_list(
    web_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    case = start(web_rt)
    task_id = case.open_tasks[0].id
    sign_in("klara")

    claimed = post_form(client, f"/uppgifter/{task_id}/ta", {"tillbaka": "/?visa=mina"})
    assert claimed.headers["Location"] == "/?visa=mina"
    assert engine.get_task(web_rt, task_id, "klara").assignee == "klara"
    assert "Du har tagit uppgiften" in client.get("/").get_data(as_text=True)

    post_form(client, f"/uppgifter/{task_id}/slapp", {"tillbaka": "https://evil.example/"})
    assert engine.get_task(web_rt, task_id, "klara").assignee is None


def test_someone_without_the_role_cannot_claim_or_open_a_task(
    web_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    task_id = start(web_rt).open_tasks[0].id
    sign_in("bo")

    page = client.get(f"/uppgifter/{task_id}")
    claim = post_form(client, f"/uppgifter/{task_id}/ta", {})

    assert page.status_code == 403 and claim.status_code == 403
    assert "Du har inte behörighet" in page.get_data(as_text=True)
    assert engine.get_task(web_rt, task_id, "klara").assignee is None
    assert client.get("/uppgifter/00000000-0000-0000-0000-000000000000").status_code == 404


def test_my_cases_show_what_each_waits_for_and_from_whom(
    web_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    start(web_rt, "Fritidsmentorer")
    sign_in("klara")

    page = client.get("/mina-arenden").get_data(as_text=True)

    assert "Fritidsmentorer" in page
    assert "Besluta – Övrig roll" in page  # waits for the manager role, named in Swedish
    assert client.get("/mina-arenden?sida=x").status_code == 200


def test_the_csrf_token_of_one_session_does_not_work_in_another(
    web_rt: Runtime, app: Flask, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    task_id = start(web_rt).open_tasks[0].id
    foreign = csrf_token(app.test_client(), "/logga-in")  # another browser's token
    sign_in("klara")
    answer = client.post(f"/uppgifter/{task_id}/ta", data={"csrf_token": foreign})
    assert answer.status_code == 400


def test_a_task_is_completed_from_its_page_and_says_what_happens_next(
    web_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    task_id = start(web_rt).open_tasks[0].id
    sign_in("klara")
    page = client.get(f"/uppgifter/{task_id}").get_data(as_text=True)
    assert "Registrera ärendet" in page and 'name="title"' in page

    done = post_form(client, f"/uppgifter/{task_id}",
                     {"title": "Läxhjälp", "urgent": "true", "atgard": "slutfor"},
                     form_page=f"/uppgifter/{task_id}")  # fmt: skip

    assert done.status_code == 302 and done.headers["Location"] == "/"
    inbox = client.get("/").get_data(as_text=True)
    assert "Nästa steg: ”Besluta”" in inbox
    assert engine.get_task(web_rt, task_id, "klara").state == "completed"


def test_a_refused_form_keeps_what_was_typed_and_says_what_is_wrong_in_swedish(
    web_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    task_id = start(web_rt).open_tasks[0].id
    sign_in("klara")
    long_title = "Läxhjälp " * 40  # over maxLength 200

    refused = post_form(client, f"/uppgifter/{task_id}",
                        {"title": long_title, "atgard": "slutfor"},
                        form_page=f"/uppgifter/{task_id}")  # fmt: skip

    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Läxhjälp Läxhjälp" in page  # what was typed is still there
    assert "Får ha högst 200 tecken." in page
    assert "Fältet är obligatoriskt." in page  # "Brådskande" was not answered
    assert 'href="#field-title"' in page  # the summary links to the field
    assert engine.get_task(web_rt, task_id, "klara").state == "ready"


def test_a_draft_is_saved_and_comes_back(
    web_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    task_id = start(web_rt).open_tasks[0].id
    sign_in("klara")

    saved = post_form(client, f"/uppgifter/{task_id}",
                      {"title": "Halvfärdig rubrik", "atgard": "spara-utkast"},
                      form_page=f"/uppgifter/{task_id}")  # fmt: skip

    assert saved.status_code == 302
    page = client.get(f"/uppgifter/{task_id}").get_data(as_text=True)
    assert "Utkastet är sparat" in page
    assert "Halvfärdig rubrik" in page and "Du fortsätter på ditt utkast" in page


def test_completing_a_task_someone_else_completed_meanwhile_is_a_clear_conflict(
    web_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    task_id = start(web_rt).open_tasks[0].id
    sign_in("klara")
    token_page = f"/uppgifter/{task_id}"
    token = csrf_token(client, token_page)
    engine.complete_task(web_rt, task_id, {"title": "Först", "urgent": False}, "olle")

    late = client.post(token_page, data={"title": "Sen", "urgent": "false",
                                         "atgard": "slutfor", "csrf_token": token})  # fmt: skip

    page = late.get_data(as_text=True)
    assert late.status_code == 409
    assert "Uppgiften är redan slutförd av olle" in page
    assert "Sen" in page  # nothing typed is lost from view


def test_a_completed_task_shows_its_answers_read_only(
    web_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    task_id = start(web_rt).open_tasks[0].id
    engine.complete_task(web_rt, task_id, {"title": "Redan klar", "urgent": True}, "olle")
    sign_in("klara")

    page = client.get(f"/uppgifter/{task_id}").get_data(as_text=True)

    assert "Uppgiften är slutförd av Olle Handläggare" in page
    assert "Redan klar" in page
    assert 'name="title"' not in page  # no open form


def test_a_draft_that_cannot_be_saved_keeps_what_was_typed(
    web_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    task_id = start(web_rt).open_tasks[0].id
    sign_in("klara")
    token = csrf_token(client, f"/uppgifter/{task_id}")
    engine.complete_task(web_rt, task_id, {"title": "Först", "urgent": False}, "olle")

    typed = {"title": "Mitt halvfärdiga utkast", "atgard": "spara-utkast", "csrf_token": token}
    late = client.post(f"/uppgifter/{task_id}", data=typed)

    page = late.get_data(as_text=True)
    assert late.status_code == 409
    assert "utkastet sparades inte" in page
    assert "Mitt halvfärdiga utkast" in page
