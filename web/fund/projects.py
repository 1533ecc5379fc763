"""The funds there are, for the fund page's choice of fund."""

from __future__ import annotations

from sqlalchemy import Connection, select

from tasks.store import funds


def fund_codes(conn: Connection) -> list[str]:
    """Every fund's code, in order."""
    return list(conn.execute(select(funds.c.code).order_by(funds.c.code)).scalars())
