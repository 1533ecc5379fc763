"""The audit trail is append-only: the database refuses to change or delete an event."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import DatabaseError

import engine
from engine import Runtime
from engine.schema import events
from tests.conftest import read_scenario


def test_events_cannot_be_changed_or_deleted(rt: Runtime) -> None:
    engine.deploy(rt, read_scenario("review_loop"), "admin")
    engine.add_user(rt, "anna", ["applicant"])
    case = engine.start_case(rt, "review_loop", "anna")
    before = engine.case_events(rt, case.id)
    assert before
    for statement in (update(events).values(actor="mallory"), delete(events)):
        with pytest.raises(DatabaseError, match="append-only"), rt.db.transaction() as conn:
            conn.execute(statement)
    assert engine.case_events(rt, case.id) == before
