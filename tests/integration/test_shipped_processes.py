"""Every bundle Sif ships or tests with passes the whole validation, the variable check
included: the checks refuse mistakes, never a valid process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import engine
from engine import Database, Runtime, migrate
from tasks.store import MIGRATIONS
from tests.conftest import DATA, make_runtime, read_scenario

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted(p.name for p in DATA.iterdir() if p.is_dir() and any(p.glob("*.bpmn")))
REFUSED_BY_DESIGN = {"people_loop"}  # a loop the engine cannot predict (test_engine_limits)


@pytest.fixture(scope="module")
def checker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    url = f"sqlite:///{tmp_path_factory.mktemp('shipped')}/sif.db"
    db = Database(url)
    migrate(db, [MIGRATIONS])
    db.dispose()
    runtime = make_runtime(url)
    yield runtime
    runtime.close()


def test_the_fund_bundle_is_valid(checker: Runtime) -> None:
    files = engine.read_bundle([ROOT / "processes", ROOT / "forms"])
    assert engine.check_bundle(checker, files) == []


@pytest.mark.parametrize("scenario", sorted(set(SCENARIOS) - REFUSED_BY_DESIGN))
def test_every_test_scenario_is_valid(checker: Runtime, scenario: str) -> None:
    assert engine.check_bundle(checker, read_scenario(scenario)) == []


def test_the_scenario_refused_by_design_is_refused_for_its_loop_only(checker: Runtime) -> None:
    [problem] = engine.check_bundle(checker, read_scenario("people_loop"))
    assert "slinga utan vägval" in problem.message


def test_a_misspelt_variable_in_the_fund_process_is_caught_on_its_flow(checker: Runtime) -> None:
    files = engine.read_bundle([ROOT / "processes", ROOT / "forms"])
    name = "reservation_decision.bpmn"
    files[name] = files[name].replace(b"decision == 'release'", b"decisoin == 'release'")
    [problem] = engine.check_bundle(checker, files)
    assert (problem.file, problem.element_id) == (name, "flow_gw_to_release")
    assert problem.message == "Variabeln 'decisoin' finns inte här. Menade du 'decision'?"
