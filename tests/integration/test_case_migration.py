"""Moving running cases to a new version (issue 10 item 5), on SQLite and PostgreSQL: the
dry run, the move of the movable cases with the others untouched and explained, cases that
moved on since the dry run, suspended and ended cases, forged keys, two moves at once.
The scenario is ``tests/data/migration`` (``tests.integration.migration_scenario``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from SpiffWorkflow.bpmn.util.diff import SpecDiff
from sqlalchemy import select

import engine
from engine import Runtime
from engine.bpmn import migration as bpmn_migration
from engine.schema import cases, human_task_roles
from tests.conftest import make_runtime, read_scenario
from tests.integration.migration_scenario import (
    START,
    STEPS,
    case_at_each_step,
    do,
    run_to_end,
    scenario_runtime,
    stored,
)


@pytest.fixture
def vrt(db_url: str) -> Iterator[Runtime]:
    rt = scenario_runtime(db_url)
    yield rt
    rt.close()


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


def test_the_versions_are_compared_once_for_all_the_cases(
    vrt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SpiffWorkflow's comparison of the two specs is the same for every case: made once, not
    once per case judged, and a dry run writes no moved case out."""
    case_at_each_step(vrt)
    engine.deploy(vrt, read_scenario("migration/v2"), "owner")
    compared: list[object] = []

    def counted(*args: object) -> SpecDiff:
        compared.append(args)
        return SpecDiff(*args)

    monkeypatch.setattr(bpmn_migration, "_spec_diffs", {})
    monkeypatch.setattr(bpmn_migration, "SpecDiff", counted)
    monkeypatch.setattr(bpmn_migration, "dump_workflow", lambda *a: pytest.fail("written out"))
    plan = engine.plan_migration(vrt, "case_flow", 1, 2)
    assert plan.total == 5 and len(compared) == 1


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
