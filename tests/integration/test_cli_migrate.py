"""``sif migrate``: the dry run and the move from the command line, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner, Result

import engine
from engine import Runtime
from tests.conftest import make_runtime, read_scenario
from web.cli import main


@pytest.fixture
def cases_on_v1(db_url: str) -> Iterator[tuple[Runtime, dict[str, str]]]:
    """Version 1 and 2 of the migration scenario; one case at registration (movable), one at
    the step version 2 removes (not movable)."""
    rt = make_runtime(db_url, clock="virtual")
    engine.set_virtual_time(rt.db, engine.to_datetime("2016-01-01T09:00"))
    engine.add_user(rt, "clerk", ["clerk"])
    engine.add_user(rt, "owner", ["process_owner"])
    engine.deploy(rt, read_scenario("migration/v1"), "owner")
    first = engine.start_case(rt, "case_flow", "clerk", {"title": "Första"})
    second = engine.start_case(rt, "case_flow", "clerk", {"title": "Andra"})
    for element in ("register", "review"):
        [task] = engine.get_case(rt, second.id, with_data=False).open_tasks
        assert task.element_id == element
        engine.complete_task(rt, task.id, {}, "clerk")
        if element == "register":  # the day's wait, skipped by moving the timer's clock
            _fire_timer(rt, second.id)
    engine.deploy(rt, read_scenario("migration/v2"), "owner")
    yield rt, {"movable": first.business_key, "refused": second.business_key}
    rt.close()


def _fire_timer(rt: Runtime, case_id: int) -> None:
    [timer] = engine.list_timers(rt, case_id=case_id)
    assert timer.due_at is not None
    engine.set_virtual_time(rt.db, timer.due_at)
    assert engine.sweep(rt, "test").fired == 1


@pytest.fixture
def sif(db_url: str) -> Any:
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> Result:
        result = runner.invoke(main, list(args), env={"SIF_DATABASE_URL": db_url})
        assert result.exit_code == code, (result.output, result.stderr)
        assert "Traceback" not in result.output + result.stderr
        return result

    return run


def test_the_dry_run_prints_a_line_per_case_and_changes_nothing(sif: Any, cases_on_v1: Any) -> None:
    rt, keys = cases_on_v1
    out = sif("migrate", "--from", "case_flow:1", "--to", "2", "--dry-run").stdout
    lines = out.splitlines()
    assert (
        f"{keys['movable']}  kan flyttas  Uppgiften 'Registrera ärendet' erbjuds nu rollerna: "
        "manager." in lines
    )
    assert (
        f"{keys['refused']}  kan inte flyttas  Ärendet väntar i 'Komplettera ärendet', som inte "
        "finns i version 2." in lines
    )
    assert lines[-1] == "1 av 2 ärenden kan flyttas."
    assert "ändring: 'Komplettera ärendet' finns inte i version 2." in lines
    assert {c.definition_version for c in engine.list_cases(rt).cases} == {1}


def test_moving_exits_2_when_some_case_was_refused(sif: Any, cases_on_v1: Any) -> None:
    rt, keys = cases_on_v1
    result = sif("migrate", "--from", "case_flow:1", "--to", "2", "--user", "owner", code=2)
    assert f"{keys['movable']}  flyttat  " in result.stdout
    assert f"{keys['refused']}  inte flyttat  Ärendet väntar i" in result.stdout
    assert result.stdout.splitlines()[-1] == "1 av 2 ärenden flyttades till version 2."
    moved = engine.find_case(rt, keys["movable"], with_data=False)
    assert moved.definition_version == 2
    [event] = [e for e in engine.case_events(rt, moved.id) if e.kind == "migrated"]
    assert event.actor == "owner"


def test_moving_the_movable_case_alone_exits_0(sif: Any, cases_on_v1: Any) -> None:
    _, keys = cases_on_v1
    out = sif("migrate", "--from", "case_flow:1", "--to", "2", "--case", keys["movable"],
              "--json").stdout  # fmt: skip
    result = json.loads(out)
    assert [m["business_key"] for m in result["moved"]] == [keys["movable"]]
    assert result["refused"] == []
    again = sif("migrate", "--from", "case_flow:1", "--to", "2", "--case", keys["movable"], code=2)
    assert "finns inte bland de pågående ärendena i version 1" in again.stdout


def test_bad_arguments_are_one_swedish_line(sif: Any, cases_on_v1: Any) -> None:
    bad = sif("migrate", "--from", "case_flow", "--to", "2", code=2)
    assert bad.stderr.startswith("fel: --from: ange process och version som NYCKEL:VERSION")
    missing = sif("migrate", "--from", "case_flow:1", "--to", "9", "--dry-run", code=5)
    assert missing.stderr == "fel: Det finns ingen version 9 av processen 'case_flow'.\n"
    same = sif("migrate", "--from", "case_flow:2", "--to", "2", code=3)
    assert "annan version" in same.stderr
