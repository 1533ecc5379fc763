"""The controls of single answers: text, number, date, long text, choices, yes/no, checkboxes.

Numbers are text inputs with ``inputmode`` rather than ``type=number``: a browser empties a
number input it cannot read (``1 500``, ``1500,5``) before the server sees it, and Swedish people
write both. Nothing carries ``required``, ``min`` or ``max``: the browser would then stop a
draft from being saved; the server checks, in Swedish, and ``aria-required`` tells assistive
technology what is required.
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

from web.forms.fields import Page, Slot, chrome, label_class, label_text, wrapper
from web.forms.html import AttrDict, Attrs, element, join, void
from web.forms.paths import field_id
from web.forms.schema import Choice, Schema, encode, unit
from web.forms.values import MISSING, input_number

MAX_RADIOS = 5
NO_ANSWER = "Ej angivet"
PICK_ONE = "Välj …"
YES_NO = (Choice(True, "Ja", "true"), Choice(False, "Nej", "false"))


def scalar(page: Page, slot: Slot) -> Markup:
    """The control a single answer needs, with its label, help and error."""
    kind = slot.field.kind
    if kind == "choice":
        options = page.reader.choices(slot.field.schema)
        if len(options) <= MAX_RADIOS and not slot.cell:
            return radios(page, slot, options, none_option=not slot.field.required)
        return _single(page, slot, lambda attrs: _select(slot, options, attrs))
    if kind == "boolean":
        if slot.field.required:
            return radios(page, slot, list(YES_NO), none_option=False, inline=True)
        return checkbox(page, slot)
    if kind == "textarea":
        return _single(page, slot, lambda attrs: _textarea(slot, attrs))
    return _single(page, slot, lambda attrs: _input(slot, attrs))


def chosen(slot: Slot) -> str | None:
    """The current answer of a choice as its option posts it, None when there is none."""
    return None if slot.value is MISSING else encode(slot.value)


def current(slot: Slot) -> str:
    """The value as an input shows it; an unparsed answer comes back as it was typed."""
    value = slot.value
    if value is MISSING or value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return input_number(value)
    return encode(value)


def _single(page: Page, slot: Slot, control: Callable[[AttrDict], Markup]) -> Markup:
    suffix = unit(slot.field.schema) if slot.field.kind == "number" else None
    unit_id = field_id(slot.path, "unit") if suffix else None
    spoken = unit_id if suffix and suffix not in slot.field.title else None
    notes = chrome(page, slot, spoken)
    label = element("label", {"class": label_class(slot), "for": slot.id}, label_text(slot))
    attrs: AttrDict = {
        "id": slot.id,
        "name": slot.path,
        "aria-describedby": notes.describedby,
        "aria-invalid": "true" if notes.invalid else None,
        "aria-required": "true" if slot.field.required else None,
    }
    html = control(attrs)
    if suffix:
        unit_html = element("span", {"class": "sif-unit", "id": unit_id}, suffix)
        html = element("span", {"class": "sif-input-unit"}, html, unit_html)
    return element(
        "div", wrapper(slot, "sif-field", notes.invalid), join([label, notes.notes, html])
    )


def _input(slot: Slot, attrs: AttrDict) -> Markup:
    schema = slot.field.schema
    kind = slot.field.kind
    if kind == "number":
        extra: AttrDict = {"type": "text", "class": "sif-input sif-input--number"}
        extra["inputmode"] = _number_keyboard(schema)
    elif kind == "date":
        extra = {"type": "date", "class": "sif-input sif-input--date"}
    else:
        limit = schema.get("maxLength")
        extra = {"type": "text", "class": "sif-input"}
        extra["maxlength"] = (
            limit if isinstance(limit, int) and not isinstance(limit, bool) else None
        )
    return void("input", {**extra, **attrs, "value": current(slot)})


def _number_keyboard(schema: Schema) -> str | None:
    """A phone's number keyboard, where it has every key the answer needs: it has no minus
    sign, so a number that may be negative gets the full keyboard."""
    least = schema.get("minimum")
    if not isinstance(least, int | float) or least < 0:
        return None
    return "numeric" if schema.get("type") == "integer" else "decimal"


def _textarea(slot: Slot, attrs: AttrDict) -> Markup:
    # The HTML parser drops one newline right after <textarea>: write it so that a value
    # starting with a newline keeps it.
    ordered: AttrDict = {"class": "sif-textarea", **attrs, "rows": 3 if slot.cell else 5}
    return element("textarea", ordered, "\n" + current(slot))


def _select(slot: Slot, options: list[Choice], attrs: AttrDict) -> Markup:
    answer = chosen(slot)
    listed = _with_unknown(options, answer)
    html = [element("option", {"value": ""}, PICK_ONE)]
    html += [
        element("option", {"value": o.encoded, "selected": o.encoded == answer}, o.title)
        for o in listed
    ]
    return element("select", {"class": "sif-select", **attrs}, join(html))


def _with_unknown(options: list[Choice], chosen: str | None) -> list[Choice]:
    """The options, and the current answer too when it is none of them (kept, not lost)."""
    if not chosen or any(o.encoded == chosen for o in options):
        return options
    return [*options, Choice(chosen, chosen, chosen)]


def radios(
    page: Page, slot: Slot, options: list[Choice], none_option: bool, inline: bool = False
) -> Markup:
    """A group of radio buttons in a fieldset; an optional question can be left unanswered."""
    answer = chosen(slot) or ""
    listed = _with_unknown(options, answer)
    if none_option:
        listed = [*listed, Choice(None, NO_ANSWER, "")]
    return _group(page, slot, "radio", [(o, o.encoded == answer) for o in listed], inline)


def checkboxes(page: Page, slot: Slot) -> Markup:
    """An array of choices: one checkbox per allowed value, all posted under one name."""
    options = page.reader.choices(page.reader.items(slot.field.schema))
    answers = [encode(v) for v in slot.value] if isinstance(slot.value, list) else []
    unknown = [
        Choice(v, v, v) for v in dict.fromkeys(answers) if all(o.encoded != v for o in options)
    ]
    return _group(page, slot, "checkbox", [(o, o.encoded in answers) for o in options + unknown])


def _group(
    page: Page, slot: Slot, kind: str, options: list[tuple[Choice, bool]], inline: bool = False
) -> Markup:
    notes = chrome(page, slot)
    legend = element("legend", {"class": label_class(slot)}, label_text(slot))
    items = []
    for index, (option, checked) in enumerate(options):
        option_id = slot.id if index == 0 else field_id(slot.path, str(index))
        box: Attrs = {
            "type": kind,
            "class": f"sif-{kind}",
            "id": option_id,
            "name": slot.path,
            "value": option.encoded,
            "checked": checked,
            "aria-invalid": "true" if notes.invalid else None,
        }
        label = element("label", {"for": option_id}, option.title)
        items.append(element("div", {"class": "sif-option"}, void("input", box), label))
    layout = "sif-options sif-options--inline" if inline else "sif-options"
    attrs = wrapper(slot, "sif-field sif-choices", notes.invalid)
    attrs["aria-describedby"] = notes.describedby
    options_html = element("div", {"class": layout}, join(items))
    return element("fieldset", attrs, join([legend, notes.notes, options_html]))


def checkbox(page: Page, slot: Slot) -> Markup:
    """An optional yes/no as one checkbox posting ``true``. Unticked it posts nothing, and the
    answer stays absent; once the data holds an answer (``false`` or ``true``) a hidden
    ``false`` goes before it, so that unticking means "Nej" rather than "not answered"."""
    notes = chrome(page, slot)
    answered = isinstance(slot.value, bool)
    marker = (
        void("input", {"type": "hidden", "name": slot.path, "value": "false"}) if answered else ""
    )
    box = void(
        "input",
        {
            "type": "checkbox",
            "class": "sif-checkbox",
            "id": slot.id,
            "name": slot.path,
            "value": "true",
            "checked": slot.value is True,
            "aria-describedby": notes.describedby,
            "aria-invalid": "true" if notes.invalid else None,
        },
    )
    label = element(
        "label",
        {"class": label_class(slot, "sif-checkbox-label"), "for": slot.id},
        label_text(slot),
    )
    option = element("div", {"class": "sif-option"}, box, label)
    return element(
        "div",
        wrapper(slot, "sif-field sif-field--checkbox", notes.invalid),
        join([marker, option, notes.notes]),
    )
