"""The review-loop scenario (two lanes, a gateway loop, a script task, a DMN task), end to end."""

from __future__ import annotations

import pytest

import engine
from engine import Conflict, NotAllowed, Runtime
from tests.conftest import read_scenario


@pytest.fixture
def deployed(rt: Runtime) -> Runtime:
    engine.deploy(rt, read_scenario("review_loop"), "admin")
    engine.add_user(rt, "anna", ["applicant"])
    engine.add_user(rt, "greta", ["reviewer"])
    return rt


def only_task(rt: Runtime, user: str) -> engine.HumanTask:
    tasks = engine.tasks_for(rt, user)
    assert len(tasks) == 1, tasks
    return tasks[0]


def test_a_case_runs_through_two_revisions_to_approval(deployed: Runtime) -> None:
    rt = deployed
    case = engine.start_case(rt, "review_loop", "anna")
    assert case.business_key.startswith("SIF-")
    assert case.status == "running"
    assert [t.element_id for t in case.open_tasks] == ["submit_idea"]
    assert engine.tasks_for(rt, "greta") == []

    idea = {"title": "Läxhjälp", "amount": 500, "category": "prevention"}
    engine.complete_task(rt, only_task(rt, "anna").id, idea, "anna")
    for amount in (800, 1500):
        review = only_task(rt, "greta")
        assert review.element_id == "review"
        engine.complete_task(rt, review.id, {"decision": "revise"}, "greta")
        revise = only_task(rt, "anna")
        assert revise.element_id == "revise"
        engine.complete_task(rt, revise.id, {"amount": amount, "answer": "Kompletterat"}, "anna")
    engine.complete_task(rt, only_task(rt, "greta").id, {"decision": "approve"}, "greta")

    done = engine.get_case(rt, case.id)
    assert done.status == "completed"
    assert done.stage == "Avslutad"
    assert done.open_tasks == []
    assert done.data["rounds"] == 2
    assert done.data["size"] == "large"  # the DMN saw the revised amount 1500
    kinds = [e.kind for e in engine.case_events(rt, case.id)]
    assert kinds[0] == "case_started"
    assert kinds.count("task_completed") == 6
    assert kinds[-1] == "case_completed"


def test_the_dmn_classifies_a_small_idea(deployed: Runtime) -> None:
    rt = deployed
    engine.start_case(rt, "review_loop", "anna")
    idea = {"title": "Läxhjälp", "amount": 999, "category": "prevention"}
    engine.complete_task(rt, only_task(rt, "anna").id, idea, "anna")
    case = engine.get_case(rt, only_task(rt, "greta").case_id)
    assert case.data["size"] == "small"
    assert case.data["rounds"] == 0


def test_only_a_holder_of_the_role_may_claim_or_complete(deployed: Runtime) -> None:
    rt = deployed
    case = engine.start_case(rt, "review_loop", "anna")
    task_id = case.open_tasks[0].id
    with pytest.raises(NotAllowed):
        engine.claim_task(rt, task_id, "greta")
    with pytest.raises(NotAllowed):
        engine.complete_task(rt, task_id, {"title": "x" * 5, "amount": 1,
                                           "category": "prevention"}, "greta")  # fmt: skip


def test_completing_a_task_twice_conflicts(deployed: Runtime) -> None:
    rt = deployed
    task_id = engine.start_case(rt, "review_loop", "anna").open_tasks[0].id
    idea = {"title": "Läxhjälp", "amount": 500, "category": "prevention"}
    engine.complete_task(rt, task_id, idea, "anna")
    with pytest.raises(Conflict, match="redan slutförd"):
        engine.complete_task(rt, task_id, idea, "anna")


def test_a_task_claimed_by_someone_else_cannot_be_completed(deployed: Runtime) -> None:
    rt = deployed
    engine.add_user(rt, "bo", ["applicant"])
    task_id = engine.start_case(rt, "review_loop", "anna").open_tasks[0].id
    claimed = engine.claim_task(rt, task_id, "bo")
    assert claimed.state == "claimed" and claimed.assignee == "bo"
    assert engine.tasks_for(rt, "anna") == []
    assert [t.id for t in engine.tasks_for(rt, "bo", scope="mine")] == [task_id]
    idea = {"title": "Läxhjälp", "amount": 500, "category": "prevention"}
    with pytest.raises(Conflict, match="tagen av bo"):
        engine.complete_task(rt, task_id, idea, "anna")
    with pytest.raises(Conflict):
        engine.unclaim_task(rt, task_id, "anna")
    engine.unclaim_task(rt, task_id, "bo")
    engine.complete_task(rt, task_id, idea, "anna")


def test_the_same_bundle_deploys_once_and_a_change_makes_a_new_version(rt: Runtime) -> None:
    files = read_scenario("review_loop")
    first = engine.deploy(rt, files, "admin")
    again = engine.deploy(rt, files, "admin")
    assert first.created and not again.created
    assert [d.version for d in again.definitions] == [1]
    changed = dict(files)
    changed["review.schema.json"] = files["review.schema.json"].replace(b"2000", b"3000")
    second = engine.deploy(rt, changed, "admin")
    assert second.created
    assert [d.version for d in second.definitions] == [2]


def test_a_running_case_keeps_its_definition_version(rt: Runtime) -> None:
    files = read_scenario("review_loop")
    engine.deploy(rt, files, "admin")
    engine.add_user(rt, "anna", ["applicant"])
    old = engine.start_case(rt, "review_loop", "anna")
    changed = dict(files)
    changed["idea.schema.json"] = files["idea.schema.json"].replace(
        b'"minLength": 3', b'"minLength": 10'
    )
    engine.deploy(rt, changed, "admin")
    new = engine.start_case(rt, "review_loop", "anna")
    assert (old.definition_version, new.definition_version) == (1, 2)
    short = {"title": "Kort", "amount": 5, "category": "prevention"}
    engine.complete_task(rt, old.open_tasks[0].id, short, "anna")  # v1 form: minLength 3
    with pytest.raises(engine.ValidationFailed):
        engine.complete_task(rt, new.open_tasks[0].id, short, "anna")
