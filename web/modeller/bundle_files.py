"""The files a process owner edits in the modeller and in the form and decision editors: their
draft of the process if they have one, else the newest deployed version's files. Saving one file
keeps the whole bundle as their draft (created from the deployed files when there is none)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext
from lxml import etree

import engine
from engine import Definition, NotFound, ProcessDraft, Runtime
from engine.bundle import kind_of
from engine.lint import BPMN, CAMUNDA, SPIFF
from engine.xmlsafe import FileRefused, parse_xml
from web.modeller.answers import BadRequest

FORM_PROPERTY = "formJsonSchemaFilename"


@dataclass(frozen=True)
class WorkingCopy:
    """The bundle being edited: its files, the version it started from, the person's saved
    draft it comes from (None: the deployed files, untouched) and the newest deployed version
    (None if the process was never deployed)."""

    process_key: str
    files: dict[str, bytes]
    base_version: int | None
    draft: ProcessDraft | None
    newest: Definition | None

    @property
    def from_draft(self) -> bool:
        return self.draft is not None

    @property
    def process_name(self) -> str:
        """The newest version's name, for the pages (the key if it was never deployed)."""
        return self.newest.name if self.newest else self.process_key


def newest_version(rt: Runtime, process_key: str) -> Definition | None:
    """The newest deployed version of ``process_key``, if it was ever deployed."""
    with contextlib.suppress(NotFound):
        return engine.find_definition(rt, process_key)
    return None


def draft_and_newest(
    rt: Runtime, user_name: str, process_key: str
) -> tuple[ProcessDraft | None, Definition | None]:
    """``user_name``'s draft of ``process_key`` and its newest deployed version; ``NotFound``
    when the process has neither."""
    draft = engine.process_draft(rt, user_name, process_key)
    newest = newest_version(rt, process_key)
    if draft is None and newest is None:
        raise NotFound(gettext("Processen %(key)s finns inte.", key=process_key))
    return draft, newest


def working_copy(rt: Runtime, user_name: str, process_key: str) -> WorkingCopy:
    """``user_name``'s draft of ``process_key``, else its newest deployed version's files;
    ``NotFound`` when the process has neither."""
    draft, newest = draft_and_newest(rt, user_name, process_key)
    if draft is not None:
        return WorkingCopy(process_key, draft.files, draft.base_version, draft, newest)
    assert newest is not None  # draft_and_newest: one of the two
    files = engine.definition_files(rt, newest.id)
    return WorkingCopy(process_key, files, newest.version, None, newest)


def file_of_kind(copy: WorkingCopy, name: str, kind: str) -> bytes:
    """The bundle's file ``name`` if it is of ``kind`` (``form``, ``dmn``); ``NotFound``
    otherwise, so a forged or foreign name reads exactly like a missing one."""
    if kind_of(name) != kind or name not in copy.files:
        raise NotFound(gettext("Processen %(key)s har ingen fil som heter %(name)s.",
                               key=copy.process_key, name=name))  # fmt: skip
    return copy.files[name]


def files_of_kind(copy: WorkingCopy, kind: str) -> list[str]:
    """The names of the bundle's files of ``kind``, sorted."""
    return sorted(name for name in copy.files if kind_of(name) == kind)


def save_file(rt: Runtime, user_name: str, copy: WorkingCopy, name: str, content: bytes) -> None:
    """Keep ``copy`` with ``name`` replaced (or added) as the person's draft."""
    files = {**copy.files, name: content}
    engine.save_process_draft(rt, user_name, copy.process_key, files, copy.base_version)


def unicode_text(text: str) -> str:
    """``text`` if it can be kept as UTF-8; a JSON body may carry lone surrogates (``"\\ud800"``),
    which no file can hold: ``BadRequest``, never a 500."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest(gettext("Texten innehåller tecken som inte är giltig Unicode.")) from None
    return text


def form_users(files: Mapping[str, bytes]) -> dict[str, list[tuple[str, str]]]:
    """For each form file, the user tasks of the bundle's BPMN that name it, as (id, name):
    SpiffWorkflow's ``formJsonSchemaFilename`` property or Camunda's ``camunda:formKey``.
    A BPMN file that is not XML names nothing (the modeller's validation says why)."""
    users: dict[str, list[tuple[str, str]]] = {}
    for name in sorted(files):
        if kind_of(name) != "bpmn":
            continue
        try:
            root = parse_xml(files[name], len(files[name]) + 1)
        except FileRefused:
            continue
        for task in root.iter(f"{{{BPMN}}}userTask"):
            form = task.get(f"{{{CAMUNDA}}}formKey") or _spiff_property(task, FORM_PROPERTY)
            if form:
                users.setdefault(form, []).append((task.get("id", ""), task.get("name", "")))
    return users


def _spiff_property(task: etree._Element, name: str) -> str | None:
    for prop in task.iter(f"{{{SPIFF}}}property"):
        if prop.get("name") == name and prop.get("value"):
            return prop.get("value")
    return None
