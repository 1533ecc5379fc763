"""What changed in a form between two versions: the form's own title and description, and each
field by its path — added, removed, or changed aspect by aspect (``FIELD_ASPECTS``: title,
type, required, allowed values, limits …), old → new, as text. Local ``$ref``s are followed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: Every aspect code a form field change can name, in order.
FIELD_ASPECTS = (
    "title", "type", "required", "enum", "const", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems", "pattern", "format",
    "default", "readOnly", "description",
)  # fmt: skip
_MAX_FORM_DEPTH = 8  # nested rows in rows; a $ref loop stops here


@dataclass(frozen=True)
class AspectChange:
    """One aspect (a code of ``ASPECTS`` or ``FIELD_ASPECTS``) from ``old`` to ``new``; None
    where the version does not have it."""

    aspect: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class FieldChange:
    """A form field (``path``: keys joined by ``.``, ``[]`` for a list's rows) added, removed or
    changed; ``title`` is its title in the newer version that has it."""

    path: str
    title: str
    change: str  # "added", "removed" or "changed"
    aspects: tuple[AspectChange, ...] = ()


@dataclass(frozen=True)
class FormChange:
    """A form the process uses in either version: ``status`` is "added" (used only by the new
    version), "removed" (only by the old) or "changed"; ``aspects`` are the form's own title
    and description."""

    form: str
    title: str
    status: str
    aspects: tuple[AspectChange, ...] = ()
    fields: tuple[FieldChange, ...] = ()


def aspect_changes(
    old: Mapping[str, str], new: Mapping[str, str], order: tuple[str, ...]
) -> tuple[AspectChange, ...]:
    """The aspects of ``order`` whose values differ, in that order."""
    return tuple(
        AspectChange(code, old.get(code), new.get(code))
        for code in order
        if old.get(code) != new.get(code)
    )


def form_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[FormChange, ...]:
    """Every form in ``before`` or ``after`` (file name → schema) that is new, gone or changed."""
    changes: list[FormChange] = []
    for name in sorted(before.keys() | after.keys()):
        old, new = before.get(name), after.get(name)
        title = str((new or old or {}).get("title") or name)
        if old is None or new is None:
            changes.append(FormChange(name, title, "added" if old is None else "removed"))
            continue
        own = aspect_changes(_own(old), _own(new), ("title", "description"))
        fields = _field_changes(_fields(old), _fields(new))
        if own or fields:
            changes.append(FormChange(name, title, "changed", own, fields))
    return tuple(changes)


def _own(schema: Mapping[str, Any]) -> dict[str, str]:
    return {k: str(schema[k]) for k in ("title", "description") if schema.get(k)}


def _field_changes(
    old: Mapping[str, dict[str, str]], new: Mapping[str, dict[str, str]]
) -> tuple[FieldChange, ...]:
    changes: list[FieldChange] = []
    for path, facts in new.items():
        title = facts.get("title") or path
        if path not in old:
            changes.append(FieldChange(path, title, "added"))
        elif aspects := aspect_changes(old[path], facts, FIELD_ASPECTS):
            changes.append(FieldChange(path, title, "changed", aspects))
    for path, facts in old.items():
        if path not in new:
            changes.append(FieldChange(path, facts.get("title") or path, "removed"))
    return tuple(changes)


def _fields(schema: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """Every field of a form schema by path, in the form's order, with its aspects as text."""
    found: dict[str, dict[str, str]] = {}
    _collect(schema, schema, "", found, 0)
    return found


def _collect(
    root: Mapping[str, Any], schema: Any, prefix: str, found: dict[str, dict[str, str]], depth: int
) -> None:
    schema = _resolved(root, schema)
    if depth > _MAX_FORM_DEPTH or not isinstance(schema, dict):
        return
    required = set(schema.get("required") or ())
    for key, sub in (schema.get("properties") or {}).items():
        path = f"{prefix}{key}"
        sub = _resolved(root, sub)
        if not isinstance(sub, dict):
            continue
        facts = {a: _shown(sub[a]) for a in FIELD_ASPECTS if a in sub and a != "required"}
        facts["required"] = "true" if key in required else "false"
        if choices := _choices(sub):
            facts["enum"] = choices
        found[path] = facts
        _collect(root, sub, f"{path}.", found, depth + 1)
        items = _resolved(root, sub.get("items"))
        if isinstance(items, dict):
            _collect(root, items, f"{path}[].", found, depth + 1)


def _choices(schema: Mapping[str, Any]) -> str | None:
    """The values a field offers as ``oneOf``/``anyOf`` constants, by their titles."""
    for keyword in ("oneOf", "anyOf"):
        options = schema.get(keyword)
        if isinstance(options, list) and all(isinstance(o, dict) and "const" in o for o in options):
            return ", ".join(str(o.get("title") or _shown(o["const"])) for o in options)
    return None


def _resolved(root: Mapping[str, Any], schema: Any) -> Any:
    """A local ``$ref`` (``#/$defs/…``) replaced by what it names, the field's own keywords
    kept over the referenced ones."""
    if not isinstance(schema, dict) or not str(schema.get("$ref", "")).startswith("#/$defs/"):
        return schema
    target = (root.get("$defs") or {}).get(str(schema["$ref"])[len("#/$defs/") :])
    if not isinstance(target, dict):
        return schema
    return {**target, **{k: v for k, v in schema.items() if k != "$ref"}}


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    return json.dumps(value, ensure_ascii=False)
