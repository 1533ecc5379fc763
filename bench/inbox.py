"""Inbox, My cases, task page and the administrators' pages (cases overview with filters, case
page, waiting-time heatmap) latency through the web app, at 1 000 and at 100 000 cases.

The cases are real: 300 are started and worked through the engine (the ``due_dates`` process):
a third wait at "Registrera ärendet" for the clerks, a third at "Besluta" for the managers, a
third are completed. The rest are copies of the completed ones' rows with new ids and business
keys (cases, human_tasks, human_task_roles, events: exactly the rows the engine writes). That is
what a fund looks like after years: most cases closed, the open work about the same whatever the
history. People grow with the cases (one clerk per 20 cases), so a person's "My cases" stays the
same size, as in a real organisation. Requests go through Flask's test client with a signed-in
session, so routing, templates and queries all count. Prints p50 and p95 per page for both
sizes and the ratio (target: p95 at 100 000 <= 1.5 x p95 at 1 000, and <= 50 ms on SQLite).

Run: .venv/bin/python bench/inbox.py [--small 1000] [--large 100000] [--requests 200]
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, insert, select

import engine
import tasks
from engine import Runtime, Settings
from engine.schema import cases, events, human_task_roles, human_tasks
from tasks.store import MIGRATIONS
from web.app import create_app

SCENARIO = Path(__file__).resolve().parent.parent / "tests" / "data" / "due_dates"
TEMPLATES = 300
CLERKS = 15  # signed-up clerks; the copies' starters are more (one per 20 cases)
CASES_PER_PERSON = 20
PASSWORD = "bench-lösenord"
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def prepare(url: str, total: int) -> Runtime:
    rt = tasks.install(Runtime.open(Settings(database_url=url)))
    engine.migrate(rt.db, [MIGRATIONS])
    engine.deploy(rt, engine.read_bundle([SCENARIO]), "bench")
    for n in range(CLERKS):
        engine.add_user(rt, f"clerk{n}", ["clerk"], f"Handläggare {n}", password=PASSWORD)
    engine.add_user(rt, "boss", ["manager"], "Chef", password=PASSWORD)
    engine.add_user(rt, "chief", ["admin"], "Administratör", password=PASSWORD)
    for n in range(min(TEMPLATES, total)):
        clerk = f"clerk{n % CLERKS}"
        case = engine.start_case(rt, "due_dates", clerk)
        if n % 3:
            title = {"title": f"Projekt {n}", "urgent": n % 2 == 1}
            engine.complete_task(rt, case.open_tasks[0].id, title, clerk)
        if n % 3 == 2:
            decide = engine.get_case(rt, case.id, with_data=False).open_tasks[0]
            engine.complete_task(rt, decide.id, {"approved": True}, "boss")
    copy_cases(rt, total - TEMPLATES)
    return rt


def copy_cases(rt: Runtime, count: int) -> None:
    """``count`` more cases as copies of the engine-made ones (new ids, keys and task ids)."""
    if count <= 0:
        return
    with rt.db.transaction() as conn:
        template_cases = [
            dict(r._mapping)
            for r in conn.execute(select(cases).where(cases.c.status == "completed"))
        ]
        all_tasks: dict[int, list[dict[str, Any]]] = {}
        for r in conn.execute(select(human_tasks)):
            all_tasks.setdefault(r.case_id, []).append(dict(r._mapping))
        template_events = {}
        for r in conn.execute(select(events).order_by(events.c.id)):
            template_events.setdefault(r.case_id, []).append(dict(r._mapping))
        next_id = int(conn.execute(select(func.max(cases.c.id))).scalar() or 0) + 1
        batch: dict[str, list[dict[str, Any]]] = {"cases": [], "tasks": [], "roles": [], "ev": []}
        for n in range(count):
            source = template_cases[n % len(template_cases)]
            case_id = next_id + n
            starter = f"clerk{CLERKS + case_id // CASES_PER_PERSON}"
            batch["cases"].append(
                {**source, "id": case_id, "business_key": f"SIF-2025-{case_id:06d}",
                 "started_by": starter,
                 "search_text": f"sif-2025-{case_id:06d} {source['title']}".lower()}
            )  # fmt: skip
            new_ids = {}
            for task in all_tasks.get(source["id"], []):
                new_ids[task["id"]] = task_id = str(uuid.uuid4())
                batch["tasks"].append({**task, "id": task_id, "case_id": case_id})
                batch["roles"] += [
                    {"task_id": task_id, "role": r} for r in task["roles"].split(",")
                ]
            for event in template_events.get(source["id"], []):
                batch["ev"].append({**event, "id": None, "case_id": case_id,
                                    "task_id": new_ids.get(event["task_id"])})  # fmt: skip
            if len(batch["cases"]) >= 5000 or n == count - 1:
                conn.execute(insert(cases), batch["cases"])
                if batch["tasks"]:
                    conn.execute(insert(human_tasks), batch["tasks"])
                    conn.execute(insert(human_task_roles), batch["roles"])
                for row in batch["ev"]:
                    row.pop("id")
                conn.execute(insert(events), batch["ev"])
                batch = {"cases": [], "tasks": [], "roles": [], "ev": []}
    if rt.db.is_sqlite:
        with rt.db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")


def signed_in(rt: Runtime, user: str) -> FlaskClient:
    app = create_app(rt.settings, rt)
    client = app.test_client()
    page = client.get("/logga-in").get_data(as_text=True)
    token = _TOKEN.search(page)
    assert token is not None
    answer = client.post(
        "/logga-in", data={"name": user, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert answer.status_code == 302, answer.status_code
    return client


def latencies(client: FlaskClient, paths: list[str], requests: int) -> list[float]:
    for path in paths[:5]:  # warm-up: templates, caches, compiled statements
        client.get(path)
    samples = []
    for n in range(requests):
        path = paths[n % len(paths)]
        start = time.perf_counter()
        answer = client.get(path)
        samples.append(time.perf_counter() - start)
        assert answer.status_code == 200, (path, answer.status_code)
    return samples


def measure(rt: Runtime, requests: int) -> dict[str, list[float]]:
    clerk = signed_in(rt, "clerk7")
    boss = signed_in(rt, "boss")
    with rt.db.reading() as conn:
        offered = conn.execute(
            select(human_tasks.c.id).where(human_tasks.c.element_id == "decide").limit(50)
        ).scalars()
        task_paths = [f"/uppgifter/{task_id}" for task_id in offered]
        open_keys = conn.execute(
            select(cases.c.business_key).where(cases.c.status == "running").limit(20)
        ).scalars()
        case_paths = [f"/arenden/{key}" for key in open_keys]
    chief = signed_in(rt, "chief")
    overview = ["/arenden", "/arenden?forsenade=1", "/arenden?roll=clerk&sortera=arende",
                "/arenden?status=completed&sida=3", "/arenden?sok=Projekt 1&ar=2026"]  # fmt: skip
    admin_pages = {
        "cases overview (filters)": latencies(chief, overview, requests),
        "case page": latencies(chief, case_paths, requests),
    }
    if "waiting.heatmap" in chief.application.view_functions:
        admin_pages["heatmap"] = latencies(
            chief, ["/arenden/vantetider?process=due_dates"], requests
        )
    return {
        **admin_pages,
        "inbox (clerk)": latencies(clerk, ["/", "/?sida=2", "/?sortera=arende"], requests),
        "inbox (manager, overdue)": latencies(boss, ["/?forfallo=forsenade", "/"], requests),
        "my cases": latencies(clerk, ["/mina-arenden"], requests),
        "task page": latencies(boss, task_paths, requests),
    }


def p(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100)[q - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in (args.small, args.large):
            print(f"preparing {size} cases …", flush=True)
            began = time.perf_counter()
            rt = prepare(f"sqlite:///{tmp}/inbox-{size}.db", size)
            print(f"  ready in {time.perf_counter() - began:.0f} s", flush=True)
            results[size] = measure(rt, args.requests)
            rt.close()
    print(f"\n{'page':28} {'cases':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for page in results[args.small]:
        for size in (args.small, args.large):
            samples = results[size][page]
            print(f"{page:28} {size:>8} {p(samples, 50):8.2f} {p(samples, 95):8.2f}")
        ratio = p(results[args.large][page], 95) / p(results[args.small][page], 95)
        print(f"{'':28} {'ratio':>8} {'':8} {ratio:8.2f}  (target <= 1.5; p95 <= 50 ms)")


if __name__ == "__main__":
    main()
