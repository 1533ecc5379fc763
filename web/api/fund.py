"""``GET /api/v1/fund``: the fund's balances (DOMAIN §5.2), for every signed-in person.

The balances are the fund's aggregate figures, as the municipality reports them; no single
case or applicant can be read from them.
"""

from __future__ import annotations

from engine.durations import LOCAL
from tasks.store import get_fund, load_ledger
from web.api.schemas import FundOut, FundQuery
from web.api.spec import endpoint
from web.context import runtime


@endpoint("/fund", ok={200: FundOut}, errors=(404, 422), tag="Fonden")
def fund(query: FundQuery) -> FundOut:
    """Fondens saldon per i dag eller per ett datum (tkr)."""
    rt = runtime()
    with rt.db.reading() as conn:
        found = get_fund(conn, query.code)
        ledger = load_ledger(conn, found.code)
        as_of = query.as_of or rt.clock.now(conn).astimezone(LOCAL).date()  # Swedish today
    return FundOut(
        code=found.code, name=found.name, profile=found.profile, as_of=as_of,
        balances=ledger.fund(as_of),
    )  # fmt: skip
