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
