"""A process's deployed versions for its owners: who deployed each, when and why, how many cases
run on it; each version's drawing; and what changed between two versions (``engine.bpmn_diff``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from engine.bpmn_diff import ElementChange, VersionRead, compare_versions, read_version
from engine.definitions import (
    Definition,
    definition_body,
    definition_files,
    find_definition,
    list_definitions,
)
from engine.diagram import process_drawing
from engine.errors import NotFound
from engine.form_diff import FormChange
from engine.models import CaseStatus
from engine.runtime import Runtime
from engine.schema import cases, definitions

#: The statuses of a case still under way on its version ("pågående").
OPEN_STATUSES = (
    CaseStatus.RUNNING.value, CaseStatus.WAITING.value, CaseStatus.ERROR.value,
    CaseStatus.SUSPENDED.value,
)  # fmt: skip


@dataclass(frozen=True)
class VersionInfo:
    """A deployed version and its cases: ``open_cases`` are under way (running, waiting, in
    error or suspended), ``total_cases`` every case ever started on it."""

    definition: Definition
    open_cases: int
    total_cases: int


@dataclass(frozen=True)
class VersionDiff:
    """What changed in ``process_key`` from version ``old`` to version ``new``: the elements
    added, removed and changed (in document order, sequence flows last) and the forms of its
    user tasks (see ``engine.bpmn_diff``)."""

    process_key: str
    old: Definition
    new: Definition
    added: tuple[ElementChange, ...]
    removed: tuple[ElementChange, ...]
    changed: tuple[ElementChange, ...]
    forms: tuple[FormChange, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.forms)


def process_versions(rt: Runtime, process_key: str | None = None) -> list[VersionInfo]:
    """Every version of ``process_key`` (of every process if None), by process key and newest
    first, with its case counts (one grouped query over the cases)."""
    found = list_definitions(rt, process_key)
    counted = (
        select(cases.c.definition_id, cases.c.status, func.count().label("n"))
        .group_by(cases.c.definition_id, cases.c.status)
    )  # fmt: skip
    if process_key is not None:
        counted = counted.join(definitions, definitions.c.id == cases.c.definition_id).where(
            definitions.c.process_key == process_key
        )
    open_cases: dict[int, int] = defaultdict(int)
    total_cases: dict[int, int] = defaultdict(int)
    with rt.db.reading() as conn:
        for row in conn.execute(counted):
            total_cases[row.definition_id] += row.n
            if row.status in OPEN_STATUSES:
                open_cases[row.definition_id] += row.n
    return [VersionInfo(d, open_cases[d.id], total_cases[d.id]) for d in found]


def version_bpmn(rt: Runtime, process_key: str, version: int) -> str:
    """The BPMN XML that holds the version's process, as deployed; ``NotFound`` if none."""
    definition = find_definition(rt, process_key, version)
    with rt.db.reading() as conn:
        return process_drawing(rt, conn, definition.id).xml


def version_diff(rt: Runtime, process_key: str, old: int, new: int) -> VersionDiff:
    """What changed in ``process_key`` from version ``old`` to ``new`` (either way round):
    elements added, removed and changed, aspect by aspect, and the forms its user tasks use,
    field by field. ``NotFound`` if either version does not exist."""
    before = find_definition(rt, process_key, old)
    after = find_definition(rt, process_key, new)
    with rt.db.reading() as conn:
        diff = compare_versions(_read(rt, conn, before), _read(rt, conn, after))
    return VersionDiff(
        process_key, before, after, diff.added, diff.removed, diff.changed, diff.forms
    )


_reads: dict[tuple[str, int], VersionRead] = {}


def _read(rt: Runtime, conn: Connection, definition: Definition) -> VersionRead:
    """A version's process read for comparing, from its drawing's BPMN file and the metadata
    stored at deploy. A version is immutable, so it is read once per database and id: the diff
    page and the markers of its two diagrams ask for the same two versions."""
    key = (rt.db.url, definition.id)
    hit = _reads.get(key)
    if hit is None:
        meta = definition_body(rt, conn, definition.id).meta
        xml = process_drawing(rt, conn, definition.id).xml
        hit = read_version(definition.process_key, xml, meta["user_tasks"], meta["forms"])
        _reads[key] = hit
    return hit


def version_file(rt: Runtime, process_key: str, version: int, name: str) -> bytes:
    """One file of the bundle the version was deployed from; ``NotFound`` if it has none by
    that name."""
    files = definition_files(rt, find_definition(rt, process_key, version).id)
    if name not in files:
        raise NotFound(f"Version {version} av {process_key!r} har ingen fil {name!r}.")
    return files[name]
