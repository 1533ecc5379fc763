"""What a new version may change under a waiting case, on SQLite and PostgreSQL: a step's type,
its form, its id, a rename of a timer, a step becoming a multi-instance activity; a case that
would fail on the new version, and one in error mended by moving it to a corrected version.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest

import engine
from engine import Runtime
from tests.conftest import read_scenario
from tests.integration.migration_scenario import (
    START,
    case_at_each_step,
    do,
    open_tasks,
    run_to_end,
    scenario_runtime,
    stored,
)


@pytest.fixture
def vrt(db_url: str) -> Iterator[Runtime]:
    rt = scenario_runtime(db_url)
    yield rt
    rt.close()


def test_a_step_that_changed_type_keeps_the_case_waiting_at_it(vrt: Runtime) -> None:
    at = case_at_each_step(vrt)
    v1 = read_scenario("migration/v1")
    source = v1["case_flow.bpmn"].decode()
    start = source.index('<bpmn:userTask id="register"')
    end = source.index("</bpmn:userTask>", start) + len("</bpmn:userTask>")
    manual = (
        '<bpmn:manualTask id="register" name="Registrera ärendet">'
        "<bpmn:incoming>flow_start_register</bpmn:incoming>"
        "<bpmn:outgoing>flow_register_wait_day</bpmn:outgoing></bpmn:manualTask>"
    )
    engine.deploy(vrt, {**v1, "case_flow.bpmn": (source[:start] + manual + source[end:]).encode()},
                  "owner")  # fmt: skip
    plan = engine.plan_migration(vrt, "case_flow", 1, 2)
    moves = {m.business_key: m for m in plan.cases}
    assert moves[at["register"].business_key].reasons == (
        "Ärendet väntar i 'Registrera ärendet', som har bytt typ i version 2.",
    )
    assert moves[at["review"].business_key].movable


def test_an_open_task_takes_the_new_versions_form(vrt: Runtime) -> None:
    at = case_at_each_step(vrt)
    v1 = read_scenario("migration/v1")
    schema = (
        v1["note.schema.json"].decode().replace('"Anteckning",', '"Granskningens slutsats",', 1)
    )
    source = v1["case_flow.bpmn"].decode()
    start = source.index('<bpmn:userTask id="review"')
    changed = source[:start] + source[start:].replace("note.schema.json", "review.schema.json", 1)
    engine.deploy(vrt, {**v1, "case_flow.bpmn": changed.encode(),
                        "review.schema.json": schema.encode()}, "owner")  # fmt: skip
    [move] = engine.plan_migration(vrt, "case_flow", 1, 2, [at["review"].business_key]).cases
    assert move.changes == (
        "Uppgiften 'Granska ärendet' får ett annat formulär: 'Anteckning' → "
        "'Granskningens slutsats'.",
    )
    engine.migrate_cases(vrt, "case_flow", 1, 2, [at["review"].business_key], "owner")
    [task] = open_tasks(vrt, at["review"].id)
    assert task.form == "review.schema.json"
    assert run_to_end(vrt, at["review"].id) == ["review", "complete", "decide"]


def test_a_step_whose_id_changed_in_its_place_is_followed(vrt: Runtime) -> None:
    """A modeller that recreates an element gives it a new id; SpiffWorkflow aligns it by its
    place, and the open task takes the new element."""
    at = case_at_each_step(vrt)
    v1 = read_scenario("migration/v1")
    source = re.sub(r"\breview\b", "assess", v1["case_flow.bpmn"].decode())
    engine.deploy(vrt, {**v1, "case_flow.bpmn": source.encode()}, "owner")
    [move] = engine.plan_migration(vrt, "case_flow", 1, 2, [at["review"].business_key]).cases
    assert (move.movable, move.changes, move.role_changes) == (True, (), ())
    engine.migrate_cases(vrt, "case_flow", 1, 2, [at["review"].business_key], "owner")
    [task] = open_tasks(vrt, at["review"].id)
    assert (task.id, task.element_id, task.name, task.roles) == (
        at["review"].open_tasks[0].id,
        "assess",
        "Granska ärendet",
        ("clerk",),
    )
    assert run_to_end(vrt, at["review"].id) == ["assess", "complete", "decide"]


def test_a_step_that_became_a_multi_instance_activity_keeps_its_case(vrt: Runtime) -> None:
    at = case_at_each_step(vrt)
    v1 = read_scenario("migration/v1")
    loop = (
        '<bpmn:multiInstanceLoopCharacteristics isSequential="true">'
        "<bpmn:loopCardinality>2</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>"
        "</bpmn:userTask>"
    )
    source = v1["case_flow.bpmn"].decode()
    start = source.index('<bpmn:userTask id="review"')
    end = source.index("</bpmn:userTask>", start)
    looped = source[:end] + loop + source[end + len("</bpmn:userTask>") :]
    engine.deploy(vrt, {**v1, "case_flow.bpmn": looped.encode()}, "owner")
    [move] = engine.plan_migration(vrt, "case_flow", 1, 2, [at["review"].business_key]).cases
    assert move.reasons == (
        "Ärendet väntar i 'Granska ärendet', som är en flerinstansaktivitet i version 2; en "
        "pågående uppgift kan inte bli flera.",
    )
    [ahead] = engine.plan_migration(vrt, "case_flow", 1, 2, [at["register"].business_key]).cases
    assert ahead.movable  # it has not reached the step yet
    engine.migrate_cases(vrt, "case_flow", 1, 2, [at["register"].business_key], "owner")
    done = run_to_end(vrt, at["register"].id)
    assert done == ["register", "review", "review", "complete", "decide"]


def test_a_renamed_timer_keeps_its_due_time_and_takes_its_new_name(vrt: Runtime) -> None:
    at = case_at_each_step(vrt)
    v1 = read_scenario("migration/v1")
    source = v1["case_flow.bpmn"].replace("Vänta ett dygn".encode(), "Vänta en dag".encode())
    engine.deploy(vrt, {**v1, "case_flow.bpmn": source}, "owner")
    [before] = engine.list_timers(vrt, case_id=at["wait_day"].id)
    [move] = engine.migrate_cases(vrt, "case_flow", 1, 2, [at["wait_day"].business_key],
                                  "owner").moved  # fmt: skip
    assert move.changes == ("Steget 'Vänta ett dygn' byter namn till 'Vänta en dag'.",)
    assert move.stage == "Vänta en dag"
    assert engine.list_timers(vrt, case_id=at["wait_day"].id) == [
        replace(before, name="Vänta en dag")
    ]


def _with_failing_check(v1: dict[str, bytes]) -> dict[str, bytes]:
    """Version 1 with a script after the day's wait that always fails."""
    source = v1["case_flow.bpmn"].decode()
    check = (
        '<bpmn:scriptTask id="check" name="Kontrollera" scriptFormat="python">'
        "<bpmn:incoming>flow_wait_day_review</bpmn:incoming>"
        "<bpmn:outgoing>flow_check_review</bpmn:outgoing>"
        "<bpmn:script>ratio = 1 / 0</bpmn:script></bpmn:scriptTask>\n    "
    )
    flow = '<bpmn:sequenceFlow id="flow_check_review" sourceRef="check" targetRef="review" />'
    for old, new in [
        ('targetRef="review" />', f'targetRef="check" />\n    {flow}'),
        ("<bpmn:incoming>flow_wait_day_review</bpmn:incoming>",
         "<bpmn:incoming>flow_check_review</bpmn:incoming>"),
        ('<bpmn:userTask id="review"', check + '<bpmn:userTask id="review"'),
        ("<bpmn:flowNodeRef>review</bpmn:flowNodeRef>",
         "<bpmn:flowNodeRef>check</bpmn:flowNodeRef><bpmn:flowNodeRef>review</bpmn:flowNodeRef>"),
    ]:  # fmt: skip
        source = source.replace(old, new, 1)
    return {**v1, "case_flow.bpmn": source.encode()}


def test_a_case_that_would_fail_on_the_new_version_is_rolled_back_alone(vrt: Runtime) -> None:
    first = engine.start_case(vrt, "case_flow", "clerk", {"title": "Väntar på registrering"})
    due = engine.start_case(vrt, "case_flow", "clerk", {"title": "Dygnet har gått"})
    do(vrt, due.id, "register")
    engine.set_virtual_time(vrt.db, START + timedelta(days=2))  # its timer is due, not fired
    before = stored(vrt, due.id)
    engine.deploy(vrt, _with_failing_check(read_scenario("migration/v1")), "owner")

    result = engine.migrate_cases(vrt, "case_flow", 1, 2, None, "owner")

    assert [m.business_key for m in result.moved] == [first.business_key]
    assert result.refused[0].reasons == (
        "I version 2 skulle ärendet få ett fel: Division med noll",
    )
    assert stored(vrt, due.id) == before  # nothing of its move was kept
    assert "migrated" not in [e.kind for e in engine.case_events(vrt, due.id)]
    assert engine.sweep(vrt, "test").fired == 1  # and it goes on, on version 1
    assert [t.element_id for t in open_tasks(vrt, due.id)] == ["review"]


def test_a_failed_step_runs_again_when_its_case_moves_to_a_corrected_version(
    vrt: Runtime,
) -> None:
    broken = _with_failing_check(read_scenario("migration/v1"))
    engine.deploy(vrt, broken, "owner")  # version 2
    case = engine.start_case(vrt, "case_flow", "clerk", {"title": "Fel i kontrollen"})
    do(vrt, case.id, "register")
    engine.set_virtual_time(vrt.db, START + timedelta(days=2))
    engine.sweep(vrt, "test")
    assert engine.get_case(vrt, case.id, with_data=False).status == "error"
    source = broken["case_flow.bpmn"]
    engine.deploy(vrt, {**broken, "case_flow.bpmn": source + b"<!-- 3 -->"}, "owner")
    engine.deploy(vrt, {**broken, "case_flow.bpmn": source.replace(b"1 / 0", b"1")}, "owner")
    before = stored(vrt, case.id)

    still_broken = engine.migrate_cases(vrt, "case_flow", 2, 3, None, "owner")
    assert still_broken.refused[0].reasons == (
        "I version 3 skulle ärendet få ett fel: Division med noll",
    )
    assert stored(vrt, case.id) == before
    [move] = engine.plan_migration(vrt, "case_flow", 2, 4).cases
    assert move.changes == (
        "Steget 'Kontrollera', som fick fel, körs om på version 4 när ärendet flyttas.",
    )
    assert engine.migrate_cases(vrt, "case_flow", 2, 4, None, "owner").moved
    mended = engine.get_case(vrt, case.id)
    assert (mended.status, mended.definition_version, mended.incident) == ("running", 4, None)
    assert [t.element_id for t in mended.open_tasks] == ["review"] and mended.data["ratio"] == 1
    assert run_to_end(vrt, case.id) == ["review", "complete", "decide"]
