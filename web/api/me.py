"""``GET /api/v1/me``: who is calling, with their roles."""

from __future__ import annotations

from web.api.auth import caller
from web.api.schemas import Me
from web.api.spec import endpoint


@endpoint("/me", ok={200: Me}, tag="Jag")
def me() -> Me:
    """Vem jag är och mina roller."""
    return Me.of(caller())
