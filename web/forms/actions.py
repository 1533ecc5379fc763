"""A fresh form's starting values, and the row buttons that work without JavaScript.

Without JavaScript "Lägg till rad" and "Ta bort rad" are submit buttons named ``_form_action``
with the value ``add:<array path>`` or ``remove:<array path>.<index>``. The page parses the
post, applies the action with ``apply_action`` and shows the form again, without validating.
An action that names no array of the form, or a row that does not exist, changes nothing: it
came from the client.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from web.forms.paths import is_index, split_path
from web.forms.schema import FormReader, Schema
from web.forms.values import MISSING

MAX_NEW_ROWS = 50  # rows a fresh form opens with, whatever minItems says
MAX_ROWS = 1000  # rows "Lägg till rad" adds up to


def initial_value(reader: FormReader, schema: Schema, depth: int = 0) -> Any:
    """What a fresh form shows: defaults, and the least number of rows an array needs."""
    if "default" in schema:
        return copy.deepcopy(schema["default"])
    kind = reader.kind(schema)
    if depth > 32:
        return MISSING
    if kind == "object":
        values = {f.key: initial_value(reader, f.schema, depth + 1) for f in reader.fields(schema)}
        return {k: v for k, v in values.items() if v is not MISSING and v != {}}
    if kind in ("rows", "list"):
        least = schema.get("minItems")
        count = min(least, MAX_NEW_ROWS) if isinstance(least, int) and least > 0 else 0
        return [new_row(reader, schema, depth) for _ in range(count)] or MISSING
    return MISSING


def new_row(reader: FormReader, array: Schema, depth: int = 0) -> Any:
    """An empty row for the array: an object's defaults, or an empty answer."""
    value = initial_value(reader, reader.items(array), depth + 1)
    return "" if value is MISSING else value


def apply_action(
    schema: Mapping[str, Any], data: Mapping[str, Any], action: str, *, prefix: str = ""
) -> dict[str, Any]:
    """``data`` with the row added (``add:plan``) or removed (``remove:plan.2``)."""
    reader = FormReader(schema)
    result: dict[str, Any] = copy.deepcopy(dict(data))
    verb, _, target = action.partition(":")
    if prefix and not target.startswith(prefix + "."):
        return result
    segments = split_path(target[len(prefix) + 1 :] if prefix else target)
    if verb == "add":
        found = _array(reader, result, segments, create=True)
        if found is not None:
            rows, array = found
            limit = array.get("maxItems")
            if len(rows) < min(limit if isinstance(limit, int) else MAX_ROWS, MAX_ROWS):
                rows.append(new_row(reader, array))
                return result
    elif verb == "remove" and segments and is_index(segments[-1]):
        found = _array(reader, result, segments[:-1], create=False)
        if found is not None and int(segments[-1]) < len(found[0]):
            del found[0][int(segments[-1])]
    return copy.deepcopy(dict(data)) if verb == "add" else result  # nothing made half-way


def _array(
    reader: FormReader, data: dict[str, Any], segments: list[str], create: bool
) -> tuple[list[Any], Schema] | None:
    """The list at ``segments`` in ``data`` and its schema; made (with the objects above it)
    when ``create`` and absent; None when the path is not an array of the form."""
    schema = reader.resolve(reader.root)
    holder: Any = data
    for segment in segments:
        kind = reader.kind(schema)
        if kind == "object" and isinstance(holder, dict):
            field = next((f for f in reader.fields(schema) if f.key == segment), None)
            if field is None:
                return None
            if segment not in holder and create:
                holder[segment] = [] if field.kind in ("rows", "list") else {}
            holder, schema = holder.get(segment, MISSING), field.schema
        elif kind in ("rows", "list") and isinstance(holder, list) and is_index(segment):
            if int(segment) >= len(holder):
                return None
            holder, schema = holder[int(segment)], reader.items(schema)
        else:
            return None
    if isinstance(holder, list) and reader.kind(schema) in ("rows", "list"):
        return holder, schema
    return None
