"""Where an error is shown, and the summary of all of them at the top of the page (WCAG 3.3.1).

An error's path (``plan.0.amount``) is shown at the deepest field of the form that the path
reaches: an error inside a checkbox group (``sections.1``) at the group, an error about a key
the form does not have (``general.extra``) at its object. The summary links each message to
that field's id, with the field's Swedish titles (``Budget per år › rad 1 › Totalt (tkr)``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup

from engine.errors import FieldError
from web.forms.html import element, join
from web.forms.paths import field_id, is_index, join_path, split_path
from web.forms.schema import FormReader

SEPARATOR = " › "


def placed(reader: FormReader, errors: Sequence[FieldError], prefix: str) -> dict[str, list[str]]:
    """Error messages by the full path of the field that shows them."""
    shown: dict[str, list[str]] = {}
    for problem in errors:
        anchor, _ = locate(reader, problem.path)
        if anchor:
            messages = shown.setdefault(join_path(prefix, anchor), [])
            if problem.message not in messages:
                messages.append(problem.message)
    return shown


def locate(reader: FormReader, path: str) -> tuple[str, list[str]]:
    """The path of the field an error at ``path`` is shown at ("" for the form as a whole),
    and the Swedish titles that lead there (with the segments past it as they are)."""
    schema = reader.resolve(reader.root)
    kind = reader.kind(schema)
    segments = split_path(path)
    found: list[str] = []
    titles: list[str] = []
    for segment in segments:
        if kind == "object":
            field = next((f for f in reader.fields(schema) if f.key == segment), None)
            if field is None:
                break
            titles.append(field.title)
            schema, kind = field.schema, field.kind
        elif kind in ("rows", "list") and is_index(segment):
            titles.append(f"rad {int(segment) + 1}")
            schema = reader.items(schema)
            kind = reader.kind(schema)
        else:
            break
        found.append(segment)
    return ".".join(found), titles + segments[len(found) :]


def error_summary(
    schema: Mapping[str, Any], errors: Sequence[FieldError], *, prefix: str = ""
) -> Markup:
    """The errors as a list of links to their fields, for the top of the page; empty if none.
    The page puts it in its error notice, with a heading ("Rätta 3 fel …") and
    ``tabindex="-1"`` (``forms.js`` moves the focus there on load)."""
    if not errors:
        return Markup("")
    reader = FormReader(schema)
    items = []
    for problem in errors:
        anchor, titles = locate(reader, problem.path)
        text = f"{SEPARATOR.join(titles)}: {problem.message}" if titles else problem.message
        target = field_id(join_path(prefix, anchor)) if anchor else None
        items.append(
            element("li", None, element("a", {"href": f"#{target}"}, text) if target else text)
        )
    return element("ul", {"class": "sif-error-summary", "data-error-summary": True}, join(items))
