"""Administering people: add a user, give and take roles, deactivate and reactivate, reset a
password — each change made by an active administrator and written, in the same transaction,
as one ``admin_events`` row (never a password or its hash).

The last active administrator stays: nobody may take the ``admin`` role from, or deactivate,
the only active administrator. The role catalogue belongs to the caller: pass ``known_roles``
and roles outside it cannot be given (roles a user already has are left alone).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.exc import IntegrityError

from engine.clock import as_utc
from engine.db import inserted_id
from engine.errors import Conflict, FieldError, NotAllowed, ValidationFailed
from engine.models import Paged, User
from engine.runtime import Runtime
from engine.schema import admin_events, user_roles, users
from engine.users import ADMIN_ROLE, acting_user, check_email, load_user

#: A user name: lowercase letters, digits, dot and dash (``sara.ahl``), at most 80 characters.
USER_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{0,79}")
PASSWORD_MIN = 12
PASSWORD_MAX = 200
DISPLAY_NAME_MAX = 200
_hasher = PasswordHasher()


@dataclass(frozen=True)
class Account:
    """A user as the administrators' list shows them."""

    name: str
    display_name: str
    roles: frozenset[str]
    active: bool
    created_at: datetime
    locked_until: datetime | None
    last_change: datetime | None  # the latest administrative change to this user
    email: str | None = None  # where notifications are mailed


@dataclass(frozen=True)
class AccountQuery:
    """Which users to list: ``role`` held, ``active`` (None: both), ``search`` in the user name
    or display name; one page of ``page_size``."""

    role: str = ""
    active: bool | None = None
    search: str = ""
    page: int = 1
    page_size: int = 25


@dataclass(frozen=True)
class AccountPage(Paged):
    rows: list[Account]
    total: int
    page: int
    page_size: int


@dataclass(frozen=True)
class AdminEvent:
    """One administrative change: who (``actor``) did what (``kind``) to whom (``subject``)."""

    id: int
    at: datetime
    actor: str
    kind: str  # user_added | roles_changed | user_deactivated | user_reactivated | password_reset
    subject: str
    detail: dict[str, Any]


def create_user(
    rt: Runtime,
    actor: str,
    name: str,
    display_name: str,
    roles: Iterable[str],
    password: str,
    known_roles: Collection[str] | None = None,
) -> User:
    """Add a new, active user; ``ValidationFailed`` per field (``name``, ``display_name``,
    ``roles``, ``password``; ``name`` also when the user name is taken)."""
    name, display_name = name.strip(), display_name.strip()
    wanted = frozenset(r.strip() for r in roles if r.strip())
    errors = _name_errors(name) + _display_name_errors(display_name)
    errors += _role_errors(wanted, known_roles) + _password_errors(password)
    if errors:
        raise ValidationFailed(errors)
    try:
        return _insert_user(rt, actor, name, display_name, wanted, _hasher.hash(password))
    except IntegrityError:  # added by someone else at the same moment (PostgreSQL)
        raise ValidationFailed([_taken(name)]) from None


def _insert_user(
    rt: Runtime, actor: str, name: str, display_name: str, roles: frozenset[str], pw_hash: str
) -> User:
    with rt.db.transaction() as conn:
        _administrator(conn, actor)
        if conn.execute(select(users.c.id).where(users.c.name == name)).first() is not None:
            raise ValidationFailed([_taken(name)])
        now = rt.clock.now(conn)
        user_id = inserted_id(conn.execute(insert(users).values(
            name=name, display_name=display_name, password_hash=pw_hash, active=True,
            created_at=now, failed_sign_ins=0,
        )))  # fmt: skip
        if roles:
            conn.execute(insert(user_roles), [{"user_id": user_id, "role": r} for r in roles])
        detail = {"display_name": display_name, "roles": sorted(roles)}
        _record(conn, now, actor, "user_added", name, detail)
        return load_user(conn, name)


def set_roles(
    rt: Runtime,
    actor: str,
    name: str,
    roles: Iterable[str],
    known_roles: Collection[str] | None = None,
) -> User:
    """Give ``name`` exactly ``roles``. Unchanged roles write nothing; a role added must be in
    ``known_roles`` (when given). The only active administrator keeps the ``admin`` role."""
    wanted = frozenset(r.strip() for r in roles if r.strip())
    with rt.db.transaction() as conn:
        _administrator(conn, actor)
        user = load_user(conn, name)
        added, removed = wanted - user.roles, user.roles - wanted
        if errors := _role_errors(added, known_roles):
            raise ValidationFailed(errors)
        if not added and not removed:
            return user
        if ADMIN_ROLE in removed and user.active:
            _keep_an_administrator(conn, actor, user, "role")
        if removed:
            conn.execute(delete(user_roles).where(
                user_roles.c.user_id == user.id, user_roles.c.role.in_(sorted(removed))
            ))  # fmt: skip
        if added:
            conn.execute(insert(user_roles), [{"user_id": user.id, "role": r} for r in added])
        detail = {"added": sorted(added), "removed": sorted(removed)}
        _record(conn, rt.clock.now(conn), actor, "roles_changed", name, detail)
        return load_user(conn, name)


def deactivate_user(rt: Runtime, actor: str, name: str) -> User:
    """Deactivate ``name``: they can no longer sign in, and a session they have ends at their
    next request. The only active administrator cannot be deactivated."""
    with rt.db.transaction() as conn:
        _administrator(conn, actor)
        user = load_user(conn, name)
        if not user.active:
            raise Conflict(f"{user.display_name} är redan inaktiverad.")
        if ADMIN_ROLE in user.roles:
            _keep_an_administrator(conn, actor, user, "account")
        conn.execute(update(users).where(users.c.id == user.id).values(active=False))
        _record(conn, rt.clock.now(conn), actor, "user_deactivated", name, {})
        return load_user(conn, name)


def reactivate_user(rt: Runtime, actor: str, name: str) -> User:
    """Let a deactivated user sign in again (with the password they had)."""
    with rt.db.transaction() as conn:
        _administrator(conn, actor)
        user = load_user(conn, name)
        if user.active:
            raise Conflict(f"{user.display_name} är redan aktiv.")
        conn.execute(update(users).where(users.c.id == user.id).values(active=True))
        _record(conn, rt.clock.now(conn), actor, "user_reactivated", name, {})
        return load_user(conn, name)


def reset_password(rt: Runtime, actor: str, name: str, new_password: str) -> User:
    """Give ``name`` a new password and lift any sign-in lock-out; the old password stops
    working. ``ValidationFailed`` (field ``password``) if it is too short or too long."""
    if errors := _password_errors(new_password):
        raise ValidationFailed(errors)
    password_hash = _hasher.hash(new_password)
    with rt.db.transaction() as conn:
        _administrator(conn, actor)
        user = load_user(conn, name)
        conn.execute(update(users).where(users.c.id == user.id).values(
            password_hash=password_hash, failed_sign_ins=0, locked_until=None
        ))  # fmt: skip
        _record(conn, rt.clock.now(conn), actor, "password_reset", name, {})
        return user


def set_email(rt: Runtime, actor: str, name: str, email: str) -> User:
    """Give ``name`` the e-mail address notifications are mailed to (empty: none, they read
    them in Sif only); ``ValidationFailed`` (field ``email``) for something not an address."""
    address = check_email(email)
    with rt.db.transaction() as conn:
        _administrator(conn, actor)
        user = load_user(conn, name)
        if user.email != address:
            conn.execute(update(users).where(users.c.id == user.id).values(email=address))
            _record(conn, rt.clock.now(conn), actor, "email_changed", name, {"email": address})
        return load_user(conn, name)


def get_account(rt: Runtime, name: str) -> Account:
    """One user as the administrators see them; ``NotFound`` if there is no such user."""
    with rt.db.reading() as conn:
        user = load_user(conn, name)
        rows = conn.execute(_accounts().where(users.c.id == user.id)).all()
        return _account(rows[0], user.roles)


def list_accounts(rt: Runtime, query: AccountQuery) -> AccountPage:
    """One page of users, by user name, filtered as ``query`` asks."""
    where = _filters(query)
    page_size = max(1, min(query.page_size, 200))
    page = max(1, query.page)
    with rt.db.reading() as conn:
        total = conn.execute(select(func.count()).select_from(users).where(where)).scalar_one()
        rows = conn.execute(
            _accounts().where(where).order_by(users.c.name)
            .limit(page_size).offset((page - 1) * page_size)
        ).all()  # fmt: skip
        roles = _roles_of(conn, [row.id for row in rows])
    accounts = [_account(row, roles.get(row.id, frozenset())) for row in rows]
    return AccountPage(accounts, total, page, page_size)


def user_history(rt: Runtime, name: str, limit: int = 200) -> list[AdminEvent]:
    """The administrative changes to ``name``, newest first (at most ``limit``)."""
    with rt.db.reading() as conn:
        rows = conn.execute(
            select(admin_events).where(admin_events.c.subject == name)
            .order_by(admin_events.c.id.desc()).limit(limit)
        ).all()  # fmt: skip
    return [
        AdminEvent(r.id, as_utc(r.at), r.actor, r.kind, r.subject, json.loads(r.detail or "{}"))
        for r in rows
    ]


# --- rules --------------------------------------------------------------------------------


def _administrator(conn: Connection, actor: str) -> User:
    user = acting_user(conn, actor)
    if ADMIN_ROLE not in user.roles:
        raise NotAllowed("Bara en administratör får ändra användare och roller.")
    return user


def _keep_an_administrator(conn: Connection, actor: str, user: User, what: str) -> None:
    """Refuse to leave no active administrator. The active administrators' rows are locked
    first (PostgreSQL), so two administrators removing each other cannot both succeed."""
    admins = _active_admins()
    conn.execute(select(users.c.id).where(admins).with_for_update()).all()
    others = conn.execute(
        select(func.count()).select_from(users).where(admins, users.c.id != user.id)
    ).scalar_one()
    if others > 0:
        return
    if user.name == actor and what == "role":
        refusal = "Du är den enda aktiva administratören och kan inte ta bort din egen roll."
    elif user.name == actor:
        refusal = "Du är den enda aktiva administratören och kan inte inaktivera dig själv."
    else:
        refusal = f"{user.display_name} är den enda aktiva administratören."
    raise Conflict(f"{refusal} Ge först någon annan rollen Systemadministratör.")


def _active_admins() -> ColumnElement[bool]:
    has_admin = exists().where(user_roles.c.user_id == users.c.id, user_roles.c.role == ADMIN_ROLE)
    return and_(users.c.active == true(), has_admin)


def _name_errors(name: str) -> list[FieldError]:
    if not name:
        return [FieldError("name", "Ange ett användarnamn.")]
    if not USER_NAME.fullmatch(name):
        return [FieldError("name", "Användarnamnet får bara innehålla små bokstäver a–z, siffror, "
                                   "punkt och bindestreck (högst 80 tecken).")]  # fmt: skip
    return []


def _taken(name: str) -> FieldError:
    return FieldError("name", f"Användarnamnet {name} är redan upptaget. Välj ett annat.")


def _display_name_errors(display_name: str) -> list[FieldError]:
    if not display_name:
        return [FieldError("display_name", "Ange personens namn.")]
    if len(display_name) > DISPLAY_NAME_MAX:
        return [FieldError("display_name", f"Namnet får vara högst {DISPLAY_NAME_MAX} tecken.")]
    return []


def _role_errors(roles: Collection[str], known_roles: Collection[str] | None) -> list[FieldError]:
    if known_roles is None:
        return []
    unknown = sorted(r for r in roles if r not in known_roles)
    if unknown:
        return [FieldError("roles", f"Okända roller: {', '.join(unknown)}.")]
    return []


def _password_errors(password: str) -> list[FieldError]:
    if len(password) < PASSWORD_MIN:
        return [FieldError("password", f"Lösenordet måste vara minst {PASSWORD_MIN} tecken.")]
    if len(password) > PASSWORD_MAX:
        return [FieldError("password", f"Lösenordet får vara högst {PASSWORD_MAX} tecken.")]
    return []


# --- reading and writing rows ---------------------------------------------------------------


def _record(
    conn: Connection, at: datetime, actor: str, kind: str, subject: str, detail: dict[str, Any]
) -> None:
    conn.execute(insert(admin_events).values(
        at=at, actor=actor, kind=kind, subject=subject,
        detail=json.dumps(detail, ensure_ascii=False, sort_keys=True),
    ))  # fmt: skip


def _accounts() -> Any:
    last_change = (
        select(func.max(admin_events.c.at))
        .where(admin_events.c.subject == users.c.name)
        .scalar_subquery()
    )
    return select(
        users.c.id, users.c.name, users.c.display_name, users.c.active, users.c.created_at,
        users.c.locked_until, users.c.email, last_change.label("last_change"),
    )  # fmt: skip


def _filters(query: AccountQuery) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = [true()]
    if query.role:
        conditions.append(exists().where(
            user_roles.c.user_id == users.c.id, user_roles.c.role == query.role
        ))  # fmt: skip
    if query.active is not None:
        conditions.append(users.c.active == query.active)
    if text := query.search.strip().lower()[:80]:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(or_(
            func.lower(users.c.name).like(pattern, escape="\\"),
            func.lower(users.c.display_name).like(pattern, escape="\\"),
        ))  # fmt: skip
    return and_(*conditions)


def _roles_of(conn: Connection, user_ids: list[int]) -> dict[int, frozenset[str]]:
    if not user_ids:
        return {}
    found: dict[int, set[str]] = {}
    rows = conn.execute(select(user_roles).where(user_roles.c.user_id.in_(user_ids)))
    for row in rows:
        found.setdefault(row.user_id, set()).add(row.role)
    return {user_id: frozenset(roles) for user_id, roles in found.items()}


def _account(row: Any, roles: frozenset[str]) -> Account:
    return Account(
        name=row.name, display_name=row.display_name, roles=roles, active=bool(row.active),
        created_at=as_utc(row.created_at),
        locked_until=as_utc(row.locked_until) if row.locked_until else None,
        last_change=as_utc(row.last_change) if row.last_change else None, email=row.email,
    )  # fmt: skip
