"""The modeller's drafts: the bundle a process owner is editing, kept on the server per person
and process until they deploy it or throw it away. A draft is never validated when saved (it
may be half done) and never runs; it is bounded like an upload."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, delete, insert, select, update

from engine.bundle import MAX_FILES, kind_of
from engine.clock import as_utc
from engine.errors import BundleInvalid, Problem
from engine.runtime import Runtime
from engine.schema import process_drafts


@dataclass(frozen=True)
class ProcessDraft:
    process_key: str
    files: dict[str, bytes]
    base_version: int | None  # the deployed version the draft started from
    saved_at: datetime


def save_process_draft(
    rt: Runtime,
    user_name: str,
    process_key: str,
    files: Mapping[str, bytes],
    base_version: int | None,
) -> ProcessDraft:
    """Keep ``files`` as ``user_name``'s draft of ``process_key`` (replacing an earlier one)."""
    _check_draft(rt, files)
    text = json.dumps({name: files[name].decode("utf-8") for name in sorted(files)})
    now = datetime.now(UTC)
    values = {"files": text, "base_version": base_version, "saved_at": now}
    with rt.db.transaction() as conn:
        found = conn.execute(
            select(process_drafts.c.user_name).where(_key(user_name, process_key))
        ).first()
        if found is None:
            conn.execute(
                insert(process_drafts).values(
                    user_name=user_name, process_key=process_key, **values
                )
            )
        else:
            conn.execute(update(process_drafts).where(_key(user_name, process_key)).values(values))
    return ProcessDraft(process_key, dict(files), base_version, now)


def process_draft(rt: Runtime, user_name: str, process_key: str) -> ProcessDraft | None:
    """``user_name``'s draft of ``process_key``, if they have one."""
    with rt.db.reading() as conn:
        row = conn.execute(select(process_drafts).where(_key(user_name, process_key))).one_or_none()
    if row is None:
        return None
    files = {name: text.encode("utf-8") for name, text in json.loads(row.files).items()}
    return ProcessDraft(process_key, files, row.base_version, as_utc(row.saved_at))


def discard_process_draft(rt: Runtime, user_name: str, process_key: str) -> bool:
    """Throw the draft away; whether there was one."""
    with rt.db.transaction() as conn:
        found = conn.execute(delete(process_drafts).where(_key(user_name, process_key)))
        return bool(found.rowcount)


def _check_draft(rt: Runtime, files: Mapping[str, bytes]) -> None:
    """Refuse what could not even be kept: no files, too many or too large, an unknown kind."""
    problems = [Problem("", None, None, "Utkastet är tomt.")] if not files else []
    if len(files) > MAX_FILES:
        too_many = f"Utkastet har för många filer (högst {MAX_FILES})."
        problems.append(Problem("", None, None, too_many))
    for name, content in files.items():
        if kind_of(name) is None or "/" in name or "\\" in name:
            problems.append(Problem(name, None, None, "Filen kan inte ingå i ett processpaket."))
        elif len(content) > rt.settings.max_file_bytes:
            problems.append(Problem(name, None, None, "Filen är för stor för att sparas."))
        elif not _utf8(content):
            problems.append(Problem(name, None, None, "Filen är inte UTF-8."))
    if sum(len(c) for c in files.values()) > rt.settings.max_bundle_bytes:
        problems.append(Problem("", None, None, "Utkastet är för stort för att sparas."))
    if problems:
        raise BundleInvalid(problems)


def _utf8(content: bytes) -> bool:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _key(user_name: str, process_key: str) -> Any:
    draft = process_drafts.c
    return and_(draft.user_name == user_name, draft.process_key == process_key)
