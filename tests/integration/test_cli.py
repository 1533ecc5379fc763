"""The ``sif`` command, driven as a user would, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tests.conftest import DATA
from web.cli import main


@pytest.fixture
def sif(db_url: str) -> Any:
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None, code: int = 0) -> Result:
        result = runner.invoke(main, list(args), input=stdin, env={"SIF_DATABASE_URL": db_url})
        assert result.exit_code == code, (result.output, result.stderr)
        assert "Traceback" not in result.output + result.stderr
        return result

    return run


def as_json(result: Result) -> Any:
    return json.loads(result.stdout)


def test_the_review_loop_runs_from_the_command_line(sif: Any) -> None:
    sif("init")
    assert "OK" in sif("validate", str(DATA / "review_loop")).stdout
    assert "review_loop version 1" in sif("deploy", str(DATA / "review_loop")).stdout
    assert "Oförändrat" in sif("deploy", str(DATA / "review_loop")).stdout
    sif("user", "add", "anna", "--role", "applicant")
    sif("user", "add", "greta", "--role", "reviewer")

    case = as_json(sif("case", "start", "review_loop", "--user", "anna", "--json"))
    [task] = as_json(sif("tasks", "--user", "anna", "--json"))
    assert task["element_id"] == "submit_idea"
    sif("task", "claim", task["id"], "--user", "anna")
    idea = json.dumps({"title": "Läxhjälp", "amount": 1200, "category": "prevention"})
    sif("task", "complete", task["id"], "--user", "anna", "--data", "-", stdin=idea)

    [review] = as_json(sif("tasks", "--user", "greta", "--json"))
    refused = sif("task", "complete", review["id"], "--user", "anna", "--data", "-",
                  stdin='{"decision": "approve"}', code=4)  # fmt: skip
    assert refused.stderr.startswith("fel: ") and len(refused.stderr.splitlines()) == 1
    invalid = sif("task", "complete", review["id"], "--user", "greta", "--data", "-",
                  stdin='{"decision": "kanske"}', code=2)  # fmt: skip
    assert "decision: Ogiltigt val" in invalid.stderr
    sif("task", "complete", review["id"], "--user", "greta", "--data", "-",
        stdin='{"decision": "approve"}')  # fmt: skip

    shown = as_json(sif("case", "show", case["business_key"], "--json"))
    assert shown["case"]["status"] == "completed"
    assert shown["case"]["data"]["size"] == "large"
    kinds = [e["kind"] for e in shown["events"]]
    assert kinds.count("task_completed") == 2 and "task_claimed" in kinds
    listed = as_json(sif("cases", "--status", "completed", "--json"))
    assert [c["business_key"] for c in listed["cases"]] == [case["business_key"]]
    assert "SIF-" in sif("cases").stdout


def test_validate_reports_file_and_line(sif: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.bpmn"
    source = (DATA / "review_loop" / "review_loop.bpmn").read_text()
    bad.write_text(source.replace("rounds = 0", "rounds = open('/etc/passwd')"))
    for form in (DATA / "review_loop").glob("*.json"):
        (tmp_path / form.name).write_text(form.read_text())
    (tmp_path / "classify_size.dmn").write_text(
        (DATA / "review_loop" / "classify_size.dmn").read_text()
    )
    result = sif("validate", str(tmp_path), code=2)
    first = result.stderr.splitlines()[0]
    assert first.startswith("bad.bpmn:") and "open" in first


def test_errors_are_one_line_without_traceback(sif: Any) -> None:
    sif("init")
    assert "finns inte" in sif("case", "show", "999", code=5).stderr
    assert "finns inte" in sif("case", "start", "nope", "--user", "ghost", code=4).stderr
    assert sif("validate", "/no/such/dir", code=2).stderr.startswith("/no/such/dir:")


def test_timers_and_the_virtual_clock_from_the_command_line(db_url: str) -> None:
    runner = CliRunner()
    env = {"SIF_DATABASE_URL": db_url, "SIF_CLOCK": "virtual"}

    def sif(*args: str, code: int = 0) -> Result:
        result = runner.invoke(main, list(args), env=env)
        assert result.exit_code == code, (result.output, result.stderr)
        return result

    sif("init")
    sif("clock", "set", "2016-01-01T09:00")
    assert "2016-01-01T08:00:00+00:00" in sif("clock", "show").stdout
    sif("deploy", str(DATA / "timer_catch"))
    sif("user", "add", "clerk", "--role", "clerk")
    sif("case", "start", "timer_catch", "--user", "clerk")
    [waiting] = as_json(sif("timers", "--json"))
    assert waiting["due_at"] == "2016-01-01T09:00:00+00:00"
    assert "Avfyrade 0" in sif("timers", "run-due").stdout
    advanced = as_json(sif("clock", "advance", "PT2H", "--json"))
    assert advanced["fired"] == 1
    assert as_json(sif("timers", "--json")) == []
    assert "ogiltig" in sif("clock", "advance", "P1Q", code=2).stderr.lower()
    assert "bakåt" in sif("clock", "set", "2015-01-01", code=3).stderr
    real = runner.invoke(main, ["clock", "advance", "P1D"], env={"SIF_DATABASE_URL": db_url})
    assert real.exit_code == 2 and "SIF_CLOCK=virtual" in real.stderr


def test_a_case_reads_as_labelled_text_and_lists_show_its_title(sif: Any) -> None:
    sif("init")
    sif("deploy", str(DATA / "due_dates"))
    sif("user", "add", "klara", "--role", "clerk")
    started = as_json(sif("case", "start", "due_dates", "--user", "klara", "--json"))
    task_id = started["open_tasks"][0]["id"]
    sif("task", "complete", task_id, "--user", "klara", "--data", "-",
        stdin='{"title": "Läxhjälp i Hovsjö", "urgent": true}')  # fmt: skip

    shown = sif("case", "show", started["business_key"]).stdout
    listed = sif("cases").stdout

    assert "Rubrik: Läxhjälp i Hovsjö" in shown
    assert "Brådskande: Ja" in shown
    assert "{" not in shown.split("uppgifter:")[1].split("händelser:")[0]  # no Python dict
    assert "Läxhjälp i Hovsjö" in listed
    assert as_json(sif("case", "show", started["business_key"], "--json"))["case"]["data"] == {
        "title": "Läxhjälp i Hovsjö", "urgent": True,
    }  # fmt: skip


def test_a_report_of_an_unknown_fund_is_an_error(sif: Any) -> None:
    sif("init")
    result = sif("fund", "report", "--code", "FINNS-EJ", code=5)
    assert "Fonden FINNS-EJ finns inte" in result.stderr


def test_a_user_is_added_with_an_email_address_for_notifications(sif: Any) -> None:
    sif("init")
    added = as_json(sif("user", "add", "lina", "--role", "coordinator", "--email",
                        "lina@kommun.se", "--json"))  # fmt: skip
    assert added["email"] == "lina@kommun.se"
    kept = as_json(sif("user", "add", "lina", "--role", "coordinator", "--json"))
    assert kept["email"] == "lina@kommun.se"  # not given: left as it was
    refused = sif("user", "add", "lina", "--email", "lina på kommunen", code=2)
    assert "e-postadress" in refused.stderr
