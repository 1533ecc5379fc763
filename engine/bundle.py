"""A deployment bundle: BPMN, DMN and form files by name, read from paths or an upload."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from engine.errors import BundleInvalid, Problem

BPMN_SUFFIX = ".bpmn"
DMN_SUFFIX = ".dmn"
FORM_SUFFIX = ".schema.json"
MAX_FILES = 200


def kind_of(name: str) -> str | None:
    """``bpmn``, ``dmn``, ``form``, or None for a file Sif does not deploy."""
    if name.endswith(BPMN_SUFFIX):
        return "bpmn"
    if name.endswith(DMN_SUFFIX):
        return "dmn"
    if name.endswith(FORM_SUFFIX):
        return "form"
    return None


def read_bundle(paths: Iterable[Path]) -> dict[str, bytes]:
    """Collect bundle files from files and directories (recursively) by base name."""
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    for path in paths:
        if not path.exists():
            problems.append(Problem(str(path), None, None, "Filen eller katalogen finns inte."))
            continue
        candidates = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in candidates:
            if kind_of(file.name) is None:
                if not path.is_dir():
                    problems.append(Problem(str(file), None, None, _unknown_kind()))
                continue
            if file.name in files:
                problems.append(Problem(str(file), None, None, "Två filer har samma namn."))
                continue
            files[file.name] = file.read_bytes()
    if problems:
        raise BundleInvalid(problems)
    return files


def _unknown_kind() -> str:
    return f"Okänd filtyp: bara {BPMN_SUFFIX}, {DMN_SUFFIX} och {FORM_SUFFIX} kan driftsättas."


def bundle_sha256(files: Mapping[str, bytes]) -> str:
    """Content hash of the bundle: the same files give the same hash, whatever their order."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return digest.hexdigest()
