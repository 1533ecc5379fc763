"""Form validation on completion: errors per field path, and the task stays open, unchanged."""

from __future__ import annotations

import pytest

import engine
from engine import Runtime, ValidationFailed
from tests.conftest import read_scenario


@pytest.fixture
def task_id(rt: Runtime) -> str:
    engine.deploy(rt, read_scenario("review_loop"), "admin")
    engine.add_user(rt, "anna", ["applicant"])
    return engine.start_case(rt, "review_loop", "anna").open_tasks[0].id


def errors_of(rt: Runtime, task_id: str, data: dict[str, object]) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        engine.complete_task(rt, task_id, data, "anna")
    return {e.path: e.message for e in caught.value.errors}


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        ({"title": "Läxhjälp", "amount": "mycket", "category": "prevention"}, "amount", "heltal"),
        ({"title": "Läxhjälp", "category": "prevention"}, "amount", "obligatoriskt"),
        ({"title": "Läxhjälp", "amount": 5, "category": "annat"}, "category", "Ogiltigt val"),
        ({"title": "Lä", "amount": 5, "category": "prevention"}, "title", "minst 3 tecken"),
        ({"title": "Läxhjälp", "amount": 0, "category": "prevention"}, "amount", "minst 1"),
        ({"title": "Läxhjälp", "amount": 5, "category": "prevention", "x": 1}, "x", "finns inte"),
    ],
    ids=["wrong-type", "missing-required", "enum", "too-short", "below-minimum", "unknown-field"],
)
def test_invalid_form_data_is_refused_per_field(
    rt: Runtime, task_id: str, data: dict[str, object], path: str, message: str
) -> None:
    assert message in errors_of(rt, task_id, data)[path]


def test_the_enum_error_names_the_swedish_labels(rt: Runtime, task_id: str) -> None:
    errors = errors_of(rt, task_id, {"title": "Läxhjälp", "amount": 5, "category": "annat"})
    assert "Förebyggande insats" in errors["category"]


def test_a_refused_completion_changes_nothing(rt: Runtime, task_id: str) -> None:
    case_id = engine.tasks_for(rt, "anna")[0].case_id
    before = engine.get_case(rt, case_id)
    events_before = engine.case_events(rt, case_id)
    errors_of(rt, task_id, {"title": "Läxhjälp"})
    after = engine.get_case(rt, case_id)
    assert after.version == before.version
    assert after.status == "running"
    assert [t.id for t in after.open_tasks] == [task_id]
    assert engine.case_events(rt, case_id) == events_before


RULE_PROPERTY = b'<spiffworkflow:property name="formJsonSchemaFilename" value="idea.schema.json" />'


def with_rule(rule: str) -> dict[str, bytes]:
    files = read_scenario("review_loop")
    bpmn = files["review_loop.bpmn"]
    assert RULE_PROPERTY in bpmn
    extra = f'<spiffworkflow:property name="formRule" value="{rule}" />'.encode()
    files["review_loop.bpmn"] = bpmn.replace(RULE_PROPERTY, RULE_PROPERTY + extra)
    return files


def test_a_domain_rule_refuses_a_field_and_keeps_the_task_open(rt: Runtime) -> None:
    def within_fund(call: engine.RuleCall) -> list[engine.FieldError]:
        amount = int(call.data.get("amount", 0))
        if amount > 1500:
            return [
                engine.FieldError("amount", f"{amount} tkr överstiger det som finns (1 500 tkr).")
            ]
        return []

    rt.services.register_rule("test.within_fund", within_fund)
    engine.deploy(rt, with_rule("test.within_fund"), "admin")
    engine.add_user(rt, "anna", ["applicant"])
    case = engine.start_case(rt, "review_loop", "anna")
    task_id = case.open_tasks[0].id
    too_much = {"title": "Fritidsmentorer", "amount": 1800, "category": "prevention"}
    assert "överstiger" in errors_of(rt, task_id, too_much)["amount"]
    assert engine.get_case(rt, case.id, with_data=False).version == case.version
    engine.complete_task(rt, task_id, {**too_much, "amount": 1500}, "anna")


def test_a_task_naming_an_unknown_rule_is_refused_at_deploy(rt: Runtime) -> None:
    with pytest.raises(engine.BundleInvalid) as caught:
        engine.deploy(rt, with_rule("test.nowhere"), "admin")
    assert any("test.nowhere" in p.message for p in caught.value.problems)


def test_each_missing_field_is_reported_once(rt: Runtime, task_id: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        engine.complete_task(rt, task_id, {}, "anna")
    paths = [e.path for e in caught.value.errors]
    assert sorted(paths) == ["amount", "category", "title"]
