"""Persisted task completion in Sif (SQLite) against raw SpiffWorkflow in memory, side by side.

For the same case at the same point (the review task, after N earlier revision rounds):
  sif:  engine.complete_task — lock, load, validate the form, complete, run to the next wait,
        serialize, write projections and audit events, commit (SQLite file, WAL);
  raw:  SpiffWorkflow's deserialize_json + complete the task + do_engine_steps + serialize_json,
        in memory, with its default script engine.
Prints the median of each and the ratio (target: ratio <= 1.5).
Run: .venv/bin/python bench/complete_task.py [--cases 200] [--rounds 0]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

import engine
from engine import Runtime, Settings

SCENARIO = Path(__file__).resolve().parent.parent / "tests" / "data" / "review_loop"
IDEA = {"title": "Läxhjälp", "amount": 500, "category": "prevention"}
REVISE = {"amount": 700, "answer": "Kompletterat"}
DECISION = {"decision": "revise", "comment": "Mer underlag"}


def sif_cases(rt: Runtime, count: int, rounds: int) -> list[str]:
    """Start ``count`` cases and bring each to the review task after ``rounds`` revisions."""
    review_ids = []
    for _ in range(count):
        case = engine.start_case(rt, "review_loop", "anna")
        engine.complete_task(rt, case.open_tasks[0].id, IDEA, "anna")
        for _ in range(rounds):
            review = engine.get_case(rt, case.id, with_data=False).open_tasks[0]
            engine.complete_task(rt, review.id, DECISION, "greta")
            revise = engine.get_case(rt, case.id, with_data=False).open_tasks[0]
            engine.complete_task(rt, revise.id, REVISE, "anna")
        review_ids.append(engine.get_case(rt, case.id, with_data=False).open_tasks[0].id)
    return review_ids


def time_sif(rt: Runtime, task_id: str) -> float:
    start = time.perf_counter()
    engine.complete_task(rt, task_id, DECISION, "greta")
    return time.perf_counter() - start


def raw_workflow_at_review(rounds: int) -> str:
    parser = SpiffBpmnParser()
    parser.add_bpmn_files([str(SCENARIO / "review_loop.bpmn")])
    parser.add_dmn_files([str(SCENARIO / "classify_size.dmn")])
    wf = BpmnWorkflow(parser.get_spec("review_loop"), parser.get_subprocess_specs("review_loop"))
    wf.do_engine_steps()
    steps = [IDEA] + [DECISION, REVISE] * rounds
    for data in steps:
        task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
        task.data.update(data)
        task.run()
        wf.do_engine_steps()
    return str(SERIALIZER.serialize_json(wf))


SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


def time_raw(serialized: str) -> float:
    start = time.perf_counter()
    wf = SERIALIZER.deserialize_json(serialized)
    task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
    task.data.update(DECISION)
    task.run()
    wf.refresh_timers()
    wf.do_engine_steps()
    SERIALIZER.serialize_json(wf)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        rt = Runtime.open(Settings(database_url=url))
        engine.migrate(rt.db)
        engine.deploy(rt, engine.read_bundle([SCENARIO]), "bench")
        engine.add_user(rt, "anna", ["applicant"])
        engine.add_user(rt, "greta", ["reviewer"])
        print(f"preparing {args.cases} cases at the review task after {args.rounds} rounds …")
        task_ids = sif_cases(rt, args.cases, args.rounds)
        raw_state = raw_workflow_at_review(args.rounds)
        for task_id in task_ids[:10]:  # warm-up: caches, compiled statements
            time_sif(rt, task_id)
            time_raw(raw_state)
        # Interleaved, so both see the same machine conditions.
        sif_times, raw_times = [], []
        for task_id in task_ids[10:]:
            sif_times.append(time_sif(rt, task_id))
            raw_times.append(time_raw(raw_state))
        sif, raw = statistics.median(sif_times), statistics.median(raw_times)
        rt.close()
    print(f"sif  persisted complete (SQLite), median: {sif * 1000:8.2f} ms")
    print(f"raw  SpiffWorkflow in memory,     median: {raw * 1000:8.2f} ms")
    print(f"ratio sif/raw: {sif / raw:.2f}  (target <= 1.5)")


if __name__ == "__main__":
    main()
