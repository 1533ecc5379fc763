"""API bearer tokens: shown once when created, stored only as a SHA-256 hash, revocable.

A token is 32 random bytes (``sif_`` + URL-safe base64), so a fast hash is enough: there is
nothing to guess, unlike a password.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, insert, select, update

from engine.clock import as_utc
from engine.db import inserted_id
from engine.errors import NotAllowed, NotFound
from engine.models import User
from engine.runtime import Runtime
from engine.schema import api_tokens, users
from engine.users import acting_user, load_user

PREFIX = "sif_"
_USE_RESOLUTION = timedelta(minutes=1)  # how exactly last_used_at is kept


@dataclass(frozen=True)
class TokenInfo:
    id: int
    user: str
    label: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(rt: Runtime, user_name: str, label: str = "") -> tuple[int, str]:
    """A new token for an active user: (its id, the token). The token is not stored."""
    token = PREFIX + secrets.token_urlsafe(32)
    with rt.db.transaction() as conn:
        user = acting_user(conn, user_name)
        token_id = inserted_id(
            conn.execute(
                insert(api_tokens).values(
                    user_id=user.id, token_hash=_digest(token), label=label[:200],
                    created_at=datetime.now(UTC),
                )
            )
        )  # fmt: skip
    return token_id, token


_BY_HASH = (
    select(api_tokens.c.id, api_tokens.c.revoked_at, api_tokens.c.last_used_at, users.c.name)
    .join(users, users.c.id == api_tokens.c.user_id)
    .where(api_tokens.c.token_hash == bindparam("digest"))
)


def user_for_token(rt: Runtime, token: str) -> User:
    """The active user a token belongs to; ``NotAllowed`` for unknown or revoked tokens."""
    if not token.startswith(PREFIX) or len(token) > 200:
        raise NotAllowed("Ogiltig token.")
    with rt.db.reading() as conn:
        row = conn.execute(_BY_HASH, {"digest": _digest(token)}).one_or_none()
        if row is None or row.revoked_at is not None:
            raise NotAllowed("Ogiltig eller återkallad token.")
        user = load_user(conn, row.name)
    now = datetime.now(UTC)
    last = as_utc(row.last_used_at) if row.last_used_at else None
    if last is None or now - last > _USE_RESOLUTION:  # a write per minute, not per request
        with rt.db.transaction() as conn:
            conn.execute(
                update(api_tokens).where(api_tokens.c.id == row.id).values(last_used_at=now)
            )
    if not user.active:
        raise NotAllowed(f"Användaren {user.name!r} är inaktiverad.")
    return user


def revoke_token(rt: Runtime, token_id: int) -> None:
    """Revoke a token for good; revoking twice is harmless."""
    with rt.db.transaction() as conn:
        found = conn.execute(select(api_tokens.c.id).where(api_tokens.c.id == token_id)).scalar()
        if found is None:
            raise NotFound(f"Token {token_id} finns inte.")
        conn.execute(
            update(api_tokens)
            .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )


def list_tokens(rt: Runtime, user_name: str | None = None) -> list[TokenInfo]:
    query = select(api_tokens, users.c.name).join(users, users.c.id == api_tokens.c.user_id)
    if user_name:
        query = query.where(users.c.name == user_name)
    with rt.db.reading() as conn:
        rows = conn.execute(query.order_by(api_tokens.c.id)).all()
    return [
        TokenInfo(
            r.id, r.name, r.label, as_utc(r.created_at),
            as_utc(r.last_used_at) if r.last_used_at else None,
            as_utc(r.revoked_at) if r.revoked_at else None,
        )
        for r in rows
    ]  # fmt: skip
