"""Moving running cases to another version from the browser (``/processer/<key>/<v>/flytta``):
the dry run, the move of marked or all movable cases, for process owners only, on SQLite and
PostgreSQL. The scenario is ``tests/data/migration`` (see tests/integration/test_case_migration).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

import engine
from engine import Runtime
from tests.conftest import read_scenario
from tests.web.conftest import PASSWORD, csrf_token

PAGE = "/processer/case_flow/1/flytta"


@pytest.fixture
def cases(web_rt: Runtime) -> dict[str, str]:
    """Three cases on version 1: two at registration, one at the step version 2 removes;
    one case of another process. Version 2 deployed."""
    engine.add_user(web_rt, "petra", ["process_owner"], "Petra Processägare", password=PASSWORD)
    engine.add_user(web_rt, "boss", ["manager"], "Bo Chef")
    engine.deploy(web_rt, read_scenario("migration/v1"), "petra")
    keys = {}
    for name in ("first", "second", "stuck"):
        keys[name] = engine.start_case(web_rt, "case_flow", "klara", {"title": name}).business_key
    stuck = engine.find_case(web_rt, keys["stuck"], with_data=False)
    engine.complete_task(web_rt, stuck.open_tasks[0].id, {}, "klara")
    [timer] = engine.list_timers(web_rt, case_id=stuck.id)
    assert timer.due_at is not None
    engine.set_virtual_time(web_rt.db, timer.due_at)
    engine.sweep(web_rt, "test")
    [review] = engine.get_case(web_rt, stuck.id, with_data=False).open_tasks
    engine.complete_task(web_rt, review.id, {}, "klara")  # it waits at the removed step now
    keys["other"] = engine.start_case(web_rt, "due_dates", "klara").business_key
    engine.deploy(web_rt, read_scenario("migration/v2"), "petra", comment="Kortare flöde")
    return keys


@pytest.fixture
def owner(
    client: FlaskClient, sign_in: Callable[[str], None], cases: dict[str, str]
) -> FlaskClient:
    sign_in("petra")
    return client


def page_text(client: FlaskClient, path: str = PAGE, status: int = 200) -> str:
    answer = client.get(path)
    assert answer.status_code == status, answer.get_data(as_text=True)[:500]
    return answer.get_data(as_text=True)


def row_of(page: str, key: str) -> str:
    start = page.index(f'<span class="case-key">{key}</span>')
    return page[page.rindex("<tr>", 0, start) : page.index("</tr>", start)]


def version_of(rt: Runtime, key: str) -> int:
    return engine.find_case(rt, key, with_data=False).definition_version


def test_the_dry_run_lists_each_case_with_whether_it_can_move(
    owner: FlaskClient, cases: dict[str, str]
) -> None:
    page = page_text(owner)
    assert page.count("<h1>") == 1 and "<caption" in page
    assert '<option value="2" selected>version 2 (nyaste)</option>' in page
    assert "3 pågående ärenden på version 1." in page
    first = row_of(page, cases["first"])
    assert 'name="arende" value="' + cases["first"] + '"' in first and "Ja</span>" in first
    assert "Registrera ärendet" in first  # the current step
    assert "Uppgiften &#39;Registrera ärendet&#39; erbjuds nu: Övrig roll." in first
    stuck = row_of(page, cases["stuck"])
    assert 'name="arende"' not in stuck and "Nej</span>" in stuck
    assert "som inte finns i version 2." in stuck
    assert cases["other"] not in page
    assert "&#39;Komplettera ärendet&#39; finns inte i version 2." in page
    assert "/arenden/" not in page  # process owners may not open cases
    assert "manager" not in page  # role ids never reach the screen


def test_searching_narrows_the_dry_run(owner: FlaskClient, cases: dict[str, str]) -> None:
    page = page_text(owner, PAGE + "?q=stuck")
    assert cases["stuck"] in page and cases["first"] not in page
    assert "Inget pågående ärende" in page_text(owner, PAGE + "?q=finns-inte")


def test_moving_the_marked_cases_moves_them_and_says_so(
    owner: FlaskClient, web_rt: Runtime, cases: dict[str, str]
) -> None:
    token = csrf_token(owner, PAGE)
    answer = owner.post(PAGE, data={"csrf_token": token, "till": "2", "action": "markerade",
                                    "arende": [cases["first"], cases["stuck"]]})  # fmt: skip
    assert answer.status_code == 200
    result = answer.get_data(as_text=True)
    assert "1 ärende flyttades till version 2." in result
    moved = result[result.index('id="flyttade"') : result.index('id="orora"')]
    refused = result[result.index('id="orora"') :]
    assert cases["first"] in moved and cases["stuck"] in refused
    assert "som inte finns i version 2." in refused
    assert version_of(web_rt, cases["first"]) == 2
    assert version_of(web_rt, cases["second"]) == 1  # not marked: untouched
    assert version_of(web_rt, cases["stuck"]) == 1
    [event] = [e for e in engine.case_events(web_rt, engine.case_id_by_key(web_rt, cases["first"]))
               if e.kind == "migrated"]  # fmt: skip
    assert event.actor == "petra"


def test_moving_all_moves_every_movable_case(
    owner: FlaskClient, web_rt: Runtime, cases: dict[str, str]
) -> None:
    token = csrf_token(owner, PAGE)
    answer = owner.post(PAGE, data={"csrf_token": token, "till": "2", "action": "alla"})
    result = answer.get_data(as_text=True)
    assert "2 ärenden flyttades till version 2." in result
    assert [version_of(web_rt, cases[k]) for k in ("first", "second", "stuck")] == [2, 2, 1]
    again = page_text(owner)
    assert "1 pågående ärende på version 1." in again


def test_forged_keys_of_another_process_are_refused_and_untouched(
    owner: FlaskClient, web_rt: Runtime, cases: dict[str, str]
) -> None:
    token = csrf_token(owner, PAGE)
    forged = [cases["other"], "<script>x</script>", "SIF-1999-0001"]
    answer = owner.post(PAGE, data={"csrf_token": token, "till": "2", "action": "markerade",
                                    "arende": forged})  # fmt: skip
    result = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "0 ärenden flyttades" in result
    assert "<script>x</script>" not in result and "&lt;script&gt;" in result
    assert result.count("finns inte bland de pågående ärendena i version 1") == 3
    assert version_of(web_rt, cases["other"]) == 1


def test_a_post_without_a_csrf_token_or_a_mark_moves_nothing(
    owner: FlaskClient, web_rt: Runtime, cases: dict[str, str]
) -> None:
    refused = owner.post(PAGE, data={"till": "2", "action": "alla"})
    assert refused.status_code == 400
    assert version_of(web_rt, cases["first"]) == 1
    token = csrf_token(owner, PAGE)
    empty = owner.post(PAGE, data={"csrf_token": token, "till": "2", "action": "markerade"},
                       follow_redirects=True)  # fmt: skip
    assert "Markera minst ett ärende att flytta." in empty.get_data(as_text=True)
    same = owner.post(PAGE, data={"csrf_token": token, "till": "1", "action": "alla"},
                      follow_redirects=True)  # fmt: skip
    assert "Välj en annan version" in same.get_data(as_text=True)
    assert version_of(web_rt, cases["first"]) == 1


def test_unknown_processes_and_versions_are_not_found(owner: FlaskClient) -> None:
    for path in ("/processer/case_flow/9/flytta", "/processer/finns_inte/1/flytta",
                 "/processer/case_flow/0/flytta",
                 "/processer/case_flow/99999999999/flytta"):  # fmt: skip
        assert owner.get(path).status_code == 404, path
    lonely = page_text(owner, "/processer/due_dates/1/flytta")
    assert "Det finns ingen annan version" in lonely


def test_paging_shows_fifty_cases_a_page(
    owner: FlaskClient, web_rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from web.processes import migration

    monkeypatch.setattr(migration, "PAGE_SIZE", 2)
    first = page_text(owner)
    assert len(re.findall(r'class="case-key"', first)) == 2
    assert "Sida 1 av 2" in first and "sida=2" in first
    second = page_text(owner, PAGE + "?till=2&sida=2")
    assert len(re.findall(r'class="case-key"', second)) == 1


@pytest.mark.parametrize("who", ["klara", "nils", "bo"])
def test_only_process_owners_reach_the_page(
    owner: FlaskClient, web_rt: Runtime, sign_in: Callable[[str], None], who: str,
    cases: dict[str, str],
) -> None:  # fmt: skip
    token = csrf_token(owner, PAGE)
    sign_in(who)
    assert owner.get(PAGE).status_code == 403
    answer = owner.post(PAGE, data={"csrf_token": token, "till": "2", "action": "alla"})
    assert answer.status_code in (400, 403)
    assert version_of(web_rt, cases["first"]) == 1


def test_the_case_history_says_the_case_moved(
    owner: FlaskClient, web_rt: Runtime, sign_in: Callable[[str], None], cases: dict[str, str]
) -> None:
    engine.migrate_cases(web_rt, "case_flow", 1, 2, [cases["first"]], "petra")
    engine.add_user(web_rt, "ada", ["admin"], "Ada Administratör", password=PASSWORD)
    sign_in("ada")
    history = page_text(owner, f"/arenden/{cases['first']}")
    assert "Ärendet flyttades till en ny processversion" in history
    note = "Från version 1 till version 2. Uppgiften &#39;Registrera ärendet&#39; erbjuds nu: "
    assert note + "Övrig roll." in history


def test_moving_all_after_a_search_moves_only_what_it_found(
    owner: FlaskClient, web_rt: Runtime, cases: dict[str, str]
) -> None:
    page = page_text(owner, PAGE + "?q=second")
    assert "Flytta alla som kan flyttas bland sökträffarna (1)" in page
    token = csrf_token(owner, PAGE)
    answer = owner.post(PAGE, data={"csrf_token": token, "till": "2", "action": "alla",
                                    "q": "second"})  # fmt: skip
    assert "1 ärende flyttades till version 2." in answer.get_data(as_text=True)
    assert [version_of(web_rt, cases[k]) for k in ("first", "second")] == [1, 2]
