"""User-task forms: JSON Schema files, checked at deploy, applied when a task is completed.

Sif supports a subset of JSON Schema draft 2020-12 (the keywords a form needs); anything else is
refused at deploy so that a form never silently means less than its author thought.
Error messages are Swedish, one per field path.

Every regular expression a form runs (``pattern``, and ``"format": "regex"`` values) runs on RE2,
whose time is linear in the input: Python's backtracking ``re`` would let one submission hold a
worker for minutes. Patterns RE2 cannot run (backreferences, lookaround) are refused at deploy.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, cast
from urllib.parse import unquote

import re2
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError, ValidationError
from jsonschema.validators import extend

from engine.errors import FieldError

SUPPORTED_KEYWORDS = frozenset(
    {
        "$schema", "$id", "$comment", "$defs", "$ref", "title", "description", "type",
        "properties", "required", "additionalProperties", "items", "enum", "const", "oneOf",
        "anyOf", "allOf", "if", "then", "else", "dependentRequired", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength",
        "pattern", "format", "default", "minItems", "maxItems", "uniqueItems", "readOnly",
        "examples",
    }
)  # fmt: skip
_SCHEMA_MAPS = ("properties", "$defs")
_SCHEMA_LISTS = ("oneOf", "anyOf", "allOf")
_SCHEMA_VALUES = ("items", "if", "then", "else", "additionalProperties")

_TYPE_NAMES = {
    "string": "text",
    "integer": "ett heltal",
    "number": "ett tal",
    "boolean": "ja eller nej",
    "array": "en lista",
    "object": "ett objekt",
    "null": "tomt",
}


def _re2_options(max_mem: int) -> Any:
    options = re2.Options()
    options.max_mem = max_mem  # RE2 caches the last 128 compiled patterns, each within this
    options.log_errors = False  # a refused pattern is the author's to hear about, not the log's
    return options


_AUTHORED = _re2_options(8 << 20)  # a form's own patterns; a name class {1,200} needs 4 MiB
_SUBMITTED = _re2_options(1 << 20)  # a regex typed into a "format": "regex" field
_UNRUNNABLE = (re2.error, UnicodeEncodeError)  # lone surrogates cannot be UTF-8 for RE2


def check_form_schema(schema: object) -> list[str]:
    """Return what is wrong with a form schema (Swedish sentences); empty if it is usable.

    The answer is kept per content (the metaschema check costs tens of milliseconds a form, and
    the modeller validates the same forms again at every press of its button)."""
    if not isinstance(schema, dict):
        return ["Formuläret måste vara ett JSON-objekt."]
    try:
        text = json.dumps(schema, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return _schema_problems(schema)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    found = _CHECKED.get(digest)
    if found is None:
        if len(_CHECKED) >= _CHECKED_MAX:
            _CHECKED.clear()
        found = _CHECKED[digest] = tuple(_schema_problems(schema))
    return list(found)


_CHECKED: dict[str, tuple[str, ...]] = {}  # schema content's sha256 → its problems
_CHECKED_MAX = 512


def _schema_problems(schema: dict[str, Any]) -> list[str]:
    # Sif's own checks go first: they name the field in Swedish, where the metaschema would say
    # "is not a 'regex'".
    problems = list(_unsupported(schema)) or _metaschema_problems(schema)
    if schema.get("type") != "object":
        problems.append('Formulärets rot måste ha "type": "object".')
    return problems


def _metaschema_problems(schema: Mapping[str, Any]) -> list[str]:
    try:
        Draft202012Validator.check_schema(schema, format_checker=_SCHEMA_FORMATS)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "roten"
        return [f"Ogiltigt JSON Schema vid {where}: {exc.message}"]
    return []


def _unsupported(schema: Mapping[str, Any]) -> Iterator[str]:
    places = dict(_subschemas(schema, "#"))
    for where, node in places.items():
        for key, value in node.items():
            if key.startswith("x-"):
                continue
            if key not in SUPPORTED_KEYWORDS:
                yield f"Nyckelordet {key!r} stöds inte i formulär ({where})."
            elif key == "$ref" and not str(value).startswith("#"):
                yield f"Bara interna referenser ($ref som börjar med #) är tillåtna ({where})."
            elif key == "$ref" and unquote(str(value)) not in places:
                # Elsewhere (an x- annotation, an example) nothing here has checked the keywords.
                yield f"Referensen {value} pekar inte på ett av formulärets scheman ({where})."
            elif key == "$id" and where != "#":
                yield f"$id är bara tillåtet i formulärets rot ({where})."
            elif key == "pattern" and isinstance(value, str) and (why := _unrunnable(value)):
                yield f"Mönstret för fältet {where} går inte att använda: {why}."


def _subschemas(node: Mapping[str, Any], where: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every schema in a form by its JSON pointer: what Sif checks, and all a $ref may name."""
    yield where, node
    for key, value in node.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            for name, sub in value.items():
                if isinstance(sub, dict):
                    escaped = name.replace("~", "~0").replace("/", "~1")
                    yield from _subschemas(sub, f"{where}/{key}/{escaped}")
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            for index, sub in enumerate(value):
                if isinstance(sub, dict):
                    yield from _subschemas(sub, f"{where}/{key}/{index}")
        elif key in _SCHEMA_VALUES and isinstance(value, dict):
            yield from _subschemas(value, f"{where}/{key}")


def _unrunnable(pattern: str) -> str | None:
    """Why RE2 cannot run ``pattern`` (its reason and a Swedish hint), or None if it can."""
    try:
        re2.compile(pattern, _AUTHORED)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else b""
        text = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
        if "too large" in text:
            return f"{text} (mönstret blir för stort; begränsa längden med maxLength i stället)"
        return f"{text} (mönstret ska följa RE2: bakåtreferenser och lookaround stöds inte)"
    except UnicodeEncodeError:
        return "mönstret innehåller ett tecken som inte är giltig Unicode"
    return None


def _pattern(validator: Any, pattern: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    """JSON Schema's ``pattern`` (search semantics) on RE2, in time linear in the value."""
    if isinstance(instance, str) and not _found(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _unique_items(
    validator: Any, unique: Any, instance: Any, schema: Any
) -> Iterator[ValidationError]:
    """JSON Schema's ``uniqueItems`` with a set of canonical forms: linear in the list, where
    jsonschema compares every pair of objects (quadratic: 18 s for 4 000 rows)."""
    if not unique or not isinstance(instance, list):
        return
    seen: set[object] = set()
    try:
        for item in instance:
            key = _canonical(item)
            if key in seen:
                yield ValidationError(f"{instance!r} has non-unique elements")
                return
            seen.add(key)
    except RecursionError:
        yield ValidationError("nested too deep to compare")


def _canonical(value: object) -> object:
    """A hashable form equal for values JSON Schema calls equal: 1 and 1.0 alike, objects
    regardless of key order, true distinct from 1."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return (type(value).__name__, value)
    if isinstance(value, int | float):
        number = int(value) if isinstance(value, float) and value.is_integer() else value
        return ("number", number)
    if isinstance(value, list):
        return ("array", tuple(_canonical(item) for item in value))
    if isinstance(value, dict):
        return ("object", frozenset((str(k), _canonical(v)) for k, v in value.items()))
    return ("other", repr(value))


def _found(pattern: object, text: str) -> bool:
    try:
        return isinstance(pattern, str) and re2.compile(pattern, _AUTHORED).search(text) is not None
    except _UNRUNNABLE:  # deploy refuses these; a form deployed before that fails closed
        return False


def _formats(options: Any) -> FormatChecker:
    """Draft 2020-12's format checks, with "regex" meaning a regex RE2 can run."""
    checker = FormatChecker(formats=())
    checker.checkers.update(Draft202012Validator.FORMAT_CHECKER.checkers)

    def is_regex(instance: object) -> bool:
        return not isinstance(instance, str) or bool(re2.compile(instance, options))

    checker.checks("regex", raises=_UNRUNNABLE)(is_regex)
    return checker


_SCHEMA_FORMATS = _formats(_AUTHORED)
_DATA_FORMATS = _formats(_SUBMITTED)
# extend() (untyped) makes a sibling class, not a subclass, with Draft202012Validator's interface.
_FormValidator = cast(
    "type[Draft202012Validator]",
    extend(  # type: ignore[no-untyped-call]
        Draft202012Validator,
        {"pattern": _pattern, "uniqueItems": _unique_items},
        format_checker=_DATA_FORMATS,
    ),
)


def form_validator(schema: Mapping[str, Any]) -> Draft202012Validator:
    """A validator for one form. Building one is costly: callers keep it (forms never change)."""
    return _FormValidator(schema, format_checker=_DATA_FORMATS)


def validate_form_data(schema: Mapping[str, Any], data: object) -> list[FieldError]:
    """Validate submitted data against a form; one Swedish error per offending field path."""
    return form_errors(form_validator(schema), data)


def form_errors(validator: Draft202012Validator, data: object) -> list[FieldError]:
    """``validate_form_data`` with a validator the caller keeps."""
    errors: list[FieldError] = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path))):
        # jsonschema reports one "required" error per missing field, each naming them all.
        errors.extend(e for e in _field_errors(error) if e not in errors)
    return errors


def _field_errors(error: ValidationError) -> list[FieldError]:
    path = ".".join(str(p) for p in error.absolute_path)
    kind = error.validator
    expected: Any = error.validator_value
    schema: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    if kind == "required" and isinstance(error.instance, dict):
        return [
            FieldError(_join(path, name), "Fältet är obligatoriskt.")
            for name in expected
            if name not in error.instance
        ]
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        known = set(schema.get("properties", {}))
        return [
            FieldError(_join(path, name), "Fältet finns inte i formuläret.")
            for name in error.instance
            if name not in known
        ]
    return [FieldError(path, _message(kind, expected, schema))]


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _message(kind: object, expected: Any, schema: Mapping[str, Any]) -> str:
    if kind == "type":
        names = expected if isinstance(expected, list) else [expected]
        return "Ska vara " + " eller ".join(_TYPE_NAMES.get(str(n), str(n)) for n in names) + "."
    if kind in ("enum", "oneOf", "anyOf", "const"):
        return "Ogiltigt val." + _allowed(schema)
    messages = {
        "minimum": f"Ska vara minst {expected}.",
        "maximum": f"Får vara högst {expected}.",
        "exclusiveMinimum": f"Ska vara större än {expected}.",
        "exclusiveMaximum": f"Ska vara mindre än {expected}.",
        "minLength": f"Ska ha minst {expected} tecken.",
        "maxLength": f"Får ha högst {expected} tecken.",
        "minItems": f"Ska ha minst {expected} rader.",
        "maxItems": f"Får ha högst {expected} rader.",
        "uniqueItems": "Raderna får inte upprepas.",
        "multipleOf": f"Ska vara en multipel av {expected}.",
        "pattern": "Har fel format.",
        "format": "Ska vara ett datum (ÅÅÅÅ-MM-DD)." if expected == "date" else "Har fel format.",
    }
    return messages.get(str(kind), "Ogiltigt värde.")


def _allowed(schema: Mapping[str, Any]) -> str:
    if "enum" in schema:
        values = [str(v) for v in schema["enum"]]
    elif "oneOf" in schema:
        values = [str(o.get("title", o.get("const"))) for o in schema["oneOf"] if "const" in o]
    else:
        return ""
    return " Tillåtna värden: " + ", ".join(values) + "." if values else ""


def form_labels(schema: Mapping[str, Any]) -> dict[str, str]:
    """Swedish field titles by property key, for messages and audit views."""
    props = schema.get("properties", {})
    return {key: str(sub.get("title", key)) for key, sub in props.items() if isinstance(sub, dict)}


def all_labels(schemas: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Field titles by key from every level of several forms (the first title a key has wins),
    for showing a case's data: ``{"title": "Rubrik", "general": "Allmänt", ...}``."""
    labels: dict[str, str] = {}
    stack: list[Any] = list(schemas)
    while stack:
        node = stack.pop(0)
        if not isinstance(node, Mapping):
            continue
        for key, sub in (node.get("properties") or {}).items():
            if isinstance(sub, Mapping):
                if isinstance(sub.get("title"), str):
                    labels.setdefault(key, sub["title"])
                stack.append(sub)
        for child in ("items", "then", "else", "if"):
            stack.append(node.get(child))
        for group in ("allOf", "oneOf", "anyOf"):
            stack.extend(node.get(group) or [])
        stack.extend((node.get("$defs") or {}).values())
    return labels


def read_only_fields(schema: Mapping[str, Any] | None) -> frozenset[str]:
    """The form's read-only fields: facts it shows from the case (e.g. figures a service
    gathered), never answers — a value posted for one is neither checked nor kept."""
    fields = (schema or {}).get("properties") or {}
    return frozenset(
        key for key, spec in fields.items()
        if isinstance(spec, Mapping) and spec.get("readOnly") is True
    )  # fmt: skip
