"""Engine-level limits: a timer cycle that would never move on, a multi-instance activity with
too many instances, a loop that waits for nothing. Each ends in seconds as a refusal at deploy
(file, line, element) or as the case's incident (status error, Swedish, element id) — never a
hang, and never a case marked completed that did not reach its end.

The payloads that hung or ran for minutes before run in a child process under a memory cap
(``tests.limits.run_limited``), a batch per child, on the test's database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

import engine
import tasks
from engine import BundleInvalid, Problem, Runtime, Settings
from tests.conftest import read_scenario
from tests.limits import run_limited

NOW = "2026-06-15T12:00:00"  # the virtual clock of the child processes, Swedish time
ZERO_CYCLES = ["R/2020-01-01T00:00:00/PT0S", "R/P0D", "R3/PT0S", "R/2020-01-01/P0Y0M0D", "R/PT0.0S"]
SLOW = 15  # seconds one payload may take, generously: they took minutes or for ever before

_CHILD = """
import time  # ARGS (url, now, runs) is set above
import engine
from tests.conftest import make_runtime, read_scenario

rt = make_runtime(ARGS["url"], clock="virtual")
engine.set_virtual_time(rt.db, engine.to_datetime(ARGS["now"]))
engine.add_user(rt, "carl", ["clerk"])


def outcome(case_id, began):
    case = engine.get_case(rt, case_id)
    incident = case.incident
    timers = engine.list_timers(rt, case_id=case_id)
    return {
        "status": case.status,
        "element_id": incident.element_id if incident else None,
        "message": incident.message if incident else None,
        "data": {k: v for k, v in case.data.items() if k != "items"},
        "events": [e.kind for e in engine.case_events(rt, case_id)],
        "due": [t.due_at.isoformat() for t in timers if t.due_at is not None],
        "seconds": time.monotonic() - began,
    }


outcomes = []
for run in ARGS["runs"]:
    files = read_scenario(run["scenario"])
    name = run["scenario"] + ".bpmn"
    for old, new in run.get("replace", []):
        files[name] = files[name].replace(old.encode(), new.encode(), 1)
    engine.deploy(rt, files, "admin")
    for data in run["payloads"]:
        began = time.monotonic()
        case = engine.start_case(rt, run["scenario"], "carl", data)
        if run.get("retry"):
            engine.retry_case(rt, case.id, "carl")
        outcomes.append(outcome(case.id, began))
print(json.dumps(outcomes))
"""


def run_in_child(db_url: str, *runs: dict[str, Any], seconds: float = 60) -> list[dict[str, Any]]:
    """Start a case per payload of each run (scenario, payloads, optional replace, retry) in
    a capped child process; the outcome of each case, in order."""
    args = {"url": db_url, "now": NOW, "runs": list(runs)}
    code = f"import json\nARGS = json.loads({json.dumps(args)!r})\n{_CHILD}"
    done = run_limited(code, seconds=seconds)
    assert done.returncode == 0, done.stderr
    outcomes: list[dict[str, Any]] = done.result
    return outcomes


def assert_incident(outcome: dict[str, Any], element_id: str, message: str) -> None:
    assert outcome["status"] == "error", outcome
    assert outcome["element_id"] == element_id
    assert message in outcome["message"]
    assert "case_completed" not in outcome["events"]
    assert outcome["seconds"] < SLOW


def with_replaced(scenario: str, old: bytes, new: bytes) -> dict[str, bytes]:
    files = read_scenario(scenario)
    name = f"{scenario}.bpmn"
    assert old in files[name]
    files[name] = files[name].replace(old, new, 1)
    return files


def refused_at_deploy(rt: Runtime, scenario: str, tag: str, old: str, new: str) -> Problem:
    """Deploy the scenario with the first ``<tag>old</tag>`` made ``<tag>new</tag>``: the one
    problem found, checked to name the file and the tag's line; nothing is deployed."""
    files = with_replaced(
        scenario, f">{old}</bpmn:{tag}>".encode(), f">{new}</bpmn:{tag}>".encode()
    )
    with pytest.raises(BundleInvalid) as refused:
        engine.deploy(rt, files, "admin")
    [problem] = refused.value.problems
    name = f"{scenario}.bpmn"
    line = files[name][: files[name].index(f"<bpmn:{tag}".encode())].count(b"\n") + 1
    assert (problem.file, problem.line) == (name, line)
    assert engine.list_definitions(rt) == []
    return problem


@pytest.fixture
def clerk(rt: Runtime) -> Runtime:
    engine.add_user(rt, "carl", ["clerk"])
    return rt


def runtime(db_url: str, **settings: Any) -> Runtime:
    return tasks.install(Runtime.open(Settings(database_url=db_url, **settings)))


# Item 2: timer cycles ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "constant",
    ['"R/2020-01-01T00:00:00/PT0S"', '"R/P0D"', '"R3/PT0S"', '"R/2020-01-01/P0Y0M0D"',
     '"R/" + "PT0.0S"'],
)  # fmt: skip
def test_a_constant_cycle_that_never_moves_on_is_refused_at_deploy(
    rt: Runtime, constant: str
) -> None:
    problem = refused_at_deploy(rt, "cycle_reminder", "timeCycle", "reminder", constant)
    assert problem.element_id == "reminder"
    assert "Upprepningens period måste vara minst en sekund" in problem.message


def test_a_cycle_from_case_data_that_never_moves_on_is_the_cases_incident(db_url: str) -> None:
    payloads = [{"reminder": cycle} for cycle in ZERO_CYCLES]
    *outcomes, retried = run_in_child(
        db_url,
        {"scenario": "cycle_reminder", "payloads": payloads},
        {"scenario": "cycle_reminder", "payloads": payloads[:1], "retry": True},
    )
    for cycle, outcome in zip(ZERO_CYCLES, outcomes, strict=True):
        assert_incident(outcome, "reminder", "Upprepningens period måste vara minst en sekund")
        assert cycle in outcome["message"]
        assert "reminded" not in outcome["data"]
    assert_incident(retried, "reminder", "Upprepningens period")
    assert retried["events"].count("incident") == 2


def test_a_tiny_period_from_long_ago_re_arms_at_its_next_occurrence(db_url: str) -> None:
    cycles = ["R/2000-01-01T00:00:00/PT1S", "R/1900-01-01T00:00:00/PT1S",
              "R/1900-01-01T00:00:00/PT7S"]  # fmt: skip
    payloads = [{"reminder": cycle} for cycle in cycles]
    outcomes = run_in_child(db_url, {"scenario": "cycle_reminder", "payloads": payloads})
    now = engine.to_datetime(NOW)
    for outcome in outcomes:
        assert outcome["status"] == "running", outcome
        assert outcome["data"]["reminded"] is True  # the overdue cycle fired once
        assert outcome["events"].count("timer_armed") == 1  # re-armed, not stepped through
        assert outcome["seconds"] < SLOW
    assert [datetime.fromisoformat(o["due"][0]) for o in outcomes[:2]] == [
        now + timedelta(seconds=1)
    ] * 2
    assert now < datetime.fromisoformat(outcomes[2]["due"][0]) <= now + timedelta(seconds=7)


@pytest.fixture
def vclerk(db_url: str) -> Iterator[Runtime]:
    rt = runtime(db_url, clock="virtual")
    engine.set_virtual_time(rt.db, engine.to_datetime(NOW))
    engine.add_user(rt, "carl", ["clerk"])
    yield rt
    rt.close()


def test_an_ordinary_cycle_fires_once_each_period_and_stops(vclerk: Runtime) -> None:
    rt, start = vclerk, engine.to_datetime(NOW)
    engine.deploy(rt, read_scenario("cycle_reminder"), "admin")
    case = engine.start_case(rt, "cycle_reminder", "carl", {"reminder": "R2/PT1H"})
    assert [t.due_at for t in engine.list_timers(rt, case_id=case.id)] == [
        start + timedelta(hours=1)
    ]
    fired = []
    for hours in (1, 2, 3):
        engine.set_virtual_time(rt.db, start + timedelta(hours=hours))
        fired.append(engine.sweep(rt, "s").fired)
    assert fired == [1, 1, 0]
    after = engine.get_case(rt, case.id)
    assert after.status == "running"
    assert [t.element_id for t in after.open_tasks] == ["handle"]
    assert [e.kind for e in engine.case_events(rt, case.id)].count("timer_fired") == 2


# Item 6a: instances of one multi-instance activity -------------------------------------------


@pytest.mark.parametrize("constant", ["10000", "100*100", "10 ** 4"])
def test_a_constant_instance_count_over_the_cap_is_refused_at_deploy(
    rt: Runtime, constant: str
) -> None:
    problem = refused_at_deploy(rt, "many_instances", "loopCardinality", "count", constant)
    assert problem.element_id == "per_count"
    assert problem.message == "Flerinstansaktiviteten skulle skapa 10000 instanser (högst 1000)."


def test_the_cap_at_deploy_is_the_configured_one() -> None:
    def validated(count: str) -> None:
        files = with_replaced("many_instances", b">count</bpmn:loopCardinality>",
                              f">{count}</bpmn:loopCardinality>".encode())  # fmt: skip
        engine.validate_bundle(files, Settings(max_loop_cardinality=50), frozenset())

    validated("50")
    with pytest.raises(BundleInvalid, match="1 fel"):
        validated("51")


def test_instances_over_the_cap_from_case_data_are_the_cases_incident(db_url: str) -> None:
    outcomes = run_in_child(
        db_url,
        {"scenario": "many_instances", "payloads": [
            {"shape": "count", "count": 10_000},
            {"shape": "count", "count": 10**19},
            {"shape": "items", "items": list(range(5000))},
            {"shape": "sequential", "count": 10_000},
        ]},
        {"scenario": "many_instances", "payloads": [{"shape": "count", "side": 100}],
         "replace": [[">count</bpmn:loopCardinality>", ">side * side</bpmn:loopCardinality>"]]},
    )  # fmt: skip
    expected = [("per_count", 10_000), ("per_count", 10**19), ("per_item", 5000),
                ("in_turn", 10_000), ("per_count", 10_000)]  # fmt: skip
    for (element_id, count), outcome in zip(expected, outcomes, strict=True):
        message = f"Flerinstansaktiviteten skulle skapa {count} instanser (högst 1000)."
        assert_incident(outcome, element_id, message)
        assert not {"visited", "doubled"} & set(outcome["data"])


def test_instances_below_the_cap_run_as_before(clerk: Runtime) -> None:
    engine.deploy(clerk, read_scenario("many_instances"), "admin")
    for data, key, expected in [
        ({"shape": "count", "count": 3}, "visited", True),
        ({"shape": "items", "items": [1, 2, 3]}, "doubled", [2, 4, 6]),
        ({"shape": "sequential", "count": 7}, "visited", True),
    ]:
        case = engine.start_case(clerk, "many_instances", "carl", data)
        assert case.status == "completed"
        assert engine.get_case(clerk, case.id).data[key] == expected


def test_a_refused_activity_retried_after_the_cap_is_raised_creates_its_instances(
    db_url: str,
) -> None:
    low = runtime(db_url, max_loop_cardinality=5)
    engine.add_user(low, "carl", ["clerk"])
    engine.deploy(low, read_scenario("many_instances"), "admin")
    case = engine.start_case(low, "many_instances", "carl", {"shape": "items", "items": [1] * 6})
    assert case.status == "error"
    low.close()
    high = runtime(db_url, max_loop_cardinality=10)
    assert engine.retry_case(high, case.id, "carl").status == "completed"
    assert engine.get_case(high, case.id).data["doubled"] == [2] * 6
    high.close()


# Item 6b: loops that wait for nothing --------------------------------------------------------


def test_a_loop_that_waits_for_nothing_is_the_cases_incident_not_completed(db_url: str) -> None:
    outcomes = run_in_child(
        db_url,
        {"scenario": "gateway_loop", "payloads": [{"limit": 100_000}, {"limit": -1}]},
        {"scenario": "gateway_loop", "payloads": [{"limit": -1}], "retry": True},
        {"scenario": "standard_loop", "payloads": [{"limit": -1}]},
    )
    hundred_thousand, endless, retried, standard = outcomes
    for outcome in (hundred_thousand, endless):
        assert_incident(outcome, "merge", "Processen har gått för många varv i en slinga")
        assert outcome["data"]["rounds"] < 333  # stopped before SpiffWorkflow loses the loop
    # Retried, it goes on from where it stopped; the rounds it finished have left the task
    # tree (engine.bpmn.prune), so it runs as many again before the same guard stops it.
    assert_incident(retried, retried["element_id"], "Processen har gått för många varv")
    assert retried["element_id"] in ("merge", "count", "check")
    assert 333 <= retried["data"]["rounds"] < 2 * 333
    assert retried["events"].count("incident") == 2
    assert_incident(standard, "count", "Processen gick runt i en slinga utan att vänta på något: "
                    "över 2000 steg i ett och samma steg.")  # fmt: skip


def test_loops_that_end_complete_as_before(clerk: Runtime) -> None:
    for scenario, rounds in [("gateway_loop", 50), ("standard_loop", 100)]:
        engine.deploy(clerk, read_scenario(scenario), "admin")
        case = engine.start_case(clerk, scenario, "carl", {"limit": rounds})
        assert case.status == "completed"
        assert engine.get_case(clerk, case.id).data["rounds"] == rounds


def test_a_loop_without_a_decision_is_refused_at_deploy(rt: Runtime) -> None:
    files = read_scenario("people_loop")
    with pytest.raises(BundleInvalid) as refused:
        engine.deploy(rt, files, "admin")
    [problem] = refused.value.problems
    assert (problem.file, problem.element_id) == ("people_loop.bpmn", "people_loop")
    assert "slinga utan vägval" in problem.message
    assert engine.list_definitions(rt) == []


def test_instances_whose_shared_items_would_be_copied_out_huge_end_in_seconds(
    db_url: str,
) -> None:
    """Each instance gets a deep copy of its item: 1 000 references to one list of 100 000
    numbers are 800 KB in memory and ~200 MB once copied out. The activity is refused before
    anything is copied, and the step (here the case's start) is refused as unstorable."""
    code = f"""
import json, time
import engine
from tests.conftest import make_runtime, read_scenario
rt = make_runtime({db_url!r})
engine.add_user(rt, "carl", ["clerk"])
engine.deploy(rt, read_scenario("shared_items"), "admin")
found = []
for data in ({{"width": 100_000, "count": 1000, "sequential": False}},
             {{"width": 100_000, "count": 1000, "sequential": True}},
             {{"width": 20_000, "count": 900, "sequential": False}}):
    began = time.monotonic()
    try:
        engine.start_case(rt, "shared_items", "carl", data)
        found.append(["started", time.monotonic() - began])
    except engine.StepRefused as refused:
        found.append([refused.message, time.monotonic() - began])
print(json.dumps({{"found": found, "cases": engine.list_cases(rt).total}}))
"""
    done = run_limited(code, seconds=60)
    assert done.returncode == 0, done.stderr
    assert done.result["cases"] == 0
    for message, seconds in done.result["found"]:
        assert "Värdet skulle bli för stort att spara" in message
        assert seconds < SLOW


def test_instances_of_small_shared_items_run(clerk: Runtime) -> None:
    engine.deploy(clerk, read_scenario("shared_items"), "admin")
    for sequential in (False, True):
        data = {"width": 10, "count": 20, "sequential": sequential}
        case = engine.start_case(clerk, "shared_items", "carl", data)
        assert case.status == "completed"
