"""A file made with Camunda Modeler conventions (formKey, candidateGroups) runs unchanged."""

from __future__ import annotations

import pytest

import engine
from engine import NotAllowed, Runtime
from tests.conftest import read_scenario


def test_candidate_groups_win_over_the_lane_and_form_keys_name_the_forms(rt: Runtime) -> None:
    engine.deploy(rt, read_scenario("camunda_style"), "admin")
    engine.add_user(rt, "clara", ["clerk"])
    engine.add_user(rt, "max", ["manager"])
    case = engine.start_case(rt, "camunda_style", "clara")
    [register] = case.open_tasks
    assert (register.roles, register.form) == (("clerk",), "register.schema.json")
    engine.complete_task(rt, register.id, {"name": "Faktura 17", "count": 3}, "clara")

    [approve] = engine.tasks_for(rt, "max")
    assert approve.element_id == "approve"
    assert (approve.roles, approve.form) == (("manager",), "approve.schema.json")
    assert engine.tasks_for(rt, "clara") == []  # the task sits in clara's lane, but is not hers
    with pytest.raises(NotAllowed):
        engine.complete_task(rt, approve.id, {"approved": True}, "clara")
    engine.complete_task(rt, approve.id, {"approved": False}, "max")
    assert engine.get_case(rt, case.id).status == "completed"
