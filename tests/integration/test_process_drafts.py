"""The modeller's drafts: kept per person and process, replaced on save, never deployed; and a
version's files read back exactly as deployed, with the deployer's comment."""

from __future__ import annotations

import pytest

import engine
from engine import BundleInvalid, NotFound, Runtime
from tests.conftest import read_scenario


def test_a_draft_is_kept_per_person_and_process_and_replaced_on_save(rt: Runtime) -> None:
    files = read_scenario("due_dates")
    assert engine.process_draft(rt, "petra", "due_dates") is None
    first = engine.save_process_draft(rt, "petra", "due_dates", files, 1)
    assert engine.process_draft(rt, "olof", "due_dates") is None
    assert engine.process_draft(rt, "petra", "review_loop") is None
    changed = {**files, "due_dates.bpmn": files["due_dates.bpmn"] + "\n<!-- ändrad -->".encode()}
    engine.save_process_draft(rt, "petra", "due_dates", changed, 1)
    kept = engine.process_draft(rt, "petra", "due_dates")
    assert kept is not None
    assert kept.files == changed and kept.base_version == 1
    assert kept.saved_at >= first.saved_at
    assert engine.list_definitions(rt) == []  # a draft is never deployed
    assert engine.discard_process_draft(rt, "petra", "due_dates") is True
    assert engine.discard_process_draft(rt, "petra", "due_dates") is False
    assert engine.process_draft(rt, "petra", "due_dates") is None


def test_a_half_done_draft_is_kept_but_not_what_cannot_be_a_bundle(rt: Runtime) -> None:
    engine.save_process_draft(rt, "petra", "p", {"p.bpmn": b"<definitions"}, None)
    with pytest.raises(BundleInvalid) as refused:
        engine.save_process_draft(
            rt, "petra", "p", {"../p.bpmn": b"", "notes.txt": b"", "x.bpmn": b"\xff"}, None
        )
    assert [p.file for p in refused.value.problems] == ["../p.bpmn", "notes.txt", "x.bpmn"]
    with pytest.raises(BundleInvalid):
        engine.save_process_draft(rt, "petra", "p", {}, None)
    draft = engine.process_draft(rt, "petra", "p")
    assert draft is not None and draft.files == {"p.bpmn": b"<definitions"}


def test_a_versions_files_and_comment_read_back_as_deployed(rt: Runtime) -> None:
    files = read_scenario("due_dates")
    engine.deploy(rt, files, "petra", comment="  Första versionen  ")
    first = engine.find_definition(rt, "due_dates")
    assert (first.version, first.comment) == (1, "Första versionen")
    assert engine.definition_files(rt, first.id) == files
    changed = {**files, "due_dates.bpmn": files["due_dates.bpmn"].replace(b"Registrera", b"Anm")}
    engine.deploy(rt, changed, "petra")
    assert engine.find_definition(rt, "due_dates").version == 2
    assert engine.find_definition(rt, "due_dates", 1) == first
    with pytest.raises(NotFound):
        engine.find_definition(rt, "due_dates", 3)
    with pytest.raises(NotFound):
        engine.find_definition(rt, "saknas")


def test_check_bundle_lists_problems_and_deploys_nothing(rt: Runtime) -> None:
    files = read_scenario("due_dates")
    assert engine.check_bundle(rt, files) == []
    broken = {n: c for n, c in files.items() if n != "decide.schema.json"}
    problems = engine.check_bundle(rt, broken)
    assert problems and all(p.file == "due_dates.bpmn" for p in problems)
    assert engine.list_definitions(rt) == []
