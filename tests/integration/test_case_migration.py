"""Moving running cases to a new version (issue 10 item 5), on SQLite and PostgreSQL.

The scenario ``tests/data/migration``: version 1 registers, waits a day, reviews, asks for
more and decides. Version 2 renames the review, removes the step that asks for more and gives
registration to the manager; version 3 only waits two days instead of one.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

import engine
from engine import Runtime
from engine.schema import cases, human_task_roles
from tests.conftest import make_runtime, read_scenario

START = engine.to_datetime("2016-01-01T09:00")
PROCESS = "social_investment_case"
STEPS = ["register", "wait_day", "review", "complete", "decide"]


@pytest.fixture
def vrt(db_url: str) -> Iterator[Runtime]:
    rt = make_runtime(db_url, clock="virtual")
    engine.set_virtual_time(rt.db, START)
    for name, roles in {
        "clerk": ["clerk"],
        "boss": ["manager"],
        "owner": ["process_owner"],
    }.items():
        engine.add_user(rt, name, roles)
    engine.deploy(rt, read_scenario("migration/v1"), "owner")
    yield rt
    rt.close()


def do(rt: Runtime, case_id: int, element: str) -> None:
    """Complete the case's open task at ``element`` as whoever may."""
    [task] = [t for t in open_tasks(rt, case_id) if t.element_id == element]
    user = "boss" if "manager" in task.roles else "clerk"
    engine.complete_task(rt, task.id, {"note": f"klart: {element}"}, user)


def open_tasks(rt: Runtime, case_id: int) -> list[engine.HumanTask]:
    return engine.get_case(rt, case_id, with_data=False).open_tasks


def case_at_each_step(rt: Runtime) -> dict[str, engine.Case]:
    """One case waiting at each step of version 1 (the timer one waiting for its day)."""
    started = {at: engine.start_case(rt, "case_flow", "clerk", {"title": f"Vid {at}"})
               for at in STEPS}  # fmt: skip
    for at in STEPS[2:]:
        do(rt, started[at].id, "register")
    engine.set_virtual_time(rt.db, START + timedelta(days=1, hours=1))
    assert engine.sweep(rt, "test").fired == 3
    do(rt, started["wait_day"].id, "register")
    for at in STEPS[3:]:
        do(rt, started[at].id, "review")
    do(rt, started["decide"].id, "complete")
    return {at: engine.get_case(rt, c.id, with_data=False) for at, c in started.items()}


def stored(rt: Runtime, case_id: int) -> Any:
    with rt.db.reading() as conn:
        return conn.execute(select(cases).where(cases.c.id == case_id)).one()


def run_to_end(rt: Runtime, case_id: int) -> list[str]:
    """Complete every task the case offers until it ends; the elements done, in order."""
    done: list[str] = []
    for _ in range(3):  # timers are due within three days
        engine.set_virtual_time(rt.db, rt.clock.now() + timedelta(days=3))
        engine.sweep(rt, "test")
        while tasks := open_tasks(rt, case_id):
            done.append(tasks[0].element_id)
            do(rt, case_id, tasks[0].element_id)
    assert engine.get_case(rt, case_id, with_data=False).status == "completed"
    return done


def test_the_dry_run_says_which_cases_can_move_and_why_not(vrt: Runtime) -> None:
    at = case_at_each_step(vrt)
    engine.deploy(vrt, read_scenario("migration/v2"), "owner")
    before = {k: stored(vrt, c.id) for k, c in at.items()}

    plan = engine.plan_migration(vrt, "case_flow", 1, 2)

    moves = {m.business_key: m for m in plan.cases}
    verdict = {k: moves[c.business_key] for k, c in at.items()}
    assert [k for k, m in verdict.items() if m.movable] == ["register", "wait_day", "review"]
    assert verdict["register"].changes == ()
    assert verdict["register"].role_changes == (
        engine.RoleChange("Registrera ärendet", ("manager",)),
    )
    assert verdict["wait_day"].changes == ()
    assert verdict["review"].changes == (
        "Steget 'Granska ärendet' byter namn till 'Bedöm ärendet'.",
    )
    assert verdict["complete"].reasons == (
        "Ärendet väntar i 'Komplettera ärendet', som inte finns i version 2.",
    )
    assert "har redan passerat 'Komplettera ärendet'" in verdict["decide"].reasons[0]
    assert plan.total == 5 and len(plan.movable) == 3
    assert "'Komplettera ärendet' finns inte i version 2." in plan.version_changes
    assert {k: stored(vrt, c.id) for k, c in at.items()} == before  # a dry run changes nothing


def test_moving_moves_the_movable_and_leaves_the_others_untouched(vrt: Runtime) -> None:
    at = case_at_each_step(vrt)
    engine.deploy(vrt, read_scenario("migration/v2"), "owner")
    refused_before = {k: stored(vrt, at[k].id) for k in ("complete", "decide")}
    [timer] = engine.list_timers(vrt, case_id=at["wait_day"].id)
    data = {k: engine.get_case(vrt, at[k].id).data for k in STEPS[:3]}

    result = engine.migrate_cases(vrt, "case_flow", 1, 2, None, "owner")

    assert [m.business_key for m in result.moved] == [at[k].business_key for k in STEPS[:3]]
    assert all(m.moved for m in result.moved)
    assert [m.business_key for m in result.refused] == [at[k].business_key for k in STEPS[3:]]
    for key, row in refused_before.items():  # untouched: the same row, version and all
        assert stored(vrt, at[key].id) == row
    moved = {k: engine.get_case(vrt, at[k].id, with_data=False) for k in STEPS[:3]}
    assert {c.definition_version for c in moved.values()} == {2}
    assert {k: engine.get_case(vrt, at[k].id).data for k in STEPS[:3]} == data
    assert [(t.name, t.roles) for t in moved["register"].open_tasks] == [
        ("Registrera ärendet", ("manager",))
    ]
    assert [t.name for t in moved["review"].open_tasks] == ["Bedöm ärendet"]
    assert moved["review"].stage == "Bedöm ärendet"
    assert [t.id for t in moved["review"].open_tasks] == [t.id for t in at["review"].open_tasks]
    with vrt.db.reading() as conn:
        task_id = moved["register"].open_tasks[0].id
        roles = conn.execute(
            select(human_task_roles.c.role).where(human_task_roles.c.task_id == task_id)
        ).scalars()
        assert list(roles) == ["manager"]
    boss = {(r.case_id, r.element_id) for r in engine.tasks_for(vrt, "boss")}
    assert boss == {(at["register"].id, "register"), (at["decide"].id, "decide")}
    assert engine.list_timers(vrt, case_id=at["wait_day"].id) == [timer]  # its due time kept
    [event] = [e for e in engine.case_events(vrt, at["review"].id) if e.kind == "migrated"]
    assert event.actor == "owner"
    assert event.detail == {
        "from_version": 1, "to_version": 2,
        "notes": ["Steget 'Granska ärendet' byter namn till 'Bedöm ärendet'."], "roles": {},
    }  # fmt: skip
    [event] = [e for e in engine.case_events(vrt, at["register"].id) if e.kind == "migrated"]
    assert event.detail["roles"] == {"Registrera ärendet": ["manager"]}

    # No case is lost or corrupted: the moved ones finish on version 2, the others on 1.
    assert run_to_end(vrt, at["register"].id) == ["register", "review", "decide"]
    assert run_to_end(vrt, at["wait_day"].id) == ["review", "decide"]
    assert run_to_end(vrt, at["review"].id) == ["review", "decide"]
    assert run_to_end(vrt, at["complete"].id) == ["complete", "decide"]
    assert run_to_end(vrt, at["decide"].id) == ["decide"]
    assert engine.get_case(vrt, at["complete"].id, with_data=False).definition_version == 1


def test_a_timer_whose_time_changed_keeps_the_case_waiting_on_it(vrt: Runtime) -> None:
    at = case_at_each_step(vrt)
    engine.deploy(vrt, read_scenario("migration/v3"), "owner")
    plan = engine.plan_migration(vrt, "case_flow", 1, 2, [at["wait_day"].business_key])
    [move] = plan.cases
    assert not move.movable
    assert "timern 'Vänta ett dygn'" in move.reasons[0]
    assert 'från "P1D" till "P2D"' in move.reasons[0]
    keys = [at[k].business_key for k in ("register", "wait_day", "decide")]
    result = engine.migrate_cases(vrt, "case_flow", 1, 2, keys, "owner")
    assert [m.business_key for m in result.moved] == [keys[0], keys[2]]
    assert engine.get_case(vrt, at["wait_day"].id, with_data=False).definition_version == 1
    # The case waiting at registration meets the new timer from the start.
    do(vrt, at["register"].id, "register")
    [timer] = engine.list_timers(vrt, case_id=at["register"].id)
    assert timer.due_at == START + timedelta(days=1, hours=1) + timedelta(days=2)


def test_a_case_that_moved_on_since_the_dry_run_is_judged_again(vrt: Runtime) -> None:
    at = case_at_each_step(vrt)
    engine.deploy(vrt, read_scenario("migration/v2"), "owner")
    key = at["review"].business_key
    assert engine.plan_migration(vrt, "case_flow", 1, 2, [key]).cases[0].movable
    do(vrt, at["review"].id, "review")  # now it waits at the step version 2 removed
    result = engine.migrate_cases(vrt, "case_flow", 1, 2, [key], "owner")
    assert not result.moved
    assert result.refused[0].reasons == (
        "Ärendet väntar i 'Komplettera ärendet', som inte finns i version 2.",
    )


def test_suspended_cases_move_and_stay_suspended(vrt: Runtime) -> None:
    at = case_at_each_step(vrt)
    engine.deploy(vrt, read_scenario("migration/v2"), "owner")
    engine.set_case_status(vrt, at["review"].id, "owner", "suspend", "Väntar på besked")
    with vrt.db.transaction() as conn:  # an incident that is no failed step (data too large)
        conn.execute(cases.update().where(cases.c.id == at["register"].id).values(status="error"))
    result = engine.migrate_cases(vrt, "case_flow", 1, 2, None, "owner")
    assert [m.business_key for m in result.moved] == [at[k].business_key for k in
                                                      ("wait_day", "review")]  # fmt: skip
    review = engine.get_case(vrt, at["review"].id, with_data=False)
    assert (review.status, review.definition_version, review.stage) == (
        "suspended",
        2,
        "Bedöm ärendet",
    )
    [incident] = [m for m in result.refused if m.business_key == at["register"].business_key]
    assert incident.reasons == (
        "Ärendets fel sitter inte i ett steg som kan köras om; rätta det på sin version.",
    )


def test_keys_of_other_processes_versions_or_ended_cases_are_refused(vrt: Runtime) -> None:
    at = case_at_each_step(vrt)
    engine.deploy(vrt, read_scenario("migration/v2"), "owner")
    other = engine.start_case(vrt, "case_flow", "clerk", {"title": "Redan på version 2"})
    engine.set_case_status(vrt, at["decide"].id, "owner", "terminate", "Dubblett")
    keys = [other.business_key, at["decide"].business_key, "SIF-1999-0001", "x' OR 1=1"]
    result = engine.migrate_cases(vrt, "case_flow", 1, 2, keys, "owner")
    assert result.moved == []
    assert [m.business_key for m in result.refused] == keys
    assert all("finns inte bland de pågående" in m.reasons[0] for m in result.refused)
    assert engine.get_case(vrt, other.id, with_data=False).definition_version == 2
    plan = engine.plan_migration(vrt, "case_flow", 1, 2)
    assert at["decide"].business_key not in [m.business_key for m in plan.cases]


def test_versions_must_exist_differ_and_the_actor_be_a_user(vrt: Runtime) -> None:
    with pytest.raises(engine.NotFound):
        engine.plan_migration(vrt, "case_flow", 1, 2)
    with pytest.raises(engine.Conflict):
        engine.plan_migration(vrt, "case_flow", 1, 1)
    engine.deploy(vrt, read_scenario("migration/v2"), "owner")
    with pytest.raises(engine.NotAllowed):
        engine.migrate_cases(vrt, "case_flow", 1, 2, None, "mallory")


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


def test_two_moves_at_once_move_each_case_exactly_once(pg_url: str) -> None:
    """On PostgreSQL, two process owners moving the same cases at once: every case moves once
    (its row lock and version), the other move reports it as no longer on version 1."""
    rt = make_runtime(pg_url)
    try:
        engine.add_user(rt, "clerk", ["clerk"])
        engine.deploy(rt, read_scenario("migration/v1"), "clerk")
        keys = [engine.start_case(rt, "case_flow", "clerk").business_key for _ in range(8)]
        engine.deploy(rt, read_scenario("migration/v2"), "clerk")
        barrier = threading.Barrier(2)
        results: list[engine.MigrationResult] = []

        def move() -> None:
            barrier.wait()
            results.append(engine.migrate_cases(rt, "case_flow", 1, 2, keys, "system"))

        threads = [threading.Thread(target=move) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        moved = [m.business_key for r in results for m in r.moved]
        assert sorted(moved) == sorted(keys)  # each once, by one or the other
        for key in keys:
            case = engine.find_case(rt, key, with_data=False)
            events = [e.kind for e in engine.case_events(rt, case.id)]
            assert (case.definition_version, events.count("migrated")) == (2, 1)
            assert [t.element_id for t in case.open_tasks] == ["register"]
    finally:
        rt.close()


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
