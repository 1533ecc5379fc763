"""Reading a form's JSON Schema as fields: what each property is, how it is shown, when it counts.

``FormReader(root)`` resolves ``$ref`` (``#/$defs/...``), merges ``allOf`` branches into one
object (their properties and ``required``), and turns ``if``/``then``/``else`` into
``Condition``s: a field that a branch requires, and that the object does not require anyway, is
shown only when the branch applies — when the ``if`` is one simple test on a sibling (its
``const``, its ``enum``, its ``minimum``, or that it is filled in). Every condition also gives
the field a Swedish sentence saying when it is required.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import unquote

from web.forms.values import swedish_number

Kind = Literal[
    "object", "rows", "list", "multi", "choice", "boolean", "number", "date", "textarea", "text"
]
Schema = Mapping[str, Any]
_LONG_TEXT = 200  # maxLength above which a text is a textarea
_TABLE_COLUMNS = 6
SCALAR_KINDS = frozenset({"choice", "boolean", "number", "date", "textarea", "text"})
_MAX_REF_HOPS = 32


@dataclass(frozen=True)
class Choice:
    """One allowed value: the JSON value, its Swedish title, and how a form control posts it."""

    value: object
    title: str
    encoded: str


@dataclass(frozen=True)
class Condition:
    """When a field is shown: a sibling ``controller``'s answer is one of ``values`` (encoded),
    at least ``minimum``, or (neither given) filled in; ``negate`` for an ``else`` branch."""

    controller: str
    values: tuple[str, ...] | None
    minimum: int | float | None
    negate: bool


@dataclass(frozen=True)
class Field:
    """One property of an object schema, resolved and classified."""

    key: str
    schema: Schema
    kind: Kind
    title: str
    description: str | None
    required: bool
    condition: Condition | None
    notes: tuple[str, ...]  # Swedish: when the field becomes required


def fits_a_table(fields: Sequence[Field]) -> bool:
    """Rows of these fields read well as a table: a few columns, none of them nested."""
    return len(fields) <= _TABLE_COLUMNS and all(f.kind in SCALAR_KINDS for f in fields)


def encode(value: object) -> str:
    """How a JSON scalar travels as a form value: strings as they are, ``true``, ``false``,
    ``null``, numbers in JSON notation."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def type_of(schema: Schema) -> str | None:
    declared = schema.get("type")
    if isinstance(declared, list):
        declared = next((t for t in declared if t != "null"), None)
    if isinstance(declared, str):
        return declared
    if "properties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return None


def unit(schema: Schema) -> str | None:
    """The unit shown after a number: ``x-unit``, or ``tkr`` when the title ends in "(tkr)"."""
    declared = schema.get("x-unit")
    if isinstance(declared, str) and declared:
        return declared
    title = schema.get("title")
    return "tkr" if isinstance(title, str) and title.rstrip().endswith("(tkr)") else None


def title_of(schema: Schema, key: str) -> str:
    title = schema.get("title")
    return title if isinstance(title, str) and title.strip() else key


def choice_title(value: object) -> str:
    """How a value with no title of its own reads: Ja/Nej for booleans, the value otherwise."""
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    return value if isinstance(value, str) else encode(value)


class FormReader:
    """A form's schema, read field by field; keep one per rendering or parsing."""

    def __init__(self, root: Schema) -> None:
        self.root = root
        self._fields: dict[int, tuple[Schema, list[Field]]] = {}

    def resolve(self, node: object) -> Schema:
        """The schema with its ``$ref`` followed (siblings of ``$ref`` kept); {} if not a schema."""
        if not isinstance(node, Mapping):
            return {}
        for _ in range(_MAX_REF_HOPS):
            ref = node.get("$ref")
            if not isinstance(ref, str):
                return node
            target = self._pointer(ref)
            node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return {k: v for k, v in node.items() if k != "$ref"}

    def _pointer(self, ref: str) -> Schema:
        if not ref.startswith("#"):
            return {}
        node: object = self.root
        for part in ref[1:].split("/")[1:]:
            name = unquote(part).replace("~1", "/").replace("~0", "~")
            node = node.get(name) if isinstance(node, Mapping) else None
        return node if isinstance(node, Mapping) else {}

    def items(self, schema: Schema) -> Schema:
        return self.resolve(schema.get("items"))

    def choices(self, schema: Schema) -> list[Choice]:
        """The allowed values of a choice field (``oneOf``/``anyOf`` of ``const``, ``enum``)."""
        for keyword in ("oneOf", "anyOf"):
            options = schema.get(keyword)
            if isinstance(options, list) and options:
                resolved = [self.resolve(o) for o in options]
                if all("const" in o for o in resolved):
                    return [_choice(o["const"], o.get("title")) for o in resolved]
                return []
        if isinstance(schema.get("enum"), list):
            return [_choice(v, None) for v in schema["enum"]]
        if "const" in schema:
            return [_choice(schema["const"], None)]
        return []

    def kind(self, schema: Schema) -> Kind:
        if self.choices(schema):
            return "choice"
        declared = type_of(schema)
        if declared == "object":
            return "object"
        if declared == "array":
            items = self.items(schema)
            if self.choices(items):
                return "multi"
            return "rows" if self.kind(items) == "object" else "list"
        if declared == "boolean":
            return "boolean"
        if declared in ("integer", "number"):
            return "number"
        if schema.get("format") == "date":
            return "date"
        long = isinstance(schema.get("maxLength"), int) and schema["maxLength"] > _LONG_TEXT
        return "textarea" if long or schema.get("x-widget") == "textarea" else "text"

    def fields(self, schema: Schema) -> list[Field]:
        """The object's fields in schema order, ``allOf`` branches merged in."""
        cached = self._fields.get(id(schema))
        if cached is not None and cached[0] is schema:
            return cached[1]
        merged = _Merged()
        merged.absorb(self, self.resolve(schema))
        fields = merged.fields(self)
        self._fields[id(schema)] = (schema, fields)
        return fields


def _choice(value: object, title: object) -> Choice:
    text = title if isinstance(title, str) and title.strip() else choice_title(value)
    return Choice(value, text, encode(value))


class _Merged:
    """An object schema with its ``allOf`` branches folded in."""

    def __init__(self) -> None:
        self.properties: dict[str, dict[str, Any]] = {}
        self.required: set[str] = set()
        self.rules: list[tuple[Schema, Schema | None, Schema | None]] = []

    def absorb(self, reader: FormReader, schema: Schema, depth: int = 0) -> None:
        if depth > _MAX_REF_HOPS:
            return
        self._add_properties(reader, schema)
        self.required.update(_names(schema.get("required")))
        for branch in schema.get("allOf", ()) if isinstance(schema.get("allOf"), list) else ():
            self.absorb(reader, reader.resolve(branch), depth + 1)
        if "if" in schema:
            then, otherwise = (reader.resolve(schema.get(k)) or None for k in ("then", "else"))
            self.rules.append((reader.resolve(schema["if"]), then, otherwise))

    def _add_properties(self, reader: FormReader, schema: Schema, new_only: bool = False) -> None:
        """Merge ``schema``'s properties in; a conditional branch only adds fields, it does not
        lend its constraints (``minItems`` …) to fields that exist without it."""
        properties = schema.get("properties")
        for key, sub in properties.items() if isinstance(properties, Mapping) else ():
            if new_only and key in self.properties:
                continue
            known = self.properties.setdefault(str(key), {})
            for keyword, value in reader.resolve(sub).items():
                known.setdefault(keyword, value)  # the first definition keeps its title, type …

    def fields(self, reader: FormReader) -> list[Field]:
        targets: dict[str, list[tuple[Condition | None, str | None]]] = {}
        for test, then, otherwise in self.rules:
            for branch, negate in ((then, False), (otherwise, True)):
                if branch is None:
                    continue
                self._add_properties(reader, branch, new_only=True)
                condition = self._condition(reader, test, negate)
                note = self._note(reader, condition)
                for key in _names(branch.get("required")):
                    if key not in self.required:
                        targets.setdefault(key, []).append((condition, note))
        return [
            self._field(reader, key, sub, targets.get(key, []))
            for key, sub in self.properties.items()
        ]

    def _field(
        self,
        reader: FormReader,
        key: str,
        schema: Schema,
        rules: Sequence[tuple[Condition | None, str | None]],
    ) -> Field:
        description = schema.get("description")
        only = rules[0][0] if len(rules) == 1 else None
        return Field(
            key=key,
            schema=schema,
            kind=reader.kind(schema),
            title=title_of(schema, key),
            description=description if isinstance(description, str) and description else None,
            required=key in self.required,
            condition=only if only is not None and only.controller != key else None,
            notes=tuple(note for _, note in rules if note),
        )

    def _condition(self, reader: FormReader, test: Schema, negate: bool) -> Condition | None:
        """The ``if`` as one test on a sibling, or None when it is anything more."""
        properties = test.get("properties", {})
        required = _names(test.get("required"))
        if set(test) - {"properties", "required", "title", "description", "$comment"}:
            return None
        if not isinstance(properties, Mapping) or len(properties) > 1:
            return None
        if not properties:
            if len(required) == 1 and required[0] in self.properties:
                return Condition(required[0], None, None, negate)
            return None
        key, sub = next(iter(properties.items()))
        sub = reader.resolve(sub)
        if required != [key] or key not in self.properties:
            return None  # without "required" an absent answer passes the test: not simple
        if set(sub) == {"const"}:
            return Condition(key, (encode(sub["const"]),), None, negate)
        if set(sub) == {"enum"} and isinstance(sub["enum"], list):
            return Condition(key, tuple(encode(v) for v in sub["enum"]), None, negate)
        if set(sub) == {"minimum"} and isinstance(sub["minimum"], int | float):
            return Condition(key, None, sub["minimum"], negate)
        return None

    def _note(self, reader: FormReader, condition: Condition | None) -> str | None:
        if condition is None:
            return None
        controller = self.properties[condition.controller]
        name = title_of(controller, condition.controller)
        negation = " inte" if condition.negate else ""
        if condition.values is not None:
            titles = {c.encoded: c.title for c in reader.choices(controller)}
            if type_of(controller) == "boolean":
                titles = {"true": "Ja", "false": "Nej"}
            said = " eller ".join(f"”{titles.get(v, v)}”" for v in condition.values)
            return f"Obligatoriskt när ”{name}”{negation} är {said}."
        if condition.minimum is not None:
            least = swedish_number(condition.minimum)
            return f"Obligatoriskt när ”{name}”{negation} är minst {least}."
        return f"Obligatoriskt när fältet ”{name}”{negation} är ifyllt."


def _names(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []
