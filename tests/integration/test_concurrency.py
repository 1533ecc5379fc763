"""Ten people completing the same task at once, on PostgreSQL: one wins, nine get a conflict."""

from __future__ import annotations

import threading
from collections import Counter

import engine
from engine import Conflict
from tests.conftest import make_runtime, read_scenario


def test_ten_concurrent_completions_of_one_task(pg_url: str) -> None:
    rt = make_runtime(pg_url)
    engine.deploy(rt, read_scenario("review_loop"), "admin")
    users = [f"applicant{i}" for i in range(10)]
    for name in users:
        engine.add_user(rt, name, ["applicant"])
    case = engine.start_case(rt, "review_loop", users[0])
    task_id = case.open_tasks[0].id
    barrier = threading.Barrier(len(users))
    outcomes: list[str] = []
    lock = threading.Lock()

    def complete(user: str) -> None:
        idea = {"title": f"Idé av {user}", "amount": 500, "category": "prevention"}
        barrier.wait()
        try:
            engine.complete_task(rt, task_id, idea, user)
            outcome = "ok"
        except Conflict:
            outcome = "conflict"
        except Exception as exc:  # any other outcome fails the test below
            outcome = f"unexpected {exc!r}"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=complete, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert Counter(outcomes) == {"ok": 1, "conflict": 9}
    completions = [e for e in engine.case_events(rt, case.id) if e.kind == "task_completed"]
    assert len(completions) == 1
    after = engine.get_case(rt, case.id, with_data=False)
    assert [t.element_id for t in after.open_tasks] == ["review"]
    rt.close()
