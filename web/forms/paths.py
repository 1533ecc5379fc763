"""How a field is named in HTML: one dotted path gives the input's ``name`` and its ``id``.

The path is the one ``engine.errors.FieldError.path`` uses (``plan.0.amount``), so an error
finds its field by name. The id is ``field-`` and the path's segments joined by ``-``
(``field-plan-0-amount``); a character outside ``[A-Za-z0-9_]`` in a key becomes ``_xx_`` (its
code in hex) so that ids stay valid fragment identifiers and a ``-`` only ever separates segments.
Ids that belong to a field but are not its control add a suffix after ``--`` (``--hint``,
``--error``, ``--2`` for the third radio button), which no path can produce.

A row inside a ``<template>`` has the index token of its array depth instead of a number
(``plan.__i0__.amount``); the script replaces ``__i0__`` with the new row's index and ``__n0__``
with its number as people count (index + 1).
"""

from __future__ import annotations

import re

ACTION_FIELD = "_form_action"
_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def join_path(parent: str, key: str | int) -> str:
    return f"{parent}.{key}" if parent else str(key)


def split_path(path: str) -> list[str]:
    return path.split(".") if path else []


def field_id(path: str, suffix: str = "") -> str:
    """``plan.0.amount`` → ``field-plan-0-amount``; with a suffix ``field-plan-0-amount--hint``."""
    slug = "-".join(_UNSAFE.sub(_escaped, segment) for segment in split_path(path))
    return f"field-{slug}--{suffix}" if suffix else f"field-{slug}"


def _escaped(match: re.Match[str]) -> str:
    return f"_{ord(match.group()):x}_"


def index_token(depth: int) -> str:
    """The placeholder for a row index in a template of array nesting ``depth``."""
    return f"__i{depth}__"


def number_token(depth: int) -> str:
    """The placeholder for a row number (index + 1) in a template of array nesting ``depth``."""
    return f"__n{depth}__"


def is_index(segment: str) -> bool:
    """A path segment that numbers a row: digits only, at most 9 (a row index, not a number)."""
    return segment.isascii() and segment.isdigit() and len(segment) <= 9
