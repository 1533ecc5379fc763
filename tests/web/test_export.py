"""The audit export as process-mining tools read it: pm4py reads the XES download with one
trace per case and every event; the CSV holds the same events; ``sif export`` writes both."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient

import engine
from engine import CaseFilter, Runtime
from tests.integration.test_eventlog import review_cases
from web.cli import main
from web.export import csv_response, xes_response
from web.export.csv import HEADER

# pm4py suggests a faster optional reader of its own; the line-by-line reader is the one tested.
pytestmark = pytest.mark.filterwarnings("ignore:Install the optional requirement:UserWarning")
NASTY = 'Fritid & <lek> "ute"\x01'


@pytest.fixture
def world(web_rt: Runtime) -> list[engine.Case]:
    """The three review_loop cases, and a fourth whose title XML must escape or replace."""
    started = review_cases(web_rt)
    return [*started, engine.start_case(web_rt, "review_loop", "anna", {"title": NASTY})]


@pytest.fixture
def downloads(app: Flask, web_rt: Runtime, world: list[engine.Case]) -> FlaskClient:
    """The app with test-only routes that answer like the overview's download links."""

    def xes() -> Any:
        return xes_response(web_rt, CaseFilter(status=_status()))

    def csv_file() -> Any:
        return csv_response(web_rt, CaseFilter(status=_status()))

    app.add_url_rule("/test/export.xes", "test_xes", xes)
    app.add_url_rule("/test/export.csv", "test_csv", csv_file)
    return app.test_client()


def _status() -> str:
    from flask import request

    return request.args.get("status", "")


def _pm4py() -> Any:
    import pm4py  # heavy (about a second): only the tests that need it pay for it

    return pm4py


def _read_xes(content: bytes, tmp_path: Path, legacy: bool = True) -> Any:
    path = tmp_path / "log.xes"
    path.write_bytes(content)
    return _pm4py().read_xes(str(path), return_legacy_log_object=legacy)


def test_pm4py_reads_one_trace_per_case_with_every_event(
    downloads: FlaskClient, web_rt: Runtime, world: list[engine.Case], tmp_path: Path
) -> None:
    answer = downloads.get("/test/export.xes")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == (
        'attachment; filename="handelselogg-2026-03-02.xes"'
    )
    log = _read_xes(answer.data, tmp_path)
    assert [t.attributes["concept:name"] for t in log] == [c.business_key for c in world]
    for trace, case in zip(log, world, strict=True):
        assert len(trace) == len(engine.case_events(web_rt, case.id))
        assert trace.attributes["process"] == "review_loop" and trace.attributes["version"] == 1
    first = log[0]
    assert first.attributes["title"] == "Läxhjälp"
    assert (first[0]["concept:name"], first[0]["lifecycle:transition"]) == (
        "Ärendet startades", "start",
    )  # fmt: skip
    claimed = [e for e in first if e["kind"] == "task_claimed"]
    assert [(e["concept:name"], e["org:resource"], e["lifecycle:transition"]) for e in claimed] == [
        ("Lämna in idé", "anna", "assign")
    ]
    assert all(e["time:timestamp"].tzinfo is not None for t in log for e in t)
    assert log[3].attributes["title"] == NASTY.replace("\x01", "\ufffd")


def test_the_csv_holds_the_same_events_as_the_xes(downloads: FlaskClient, tmp_path: Path) -> None:
    pm4py = _pm4py()
    frame = _read_xes(downloads.get("/test/export.xes").data, tmp_path, legacy=False)
    answer = downloads.get("/test/export.csv")
    assert answer.headers["Content-Disposition"].endswith('handelselogg-2026-03-02.csv"')
    text = answer.data.decode("utf-8")
    assert not text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(HEADER)
    keys = ["case:concept:name", "concept:name", "org:resource", "lifecycle:transition"]
    assert [tuple(r[k] for k in keys) for r in rows] == [
        tuple(str(v) for v in values) for values in frame[keys].itertuples(index=False)
    ]
    xes_times = [t.isoformat(timespec="milliseconds") for t in frame["time:timestamp"]]
    assert [r["time:timestamp"] for r in rows] == xes_times
    import pandas as pd

    table = pd.read_csv(io.StringIO(text))
    read = pm4py.format_dataframe(
        table,
        case_id="case:concept:name",
        activity_key="concept:name",
        timestamp_key="time:timestamp",
    )
    assert len(read) == len(rows) and read["case:concept:name"].nunique() == 4


def test_the_filter_narrows_the_download(
    downloads: FlaskClient, world: list[engine.Case], tmp_path: Path
) -> None:
    log = _read_xes(downloads.get("/test/export.xes?status=completed").data, tmp_path)
    assert [t.attributes["concept:name"] for t in log] == [world[0].business_key]
    rows = list(csv.DictReader(io.StringIO(downloads.get("/test/export.csv?status=completed")
                                           .data.decode())))  # fmt: skip
    assert {r["case:concept:name"] for r in rows} == {world[0].business_key}


@pytest.fixture
def sif(web_rt: Runtime) -> Any:
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> Result:
        result = runner.invoke(main, list(args), env={"SIF_DATABASE_URL": web_rt.db.url})
        assert result.exit_code == code, (result.output, result.stderr)
        assert "Traceback" not in result.output + result.stderr
        return result

    return run


def test_sif_export_writes_xes_and_csv(
    sif: Any, world: list[engine.Case], web_rt: Runtime, tmp_path: Path
) -> None:
    xes_file, csv_file = tmp_path / "logg.xes", tmp_path / "logg.csv"
    done = sif("export", "xes", str(xes_file), "--status", "running", "--role", "applicant")
    assert "från 2 ärenden" in done.stdout
    log = _read_xes(xes_file.read_bytes(), tmp_path)
    assert {t.attributes["concept:name"] for t in log} == {world[2].business_key,
                                                           world[3].business_key}  # fmt: skip
    sif("export", "csv", str(csv_file), "--case", world[1].business_key)
    rows = list(csv.DictReader(io.StringIO(csv_file.read_text(encoding="utf-8"))))
    assert len(rows) == len(engine.case_events(web_rt, world[1].id))
    assert {r["case:concept:name"] for r in rows} == {world[1].business_key}


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (["--status", "klar"], 2, "--status: okänd status 'klar'"),
        (["--version", "1"], 2, "--version: kräver --process."),
        (["--process", "due_dates", "--version", "7"], 2, "due_dates har ingen version 7"),
        (["--year", "tjugo"], 2, "--year: ange ett heltal"),
        (["--stage", "nowhere"], 2, "--stage: inget ärende har 'nowhere'"),
        (["--case", "SIF-1999-0001"], 5, "SIF-1999-0001"),
        (["--case", "SIF-1999-0001", "--overdue"], 2, "--case: kan inte kombineras"),
    ],
)
def test_sif_export_refuses_what_cannot_be_right(
    sif: Any, tmp_path: Path, args: list[str], code: int, said: str
) -> None:
    out = tmp_path / "ut"
    out.mkdir()
    refused = sif("export", "xes", str(out / "logg.xes"), *args, code=code)
    assert refused.stderr.startswith("fel: ") and said in refused.stderr
    assert len(refused.stderr.splitlines()) == 1
    assert list(out.iterdir()) == []


def test_the_command_line_starts_on_its_own() -> None:
    """``sif`` imports web.cli first (no app around it): the export must not need web.cases
    to be imported before it."""
    import subprocess
    import sys

    started = subprocess.run(
        [sys.executable, "-c", "from web.cli import main; main(['export', '--help'])"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert started.returncode == 0, started.stderr
    assert "xes" in started.stdout and "csv" in started.stdout
