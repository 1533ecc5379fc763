"""Case tags: a few values of a case's data (its rule profile, its board …) kept in
``case_tags`` so that lists filter on them without opening any workflow.

Which tags exist is the application's choice (``Runtime.case_tags``); the engine only copies
the values out of the data whenever a step changed it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from engine.schema import case_tags

MAX_VALUE = 200
_READ = select(case_tags.c.name, case_tags.c.value).where(
    case_tags.c.case_id == bindparam("case_id")
)
_UPDATE = (
    update(case_tags)
    .where(case_tags.c.case_id == bindparam("cid"), case_tags.c.name == bindparam("tag"))
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


def sync_tags(conn: Connection, case_id: int, values: Mapping[str, str]) -> None:
    """Make the stored tags of a case equal ``values`` (writing only what changed)."""
    stored = {row.name: row.value for row in conn.execute(_READ, {"case_id": case_id})}
    if stored == dict(values):
        return
    gone = [name for name in stored if name not in values]
    if gone:
        conn.execute(
            delete(case_tags).where(case_tags.c.case_id == case_id, case_tags.c.name.in_(gone))
        )
    new = [
        {"case_id": case_id, "name": k, "value": v} for k, v in values.items() if k not in stored
    ]
    if new:
        conn.execute(insert(case_tags), new)
    changed = [
        {"cid": case_id, "tag": k, "value": v}
        for k, v in values.items()
        if k in stored and stored[k] != v
    ]
    if changed:
        conn.execute(_UPDATE, changed)
