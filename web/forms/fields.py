"""What surrounds every field: its label, help text, error message and conditional wrapper.

A ``Slot`` is one field at one place in the form (``plan.2.amount``) with its current value;
``Page`` is what one rendering shares (the schema reader, the errors by field, the mode).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeGuard

from markupsafe import Markup

from web.forms.html import AttrDict, describedby, element, join
from web.forms.paths import field_id, join_path
from web.forms.schema import Condition, Field, FormReader, encode
from web.forms.values import MISSING, Missing, swedish_number

REQUIRED = "obligatoriskt"


@dataclass(frozen=True)
class Slot:
    """One field at one place: ``path`` is its full dotted name, ``parent`` its object's."""

    field: Field
    path: str
    value: object | Missing
    parent: str
    depth: int = 0  # arrays around it: which index token its templates use
    row: Markup | None = None  # the row's number, in its label ("Ledamot 2", "År, rad 2")
    cell: bool = False  # in a table cell: a compact control, its label only for screen readers
    marked: bool = True  # show "(obligatoriskt)" when required
    fixed: bool = False  # schema readOnly: shown as text, its value posted in hidden inputs

    @property
    def id(self) -> str:
        return field_id(self.path)


@dataclass
class Page:
    """One rendering: the reader, error messages by the path they are shown at, the mode."""

    reader: FormReader
    errors: dict[str, list[str]]
    readonly: bool
    render: Callable[[Page, Slot], Markup]


def label_text(slot: Slot) -> Markup:
    """The field's title, its row in a table, and whether it must be answered."""
    text = Markup.escape(slot.field.title)
    if slot.row is not None and slot.cell:
        text += Markup('<span class="sif-cell-row">, rad {}</span>').format(slot.row)
    elif slot.row is not None:
        text += Markup(" {}").format(slot.row)
    return text + required_mark(slot.field) if slot.marked else text


def required_mark(field: Field) -> Markup:
    """ " (obligatoriskt)" in words, for a field that must be answered."""
    if not field.required:
        return Markup("")
    return Markup(' <span class="sif-required">({})</span>').format(REQUIRED)


def label_class(slot: Slot, base: str = "sif-label") -> str:
    return f"{base} sif-cell-label" if slot.cell else base


def hint_text(field: Field) -> str:
    """The help text of a field: its description, its range, when it becomes required."""
    sentences = [field.description or ""]
    low, high = (field.schema.get(k) for k in ("minimum", "maximum"))
    if _is_number(low) and _is_number(high):
        sentences.append(f"Mellan {swedish_number(low)} och {swedish_number(high)}.")
    sentences.extend(field.notes)
    return " ".join(s for s in sentences if s)


def hint(slot: Slot) -> tuple[Markup, str | None]:
    """The help text below the label, and its id."""
    text = hint_text(slot.field)
    if not text:
        return Markup(""), None
    hint_id = field_id(slot.path, "hint")
    classes = "sif-hint sif-cell-hint" if slot.cell else "sif-hint"  # the column head shows it
    return element("p", {"class": classes, "id": hint_id}, text), hint_id


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def error(page: Page, slot: Slot) -> tuple[Markup, str | None]:
    """The field's error messages, next to it, or nothing."""
    messages = page.errors.get(slot.path)
    if not messages:
        return Markup(""), None
    error_id = field_id(slot.path, "error")
    said = Markup('<span class="sif-visually-hidden">Fel: </span>') + " ".join(messages)
    return element("p", {"class": "sif-error", "id": error_id}, said), error_id


@dataclass(frozen=True)
class Chrome:
    """A field's surroundings, ready to place around its control."""

    hint: Markup
    error: Markup
    describedby: str | None
    invalid: bool

    @property
    def notes(self) -> Markup:
        return join([self.hint, self.error])


def chrome(page: Page, slot: Slot, *more_ids: str | None) -> Chrome:
    hint_html, hint_id = hint(slot)
    error_html, error_id = error(page, slot)
    return Chrome(hint_html, error_html, describedby(hint_id, *more_ids, error_id), bool(error_id))


def wrapper(slot: Slot, classes: str, invalid: bool = False) -> AttrDict:
    """The attributes of a field's outer element: its classes and, when it is shown only
    under a condition, the ``data-show-*`` attributes the script reads."""
    attrs: AttrDict = {"class": f"{classes} sif-field--invalid" if invalid else classes}
    condition = slot.field.condition
    if condition is not None:
        attrs.update(show_if(slot.parent, condition))
    return attrs


def show_if(parent: str, condition: Condition) -> AttrDict:
    attrs: AttrDict = {"data-show-if": join_path(parent, condition.controller)}
    if condition.values is not None:
        attrs["data-show-values"] = json.dumps(list(condition.values), ensure_ascii=False)
    if condition.minimum is not None:
        attrs["data-show-minimum"] = encode(condition.minimum)
    attrs["data-show-negate"] = condition.negate
    return attrs


def child(parent: Slot, field: Field, **changes: Any) -> Slot:
    """The slot of ``field`` inside the object ``parent`` holds."""
    mapping = parent.value if isinstance(parent.value, dict) else {}
    return Slot(
        field=field,
        path=join_path(parent.path, field.key),
        value=mapping.get(field.key, MISSING),
        parent=parent.path,
        depth=parent.depth,
        fixed=parent.fixed,
        **changes,
    )
