"""The layering and the public surface are deliberate: pin them."""

from __future__ import annotations

import subprocess
import sys

import engine


def imported_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_engine_pulls_in_neither_flask_nor_web() -> None:
    modules = imported_after("import engine")
    assert "flask" not in modules
    assert not any(m == "web" or m.startswith("web.") for m in modules)


def test_tasks_pulls_in_no_web() -> None:
    modules = imported_after("import tasks")
    assert not any(m == "web" or m.startswith("web.") for m in modules)


def test_only_engine_bpmn_imports_spiffworkflow() -> None:
    import re
    from pathlib import Path

    root = Path(engine.__file__).parent.parent
    spiff_import = re.compile(r"^\s*(from|import)\s+SpiffWorkflow\b", re.MULTILINE)
    offenders = [
        str(p.relative_to(root))
        for package in ("engine", "tasks", "web")
        for p in (root / package).rglob("*.py")
        if spiff_import.search(p.read_text()) and "engine/bpmn/" not in p.as_posix()
    ]
    assert offenders == []


PUBLIC_API = {
    # a case on its diagram, and where cases wait (engine.diagram, engine.heatmap)
    "CaseDiagram",
    "DiagramTimer",
    "Drawing",
    "ElementWait",
    "WaitingMap",
    "case_bpmn",
    "case_diagram",
    "case_id_by_key",
    "process_bpmn",
    "waiting_by_element",
    "Account",
    "AccountPage",
    "AccountQuery",
    "AdminEvent",
    "create_user",
    "deactivate_user",
    "get_account",
    "list_accounts",
    "reactivate_user",
    "reset_password",
    "set_roles",
    "user_history",
    # the administrators' overview (engine.overview)
    "CaseFilter",
    "Facets",
    "NextTimer",
    "OverviewPage",
    "OverviewRow",
    "matching_ids",
    "overview",
    "overview_rows",
    "step_names",
    "case_tags",
    "Paged",
    # the event log for audit and process-mining exports (engine.eventlog)
    "LogEvent",
    "event_log",
    "BundleInvalid",
    "Case",
    "CasePage",
    "CaseStatus",
    "Clock",
    "Conflict",
    "Database",
    "Definition",
    "Deployment",
    "Event",
    "FieldError",
    "HumanTask",
    "Incident",
    "InvalidTime",
    "NotAllowed",
    "NotFound",
    "Problem",
    "RealClock",
    "RuleCall",
    "Runtime",
    "Scheduler",
    "ServiceCall",
    "ServiceRegistry",
    "Settings",
    "SifError",
    "StepRefused",
    "purge_drafts",
    "case_labels",
    "task_view",
    "TaskView",
    "Answer",
    "authenticate",
    "user_for_token",
    "revoke_token",
    "list_tokens",
    "create_token",
    "TokenInfo",
    "open_task_count",
    "my_cases",
    "inbox",
    "InboxRow",
    "InboxQuery",
    "InboxPage",
    "save_draft",
    "get_draft",
    "Draft",
    "SweepResult",
    "TaskState",
    "TimerInfo",
    "User",
    "ValidationFailed",
    "VirtualClock",
    "add_duration",
    "add_user",
    "advance_clock",
    "case_events",
    "check_password",
    "claim_task",
    "complete_task",
    "deploy",
    "find_case",
    "get_case",
    "get_task",
    "get_user",
    "list_cases",
    "list_definitions",
    "list_timers",
    "list_users",
    "migrate",
    "next_due_at",
    "parse_duration",
    "read_bundle",
    "retry_case",
    "scheduler_id",
    "send_message",
    "set_case_status",
    "set_virtual_time",
    "shift_years",
    "start_case",
    "sweep",
    "tasks_for",
    "to_datetime",
    "unclaim_task",
    "validate_bundle",
}


def test_the_public_api_is_pinned() -> None:
    assert set(engine.__all__) == PUBLIC_API
    for name in engine.__all__:
        assert hasattr(engine, name), name
