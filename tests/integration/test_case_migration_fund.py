"""Moving running cases of the fund process (``processes/``) to a new version, on SQLite and
PostgreSQL: a rename, a move at every fourth step of a whole case life, inside a started event
subprocess, inside a multi-instance activity, and a subprocess that is gone."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from sqlalchemy import select

import engine
from engine import Runtime
from engine.schema import cases
from tasks.store import load_ledger
from tests.integration.fund import ROOT, fund_runtime
from web.demo.cases import CASE_D, form
from web.demo.replay import _play, advance_to, replay

PROCESS = "social_investment_case"


def case_d_before(rt: Runtime, element: str, after: bool = False) -> int:
    """Case D replayed up to its first step at ``element`` (``after``: through it)."""
    upto = [s.element for s in CASE_D.steps].index(element) + int(after)
    return replay(rt, [replace(CASE_D, steps=CASE_D.steps[:upto])])["D"]


def stored(rt: Runtime, case_id: int) -> Any:
    with rt.db.reading() as conn:
        return conn.execute(select(cases).where(cases.c.id == case_id)).one()


def test_a_fund_case_moves_to_a_version_that_only_renames_its_task(db_url: str) -> None:
    rt = fund_runtime(db_url)
    try:
        case_id = case_d_before(rt, "board_decision")
        before = engine.get_case(rt, case_id)
        assert [t.element_id for t in before.open_tasks] == ["board_decision"]
        files = engine.read_bundle([ROOT / "processes", ROOT / "forms"])
        source = files["social_investment_case.bpmn"].decode()
        renamed = source.replace('name="Kommunstyrelsens beslut"', 'name="Beslut i KS"', 1)
        engine.deploy(rt, {**files, "social_investment_case.bpmn": renamed.encode()}, "admin")

        plan = engine.plan_migration(rt, "social_investment_case", 1, 2)
        assert [(m.business_key, m.movable) for m in plan.cases] == [(before.business_key, True)]
        assert plan.cases[0].changes == (
            "Steget 'Kommunstyrelsens beslut' byter namn till 'Beslut i KS'.",
        )
        result = engine.migrate_cases(rt, "social_investment_case", 1, 2, None, "admin")
        assert [m.business_key for m in result.moved] == [before.business_key]

        after = engine.get_case(rt, case_id)
        assert after.definition_version == 2 and after.data == before.data
        assert [(t.id, t.name) for t in after.open_tasks] == [
            (before.open_tasks[0].id, "Beslut i KS")
        ]
        decision = next(s for s in CASE_D.steps if s.element == "board_decision")
        engine.complete_task(rt, after.open_tasks[0].id, dict(decision.data), decision.user)
        moved_on = engine.get_case(rt, case_id, with_data=False)
        assert moved_on.status in ("running", "waiting") and moved_on.incident is None
        assert [t.element_id for t in moved_on.open_tasks] != ["board_decision"]
    finally:
        rt.close()


def _fund_version(
    files: dict[str, bytes], version: int, old: str = "", new: str = ""
) -> dict[str, bytes]:
    """The fund bundle as a new version: the same process with ``old`` replaced by ``new``."""
    source = files["social_investment_case.bpmn"].decode().replace(old, new, 1)
    return {**files, "social_investment_case.bpmn": f"{source}<!-- {version} -->".encode()}


#: The name of every flow node and subprocess (not lanes, flows or the process).
_NODE_NAME = re.compile(
    r'(<bpmn:(?:\w*Task|\w*Event|\w*Gateway|subProcess|callActivity)\b[^>]*?\bname=")([^"]*)"'
)


def _all_renamed(files: dict[str, bytes], version: int) -> dict[str, bytes]:
    """The fund bundle with every step's name ending in `` v<version>``."""
    source = files["social_investment_case.bpmn"].decode()
    renamed = _NODE_NAME.sub(lambda m: f'{m.group(1)}{m.group(2)} v{version}"', source)
    return {**files, "social_investment_case.bpmn": renamed.encode()}


def test_a_fund_case_moved_at_every_fourth_step_lives_its_whole_life(db_url: str) -> None:
    """CASE_D moved every fourth step (inside subprocesses, multi-instance activities, yearly
    cycles, repayment years) to a version that renames every step, still completes with the
    same ledger; its open tasks and stage take the new names each time."""
    rt = fund_runtime(db_url)
    try:
        files = engine.read_bundle([ROOT / "processes", ROOT / "forms"])
        case_id = case_d_before(rt, "screen_idea")
        version = 1
        first = [s.element for s in CASE_D.steps].index("screen_idea")
        for i, step in enumerate(CASE_D.steps[first:], start=first):
            if i % 4 == 0:
                engine.deploy(rt, _all_renamed(files, version + 1), "admin")
                before = engine.get_case(rt, case_id, with_data=False)
                result = engine.migrate_cases(rt, PROCESS, version, version + 1, None, "admin")
                assert [m.business_key for m in result.moved] == [before.business_key], step
                after = engine.get_case(rt, case_id, with_data=False)
                version += 1
                assert [t.id for t in after.open_tasks] == [t.id for t in before.open_tasks]
                assert all(t.name.endswith(f" v{version}") for t in after.open_tasks)
                assert after.stage.split(", ")[0].endswith(f" v{version}"), after.stage
            advance_to(rt, step.on)
            _play(rt, case_id, CASE_D, step)
        done = engine.get_case(rt, case_id, with_data=False)
        assert (done.status, done.definition_version) == ("completed", version)
        with rt.db.reading() as conn:
            d = load_ledger(conn, "SIF-DEMO").project("D")
        assert (d.committed, d.net_disbursed, d.repaid, d.outstanding) == (4500, 4500, 4500, 0)
    finally:
        rt.close()


def test_a_fund_case_inside_a_started_event_subprocess_moves(db_url: str) -> None:
    rt = fund_runtime(db_url)
    try:
        case_id = case_d_before(rt, "annual_allocation", after=True)
        engine.send_message(rt, case_id, "exemption_requested", {}, "maria.ek")
        files = engine.read_bundle([ROOT / "processes", ROOT / "forms"])
        old = 'id="anytime_exemption_request" name="Begäran om befrielse"'
        engine.deploy(rt, _fund_version(files, 2, old, old[:-1] + ' i dag"'), "admin")
        result = engine.migrate_cases(rt, PROCESS, 1, 2, None, "admin")
        assert result.moved[0].stage == "Begäran om befrielse i dag"
        [task] = engine.get_case(rt, case_id, with_data=False).open_tasks
        assert task.name == "Begäran om befrielse i dag"
        request = {**form("exemption_request"), "scope": "partial", "amount_tkr": 500}
        engine.complete_task(rt, task.id, request, "maria.ek")
        offered = engine.get_case(rt, case_id, with_data=False).open_tasks
        assert [t.element_id for t in offered] == ["anytime_exemption_decision"]
    finally:
        rt.close()


def test_a_case_inside_a_subprocess_that_is_gone_stays(db_url: str) -> None:
    rt = fund_runtime(db_url)
    try:
        case_id = case_d_before(rt, "annual_allocation", after=True)
        engine.send_message(rt, case_id, "exemption_requested", {}, "maria.ek")
        before = stored(rt, case_id)
        files = engine.read_bundle([ROOT / "processes", ROOT / "forms"])
        source = files["social_investment_case.bpmn"].decode()
        renamed = re.sub(r"\bexemption_anytime\b", "exemption_at_any_time", source)
        engine.deploy(rt, {**files, "social_investment_case.bpmn": renamed.encode()}, "admin")
        result = engine.migrate_cases(rt, PROCESS, 1, 2, None, "admin")
        assert result.refused[0].reasons == (
            "Ärendet väntar i 'Befrielse när som helst', som inte finns i version 2.",
        )
        assert stored(rt, case_id) == before
    finally:
        rt.close()


def test_a_case_inside_a_multi_instance_activity_that_changed_stays(db_url: str) -> None:
    rt = fund_runtime(db_url)
    try:
        case_id = case_d_before(rt, "board_consent", after=True)
        files = engine.read_bundle([ROOT / "processes", ROOT / "forms"])
        item = '<bpmn:inputDataItem id="consent_board" name="consent_board" />'
        changed = _fund_version(files, 2, item, '<bpmn:inputDataItem id="board" name="board" />')
        engine.deploy(rt, changed, "admin")
        [move] = engine.plan_migration(rt, PROCESS, 1, 2).cases
        assert move.reasons == (
            "Flerinstansaktiviteten 'Nämndens samtycke' pågår och har ändrats i version 2; "
            "låt den gå klart först.",
        )
        assert [t.element_id for t in engine.get_case(rt, case_id, with_data=False).open_tasks]
    finally:
        rt.close()
