"""The REST API v1 (DESIGN §5): every endpoint and every status it answers, on SQLite and on
PostgreSQL, with the due_dates and review_loop scenarios (tests/data) deployed.

People (tests/web/conftest.py): klara and olle are clerks (due_dates' register step), bo is
a manager (its decide step), nils an auditor, ada an admin, petra a process owner, sam an
applicant and rut a reviewer (review_loop).
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask

import engine
from engine import Runtime
from tests.conftest import read_scenario
from tests.web.conftest import Api, csrf_token

ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$")


def problem(answer: Any, status: int) -> dict[str, Any]:
    """The JSON error body of ``answer``, after checking its status and shape."""
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert answer.mimetype == "application/json"
    body: dict[str, Any] = answer.get_json()
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["message"], str) and body["message"]
    return body


def registered(api: Api, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """A due_dates case klara started; its register task is open for the clerks."""
    return api.start("klara", "due_dates", data or {"title": "Ny lekplats"})


def register_task(case: dict[str, Any]) -> str:
    (task,) = case["open_tasks"]
    assert task["element_id"] == "register"
    return str(task["id"])


def bundle_files(name: str) -> dict[str, Any]:
    """A scenario as a multipart upload: every file under the field ``files``."""
    files = [(io.BytesIO(content), file) for file, content in read_scenario(name).items()]
    return {"files": files}


# Who is calling ----------------------------------------------------------------------------


def test_without_credentials_the_answer_is_a_json_401_not_the_sign_in_page(api: Api) -> None:
    for answer in (api.get("/me"), api.post("/cases", json={"process_key": "due_dates"})):
        body = problem(answer, 401)
        assert answer.headers["WWW-Authenticate"].lower().startswith("bearer")
        assert "Bearer" in body["message"]
        assert "Location" not in answer.headers


@pytest.mark.parametrize(
    "header", ["Bearer sif_okänd", "Bearer nope", "Basic a2xhcmE6cMOkdHQ=", "Bearer", "sif_"]
)
def test_an_unknown_token_or_another_scheme_is_refused(api: Api, header: str) -> None:
    problem(api.get("/me", headers={"Authorization": header}), 401)


def test_a_revoked_token_is_refused(api: Api, api_rt: Runtime) -> None:
    assert api.get("/me", "klara").status_code == 200
    (token,) = engine.list_tokens(api_rt, "klara")
    engine.revoke_token(api_rt, token.id)
    body = problem(api.get("/me", "klara"), 401)
    assert "återkallad" in body["message"]
    problem(api.post("/cases", "klara", json={"process_key": "due_dates"}), 401)


def test_me_tells_who_i_am_with_my_roles_in_swedish(api: Api) -> None:
    answer = api.get("/me", "ada")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.get_json() == {
        "name": "ada",
        "display_name": "Ada Administratör",
        "roles": [{"id": "admin", "name": "Systemadministratör"}],
    }


def test_a_signed_in_session_may_read(api: Api, sign_in: Any) -> None:
    sign_in("klara")
    answer = api.get("/me")
    assert answer.status_code == 200 and answer.get_json()["name"] == "klara"


def test_a_session_post_without_the_csrf_token_is_refused(api: Api, sign_in: Any) -> None:
    sign_in("klara")
    start = {"process_key": "due_dates", "data": {}}
    body = problem(api.post("/cases", json=start), 403)
    assert "CSRF" in body["message"]
    problem(api.post("/cases", json=start, headers={"X-CSRFToken": "fel"}), 403)
    token = csrf_token(api.client, "/")
    answer = api.post("/cases", json=start, headers={"X-CSRFToken": token})
    assert answer.status_code == 201, answer.get_data(as_text=True)


def test_bearer_posts_need_no_csrf_token(api: Api, app: Flask) -> None:
    assert app.config.get("WTF_CSRF_ENABLED", True)
    answer = api.post("/cases", "klara", json={"process_key": "due_dates", "data": {}})
    assert answer.status_code == 201


def test_a_wrong_token_is_refused_even_with_a_signed_in_session(api: Api, sign_in: Any) -> None:
    sign_in("klara")
    problem(api.get("/me", headers={"Authorization": "Bearer sif_fel"}), 401)


# Definitions -------------------------------------------------------------------------------


def test_definitions_lists_every_deployed_version_paged(api: Api) -> None:
    answer = api.get("/definitions", "klara")
    assert answer.status_code == 200
    listed = answer.get_json()
    assert listed["total"] == 2
    assert {d["process_key"] for d in listed["items"]} == {"due_dates", "review_loop"}
    page = api.get("/definitions?page=2&page_size=1", "klara").get_json()
    assert page["total"] == 2 and page["page"] == 2 and len(page["items"]) == 1
    only = api.get("/definitions?process_key=review_loop", "klara").get_json()
    assert [d["version"] for d in only["items"]] == [1]
    assert ISO_WITH_OFFSET.match(only["items"][0]["deployed_at"])
    problem(api.get("/definitions?page=0", "klara"), 422)


def test_deploying_a_new_bundle_answers_201_and_the_same_again_200(api: Api) -> None:
    answer = api.post("/definitions", "petra", data=bundle_files("timer_catch"))
    assert answer.status_code == 201, answer.get_data(as_text=True)
    created = answer.get_json()
    assert created["created"] is True
    assert [(d["process_key"], d["version"]) for d in created["definitions"]] == [
        ("timer_catch", 1)
    ]
    again = api.post("/definitions", "ada", data=bundle_files("timer_catch"))
    assert again.status_code == 200
    assert again.get_json()["created"] is False
    assert again.get_json()["sha256"] == created["sha256"]


def test_a_deployment_keeps_its_comment(api: Api) -> None:
    upload = {**bundle_files("timer_catch"), "comment": "Första versionen"}
    answer = api.post("/definitions", "petra", data=upload)
    assert answer.status_code == 201, answer.get_data(as_text=True)
    assert answer.get_json()["definitions"][0]["comment"] == "Första versionen"
    listed = api.get("/definitions?process_key=timer_catch", "petra").get_json()
    assert listed["items"][0]["comment"] == "Första versionen"
    too_long = {**bundle_files("review_loop"), "comment": "x" * 2001}
    problem(api.post("/definitions", "petra", data=too_long), 422)


def test_a_refused_bundle_answers_422_with_file_line_and_element(api: Api) -> None:
    files = read_scenario("due_dates")
    files["due_dates.bpmn"] = files["due_dates.bpmn"].replace(b'sourceRef="start"', b"")
    upload = {"files": [(io.BytesIO(c), n) for n, c in files.items()]}
    body = problem(api.post("/definitions", "petra", data=upload), 422)
    assert body["errors"]
    for item in body["errors"]:
        assert set(item) == {"file", "line", "element_id", "message"}
    assert any(item["file"] == "due_dates.bpmn" for item in body["errors"])


def test_an_empty_upload_or_a_text_field_is_a_refused_bundle(api: Api) -> None:
    multipart = "multipart/form-data"
    empty = problem(api.post("/definitions", "petra", data={}, content_type=multipart), 422)
    assert empty["errors"][0]["message"] == "Paketet är tomt."
    not_a_file = {"files": "inte en fil"}
    text = problem(api.post("/definitions", "petra", data=not_a_file, content_type=multipart), 422)
    assert set(text["errors"][0]) == {"file", "line", "element_id", "message"}


def test_only_a_process_owner_or_an_admin_deploys(api: Api) -> None:
    for who in ("klara", "nils", "sam"):
        problem(api.post("/definitions", who, data=bundle_files("timer_catch")), 403)


def test_deploying_needs_multipart_files(api: Api) -> None:
    problem(api.post("/definitions", "petra", json={"files": []}), 415)


# Cases -------------------------------------------------------------------------------------


def test_starting_a_case_answers_201_with_the_case(api: Api) -> None:
    case = registered(api)
    assert case["business_key"].startswith("SIF-2026-")
    assert case["title"] == "Ny lekplats"
    assert (case["status"], case["stage"]) == ("running", "Registrera ärendet")
    assert (case["process_key"], case["definition_version"]) == ("due_dates", 1)
    assert case["incident"] is None
    (task,) = case["open_tasks"]
    assert (task["name"], task["roles"], task["assignee"]) == (
        "Registrera ärendet",
        ["clerk"],
        None,
    )
    assert task["due_at"].startswith("2026-03-16T09:00:00+01:00")
    assert ISO_WITH_OFFSET.match(case["started_at"])


def test_starting_an_unknown_or_missing_process_is_422_per_field(api: Api) -> None:
    unknown = problem(api.post("/cases", "klara", json={"process_key": "finns_inte"}), 422)
    assert [e["path"] for e in unknown["errors"]] == ["process_key"]
    missing = problem(api.post("/cases", "klara", json={"data": {}}), 422)
    assert missing["errors"] == [{"path": "process_key", "message": "Värdet saknas."}]
    wrong = problem(api.post("/cases", "klara", json={"process_key": "due_dates", "data": []}), 422)
    assert wrong["errors"] == [{"path": "data", "message": "Ange ett objekt."}]
    extra = problem(api.post("/cases", "klara", json={"process_key": "x", "y": 1}), 422)
    assert {"path": "y", "message": "Fältet är okänt."} in extra["errors"]


def test_a_case_is_started_only_by_someone_with_a_role_in_its_process(api: Api) -> None:
    problem(api.post("/cases", "nils", json={"process_key": "due_dates"}), 403)
    problem(api.post("/cases", "sam", json={"process_key": "due_dates"}), 403)
    assert api.start("sam", "review_loop")["status"] == "running"
    assert api.start("ada", "due_dates")["started_by"] == "ada"


def test_malformed_json_is_400_and_another_content_type_415(api: Api) -> None:
    body = problem(
        api.post("/cases", "klara", data="{inte json", content_type="application/json"), 400
    )
    assert "JSON" in body["message"]
    problem(api.post("/cases", "klara", data="process_key=due_dates"), 415)
    problem(api.post("/cases", "klara", data="{}", content_type="text/plain"), 415)
    deep = "[" * 100_000 + "]" * 100_000
    problem(api.post("/cases", "klara", data=deep, content_type="application/json"), 400)


def test_a_request_over_the_size_limit_is_413(api: Api, app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    big = {"process_key": "due_dates", "data": {"text": "x" * 20_000}}
    problem(api.post("/cases", "klara", json=big), 413)
    files = {"files": [(io.BytesIO(b"x" * 20_000), "big.bpmn")]}
    problem(api.post("/definitions", "petra", data=files), 413)


def test_cases_are_filtered_as_the_overview_filters_them(api: Api, api_rt: Runtime) -> None:
    case = registered(api)
    assert case["stage_code"] == ""  # the scenario declares no stages
    total = {
        query: api.get(f"/cases?{query}", "ada").get_json()["total"]
        for query in ("role=clerk", "role=manager", "year=2026", "year=2025",
                      "process_key=due_dates&version=1", "process_key=due_dates&version=2",
                      "stage_code=under_review", "profile=x", "board=UN")
    }  # fmt: skip
    assert total == {
        "role=clerk": 1, "role=manager": 0, "year=2026": 1, "year=2025": 0,
        "process_key=due_dates&version=1": 1, "process_key=due_dates&version=2": 0,
        "stage_code=under_review": 0, "profile=x": 0, "board=UN": 0,
    }  # fmt: skip
    problem(api.get("/cases?year=12", "ada"), 422)


def test_cases_are_listed_paged_and_filtered(api: Api, api_rt: Runtime) -> None:
    first = registered(api, {"title": "Första", "urgent": False})
    second = registered(api, {"title": "Andra"})
    listed = api.get("/cases", "klara").get_json()
    assert listed["total"] == 2 and listed["page"] == 1
    assert [c["id"] for c in listed["items"]] == [second["id"], first["id"]]
    assert api.get("/cases?page_size=1&page=2", "klara").get_json()["items"][0]["id"] == first["id"]
    assert api.get("/cases?q=Först", "klara").get_json()["total"] == 1
    assert (
        api.get("/cases?status=running&stage=Registrera ärendet", "klara").get_json()["total"] == 2
    )
    assert api.get("/cases?status=completed", "klara").get_json()["total"] == 0
    assert api.get("/cases?process_key=review_loop", "klara").get_json()["total"] == 0
    assert api.get("/cases?overdue=true", "klara").get_json()["total"] == 0
    engine.set_virtual_time(api_rt.db, engine.to_datetime("2026-03-17T10:00"))
    assert api.get("/cases?overdue=true", "klara").get_json()["total"] == 2
    problem(api.get("/cases?status=okänd", "klara"), 422)
    problem(api.get("/cases?page_size=1000", "klara"), 422)


def test_a_case_shows_its_open_tasks_timers_and_version(api: Api) -> None:
    case = registered(api)
    answer = api.get(f"/cases/{case['id']}", "olle")
    assert answer.status_code == 200
    shown = answer.get_json()
    assert shown["open_tasks"] == case["open_tasks"]
    assert shown["definition_version"] == 1 and shown["waiting_timers"] == []
    waiting = api.start("ada", "timer_catch") if _deploy(api, "timer_catch") else None
    assert waiting is not None
    timers = api.get(f"/cases/{waiting['id']}", "ada").get_json()["waiting_timers"]
    assert [(t["element_id"], t["kind"]) for t in timers] == [("wait_hour", "duration")]
    assert timers[0]["due_at"].startswith("2026-03-02T10:00:00+01:00")


def _deploy(api: Api, scenario: str) -> bool:
    return bool(api.post("/definitions", "ada", data=bundle_files(scenario)).status_code == 201)


WHY = {"reason": "Projektet är pausat i väntan på nämndens beslut."}


def test_an_unknown_case_is_404(api: Api) -> None:
    body = problem(api.get("/cases/999", "ada"), 404)
    assert body["message"] == "Ärendet finns inte, eller så har du inte tillgång till det."
    problem(api.get("/cases/inte-ett-nummer", "ada"), 404)
    problem(api.get("/cases/999/events", "ada"), 404)
    problem(api.post("/cases/999/suspend", "ada", json=WHY), 404)


def test_the_audit_trail_is_listed_in_order_and_paged(api: Api) -> None:
    case = registered(api)
    task = register_task(case)
    api.post(f"/tasks/{task}/claim", "klara")
    answer = api.get(f"/cases/{case['id']}/events", "klara")
    assert answer.status_code == 200
    events = answer.get_json()
    kinds = [e["kind"] for e in events["items"]]
    assert kinds[0] == "case_started" and kinds[-1] == "task_claimed"
    assert events["total"] == len(kinds)
    page = api.get(f"/cases/{case['id']}/events?page=2&page_size=1", "klara").get_json()
    assert page["items"] == events["items"][1:2]
    assert all(ISO_WITH_OFFSET.match(e["at"]) for e in events["items"])


def test_an_admin_suspends_resumes_and_terminates_a_case(api: Api) -> None:
    case_id = registered(api)["id"]
    refused = problem(api.post(f"/cases/{case_id}/suspend", "ada", json={"reason": ""}), 422)
    assert refused["errors"][0]["path"] == "reason"
    suspended = api.post(f"/cases/{case_id}/suspend", "ada", json=WHY)
    assert suspended.status_code == 200 and suspended.get_json()["status"] == "suspended"
    problem(api.post(f"/cases/{case_id}/suspend", "ada", json=WHY), 409)
    assert api.post(f"/cases/{case_id}/resume", "ada", json=WHY).get_json()["status"] == "running"
    problem(api.post(f"/cases/{case_id}/resume", "ada", json=WHY), 409)
    problem(api.post(f"/cases/{case_id}/retry", "ada"), 409)
    ended = api.post(f"/cases/{case_id}/terminate", "ada", json=WHY).get_json()
    assert ended["status"] == "terminated" and ended["open_tasks"] == []
    problem(api.post(f"/cases/{case_id}/frys", "ada"), 404)


def test_an_admin_retries_a_case_in_error(api: Api, api_rt: Runtime) -> None:
    engine.deploy(api_rt, read_scenario("service_incident"), "admin")
    case = api.start("klara", "service_incident")
    (task,) = case["open_tasks"]
    done = api.post(
        f"/tasks/{task['id']}/complete", "klara", json={"data": {"divisor": 0, "amount": 10}}
    )
    assert done.status_code == 200, done.get_data(as_text=True)
    failed = api.get(f"/cases/{case['id']}", "klara").get_json()
    assert failed["status"] == "error" and failed["incident"]["element_id"] == "divide"
    problem(api.post(f"/cases/{case['id']}/retry", "klara"), 403)
    retried = api.post(f"/cases/{case['id']}/retry", "ada")
    assert retried.status_code == 200
    assert retried.get_json()["incident"]["message"]  # the cause is not fixed: still in error


def test_only_an_admin_administers_a_case(api: Api) -> None:
    case_id = registered(api)["id"]
    for who in ("klara", "olle", "nils"):
        for action in ("retry", "suspend", "resume", "terminate"):
            body = {} if action == "retry" else {"json": WHY}
            problem(api.post(f"/cases/{case_id}/{action}", who, **body), 403)


# Tasks -------------------------------------------------------------------------------------


def test_the_inbox_lists_my_tasks_with_the_inbox_filters(api: Api, api_rt: Runtime) -> None:
    task = register_task(registered(api))
    inbox = api.get("/tasks", "olle").get_json()
    assert [t["id"] for t in inbox["items"]] == [task]
    item = inbox["items"][0]
    assert (item["case_title"], item["overdue"], item["business_key"]) == (
        "Ny lekplats", False, "SIF-2026-0001",
    )  # fmt: skip
    assert api.get("/tasks?scope=group", "olle").get_json()["total"] == 1
    assert api.get("/tasks?scope=mine", "olle").get_json()["total"] == 0
    api.post(f"/tasks/{task}/claim", "olle")
    assert api.get("/tasks?scope=mine", "olle").get_json()["total"] == 1
    assert api.get("/tasks?scope=group", "klara").get_json()["total"] == 0
    assert api.get("/tasks?dated=true&step=register&role=clerk", "olle").get_json()["total"] == 1
    assert api.get("/tasks?step=decide", "olle").get_json()["total"] == 0
    assert api.get("/tasks?overdue=true", "olle").get_json()["total"] == 0
    engine.set_virtual_time(api_rt.db, engine.to_datetime("2026-03-17T10:00"))
    overdue = api.get("/tasks?overdue=true&sort=due&descending=true", "olle").get_json()
    assert overdue["total"] == 1 and overdue["items"][0]["overdue"] is True
    assert api.get("/tasks", "bo").get_json()["total"] == 0
    problem(api.get("/tasks?scope=alla", "olle"), 422)


def test_a_task_comes_with_its_form_schema_current_data_and_my_draft(
    api: Api, api_rt: Runtime
) -> None:
    task = register_task(registered(api, {"title": "Ny lekplats", "other": 1}))
    answer = api.get(f"/tasks/{task}", "olle")
    assert answer.status_code == 200
    shown = answer.get_json()
    assert shown["form_schema"]["required"] == ["title", "urgent"]
    assert shown["data"] == {"title": "Ny lekplats"}
    assert shown["draft"] is None and shown["may_act"] is True
    assert shown["case"]["business_key"] == "SIF-2026-0001"
    engine.save_draft(api_rt, task, "olle", {"title": "Utkast"})
    assert api.get(f"/tasks/{task}", "olle").get_json()["draft"]["data"] == {"title": "Utkast"}


def test_a_task_the_caller_may_not_see_is_403_if_they_read_its_case_else_404(api: Api) -> None:
    task = register_task(registered(api))
    problem(api.get(f"/tasks/{task}", "nils"), 403)  # an auditor reads every case
    hidden = problem(api.get(f"/tasks/{task}", "bo"), 404)
    missing = problem(api.get("/tasks/00000000-0000-0000-0000-000000000000", "bo"), 404)
    assert hidden == missing
    problem(api.get("/tasks/inte-ett-id", "klara"), 404)


def test_claiming_and_releasing(api: Api) -> None:
    task = register_task(registered(api))
    claimed = api.post(f"/tasks/{task}/claim", "olle")
    assert claimed.status_code == 200
    assert (claimed.get_json()["state"], claimed.get_json()["assignee"]) == ("claimed", "olle")
    assert api.post(f"/tasks/{task}/claim", "olle").status_code == 200  # harmless again
    body = problem(api.post(f"/tasks/{task}/claim", "klara"), 409)
    assert "olle" in body["message"]
    problem(api.post(f"/tasks/{task}/unclaim", "klara"), 409)
    released = api.post(f"/tasks/{task}/unclaim", "olle")
    assert released.status_code == 200 and released.get_json()["assignee"] is None
    problem(api.post(f"/tasks/{task}/claim", "nils"), 403)
    problem(api.post(f"/tasks/{task}/unclaim", "nils"), 403)


def test_completing_returns_the_cases_next_open_tasks(api: Api) -> None:
    case = registered(api)
    task = register_task(case)
    answer = api.post(
        f"/tasks/{task}/complete", "klara", json={"data": {"title": "T", "urgent": True}}
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    following = answer.get_json()
    assert following["case_id"] == case["id"]
    (decide,) = following["open_tasks"]
    assert (decide["element_id"], decide["roles"]) == ("decide", ["manager"])
    assert decide["due_at"].startswith("2026-03-07T09:00:00+01:00")  # urgent: five days


def test_form_errors_are_422_per_field(api: Api) -> None:
    task = register_task(registered(api))
    body = problem(api.post(f"/tasks/{task}/complete", "klara", json={"data": {"title": 5}}), 422)
    assert {e["path"] for e in body["errors"]} == {"title", "urgent"}
    assert all(e["message"] for e in body["errors"])
    missing = problem(api.post(f"/tasks/{task}/complete", "klara", json={}), 422)
    assert missing["errors"] == [{"path": "data", "message": "Värdet saknas."}]


def test_completing_twice_or_a_task_held_by_another_conflicts(api: Api) -> None:
    task = register_task(registered(api))
    data = {"data": {"title": "T", "urgent": False}}
    api.post(f"/tasks/{task}/claim", "olle")
    problem(api.post(f"/tasks/{task}/complete", "klara", json=data), 409)
    assert api.post(f"/tasks/{task}/complete", "olle", json=data).status_code == 200
    body = problem(api.post(f"/tasks/{task}/complete", "olle", json=data), 409)
    assert "slutförd" in body["message"]
    problem(api.post(f"/tasks/{task}/complete", "nils", json=data), 403)


def test_completing_against_a_stale_case_version_conflicts(api: Api) -> None:
    case = registered(api)
    task = register_task(case)
    api.post(f"/tasks/{task}/claim", "klara")  # the case moves on to version 2
    stale = {"data": {"title": "T", "urgent": False}, "case_version": case["version"]}
    problem(api.post(f"/tasks/{task}/complete", "klara", json=stale), 409)


# The fund ----------------------------------------------------------------------------------


def test_the_fund_balances(api: Api) -> None:
    answer = api.get("/fund", "sam")
    assert answer.status_code == 200
    fund = answer.get_json()
    assert (fund["code"], fund["as_of"]) == ("SIF", "2026-03-02")
    assert fund["balances"]["capital"] == 50_000
    assert fund["balances"]["available_to_grant"] == 50_000
    before = api.get("/fund?as_of=2025-12-31", "sam").get_json()
    assert before["balances"]["capital"] == 0
    problem(api.get("/fund?code=OKAND", "sam"), 404)
    problem(api.get("/fund?as_of=igår", "sam"), 422)


# Errors and the document -------------------------------------------------------------------


def test_an_unknown_path_or_method_is_answered_in_json(api: Api) -> None:
    problem(api.get("/finns-inte", "klara"), 404)
    answer = api.call("DELETE", "/fund", "klara")
    problem(answer, 405)
    assert set(answer.headers["Allow"].replace(" ", "").split(",")) >= {"GET"}
    problem(api.call("PUT", "/cases", "klara", json={}), 405)


def test_the_openapi_document_is_public_and_covers_every_endpoint(api: Api, app: Flask) -> None:
    answer = api.get("/openapi.json")
    assert answer.status_code == 200
    document = answer.get_json()
    assert document["openapi"].startswith("3.")
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    documented = {
        (path, method.upper())
        for path, operations in document["paths"].items()
        for method in operations
    }
    served = {
        (re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule), method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi"
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    assert documented == served
    for operations in document["paths"].values():
        for operation in operations.values():
            assert "401" in operation["responses"]
            assert operation["summary"]


def test_the_document_lists_the_statuses_of_design_5(api: Api) -> None:
    paths = api.get("/openapi.json").get_json()["paths"]

    def statuses(path: str, method: str) -> set[str]:
        return set(paths[f"/api/v1{path}"][method]["responses"])

    assert {"201", "200", "422", "403"} <= statuses("/definitions", "post")
    assert {"201", "422", "403"} <= statuses("/cases", "post")
    assert {"200", "404"} <= statuses("/cases/{case_id}", "get")
    assert {"200", "403", "404"} <= statuses("/tasks/{task_id}", "get")
    assert {"200", "409", "403"} <= statuses("/tasks/{task_id}/claim", "post")
    assert {"200", "409", "403"} <= statuses("/tasks/{task_id}/unclaim", "post")
    assert {"200", "409", "422", "403", "400", "413", "415"} <= statuses(
        "/tasks/{task_id}/complete", "post"
    )
    assert {"200", "409", "403"} <= statuses("/cases/{case_id}/{action}", "post")
