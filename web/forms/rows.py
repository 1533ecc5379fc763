"""Arrays: rows of objects (a table, or one fieldset per row when rows are wide or nested) and
lists of single answers, each with "Lägg till rad" / "Ta bort rad".

The buttons are submit buttons (``_form_action``) that work without JavaScript; with it,
``forms.js`` adds a row by cloning the ``<template>`` (whose names carry the index token) and
removes a row in place. The container says what the script needs::

    <fieldset data-rows="plan" data-next-index="3" data-index-token="__i0__"
              data-number-token="__n0__" data-max-items="9">
      … <tbody data-rows-body> <tr data-row> … <span data-row-number>1</span> …
      <template data-row-template> one empty row </template>
      <button name="_form_action" value="add:plan" data-form-action="add">
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from markupsafe import Markup

from web.forms.actions import new_row
from web.forms.fields import (
    Page,
    Slot,
    child,
    chrome,
    error,
    hint_text,
    label_text,
    required_mark,
    wrapper,
)
from web.forms.html import AttrDict, element, join, void
from web.forms.paths import ACTION_FIELD, index_token, join_path, number_token
from web.forms.schema import Field, fits_a_table, title_of

ROW_NUMBER = Markup("<span data-row-number>{}</span>")


RowMaker = Callable[[str, str, object], Markup]  # (index, number, value) → the row's HTML


def object_rows(page: Page, slot: Slot) -> Markup:
    """An array of objects: a table when its rows are a few plain columns, else one fieldset
    per row."""
    items = page.reader.items(slot.field.schema)
    fields = page.reader.fields(items)
    table = fits_a_table(fields)
    item_title = title_of(items, slot.field.title)

    def row(index: str, number: str, value: object) -> Markup:
        row_slot = Slot(slot.field, join_path(slot.path, index), value, slot.path, slot.depth + 1)
        return (_table_row if table else _card)(page, row_slot, fields, number, item_title)

    body, template = _rows(page, slot, row)
    if not table:
        html = element("div", {"class": "sif-cards", "data-rows-body": True}, join(body))
        return _container(page, slot, html, template, len(body), items.get("description"))
    in_table = element("table", None, element("tbody", None, template))  # a <tr> needs a table
    html = _table([_column_head(f) for f in fields], body)
    return _container(page, slot, html, in_table, len(body), items.get("description"))


def scalar_rows(page: Page, slot: Slot) -> Markup:
    """An array of single answers (names, codes): one input per row."""
    items = page.reader.items(slot.field.schema)
    title = title_of(items, slot.field.title)
    item = Field("", items, page.reader.kind(items), title, None, True, None, ())

    def row(index: str, number: str, value: object) -> Markup:
        path = join_path(slot.path, index)
        numbered = ROW_NUMBER.format(number)
        row_slot = Slot(item, path, value, slot.path, slot.depth + 1, row=numbered, marked=False)
        remove = _button("remove", path, _remove_text(number, slot.field.title))
        attrs: AttrDict = {"class": "sif-row sif-list-row", "data-row": True}
        return element("li", attrs, page.render(page, row_slot), remove)

    body, template = _rows(page, slot, row)
    html = element("ol", {"class": "sif-list", "data-rows-body": True}, join(body))
    return _container(page, slot, html, template, len(body), items.get("description"))


def _rows(page: Page, slot: Slot, row: RowMaker) -> tuple[list[Markup], Markup]:
    """The array's rows, and the empty row its template holds (index and number tokens)."""
    values = list(slot.value) if isinstance(slot.value, list) else []
    body = [row(str(i), str(i + 1), value) for i, value in enumerate(values)]
    empty = new_row(page.reader, slot.field.schema)
    return body, row(index_token(slot.depth), number_token(slot.depth), empty)


def _column_head(field: Field) -> Markup:
    """A column's title, and its help text once for all rows (each cell's own copy is read
    out by screen readers and shown when the table is stacked on a narrow screen)."""
    text = hint_text(field)
    hint = element("span", {"class": "sif-column-hint"}, text) if text else ""
    return element("th", {"scope": "col"}, field.title, required_mark(field), hint)


def _table(head: list[Markup], body: list[Markup]) -> Markup:
    action = element("span", {"class": "sif-visually-hidden"}, "Åtgärd")
    head = [*head, element("th", {"scope": "col"}, action)]
    table = element(
        "table",
        {"class": "sif-rows-table"},
        element("thead", None, element("tr", None, join(head))),
        element("tbody", {"data-rows-body": True}, join(body)),
    )
    return element("div", {"class": "sif-table-wrap"}, table)


def _table_row(page: Page, row: Slot, fields: list[Field], number: str, title: str) -> Markup:
    numbered = ROW_NUMBER.format(number)
    cells = [
        element(
            "td",
            {"class": "sif-cell", "data-label": f.title},
            page.render(page, child(row, f, row=numbered, cell=True)),
        )
        for f in fields
    ]
    attrs, tail = _row_parts(page, row, number, "sif-row")
    cells.append(element("td", {"class": "sif-cell sif-cell--actions"}, tail))
    return element("tr", attrs, join(cells))


def _card(page: Page, row: Slot, fields: list[Field], number: str, title: str) -> Markup:
    legend = Markup("{} {}").format(title, ROW_NUMBER.format(number))
    attrs, tail = _row_parts(page, row, number, "sif-row sif-card")
    inner = [page.render(page, child(row, f)) for f in fields]
    return element(
        "fieldset", attrs, join([element("legend", {"class": "sif-legend"}, legend), *inner, tail])
    )


def _row_parts(page: Page, row: Slot, number: str, classes: str) -> tuple[AttrDict, Markup]:
    """A row's attributes, and what ends it: the hidden input that says the row is there
    (so that an empty row keeps its place), an error about the row as a whole, its button."""
    problem, _ = error(page, row)
    marker = void("input", {"type": "hidden", "name": row.path, "value": ""})
    remove = _button("remove", row.path, _remove_text(number, row.field.title))
    attrs: AttrDict = {
        "class": classes,
        "id": row.id,
        "data-row": True,
        "tabindex": -1 if problem else None,
    }
    return attrs, join([marker, problem, remove])


def _container(
    page: Page, slot: Slot, body: Markup, row: Markup, count: int, more_help: object
) -> Markup:
    """The array's fieldset: legend, help, error, its rows, the template for a new row (``row``
    in a ``<template>``) and the button that adds one."""
    if isinstance(more_help, str) and more_help and more_help != slot.field.description:
        joined = " ".join(filter(None, [slot.field.description, more_help]))
        slot = dataclasses.replace(slot, field=dataclasses.replace(slot.field, description=joined))
    notes = chrome(page, slot)
    limit = slot.field.schema.get("maxItems")
    attrs = wrapper(slot, "sif-field sif-rows", notes.invalid)
    attrs.update(
        {
            "id": slot.id,
            "tabindex": -1 if notes.invalid else None,
            "aria-describedby": notes.describedby,
            "data-rows": slot.path,
            "data-next-index": count,
            "data-index-token": index_token(slot.depth),
            "data-number-token": number_token(slot.depth),
            "data-max-items": limit if isinstance(limit, int) else None,
        }
    )
    full = isinstance(limit, int) and count >= limit
    add_text = Markup('Lägg till rad<span class="sif-visually-hidden"> i {}</span>').format(
        slot.field.title
    )
    add = _button("add", slot.path, add_text, disabled=full)
    legend = element("legend", {"class": "sif-legend"}, label_text(slot))
    template = element("template", {"data-row-template": True}, row)
    return element("fieldset", attrs, join([legend, notes.notes, body, template, add]))


def _remove_text(number: str, title: str) -> Markup:
    hidden = Markup('<span class="sif-visually-hidden"> {} i {}</span>').format(
        ROW_NUMBER.format(number), title
    )
    return Markup("Ta bort rad") + hidden


def _button(action: str, path: str, text: Markup, disabled: bool = False) -> Markup:
    attrs: AttrDict = {
        "type": "submit",
        "class": f"sif-button sif-button--{action}",
        "name": ACTION_FIELD,
        "value": f"{action}:{path}",
        "formnovalidate": True,
        "data-form-action": action,
        "disabled": disabled,
    }
    return element("button", attrs, text)
