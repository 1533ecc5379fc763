"""Which case each ledger project belongs to: its title, business key, board and where it
stands.

The ledger (tasks/ledger.py) knows a project by its code only ("A", "C" …), as the postings
carry it; the fund page and the portfolio report name it by the case that posted its money.
One query over the fund's postings joined to the cases and their ``board`` tag — no workflow
is deserialized.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, and_, select

from engine.schema import case_tags, cases
from tasks.store import fund_transactions


@dataclass(frozen=True)
class ProjectRef:
    """A ledger project and the case it came from (empty fields when none is known):
    ``stage`` is where the case waits (its current steps' names), ``status`` its status."""

    code: str
    title: str = ""
    business_key: str = ""
    board: str = ""
    case_id: int | None = None
    stage: str = ""
    status: str = ""

    @property
    def name(self) -> str:
        """The case's title, or the project code when the case has none."""
        return self.title or self.code


def project_refs(conn: Connection, fund: str) -> dict[str, ProjectRef]:
    """Each project of ``fund`` with the first posting case that has a title (else the first
    posting case at all); the board from the posting, else from the case's ``board`` tag."""
    board_tag = case_tags.alias("board_tag")
    rows = conn.execute(
        select(
            fund_transactions.c.project,
            fund_transactions.c.board,
            cases.c.id,
            cases.c.title,
            cases.c.business_key,
            cases.c.stage,
            cases.c.status,
            board_tag.c.value.label("case_board"),
        )
        .join(cases, cases.c.id == fund_transactions.c.case_id, isouter=True)
        .join(
            board_tag,
            and_(board_tag.c.case_id == cases.c.id, board_tag.c.name == "board"),
            isouter=True,
        )
        .where(fund_transactions.c.fund == fund, fund_transactions.c.project != "")
        .order_by(fund_transactions.c.id)
    )
    found: dict[str, ProjectRef] = {}
    for r in rows:
        known = found.get(r.project)
        if known is None or (not known.title and r.title):
            board = r.board or r.case_board or (known and known.board) or ""
            found[r.project] = ProjectRef(
                r.project, r.title or "", r.business_key or "", board, r.id, r.stage or "",
                r.status or "",
            )  # fmt: skip
    return found
