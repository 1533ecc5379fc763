"""Case tags: a few values of a case's data (its rule profile, its board …) kept in
``case_tags`` so that lists filter on them without opening any workflow.

Which tags exist is the application's choice (``Runtime.case_tags``); the engine only copies
the values out of the data whenever a step changed it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from engine.runtime import Runtime
from engine.schema import case_tags as tag_table

MAX_VALUE = 200
_READ = select(tag_table.c.name, tag_table.c.value).where(
    tag_table.c.case_id == bindparam("case_id")
)
_UPDATE = (
    update(tag_table)
    .where(tag_table.c.case_id == bindparam("cid"), tag_table.c.name == bindparam("tag"))
    .values(value=bindparam("value"))
)


def tag_values(data: Mapping[str, Any], paths: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """``{tag: value}`` for the tags whose paths lead to a plain value in ``data``."""
    found: dict[str, str] = {}
    for tag, candidates in paths.items():
        for path in candidates:
            value = _at(data, path)
            if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
                found[tag] = str(value)[:MAX_VALUE]
                break
    return found


def _at(data: Mapping[str, Any], path: str) -> object:
    node: object = data
    for part in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def tags_of(conn: Connection, case_ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """The stored tags of each of ``case_ids`` (cases without tags are left out)."""
    found: dict[int, dict[str, str]] = defaultdict(dict)
    if case_ids:
        for row in conn.execute(select(tag_table).where(tag_table.c.case_id.in_(case_ids))):
            found[row.case_id][row.name] = row.value
    return found


def case_tags(rt: Runtime, case_id: int) -> dict[str, str]:
    """The tags of one case (its rule profile, board …), as lists filter by them."""
    with rt.db.reading() as conn:
        return tags_of(conn, [case_id]).get(case_id, {})


def sync_tags(conn: Connection, case_id: int, values: Mapping[str, str]) -> None:
    """Make the stored tags of a case equal ``values`` (writing only what changed)."""
    stored = {row.name: row.value for row in conn.execute(_READ, {"case_id": case_id})}
    if stored == dict(values):
        return
    gone = [name for name in stored if name not in values]
    if gone:
        conn.execute(
            delete(tag_table).where(tag_table.c.case_id == case_id, tag_table.c.name.in_(gone))
        )
    new = [
        {"case_id": case_id, "name": k, "value": v} for k, v in values.items() if k not in stored
    ]
    if new:
        conn.execute(insert(tag_table), new)
    changed = [
        {"cid": case_id, "tag": k, "value": v}
        for k, v in values.items()
        if k in stored and stored[k] != v
    ]
    if changed:
        conn.execute(_UPDATE, changed)
