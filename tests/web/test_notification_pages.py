"""Notifications on the inbox page and in the API: mine only, newest first, marked read with
CSRF-protected buttons, a forged id answered 404 and nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import lxml.html
import pytest
from flask.testing import FlaskClient

import engine
from engine import Runtime
from tests.conftest import read_scenario
from tests.web.conftest import PASSWORD, post_form

NOW = engine.to_datetime("2026-03-02T09:00")


@pytest.fixture
def late(web_rt: Runtime) -> engine.Case:
    """A report 31 days late: Pia was reminded on day 20, Lina got the escalation on day 30."""
    engine.add_user(web_rt, "pia", ["project_leader"], "Pia Projektledare", password=PASSWORD)
    engine.add_user(web_rt, "lina", ["coordinator"], "Lina Samordnare", password=PASSWORD)
    engine.deploy(web_rt, read_scenario("deadline_notices"), "admin")
    case = engine.start_case(web_rt, "deadline_notices", "lina")
    engine.claim_task(web_rt, case.open_tasks[0].id, "pia")
    engine.advance_clock(web_rt, NOW + timedelta(days=31), "s")
    return case


def notices(page: str) -> lxml.html.HtmlElement:
    [section] = lxml.html.fromstring(page).xpath("//section[@aria-labelledby='aviseringar']")
    return section


def only_notification(rt: Runtime, name: str) -> engine.Notification:
    [found] = engine.notifications_for(rt, name, unread_only=False).rows
    return found


def test_the_inbox_shows_my_unread_notifications_with_a_link_to_the_task(
    web_rt: Runtime, late: engine.Case, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("lina")
    page = client.get("/").get_data(as_text=True)
    section = notices(page)
    text = section.text_content()
    assert "Eskalering" in text
    assert f"”Lämna lägesrapport” i ärende {late.business_key} är försenad" in text
    assert "Den hanteras av Pia Projektledare." in text
    follow_up = engine.get_case(web_rt, late.id, with_data=False).open_tasks[0]
    assert section.xpath("string(.//a/@href)") == f"/uppgifter/{follow_up.id}"
    assert "coordinator" not in text and "project_leader" not in text
    assert 'aria-label="1 oläst avisering"' in page  # the badge beside the inbox link


def test_a_reminder_is_shown_to_the_holder_and_nobody_else(
    late: engine.Case, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("pia")
    text = notices(client.get("/").get_data(as_text=True)).text_content()
    assert "Påminnelse" in text and "Eskalering" not in text
    sign_in("klara")
    page = client.get("/").get_data(as_text=True)
    assert "Aviseringar" not in page and "oläst avisering" not in page


def test_marking_one_read_removes_it_from_the_inbox(
    web_rt: Runtime, late: engine.Case, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("pia")
    mine = only_notification(web_rt, "pia")
    answer = post_form(client, f"/aviseringar/{mine.id}/last", {"tillbaka": "/?visa=mina"})
    assert answer.status_code == 302 and answer.headers["Location"] == "/?visa=mina"
    page = client.get("/").get_data(as_text=True)
    assert "Aviseringen är markerad som läst." in page
    assert "Aviseringar" not in page
    assert only_notification(web_rt, "pia").read_at == NOW + timedelta(days=31)


def test_a_forged_id_is_not_found_and_changes_nothing(
    web_rt: Runtime, late: engine.Case, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    theirs = only_notification(web_rt, "lina")
    sign_in("pia")
    assert post_form(client, f"/aviseringar/{theirs.id}/last", {}).status_code == 404
    assert post_form(client, "/aviseringar/999999/last", {}).status_code == 404
    assert engine.unread_count(web_rt, "lina") == 1


def test_marking_needs_the_csrf_token(
    web_rt: Runtime, late: engine.Case, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("pia")
    mine = only_notification(web_rt, "pia")
    assert client.post(f"/aviseringar/{mine.id}/last").status_code == 400
    assert client.post("/aviseringar/lasta").status_code == 400
    assert engine.unread_count(web_rt, "pia") == 1


def test_marking_all_read_marks_only_mine(
    web_rt: Runtime, late: engine.Case, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("lina")
    answer = post_form(client, "/aviseringar/lasta", {})
    assert answer.status_code == 302
    assert "1 avisering är markerad som läst." in client.get("/").get_data(as_text=True)
    assert engine.unread_count(web_rt, "lina") == 0
    assert engine.unread_count(web_rt, "pia") == 1


def test_the_api_answers_my_notifications_only(
    web_rt: Runtime, late: engine.Case, client: FlaskClient
) -> None:
    token = engine.create_token(web_rt, "pia", "test")[1]
    headers = {"Authorization": f"Bearer {token}"}
    answer = client.get("/api/v1/notifications", headers=headers)
    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["total"], body["page"], body["page_size"]) == (1, 1, 25)
    [item] = body["items"]
    assert item["kind"] == "reminder" and item["business_key"] == late.business_key
    assert item["read_at"] is None and item["mail_state"] == "not_needed"
    assert item["created_at"] == "2026-03-22T09:00:00+01:00"
    engine.mark_all_read(web_rt, "pia")
    assert client.get("/api/v1/notifications", headers=headers).get_json()["items"] == []
    everything = client.get("/api/v1/notifications?unread=false", headers=headers).get_json()
    assert everything["total"] == 1
    refused = client.get("/api/v1/notifications?page_size=500", headers=headers)
    assert refused.status_code == 422


def test_an_administrator_sets_and_removes_the_email_address(
    web_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    engine.add_user(web_rt, "ada", ["admin"], "Ada Administratör", password=PASSWORD)
    sign_in("ada")
    page = "/admin/anvandare/klara"
    assert "Ingen – aviseringar visas bara i Sif" in client.get(page).get_data(as_text=True)

    refused = post_form(client, f"{page}/epost", {"email": "inte en adress"}, page)
    assert refused.status_code == 422
    assert "Ange en e-postadress som namn@exempel.se." in refused.get_data(as_text=True)
    assert engine.get_user(web_rt, "klara").email is None

    assert (
        post_form(client, f"{page}/epost", {"email": " klara@kommun.se "}, page).status_code == 302
    )
    shown = client.get(page).get_data(as_text=True)
    assert "Aviseringar till Klara Handläggare skickas till klara@kommun.se." in shown
    assert "Satte e-postadressen klara@kommun.se." in shown  # in the user's history
    assert engine.get_user(web_rt, "klara").email == "klara@kommun.se"

    assert post_form(client, f"{page}/epost", {"email": ""}, page).status_code == 302
    assert engine.get_user(web_rt, "klara").email is None
    assert "Tog bort e-postadressen." in client.get(page).get_data(as_text=True)


def test_only_an_administrator_changes_an_email_address(
    web_rt: Runtime, client: FlaskClient, sign_in: Callable[[str], None]
) -> None:
    sign_in("nils")  # an auditor reads the page and changes nothing
    page = "/admin/anvandare/klara"
    assert client.get(page).status_code == 200
    answer = post_form(client, f"{page}/epost", {"email": "nils@kommun.se"}, page)
    assert answer.status_code == 403
    assert engine.get_user(web_rt, "klara").email is None
