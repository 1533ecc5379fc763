"""The probes and figures for operators (``/healthz``, ``/readyz``, ``/metrics``), the request
id every answer carries, and log lines that name the request and the case."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

import engine
from engine import Runtime
from engine.logs import JsonFormatter, TextFormatter
from tests.conftest import make_runtime
from web.app import create_app


def test_the_process_and_a_migrated_database_answer_without_a_sign_in(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["status"] == "ready"
    assert ready.get_json()["pending_migrations"] == []


def test_a_node_on_an_unmigrated_database_is_not_ready_and_says_why(tmp_path: Path) -> None:
    rt = make_runtime(f"sqlite:///{tmp_path}/empty.db")
    try:
        flask_app = create_app(rt.settings, rt)
        answer = flask_app.test_client().get("/readyz")
        assert answer.status_code == 503
        body = answer.get_json()
        assert body["status"] == "not_ready" and body["database"] is True
        assert body["problems"][0].startswith("Databasen saknar migreringar")
        assert flask_app.test_client().get("/healthz").status_code == 200  # up, just not ready
    finally:
        rt.close()


def test_a_node_whose_database_is_down_says_so_without_a_500() -> None:
    rt = make_runtime("postgresql+psycopg://postgres@127.0.0.1:9/nowhere")  # nothing listens
    try:
        client = create_app(rt.settings, rt).test_client()
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.get_json()["problems"][0].startswith("Databasen svarar inte")
        metrics = client.get("/metrics")
        assert metrics.status_code == 503 and "sif_database_up 0" in metrics.get_data(as_text=True)
        assert client.get("/healthz").status_code == 200
    finally:
        rt.close()


def test_the_timer_lag_is_a_figure_to_alert_on(client: FlaskClient, web_rt: Runtime) -> None:
    metrics = client.get("/metrics")
    assert metrics.status_code == 200 and metrics.mimetype == "text/plain"
    figures = dict(
        line.split(" ", 1) for line in metrics.get_data(as_text=True).splitlines()
        if line and not line.startswith("#")
    )  # fmt: skip
    assert figures == {
        "sif_database_up": "1",
        "sif_timer_lag_seconds": "0.000",
        "sif_schedulers": "0",
    }
    engine.Scheduler(web_rt).tick()
    after = client.get("/metrics").get_data(as_text=True)
    assert "sif_schedulers 1" in after and "sif_scheduler_last_sweep_age_seconds" in after


def test_every_answer_carries_its_request_id(client: FlaskClient) -> None:
    given = client.get("/healthz", headers={"X-Request-ID": "lb-42.abc"})
    assert given.headers["X-Request-ID"] == "lb-42.abc"
    made = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert made.headers["X-Request-ID"] != "<script>" and len(made.headers["X-Request-ID"]) == 32
    assert client.get("/healthz").headers["X-Request-ID"] != made.headers["X-Request-ID"]


@pytest.fixture
def json_lines(caplog: pytest.LogCaptureFixture) -> Iterator[list[str]]:
    """What the JSON formatter writes for each record logged during the test."""
    caplog.set_level(logging.INFO)
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(JsonFormatter().format(record))

    keeper = Keep()
    logging.getLogger().addHandler(keeper)
    yield lines
    logging.getLogger().removeHandler(keeper)


def test_the_access_line_names_the_request_and_the_case_it_worked_on(
    client: FlaskClient, web_rt: Runtime, sign_in: Callable[[str], None], json_lines: list[str]
) -> None:
    case = engine.start_case(web_rt, "due_dates", "klara")
    [task] = case.open_tasks
    sign_in("klara")
    assert client.get(f"/uppgifter/{task.id}", headers={"X-Request-ID": "req-1"}).status_code == 200
    [line] = [json.loads(x) for x in json_lines if '"req-1"' in x and "sif.access" in x]
    assert (line["method"], line["path"], line["status"]) == ("GET", f"/uppgifter/{task.id}", 200)
    assert (line["request_id"], line["case"]) == ("req-1", case.business_key)
    assert isinstance(line["ms"], float) and line["level"] == "INFO"
    client.get("/healthz")
    assert not any("/healthz" in x for x in json_lines)  # probes write no access line


def test_a_case_step_logged_names_its_case(web_rt: Runtime, json_lines: list[str]) -> None:
    case = engine.start_case(web_rt, "due_dates", "klara")
    logging.getLogger("sif.test").info("steget klart")
    [line] = [json.loads(x) for x in json_lines if "steget klart" in x]
    assert line["case"] == case.business_key
    record = logging.makeLogRecord({"msg": "på terminalen", "levelname": "INFO", "name": "sif"})
    assert TextFormatter("%(message)s").format(record).endswith(f"[case={case.business_key}]")


def test_a_case_step_writes_no_case_data_to_the_log(web_rt: Runtime, json_lines: list[str]) -> None:
    """SpiffWorkflow would log every task's change of state with the task's data at INFO."""
    case = engine.start_case(web_rt, "due_dates", "klara", {"note": "hemligt-4711"})
    assert engine.get_case(web_rt, case.id).data["note"] == "hemligt-4711"
    assert not any("hemligt-4711" in line for line in json_lines)
    assert not any(json.loads(line)["logger"].startswith("spiff") for line in json_lines)
