"""Decisions in their own place: a user task that keeps its answers under one name
(``answersKey``) never has them overwritten by a later form with the same fields, and a task
whose roles come from an expression on the case (``rolesExpression``) is offered to — and may
only be completed by — the roles it names when it is created."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import engine
from engine import BundleInvalid, NotAllowed, Runtime
from tests.conftest import make_runtime, read_scenario


@pytest.fixture
def rt(db_url: str) -> Iterator[Runtime]:
    runtime = make_runtime(db_url)
    engine.add_user(runtime, "clerk", ["clerk"], "Klara Clerk")
    engine.add_user(runtime, "boss", ["manager"], "Bo Chef")
    engine.add_user(runtime, "dir", ["director"], "Dora Direktör")
    engine.deploy(runtime, read_scenario("decided_by"), "admin")
    yield runtime
    runtime.close()


def _proposed(rt: Runtime, decider: str) -> engine.Case:
    case = engine.start_case(rt, "decided_by", "clerk", {"shown_amount_tkr": 700})
    proposal = {"amount_tkr": 700, "decider": decider, "paragraph": "§1"}
    engine.complete_task(rt, case.open_tasks[0].id, proposal, "clerk")
    return engine.get_case(rt, case.id, with_data=False)


def test_each_decision_keeps_its_answers_under_its_own_name(rt: Runtime) -> None:
    case = _proposed(rt, "director")
    [decide] = case.open_tasks
    view = engine.task_view(rt, decide.id, "dir")
    assert "paragraph" not in view.form_values  # the proposal's § does not fill the decision
    assert view.form_values["shown_amount_tkr"] == 700  # a read-only fact from the case
    engine.complete_task(rt, decide.id, {"decision": "approved", "paragraph": "§2"}, "dir")
    data = engine.get_case(rt, case.id).data
    assert data["proposal"]["paragraph"] == "§1"
    assert data["decision"] == {"decision": "approved", "paragraph": "§2"}
    assert "paragraph" not in data


def test_a_decision_is_offered_to_the_role_the_case_names(rt: Runtime) -> None:
    case = _proposed(rt, "director")
    [decide] = case.open_tasks
    assert decide.roles == ("director",)  # not the lane's manager
    assert engine.inbox(rt, "boss").total == 0
    with pytest.raises(NotAllowed):
        engine.complete_task(rt, decide.id, {"decision": "approved", "paragraph": "§2"}, "boss")
    assert engine.get_case(rt, case.id, with_data=False).open_tasks == [decide]
    engine.complete_task(rt, decide.id, {"decision": "approved", "paragraph": "§2"}, "dir")
    assert engine.get_case(rt, case.id, with_data=False).status == "completed"


def test_roles_the_expression_cannot_give_fall_back_to_the_lane_and_are_said(rt: Runtime) -> None:
    case = _proposed(rt, "not a role!")
    [decide] = case.open_tasks
    assert decide.roles == ("manager",)
    [failed] = [e for e in engine.case_events(rt, case.id) if e.kind == "roles_failed"]
    assert "giltiga roll-id" in failed.detail["message"]


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("answersKey", "Bad-Key", "Svarsnyckeln"),
        ("rolesExpression", "().__class__", "__class__"),
    ],
)
def test_a_bad_answers_key_or_roles_expression_is_refused_at_deploy(
    rt: Runtime, name: str, value: str, said: str
) -> None:
    files = read_scenario("decided_by")
    bpmn = files["decided_by.bpmn"].decode()
    old = {"answersKey": 'value="decision"', "rolesExpression": "value=\"proposal['decider']\""}
    files["decided_by.bpmn"] = bpmn.replace(old[name], f'value="{value}"').encode()
    with pytest.raises(BundleInvalid) as refused:
        engine.deploy(rt, files, "admin")
    assert any(said in p.message and p.element_id == "decide" for p in refused.value.problems)
