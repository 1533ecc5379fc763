"""People and their roles. Passwords are stored as argon2id hashes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, bindparam, case, delete, insert, select, update

from engine.clock import as_utc
from engine.db import inserted_id
from engine.durations import LOCAL
from engine.errors import FieldError, NotAllowed, NotFound, ValidationFailed
from engine.models import User
from engine.runtime import Runtime
from engine.schema import user_roles, users

_hasher = PasswordHasher()
ADMIN_ROLE = "admin"


def add_user(
    rt: Runtime,
    name: str,
    roles: Iterable[str],
    display_name: str | None = None,
    password: str | None = None,
    email: str | None = None,
) -> User:
    """Create a user, or update the display name, roles, password and (when given) e-mail
    address of an existing one."""
    name = name.strip()
    if not name or len(name) > 80:
        raise ValidationFailed([FieldError("name", "Ange ett användarnamn (högst 80 tecken).")])
    email = check_email(email)
    wanted = sorted({r.strip() for r in roles if r.strip()})
    password_hash = _hasher.hash(password) if password else None
    with rt.db.transaction() as conn:
        existing = conn.execute(select(users.c.id).where(users.c.name == name)).scalar()
        values = {"display_name": display_name or name}
        if password_hash:
            values["password_hash"] = password_hash
        if email:
            values["email"] = email
        if existing is None:
            user_id = inserted_id(
                conn.execute(insert(users).values(
                    name=name, active=True, created_at=rt.clock.now(),
                    password_hash=password_hash, display_name=display_name or name,
                    email=email,
                )
            ))  # fmt: skip
        else:
            user_id = existing
            conn.execute(update(users).where(users.c.id == user_id).values(**values))
            conn.execute(delete(user_roles).where(user_roles.c.user_id == user_id))
        if wanted:
            conn.execute(insert(user_roles), [{"user_id": user_id, "role": r} for r in wanted])
        return load_user(conn, name)


def check_email(email: str | None) -> str | None:
    """The address as stored (trimmed; empty: none); ``ValidationFailed`` if it is not one."""
    email = (email or "").strip()
    if not email:
        return None
    local, at, domain = email.rpartition("@")
    if (
        not at
        or not local
        or "." not in domain
        or len(email) > 254
        or any(c.isspace() for c in email)
    ):
        problem = "Ange en e-postadress som namn@exempel.se."
        raise ValidationFailed([FieldError("email", problem)])
    return email


# Built once: this runs on every action, and SQLAlchemy then reuses its compiled form.
_USER_WITH_ROLES = (
    select(
        users.c.id,
        users.c.name,
        users.c.display_name,
        users.c.active,
        users.c.email,
        user_roles.c.role,
    )
    .outerjoin(user_roles, user_roles.c.user_id == users.c.id)
    .where(users.c.name == bindparam("name"))
)


def load_user(conn: Connection, name: str) -> User:
    """The user with their roles; ``NotFound`` if there is no such user."""
    rows = conn.execute(_USER_WITH_ROLES, {"name": name}).all()
    if not rows:
        raise NotFound(f"Användaren {name!r} finns inte.")
    first = rows[0]
    roles = frozenset(r.role for r in rows if r.role is not None)
    return User(first.id, first.name, first.display_name, roles, bool(first.active), first.email)


def acting_user(conn: Connection, name: str) -> User:
    """The user who acts; an unknown or deactivated user may do nothing."""
    try:
        user = load_user(conn, name)
    except NotFound:
        raise NotAllowed(f"Användaren {name!r} finns inte.") from None
    if not user.active:
        raise NotAllowed(f"Användaren {name!r} är inaktiverad.")
    return user


def get_user(rt: Runtime, name: str) -> User:
    with rt.db.reading() as conn:
        return load_user(conn, name)


def list_users(rt: Runtime) -> list[User]:
    with rt.db.reading() as conn:
        names = conn.execute(select(users.c.name).order_by(users.c.name)).scalars().all()
        return [load_user(conn, n) for n in names]


#: Failed sign-ins in a row after which an account is locked, and for how long.
LOCK_AFTER = 5
LOCK_FOR = timedelta(minutes=15)
_DUMMY_HASH = _hasher.hash("no such user: the same work as for a real one")
_FAILED = (
    update(users)
    .where(users.c.id == bindparam("user_id"))
    .values(
        failed_sign_ins=users.c.failed_sign_ins + 1,
        locked_until=case(
            (users.c.failed_sign_ins + 1 >= LOCK_AFTER, bindparam("lock_until")),
            else_=users.c.locked_until,
        ),
    )
)
_SUCCEEDED = (
    update(users)
    .where(users.c.id == bindparam("user_id"))
    .values(failed_sign_ins=0, locked_until=None)
)


def authenticate(rt: Runtime, name: str, password: str) -> User:
    """The user whose password this is; ``NotAllowed`` otherwise, in Swedish.

    After ``LOCK_AFTER`` failures in a row the account is locked for ``LOCK_FOR``. The count
    lives in the database (an atomic increment), so the lock holds across every web process.
    Unknown names cost the same hashing work and get the same answer, so they reveal nothing.
    """
    now = datetime.now(UTC)  # lock-outs are about people waiting: real time
    with rt.db.transaction() as conn:  # commits the count even when the answer is "no"
        refusal, user = _sign_in(conn, name.strip(), password, now)
    if user is None:
        raise NotAllowed(refusal)
    return user


def _sign_in(conn: Connection, name: str, password: str, now: datetime) -> tuple[str, User | None]:
    wrong = "Fel användarnamn eller lösenord."
    row = conn.execute(select(users).where(users.c.name == name)).one_or_none()
    if row is None or not row.password_hash or not row.active:
        _verify(_DUMMY_HASH, password)
        return wrong, None
    locked = as_utc(row.locked_until) if row.locked_until else None
    if locked is not None and locked > now:
        return _locked_message(locked), None
    if not _verify(row.password_hash, password):
        lock_until = now + LOCK_FOR
        conn.execute(_FAILED, {"user_id": row.id, "lock_until": lock_until})
        if row.failed_sign_ins + 1 >= LOCK_AFTER:
            return _locked_message(lock_until), None
        return wrong, None
    conn.execute(_SUCCEEDED, {"user_id": row.id})
    return "", load_user(conn, row.name)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def _locked_message(until: datetime) -> str:
    local = until.astimezone(LOCAL)
    return (
        "Kontot är tillfälligt låst efter för många misslyckade inloggningar. "
        f"Försök igen efter kl. {local:%H:%M}."
    )


def check_password(rt: Runtime, name: str, password: str) -> User | None:
    """The user if the password matches (argon2 verify), else None."""
    with rt.db.reading() as conn:
        row = conn.execute(select(users).where(users.c.name == name)).one_or_none()
        if row is None or not row.password_hash or not row.active:
            return None
        return load_user(conn, name) if _verify(row.password_hash, password) else None
