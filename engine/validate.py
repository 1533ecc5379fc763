"""Validate a bundle, in the order DESIGN §2 gives; stop at the first stage that finds problems.

1. each file: size, name, hardened XML parse (BPMN, DMN) or JSON parse (forms);
2. BPMN 2.0 / DMN XSD;
3. SpiffWorkflow's parser, and Sif's own lint (roles, forms, script guard, services).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree

from engine.bpmn.compile import CompiledProcess, compile_processes, xsd_problems
from engine.bundle import MAX_FILES, kind_of
from engine.errors import BundleInvalid, Problem
from engine.lint import lint_bundle
from engine.settings import Settings
from engine.xmlsafe import FileRefused, parse_xml

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")


@dataclass(frozen=True)
class ValidBundle:
    files: Mapping[str, bytes]
    processes: list[CompiledProcess]
    meta: dict[str, Any]


@dataclass
class _Parsed:
    bpmn: dict[str, etree._Element]
    dmn: dict[str, etree._Element]
    forms: dict[str, Any]


def validate_bundle(
    files: Mapping[str, bytes],
    settings: Settings,
    services: frozenset[str],
    rules: frozenset[str] = frozenset(),
) -> ValidBundle:
    """Return the compiled bundle, or raise ``BundleInvalid`` with every problem found."""
    parsed, problems = _parse_files(files, settings)
    _stop_if(problems)
    for kind, trees in (("bpmn", parsed.bpmn), ("dmn", parsed.dmn)):
        for name, root in trees.items():
            problems.extend(xsd_problems(name, root, kind))
    _stop_if(problems)
    lint = lint_bundle(
        parsed.bpmn, parsed.dmn, parsed.forms, services, rules, settings.max_loop_cardinality
    )
    processes, spiff_problems = compile_processes(parsed.bpmn, parsed.dmn)
    _stop_if(spiff_problems + lint.problems)
    user_tasks = {
        key: {
            "name": t.name,
            "roles": list(t.roles),
            "form": t.form,
            "rules": list(t.rules),
            "due": t.due,
            "answers": t.answers,
            "roles_expression": t.roles_expression,
        }
        for key, t in lint.user_tasks.items()
    }
    meta = {"user_tasks": user_tasks, "forms": parsed.forms, "stages": lint.stages}
    return ValidBundle(files, processes, meta)


def _stop_if(problems: list[Problem]) -> None:
    if problems:
        raise BundleInvalid(problems)


def _parse_files(files: Mapping[str, bytes], settings: Settings) -> tuple[_Parsed, list[Problem]]:
    parsed = _Parsed({}, {}, {})
    problems: list[Problem] = []
    if not files:
        problems.append(Problem("", None, None, "Paketet är tomt."))
    if len(files) > MAX_FILES:
        problems.append(Problem("", None, None, f"För många filer (högst {MAX_FILES})."))
    for name, content in files.items():
        if len(content) > settings.max_file_bytes:
            size, limit = len(content) // 1024, settings.max_file_bytes // 1024
            problems.append(
                Problem(name, None, None, f"Filen är för stor ({size} KiB; högst {limit} KiB).")
            )
    total = sum(len(content) for content in files.values())
    if not problems and total > settings.max_bundle_bytes:
        limit = settings.max_bundle_bytes // (1024 * 1024)
        problems.append(Problem("", None, None, f"Paketet är för stort (högst {limit} MiB)."))
    if problems:
        return parsed, problems
    for name, content in files.items():
        kind = kind_of(name)
        if not _SAFE_NAME.match(name) or kind is None:
            problems.append(Problem(name, None, None, "Ogiltigt filnamn eller okänd filtyp."))
            continue
        try:
            if kind == "form":
                parsed.forms[name] = _parse_json(content, settings.max_file_bytes)
            else:
                getattr(parsed, kind)[name] = parse_xml(content, settings.max_file_bytes)
        except FileRefused as exc:
            problems.append(Problem(name, exc.line, None, exc.message))
    return parsed, problems


def _parse_json(content: bytes, max_bytes: int) -> Any:
    if len(content) > max_bytes:
        raise FileRefused(f"Filen är för stor (högst {max_bytes // 1024} KiB).")
    try:
        return json.loads(content.decode("utf-8"))
    except UnicodeDecodeError:
        raise FileRefused("Filen är inte UTF-8.") from None
    except json.JSONDecodeError as exc:
        raise FileRefused(f"Filen är inte giltig JSON: {exc.msg}", exc.lineno) from None
    except RecursionError:
        raise FileRefused("Filen är för djupt nästlad.") from None
