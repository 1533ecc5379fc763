"""User-task forms: JSON Schema files, checked at deploy, applied when a task is completed.

Sif supports a subset of JSON Schema draft 2020-12 (the keywords a form needs); anything else is
refused at deploy so that a form never silently means less than its author thought.
Error messages are Swedish, one per field path.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError

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


def check_form_schema(schema: object) -> list[str]:
    """Return what is wrong with a form schema (Swedish sentences); empty if it is usable."""
    if not isinstance(schema, dict):
        return ["Formuläret måste vara ett JSON-objekt."]
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "roten"
        return [f"Ogiltigt JSON Schema vid {where}: {exc.message}"]
    problems = list(_unsupported(schema, "#"))
    if schema.get("type") != "object":
        problems.append('Formulärets rot måste ha "type": "object".')
    return problems


def _unsupported(node: Mapping[str, Any], where: str) -> Iterator[str]:
    for key, value in node.items():
        if key.startswith("x-"):
            continue
        if key not in SUPPORTED_KEYWORDS:
            yield f"Nyckelordet {key!r} stöds inte i formulär ({where})."
        elif key == "$ref" and not str(value).startswith("#"):
            yield f"Bara interna referenser ($ref som börjar med #) är tillåtna ({where})."
        elif key in _SCHEMA_MAPS and isinstance(value, dict):
            for name, sub in value.items():
                if isinstance(sub, dict):
                    yield from _unsupported(sub, f"{where}/{key}/{name}")
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            for index, sub in enumerate(value):
                if isinstance(sub, dict):
                    yield from _unsupported(sub, f"{where}/{key}/{index}")
        elif key in _SCHEMA_VALUES and isinstance(value, dict):
            yield from _unsupported(value, f"{where}/{key}")


def form_validator(schema: Mapping[str, Any]) -> Draft202012Validator:
    """A validator for one form. Building one is costly: callers keep it (forms never change)."""
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


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
