"""What a browser posts, turned back into the JSON a form's schema describes, and back again.

A form posts strings under dotted names (``plan.0.amount``). ``parse_submission`` walks the
schema and reads each field's strings as its type: numbers as Swedish people write them,
``true``/``false`` for yes/no, a choice as its ``const`` (typed), rows in index order with gaps
closed. An empty answer is left out, so that ``required`` reports it; an answer that does not
read as its type is kept as the string it was, so that the form reports it in Swedish and the
page shows it again. ``posted_values`` is the inverse: the name/value pairs a value is posted as.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from werkzeug.datastructures import MultiDict

from web.forms.paths import is_index, join_path
from web.forms.schema import FormReader, Kind, Schema, encode
from web.forms.values import MISSING, Missing, input_number, parse_number

ROWS = ("rows", "list")


def parse_submission(
    schema: Mapping[str, Any], form: MultiDict[str, str], *, prefix: str = ""
) -> dict[str, Any]:
    """The JSON a posted form stands for (``form`` is ``request.form``); other posted names
    (the CSRF token, ``_form_action``) are ignored."""
    reader = FormReader(schema)
    parsed = _Post(reader, form).object(reader.resolve(schema), prefix, required=True)
    return parsed if isinstance(parsed, dict) else {}


class _Post:
    def __init__(self, reader: FormReader, form: MultiDict[str, str]) -> None:
        self.reader = reader
        self.form = form
        self.rows: dict[str, set[int]] = {}  # array path → the row indices posted under it
        for name in form:
            parent = ""
            for segment in name.split("."):
                if is_index(segment):
                    self.rows.setdefault(parent, set()).add(int(segment))
                parent = join_path(parent, segment)

    def value(self, kind: Kind, schema: Schema, path: str, required: bool) -> Any:
        if kind == "object":
            return self.object(schema, path, required)
        if kind in ROWS:
            return self.array(kind, schema, path)
        if kind == "multi":
            options = self.reader.choices(self.reader.items(schema))
            chosen = [_choice(options, v) for v in self.form.getlist(path) if v != ""]
            return chosen or MISSING
        return self.scalar(kind, schema, self.form.getlist(path))

    def object(self, schema: Schema, path: str, required: bool) -> dict[str, Any] | Missing:
        result: dict[str, Any] = {}
        for field in self.reader.fields(schema):
            value = self.value(field.kind, field.schema, join_path(path, field.key), field.required)
            if value is not MISSING:
                result[field.key] = value
        return result if result or required else MISSING

    def array(self, kind: Kind, schema: Schema, path: str) -> list[Any] | Missing:
        items = self.reader.items(schema)
        item_kind = self.reader.kind(items)
        rows = []
        for index in sorted(self.rows.get(path, ())):
            row = self.value(item_kind, items, join_path(path, index), required=True)
            rows.append("" if row is MISSING else row)  # an empty row stays, as the page shows it
        return rows or MISSING

    def scalar(self, kind: Kind, schema: Schema, posted: list[str]) -> Any:
        if kind == "boolean":
            if "true" in posted:
                return True
            if "false" in posted:
                return False
        text = posted[-1] if posted else ""
        if kind == "choice":
            return _choice(self.reader.choices(schema), text) if text != "" else MISSING
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
        if text == "":
            return MISSING
        if kind == "number":
            number = parse_number(text, integer=schema.get("type") == "integer")
            return text if number is None else number
        return text


def _choice(options: list[Any], posted: str) -> Any:
    """The ``const`` a posted choice stands for, typed; the posted string if none matches."""
    for option in options:
        if option.encoded == posted:
            return option.value
    return posted


def posted_values(
    reader: FormReader, schema: Schema, value: Any, path: str
) -> list[tuple[str, str]]:
    """The (name, value) pairs that ``parse_submission`` reads back as ``value``."""
    kind = reader.kind(schema)
    if value is MISSING:
        return []
    if kind == "object" and isinstance(value, Mapping):
        pairs: list[tuple[str, str]] = []
        for field in reader.fields(schema):
            if field.key in value:
                pairs += posted_values(
                    reader, field.schema, value[field.key], join_path(path, field.key)
                )
        return pairs
    if kind in ROWS and isinstance(value, list):
        items = reader.items(schema)
        pairs = []
        for index, row in enumerate(value):
            row_path = join_path(path, index)
            pairs += [(row_path, "")] if kind == "rows" else []
            pairs += posted_values(reader, items, row, row_path)
        return pairs
    if kind == "multi" and isinstance(value, list):
        return [(path, encode(v)) for v in value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [(path, input_number(value))]
    return [(path, encode(value))]
