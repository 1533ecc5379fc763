"""What an operator relies on: readiness (database and migrations), the timer lag, the
schedulers' beats, ``sif doctor``, settings refused in words, and migrations that run once
when several nodes start at the same moment."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

import engine
from engine import Runtime, Settings, SettingsInvalid
from tasks.store import MIGRATIONS as TASK_MIGRATIONS
from tests.conftest import make_runtime, read_scenario
from tests.nodes import SIF, Cluster, free_port, status_of
from tests.pgserver import PgServer
from web.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _timer_case(rt: Runtime) -> int:
    """A case waiting on a one-hour timer (tests/data/timer_catch)."""
    engine.deploy(rt, read_scenario("timer_catch"), "admin")
    engine.add_user(rt, "anna", {"council"}, "Anna")
    return engine.start_case(rt, "timer_catch", "anna").id


def test_a_migrated_database_is_ready_and_an_empty_one_says_what_is_missing(
    db_url: str, tmp_path: Path
) -> None:
    rt = make_runtime(db_url)
    try:
        found = engine.readiness(rt, [TASK_MIGRATIONS])
        assert found.ready and found.database and found.pending == ()
    finally:
        rt.close()
    empty = make_runtime(f"sqlite:///{tmp_path}/empty.db")
    try:
        found = engine.readiness(empty, [TASK_MIGRATIONS])
        assert (found.ready, found.database, found.migrations_current) == (False, True, False)
        assert "0007" in found.pending
        assert found.problems[0].startswith("Databasen saknar migreringar")
    finally:
        empty.close()


def test_the_timer_lag_is_how_long_the_oldest_due_timer_has_waited(db_url: str) -> None:
    rt = make_runtime(db_url, clock="virtual")
    try:
        engine.set_virtual_time(rt.db, engine.to_datetime("2026-03-02T09:00"))
        _timer_case(rt)
        assert engine.timer_lag(rt) == 0.0  # waiting, not due
        engine.set_virtual_time(rt.db, engine.to_datetime("2026-03-02T10:30"))
        assert engine.timer_lag(rt) == pytest.approx(30 * 60)  # due at 10:00
        ticker = engine.Scheduler(rt)
        ticker.tick()
        assert engine.timer_lag(rt) == 0.0
        [beat] = engine.list_scheduler_beats(rt)
        assert (beat.owner, beat.fired, beat.failed) == (ticker.owner, 1, 0)
        ticker.tick()  # nothing due: the beat moves on, the count stays
        [again] = engine.list_scheduler_beats(rt)
        assert again.fired == 1 and again.beat_at >= beat.beat_at
    finally:
        rt.close()


def test_settings_sif_cannot_use_are_refused_naming_the_variable() -> None:
    with pytest.raises(SettingsInvalid, match="SIF_SMTP_PORT ska vara ett heltal, inte 'abc'"):
        Settings.from_env({"SIF_SMTP_PORT": "abc"})
    with pytest.raises(SettingsInvalid, match="SIF_LOG_FORMAT ska vara text eller json"):
        Settings.from_env({"SIF_LOG_FORMAT": "xml"})
    assert Settings.from_env({"SIF_LOG_FORMAT": " JSON "}).log_format == "json"
    result = CliRunner().invoke(main, ["cases"], env={"SIF_CLOCK": "fast"})
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "fel i inställningarna: SIF_CLOCK ska vara real eller virtual, inte 'fast'."
    )


def _doctor(env: dict[str, str]) -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(main, ["doctor", "--json"], env=env)
    return result.exit_code, json.loads(result.stdout)


def test_doctor_says_what_is_wrong_and_fails_only_on_errors(db_url: str, tmp_path: Path) -> None:
    empty = {"SIF_DATABASE_URL": f"sqlite:///{tmp_path}/empty.db"}
    code, said = _doctor(empty)
    checks = {c["check"]: c for c in said["checks"]}  # type: ignore[union-attr]
    assert (code, said["healthy"]) == (1, False)
    assert checks["migreringar"]["status"] == "error"
    env = {"SIF_DATABASE_URL": db_url, "SIF_SECRET_KEY": "s3cret-for-the-test"}
    assert CliRunner().invoke(main, ["init"], env=env).exit_code == 0
    code, said = _doctor(env)
    checks = {c["check"]: c for c in said["checks"]}  # type: ignore[union-attr]
    assert code == 0, said
    assert checks["schemaläggare"]["status"] == "warning"  # none has swept yet
    assert checks["timrar"]["status"] == "ok"
    assert "social_investment_case" in checks["processer"]["message"]
    text_out = CliRunner().invoke(main, ["doctor"], env=env).stdout
    assert "OK       migreringar: alla är körda." in text_out


def test_doctor_refuses_the_development_secret_on_postgresql(pg_url: str) -> None:
    env = {"SIF_DATABASE_URL": pg_url}
    assert CliRunner().invoke(main, ["init"], env=env).exit_code == 0
    code, said = _doctor(env)
    assert code == 1
    [secret] = [c for c in said["checks"] if "SIF_SECRET_KEY" in c["message"]]  # type: ignore[union-attr]
    assert secret["status"] == "error"


def test_two_web_nodes_starting_at_once_both_come_up_and_migrate_once(
    pg_server: PgServer,
) -> None:
    """``sif web`` twice on an empty database at the same moment: each prepares it (migrate,
    deploy), the two take turns, both serve with their gunicorn workers."""
    admin = create_engine(pg_server.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE sif_two_nodes"))
    admin.dispose()
    url = pg_server.url("sif_two_nodes")
    with Cluster(url, schedulers=0, clock="real", prepare=True) as cluster:  # fails if not ready
        assert [status_of(f"{base}/readyz") for base in cluster.bases] == [200, 200]
    db = engine.Database(url)
    try:
        applied, expected = engine.migration_heads(db, [TASK_MIGRATIONS])
        assert applied == expected
        with db.engine.connect() as conn:
            versions = conn.execute(
                text("SELECT process_key, count(*) FROM definitions GROUP BY process_key")
            ).all()
        assert versions and all(count == 1 for _, count in versions)
    finally:
        db.dispose()


def test_cases_started_at_the_same_moment_on_several_nodes_get_their_own_numbers(
    db_url: str,
) -> None:
    """The first cases of a year too: the counter is taken in one atomic upsert."""
    nodes = [make_runtime(db_url) for _ in range(4)]
    try:
        engine.deploy(nodes[0], read_scenario("timer_catch"), "admin")
        engine.add_user(nodes[0], "anna", {"clerk"}, "Anna")
        with ThreadPoolExecutor(8) as pool:
            started = list(pool.map(
                lambda n: engine.start_case(nodes[n % 4], "timer_catch", "anna"), range(24)
            ))  # fmt: skip
        keys = sorted(c.business_key for c in started)
        assert keys == [f"SIF-{keys[0][4:8]}-{n:04d}" for n in range(1, 25)]
    finally:
        for node in nodes:
            node.close()


def test_a_web_node_logs_every_line_as_json_gunicorns_own_too(tmp_path: Path) -> None:
    """``SIF_LOG_FORMAT=json``: gunicorn's master and workers, Sif's access lines — every line a
    node writes to standard error is one JSON object."""
    port = free_port()
    env = {**os.environ, "SIF_DATABASE_URL": f"sqlite:///{tmp_path}/node.db",
           "SIF_SECRET_KEY": "log-test-secret", "SIF_LOG_FORMAT": "json",
           "PYTHONPATH": str(ROOT)}  # fmt: skip
    errors = tmp_path / "stderr.log"
    with errors.open("wb") as sink:
        node = subprocess.Popen(
            [*SIF, "web", "--bind", f"127.0.0.1:{port}", "--workers", "2"], env=env, cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=sink, start_new_session=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while status_of(f"http://127.0.0.1:{port}/readyz") != 200:
                assert node.poll() is None and time.monotonic() < deadline, errors.read_text()
                time.sleep(0.2)
            asked = urllib.request.Request(
                f"http://127.0.0.1:{port}/logga-in", headers={"X-Request-ID": "probe-42"}
            )
            with urllib.request.urlopen(asked, timeout=10) as answer:
                assert answer.status == 200
        finally:
            os.killpg(node.pid, signal.SIGTERM)
            node.wait(timeout=30)
    lines = [json.loads(line) for line in errors.read_text().splitlines() if line.strip()]
    said = {(line["logger"], line["message"].split(":")[0]) for line in lines}
    assert ("gunicorn.error", "Listening at") in said
    assert ("gunicorn.error", "Booting worker with pid") in said
    [access] = [line for line in lines if line["logger"] == "sif.access"]
    assert access["request_id"] == "probe-42"
