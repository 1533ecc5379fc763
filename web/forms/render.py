"""A form's fields as accessible HTML, from its JSON Schema and the current answers.

``render_form`` gives the fields only: the page adds ``<form>``, the CSRF field and the buttons.
Every control has a ``<label for>`` (a group its ``<legend>``), help text and errors through
``aria-describedby``, "(obligatoriskt)" in words. Names are the dotted paths of
``FieldError.path`` and ids ``field-`` + the path with ``-`` (see ``paths``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from engine.errors import FieldError
from web.forms import rows, widgets
from web.forms.actions import initial_value
from web.forms.display import EMPTY, show
from web.forms.fields import Page, Slot, child, chrome, label_text, wrapper
from web.forms.html import element, join, void
from web.forms.parse import posted_values
from web.forms.schema import Field, FormReader, title_of
from web.forms.summary import placed
from web.forms.values import MISSING

_MAX_SEGMENTS = 48  # a schema that refers to itself is drawn this deep and no deeper


def render_form(
    schema: Mapping[str, Any],
    data: Mapping[str, Any] | None,
    errors: Sequence[FieldError] = (),
    *,
    prefix: str = "",
    readonly: bool = False,
) -> Markup:
    """The fields of the form ``schema`` holding ``data`` (None: a fresh form with the
    schema's defaults), with ``errors`` next to their fields. ``prefix`` goes before every
    name (``prefix.plan.0.amount``) when a page holds several forms; ``readonly`` shows the
    answers in the form's layout without any control."""
    reader = FormReader(schema)
    root = reader.resolve(schema)
    page = Page(reader, placed(reader, errors, prefix), readonly, render_field)
    value = dict(data) if data is not None else initial_value(reader, root)
    whole = Field("", root, "object", title_of(root, ""), None, True, None, ())
    slot = Slot(whole, prefix, value if isinstance(value, dict) else {}, parent="")
    fields = [render_field(page, child(slot, f)) for f in reader.fields(root)]
    return element("div", {"class": "sif-form", "data-sif-form": True}, join(fields))


def render_field(page: Page, slot: Slot) -> Markup:
    """One field of any kind, at its place in the form."""
    if slot.path.count(".") > _MAX_SEGMENTS:
        return Markup("")
    if slot.field.schema.get("readOnly") is True and not slot.fixed:
        slot = dataclasses.replace(slot, fixed=True)
    kind = slot.field.kind
    if kind == "object":
        return _object(page, slot)
    if page.readonly or slot.fixed:
        return _shown(page, slot)
    if kind == "rows":
        return rows.object_rows(page, slot)
    if kind == "list":
        return rows.scalar_rows(page, slot)
    if kind == "multi":
        return widgets.checkboxes(page, slot)
    return widgets.scalar(page, slot)


def _object(page: Page, slot: Slot) -> Markup:
    """A nested object: a fieldset with its title as legend."""
    notes = chrome(page, slot)
    inner = [render_field(page, child(slot, f)) for f in page.reader.fields(slot.field.schema)]
    attrs = wrapper(slot, "sif-field sif-group", notes.invalid)
    attrs.update(
        {
            "id": slot.id,
            "tabindex": -1 if notes.invalid else None,
            "aria-describedby": notes.describedby,
        }
    )
    legend = element("legend", {"class": "sif-legend"}, label_text(slot))
    return element("fieldset", attrs, join([legend, notes.notes, *inner]))


def _shown(page: Page, slot: Slot) -> Markup:
    """An answer shown, not asked: a read-only form, or a field the schema marks ``readOnly``
    (whose value is posted back unchanged in hidden inputs)."""
    notes = chrome(page, slot)
    label_id = f"{slot.id}--label"
    value = (
        escape(EMPTY) if slot.value is MISSING else show(page.reader, slot.field.schema, slot.value)
    )
    shown = element(
        "div", {"class": "sif-value", "id": slot.id, "aria-labelledby": label_id}, value
    )
    hidden = []
    if not page.readonly:
        pairs = posted_values(page.reader, slot.field.schema, slot.value, slot.path)
        hidden = [void("input", {"type": "hidden", "name": n, "value": v}) for n, v in pairs]
    label = element("p", {"class": "sif-label", "id": label_id}, label_text(slot))
    attrs = wrapper(slot, "sif-field sif-field--readonly", notes.invalid)
    return element("div", attrs, join([label, notes.notes, shown, *hidden]))
