"""User administration in the engine, on SQLite and PostgreSQL: who may change users, the
rules on names, roles and passwords, the last administrator, and the audit trail."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

import engine
from engine import Conflict, NotAllowed, NotFound, Runtime, ValidationFailed
from engine.schema import admin_events, users

PASSWORD = "ett-långt-lösenord"
ROLES = {"admin", "auditor", "coordinator", "council", "applicant"}


@pytest.fixture
def people(rt: Runtime) -> Runtime:
    engine.add_user(rt, "ada", ["admin"], "Ada Admin", password=PASSWORD)
    engine.add_user(rt, "nils", ["auditor"], "Nils Revisor", password=PASSWORD)
    engine.add_user(rt, "sam", ["applicant"], "Sam Sökande", password=PASSWORD)
    return rt


def fields(refused: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {e.path: e.message for e in refused.value.errors}


def stored_events(rt: Runtime) -> list[tuple[str, str, str, dict[str, object]]]:
    with rt.db.reading() as conn:
        rows = conn.execute(select(admin_events).order_by(admin_events.c.id)).all()
    return [(r.actor, r.kind, r.subject, json.loads(r.detail)) for r in rows]


def test_an_administrator_adds_a_user_who_can_then_sign_in(people: Runtime) -> None:
    added = engine.create_user(
        people, "ada", "sara.ahl", "Sara Ahl", ["coordinator"], PASSWORD, ROLES
    )
    assert (added.name, added.display_name) == ("sara.ahl", "Sara Ahl")
    assert added.roles == {"coordinator"}
    assert engine.authenticate(people, "sara.ahl", PASSWORD).name == "sara.ahl"
    assert stored_events(people) == [
        ("ada", "user_added", "sara.ahl", {"display_name": "Sara Ahl", "roles": ["coordinator"]})
    ]


def test_a_new_user_needs_a_good_name_a_display_name_known_roles_and_a_long_password(
    people: Runtime,
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        engine.create_user(people, "ada", "Sara Ahl", " ", ["wizard"], "kort", ROLES)
    assert set(fields(refused)) == {"name", "display_name", "roles", "password"}
    assert "små bokstäver" in fields(refused)["name"]
    assert "minst 12 tecken" in fields(refused)["password"]
    assert "wizard" in fields(refused)["roles"]
    assert stored_events(people) == []


def test_a_taken_user_name_is_refused_at_the_name_field(people: Runtime) -> None:
    with pytest.raises(ValidationFailed) as refused:
        engine.create_user(people, "ada", "sam", "Sam Igen", [], PASSWORD, ROLES)
    assert "redan upptaget" in fields(refused)["name"]
    assert engine.get_user(people, "sam").display_name == "Sam Sökande"


@pytest.mark.parametrize("actor", ["nils", "sam", "nobody"])
def test_only_an_active_administrator_may_change_users(people: Runtime, actor: str) -> None:
    with pytest.raises(NotAllowed):
        engine.create_user(people, actor, "x.y", "X Y", [], PASSWORD, ROLES)
    with pytest.raises(NotAllowed):
        engine.set_roles(people, actor, "sam", ["admin"], ROLES)
    with pytest.raises(NotAllowed):
        engine.deactivate_user(people, actor, "sam")
    with pytest.raises(NotAllowed):
        engine.reset_password(people, actor, "sam", "ett-nytt-lösenord")
    assert engine.get_user(people, "sam").roles == {"applicant"}
    assert stored_events(people) == []


def test_a_deactivated_administrator_may_change_nothing(people: Runtime) -> None:
    engine.add_user(people, "bea", ["admin"], "Bea Admin")
    engine.deactivate_user(people, "ada", "bea")
    with pytest.raises(NotAllowed):
        engine.set_roles(people, "bea", "sam", [], ROLES)


def test_roles_given_and_taken_are_audited_as_added_and_removed(people: Runtime) -> None:
    changed = engine.set_roles(people, "ada", "sam", ["council", "coordinator"], ROLES)
    assert changed.roles == {"council", "coordinator"}
    assert engine.set_roles(people, "ada", "sam", ["coordinator", "council"], ROLES) == changed
    history = engine.user_history(people, "sam")
    assert [(e.actor, e.kind, e.detail) for e in history] == [
        ("ada", "roles_changed", {"added": ["coordinator", "council"], "removed": ["applicant"]})
    ]


def test_a_role_outside_the_catalogue_cannot_be_given_but_one_held_is_kept(
    people: Runtime,
) -> None:
    engine.add_user(people, "olle", ["clerk", "applicant"], "Olle")
    with pytest.raises(ValidationFailed) as refused:
        engine.set_roles(people, "ada", "olle", ["clerk", "wizard"], ROLES)
    assert "wizard" in fields(refused)["roles"]
    kept = engine.set_roles(people, "ada", "olle", ["clerk", "council"], ROLES)
    assert kept.roles == {"clerk", "council"}


def test_the_last_administrator_can_neither_drop_the_role_nor_leave(people: Runtime) -> None:
    with pytest.raises(Conflict, match=r"enda aktiva administratören.*egen roll"):
        engine.set_roles(people, "ada", "ada", ["coordinator"], ROLES)
    with pytest.raises(Conflict, match=r"enda aktiva administratören.*inaktivera dig själv"):
        engine.deactivate_user(people, "ada", "ada")
    assert engine.get_user(people, "ada").roles == {"admin"}
    assert engine.get_user(people, "ada").active
    assert stored_events(people) == []


def test_with_a_second_administrator_the_first_may_step_down(people: Runtime) -> None:
    engine.set_roles(people, "ada", "nils", ["auditor", "admin"], ROLES)
    engine.set_roles(people, "ada", "ada", ["auditor"], ROLES)
    assert engine.get_user(people, "ada").roles == {"auditor"}
    with pytest.raises(Conflict, match="Du är den enda aktiva"):
        engine.deactivate_user(people, "nils", "nils")


def test_an_inactive_administrator_does_not_count_as_the_other_one(people: Runtime) -> None:
    engine.add_user(people, "bea", ["admin"], "Bea Admin")
    engine.deactivate_user(people, "ada", "bea")
    with pytest.raises(Conflict):
        engine.set_roles(people, "ada", "ada", [], ROLES)
    # Taking the role from an inactive administrator leaves the active one: allowed.
    assert engine.set_roles(people, "ada", "bea", [], ROLES).roles == frozenset()


def test_deactivating_stops_sign_in_and_reactivating_restores_it(people: Runtime) -> None:
    deactivated = engine.deactivate_user(people, "ada", "sam")
    assert not deactivated.active
    with pytest.raises(NotAllowed):
        engine.authenticate(people, "sam", PASSWORD)
    with pytest.raises(Conflict, match="redan inaktiverad"):
        engine.deactivate_user(people, "ada", "sam")
    assert engine.reactivate_user(people, "ada", "sam").active
    assert engine.authenticate(people, "sam", PASSWORD).name == "sam"
    with pytest.raises(Conflict, match="redan aktiv"):
        engine.reactivate_user(people, "ada", "sam")
    kinds = [e.kind for e in engine.user_history(people, "sam")]
    assert kinds == ["user_reactivated", "user_deactivated"]


def test_a_password_reset_replaces_the_password_and_lifts_a_lock_out(people: Runtime) -> None:
    for _ in range(engine.users.LOCK_AFTER):
        with pytest.raises(NotAllowed):
            engine.authenticate(people, "sam", "fel-lösenord")
    assert engine.get_account(people, "sam").locked_until is not None
    engine.reset_password(people, "ada", "sam", "ett-helt-nytt-lösenord")
    assert engine.get_account(people, "sam").locked_until is None
    with pytest.raises(NotAllowed):
        engine.authenticate(people, "sam", PASSWORD)
    assert engine.authenticate(people, "sam", "ett-helt-nytt-lösenord").name == "sam"
    with pytest.raises(ValidationFailed) as refused:
        engine.reset_password(people, "ada", "sam", "för-kort")
    assert "minst 12" in fields(refused)["password"]


def test_the_audit_trail_never_holds_a_password(people: Runtime) -> None:
    engine.create_user(people, "ada", "tove", "Tove", [], "hemligt-lösen-1", ROLES)
    engine.reset_password(people, "ada", "tove", "hemligt-lösen-2")
    with people.db.reading() as conn:
        stored = " ".join(r.detail for r in conn.execute(select(admin_events)))
        hashes = conn.execute(select(users.c.password_hash)).scalars().all()
    assert "hemligt" not in stored
    assert not any(h and h in stored for h in hashes)
    assert [e.kind for e in engine.user_history(people, "tove")] == ["password_reset",
                                                                      "user_added"]  # fmt: skip


def test_changes_to_an_unknown_user_are_not_found(people: Runtime) -> None:
    for change in (
        lambda: engine.set_roles(people, "ada", "ingen", [], ROLES),
        lambda: engine.deactivate_user(people, "ada", "ingen"),
        lambda: engine.reactivate_user(people, "ada", "ingen"),
        lambda: engine.reset_password(people, "ada", "ingen", PASSWORD),
        lambda: engine.get_account(people, "ingen"),
    ):
        with pytest.raises(NotFound):
            change()


def test_the_list_filters_by_role_activity_and_name_and_pages(people: Runtime) -> None:
    for n in range(30):
        engine.add_user(people, f"person.{n:02d}", ["council"] if n % 2 else [], f"Person {n}")
    engine.deactivate_user(people, "ada", "person.03")
    everyone = engine.list_accounts(people, engine.AccountQuery(page_size=10))
    assert (everyone.total, everyone.pages, len(everyone.rows)) == (33, 4, 10)
    assert everyone.rows[0].name == "ada"
    last = engine.list_accounts(people, engine.AccountQuery(page=4, page_size=10))
    assert [a.name for a in last.rows] == ["person.28", "person.29", "sam"]
    council = engine.list_accounts(people, engine.AccountQuery(role="council", page_size=100))
    assert council.total == 15 and all(a.roles == {"council"} for a in council.rows)
    inactive = engine.list_accounts(people, engine.AccountQuery(active=False))
    assert [(a.name, a.active) for a in inactive.rows] == [("person.03", False)]
    assert inactive.rows[0].last_change is not None
    found = engine.list_accounts(people, engine.AccountQuery(search="SAM sökande"))
    assert [a.name for a in found.rows] == ["sam"]
    found = engine.list_accounts(people, engine.AccountQuery(search="ada adm"))
    assert [a.name for a in found.rows] == ["ada"]
    nothing = engine.list_accounts(people, engine.AccountQuery(search="100%_"))
    assert nothing.total == 0


def test_the_list_shows_a_lock_out(people: Runtime) -> None:
    until = datetime.now(UTC) + timedelta(minutes=10)
    with people.db.transaction() as conn:
        conn.execute(update(users).where(users.c.name == "sam").values(locked_until=until))
    account = engine.get_account(people, "sam")
    assert account.locked_until is not None
    assert abs(account.locked_until - until) < timedelta(seconds=1)


def _remove_at_once(rt: Runtime, pairs: list[tuple[str, str]]) -> list[str]:
    """Each (actor, subject) deactivates at the same moment, in its own thread."""
    barrier = threading.Barrier(len(pairs))
    outcomes: list[str] = []

    def remove(actor: str, subject: str) -> None:
        barrier.wait()
        try:
            engine.deactivate_user(rt, actor, subject)
            outcomes.append("done")
        except (Conflict, NotAllowed):
            outcomes.append("refused")

    workers = [threading.Thread(target=remove, args=pair) for pair in pairs]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sorted(outcomes)


def test_two_administrators_removing_each_other_at_once_leave_one(people: Runtime) -> None:
    """The active administrators' rows are locked before counting, so of two administrators
    deactivating each other at the same moment exactly one succeeds (several rounds)."""
    engine.add_user(people, "bea", ["admin"], "Bea Admin")
    for _ in range(4):
        assert _remove_at_once(people, [("ada", "bea"), ("bea", "ada")]) == ["done", "refused"]
        active = [u.name for u in engine.list_users(people) if u.active and "admin" in u.roles]
        assert len(active) == 1
        with people.db.transaction() as conn:  # both administrators again, for the next round
            conn.execute(update(users).values(active=True))
