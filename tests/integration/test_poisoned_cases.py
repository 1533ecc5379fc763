"""A step whose outcome cannot be stored is undone and makes its case an incident; a timer
sweep goes on with the other cases whatever one case does (issue 7, items 1 and 5)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

import engine
from engine import Runtime, StepRefused
from engine.schema import cases, events, human_tasks, timers
from tests.conftest import make_runtime, read_scenario
from tests.limits import run_limited

START = engine.to_datetime("2020-03-02T09:00")
DUE = START + timedelta(hours=1)


@pytest.fixture
def vrt(db_url: str) -> Iterator[Runtime]:
    rt = make_runtime(db_url, clock="virtual")
    engine.set_virtual_time(rt.db, START)
    engine.add_user(rt, "clerk", ["clerk"])
    engine.deploy(rt, read_scenario("timer_poison"), "admin")
    yield rt
    rt.close()


def start(rt: Runtime, poison: str = "none", late: bool = False) -> engine.Case:
    return engine.start_case(rt, "timer_poison", "clerk", {"poison": poison, "poison_late": late})


def stored(rt: Runtime, case_id: int) -> dict[str, Any]:
    """The case row and what hangs on it, exactly as stored."""
    with rt.db.reading() as conn:
        row = conn.execute(select(cases).where(cases.c.id == case_id)).one()
        kinds = conn.execute(
            select(events.c.kind).where(events.c.case_id == case_id).order_by(events.c.id)
        ).scalars()
        tasks = conn.execute(
            select(human_tasks.c.element_id, human_tasks.c.state)
            .where(human_tasks.c.case_id == case_id)
            .order_by(human_tasks.c.created_at)
        ).all()
        timer_rows = conn.execute(
            select(timers.c.state, timers.c.fired_count).where(timers.c.case_id == case_id)
        ).all()
    return {
        "status": row.status,
        "workflow": row.workflow,
        "incident": json.loads(row.incident) if row.incident else None,
        "events": list(kinds),
        "tasks": [tuple(t) for t in tasks],
        "timers": [tuple(t) for t in timer_rows],
    }


def fired_count(rt: Runtime, case_id: int) -> int:
    return sum(e.kind == "timer_fired" for e in engine.case_events(rt, case_id))


@pytest.mark.parametrize(
    ("poison", "reason"),
    [
        ("cycle", "innehåller sig självt"),
        ("deep", "för djupt nästlat"),
        ("range", "typen range"),
    ],
)
def test_data_a_timer_step_cannot_store_makes_the_case_an_incident_and_saves_nothing(
    vrt: Runtime, poison: str, reason: str
) -> None:
    case = start(vrt, poison)
    before = stored(vrt, case.id)

    engine.set_virtual_time(vrt.db, DUE)
    result = engine.sweep(vrt, "s1")

    assert (result.fired, result.failed) == (0, 1)
    after = stored(vrt, case.id)
    assert after["status"] == "error"
    assert reason in after["incident"]["message"]
    assert "Bearbeta data" in after["incident"]["message"]
    assert "Inget av steget sparades" in after["incident"]["message"]
    assert after["workflow"] == before["workflow"]  # the step left nothing behind
    assert after["tasks"] == before["tasks"]
    assert after["timers"] == before["timers"]
    assert after["events"] == [*before["events"], "incident"]
    assert engine.sweep(vrt, "s1").claimed == 0  # not retried forever


def test_a_retried_incident_that_fails_again_stays_an_incident(vrt: Runtime) -> None:
    case = start(vrt, "cycle")
    engine.set_virtual_time(vrt.db, DUE)
    engine.sweep(vrt, "s1")
    engine.add_user(vrt, "admin", ["admin"])

    with pytest.raises(StepRefused) as refused:
        engine.retry_case(vrt, case.id, "admin")

    assert "innehåller sig självt" in refused.value.message
    after = stored(vrt, case.id)
    assert after["status"] == "error"
    assert after["events"][-2:] == ["incident", "incident"]


def test_a_user_step_that_leaves_unstorable_data_is_refused_and_the_task_stays_open(
    vrt: Runtime,
) -> None:
    case = start(vrt, late=True)
    engine.set_virtual_time(vrt.db, DUE)
    assert engine.sweep(vrt, "s1").fired == 1
    [task] = engine.get_case(vrt, case.id, with_data=False).open_tasks
    before = stored(vrt, case.id)

    with pytest.raises(StepRefused) as refused:
        engine.complete_task(vrt, task.id, {"done": True}, "clerk")

    assert "Sammanställ" in refused.value.message
    after = stored(vrt, case.id)
    assert after["status"] == "error"
    assert after["workflow"] == before["workflow"]
    assert after["tasks"] == before["tasks"] == [("follow_up", "ready")]
    assert after["events"] == [*before["events"], "incident"]


def test_start_data_or_answers_that_cannot_be_stored_are_refused(vrt: Runtime) -> None:
    loop: dict[str, object] = {}
    loop["self"] = loop

    with pytest.raises(engine.ValidationFailed) as refused:
        engine.start_case(vrt, "timer_poison", "clerk", {"poison": "none", "loop": loop})
    assert "innehåller sig självt (i variabeln loop)" in refused.value.message
    assert engine.list_cases(vrt).total == 0

    case = start(vrt)
    engine.set_virtual_time(vrt.db, DUE)
    engine.sweep(vrt, "s1")
    [task] = engine.get_case(vrt, case.id, with_data=False).open_tasks
    before = stored(vrt, case.id)
    with pytest.raises(engine.ValidationFailed):
        engine.complete_task(vrt, task.id, {"done": True, "extra": [[[[]]]] * 10**6}, "clerk")
    assert stored(vrt, case.id) == before


def test_a_start_whose_scripts_leave_unstorable_data_leaves_no_case(vrt: Runtime) -> None:
    engine.deploy(vrt, read_scenario("timer_poison_at_start"), "admin")

    with pytest.raises(StepRefused) as refused:
        engine.start_case(vrt, "timer_poison_at_start", "clerk")

    assert refused.value.case_id is None
    assert "Förbered" in refused.value.message
    assert engine.list_cases(vrt).total == 0


def _nest(depth: int) -> str:
    return "[" * depth + "]" * depth


def poison_stored_workflow(rt: Runtime, case_id: int) -> None:
    """Corrupt a stored case as an older release could have left it: data nested 20 000 deep."""
    with rt.db.transaction() as conn:
        text = conn.execute(select(cases.c.workflow).where(cases.c.id == case_id)).scalar_one()
        spoiled = text.replace('"data":{', '"data":{"deep":' + _nest(20_000) + ",", 1)
        conn.execute(update(cases).where(cases.c.id == case_id).values(workflow=spoiled))


def test_a_case_that_cannot_even_be_loaded_becomes_an_incident(vrt: Runtime) -> None:
    case = start(vrt)
    poison_stored_workflow(vrt, case.id)
    engine.set_virtual_time(vrt.db, DUE)

    result = engine.sweep(vrt, "s1")

    assert (result.failed, result.fired) == (1, 0)
    after = stored(vrt, case.id)
    assert after["status"] == "error"
    assert after["incident"]["message"].startswith("Timern kunde inte utlösas: internt fel")
    assert engine.sweep(vrt, "s1").claimed == 0


def test_poisoned_cases_never_stop_fifty_others_swept_by_two_schedulers(
    db_url: str, vrt: Runtime
) -> None:
    # The poisoned cases are started first, so their timers are claimed first in every sweep.
    cycle = start(vrt, "cycle")
    corrupt = start(vrt)
    poison_stored_workflow(vrt, corrupt.id)
    ordinary = [start(vrt) for _ in range(50)]
    engine.set_virtual_time(vrt.db, DUE)

    schedulers = [make_runtime(db_url, clock="virtual") for _ in range(2)]
    results: list[engine.SweepResult] = []

    def run(rt: Runtime, owner: str) -> None:
        results.append(engine.sweep(rt, owner, batch=10))

    threads = [
        threading.Thread(target=run, args=(rt, f"scheduler-{i}")) for i, rt in enumerate(schedulers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for rt in schedulers:
        rt.close()

    assert len(results) == 2
    assert sum(r.fired for r in results) == 50
    assert sum(r.failed for r in results) == 2
    assert [fired_count(vrt, c.id) for c in ordinary] == [1] * 50
    assert {stored(vrt, c.id)["status"] for c in ordinary} == {"running"}
    assert stored(vrt, cycle.id)["status"] == stored(vrt, corrupt.id)["status"] == "error"
    again = engine.sweep(vrt, "scheduler-0")
    assert (again.claimed, again.fired, again.failed) == (0, 0, 0)


def test_shared_references_are_measured_as_written_under_a_memory_cap() -> None:
    """``[[0] * 100_000] * 100_000`` is 800 KB in memory and ~20 GB as stored JSON: the step
    is refused in well under a second, in a child process that may use at most 1 GiB."""
    outcome = run_limited(
        """
        import json, tempfile, time
        import engine
        from tests.conftest import make_runtime, read_scenario
        from engine import migrate
        from tasks.store import MIGRATIONS

        url = f"sqlite:///{tempfile.mkdtemp()}/sif.db"
        db = engine.Database(url); migrate(db, [MIGRATIONS]); db.dispose()
        rt = make_runtime(url, clock="virtual")
        engine.set_virtual_time(rt.db, engine.to_datetime("2020-03-02T09:00"))
        engine.add_user(rt, "clerk", ["clerk"])
        engine.deploy(rt, read_scenario("timer_poison"), "admin")
        results = {}
        for poison in ("shared", "shared_keys", "shared_nested"):
            case = engine.start_case(rt, "timer_poison", "clerk",
                                     {"poison": poison, "poison_late": False})
            results[poison] = case.id
        engine.set_virtual_time(rt.db, engine.to_datetime("2020-03-02T10:00"))
        began = time.perf_counter()
        swept = engine.sweep(rt, "s1")
        elapsed = time.perf_counter() - began
        found = {name: engine.get_case(rt, case_id, with_data=False)
                 for name, case_id in results.items()}
        print(json.dumps({
            "elapsed": elapsed, "failed": swept.failed,
            "status": {n: c.status for n, c in found.items()},
            "messages": {n: c.incident.message if c.incident else "" for n, c in found.items()},
        }))
        """,
        seconds=60,
    )
    assert outcome.returncode == 0, outcome.stderr
    result = outcome.result
    assert result["failed"] == 3
    assert set(result["status"].values()) == {"error"}
    for message in result["messages"].values():
        assert "för stor" in message or "för stort" in message
    assert result["elapsed"] < 5


def test_advancing_the_clock_goes_past_a_poisoned_case(vrt: Runtime) -> None:
    poisoned = start(vrt, "cycle")
    corrupt = start(vrt)
    poison_stored_workflow(vrt, corrupt.id)
    ordinary = [start(vrt) for _ in range(5)]

    total = engine.advance_clock(vrt, DUE + timedelta(days=1), "clock")

    assert (total.fired, total.failed) == (5, 2)
    assert [fired_count(vrt, c.id) for c in ordinary] == [1] * 5
    assert stored(vrt, poisoned.id)["status"] == stored(vrt, corrupt.id)["status"] == "error"
