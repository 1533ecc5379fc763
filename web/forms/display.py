"""Answers for reading: an earlier step's data with its form's Swedish labels.

Objects are definition lists, rows of a few plain columns a table, other rows a numbered list,
choices their titles, booleans Ja/Nej, money ``1 500 tkr``, dates ``26 nov. 2026``. Keys the
schema does not describe come last, labelled with their key, so nothing stored is hidden.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from web.forms.html import element, join
from web.forms.schema import Field, FormReader, Schema, choice_title, fits_a_table, unit
from web.forms.values import money, swedish_date, swedish_number

EMPTY = "–"
_MAX_DEPTH = 24  # data nested deeper than any form is shown as "…"


def render_readonly(schema: Mapping[str, Any], data: Mapping[str, Any] | None) -> Markup:
    """The answers ``data`` gave to the form ``schema``, for reading (no form controls)."""
    reader = FormReader(schema)
    return answers(reader, reader.resolve(schema), data or {})


def answers(reader: FormReader, schema: Schema, data: Mapping[str, Any], depth: int = 0) -> Markup:
    """A definition list of the answered fields, in schema order, then unknown keys."""
    fields = reader.fields(schema)
    known = {f.key for f in fields}
    items = [
        _answer(f.title, show(reader, f.schema, data[f.key], depth))
        for f in fields
        if f.key in data
    ]
    items += [_answer(str(k), show_any(v, depth)) for k, v in data.items() if k not in known]
    return element("dl", {"class": "sif-answers"}, join(items)) if items else Markup("")


def _answer(label: str, value: Markup) -> Markup:
    return element(
        "div", {"class": "sif-answer"}, element("dt", None, label), element("dd", None, value)
    )


def show(reader: FormReader, schema: Schema, value: object, depth: int = 0) -> Markup:
    """One value as its field's schema says it reads."""
    if depth > _MAX_DEPTH:
        return Markup("…")
    kind = reader.kind(schema)
    if kind == "object" and isinstance(value, Mapping):
        return answers(reader, schema, value, depth + 1)
    if kind == "rows" and isinstance(value, list):
        return _rows(reader, reader.items(schema), value, depth + 1)
    if kind in ("list", "multi") and isinstance(value, list):
        items = reader.items(schema)
        return _bullets([show(reader, items, v, depth + 1) for v in value])
    return Markup.escape(text(reader, schema, value))


def text(reader: FormReader, schema: Schema, value: object) -> str:
    """A scalar answer as words: a choice's title, Ja/Nej, money, a Swedish date or number."""
    kind = reader.kind(schema)
    if kind == "choice":
        titles = [
            c.title
            for c in reader.choices(schema)
            if c.value == value and type(c.value) is type(value)
        ]
        return titles[0] if titles else _plain(value)
    if kind == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        suffix = unit(schema)
        return money(value, suffix) if suffix else swedish_number(value)
    if kind == "date" and isinstance(value, str):
        return swedish_date(value)
    return _plain(value)


def _plain(value: object) -> str:
    if value is None:
        return EMPTY
    if isinstance(value, bool | str):
        return choice_title(value)
    if isinstance(value, int | float):
        return swedish_number(value)
    return choice_title(value)


def show_any(value: object, depth: int = 0) -> Markup:
    """A value no schema describes: nested objects and lists as lists, scalars as words."""
    if depth > _MAX_DEPTH:
        return Markup("…")
    if isinstance(value, Mapping):
        items = [_answer(str(k), show_any(v, depth + 1)) for k, v in value.items()]
        return element("dl", {"class": "sif-answers"}, join(items)) if items else escape(EMPTY)
    if isinstance(value, list):
        return _bullets([show_any(v, depth + 1) for v in value])
    return Markup.escape(_plain(value))


def _bullets(items: Sequence[Markup]) -> Markup:
    if not items:
        return escape(EMPTY)
    return element("ul", {"class": "sif-answer-list"}, join(element("li", None, i) for i in items))


def _rows(reader: FormReader, items: Schema, rows: list[Any], depth: int) -> Markup:
    fields = reader.fields(items)
    if not rows:
        return escape(EMPTY)
    if not fits_a_table(fields) or not all(isinstance(r, Mapping) for r in rows):
        numbered = [show(reader, items, row, depth) for row in rows]
        return element(
            "ol", {"class": "sif-answer-rows"}, join(element("li", None, n) for n in numbered)
        )
    used = [f for f in fields if any(f.key in row for row in rows)]
    extra = list(dict.fromkeys(k for row in rows for k in row if k not in {f.key for f in fields}))
    head = [element("th", {"scope": "col"}, f.title) for f in used] + [
        element("th", {"scope": "col"}, k) for k in extra
    ]
    body = [_table_row(reader, used, extra, row, depth) for row in rows]
    return element(
        "table",
        {"class": "sif-answer-table"},
        element("thead", None, element("tr", None, join(head))),
        element("tbody", None, join(body)),
    )


def _table_row(
    reader: FormReader, used: list[Field], extra: list[str], row: Mapping[str, Any], depth: int
) -> Markup:
    cells = [
        element("td", None, show(reader, f.schema, row[f.key], depth) if f.key in row else "")
        for f in used
    ]
    cells += [element("td", None, show_any(row[k], depth) if k in row else "") for k in extra]
    return element("tr", None, join(cells))
