"""A small HTML builder: every text and attribute value is escaped unless it is already Markup.

The form package writes its HTML with these three functions instead of templates so that the
output is type-checked and a value can never reach the page unescaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from markupsafe import Markup, escape

Attrs = Mapping[str, "str | int | bool | None"]
AttrDict = dict[str, "str | int | bool | None"]


def attributes(attrs: Attrs) -> Markup:
    """`` name="value"`` pairs; None and False leave the attribute out, True writes it bare."""
    parts: list[Markup] = []
    for name, value in attrs.items():
        if value is None or value is False:
            continue
        if value is True:
            parts.append(Markup(" {}").format(name))
        else:
            parts.append(Markup(' {}="{}"').format(name, str(value)))
    return Markup("").join(parts)


def element(tag: str, attrs: Attrs | None = None, *children: Markup | str) -> Markup:
    """``<tag attrs>children</tag>``; plain-string children are escaped."""
    inner = Markup("").join(escape(child) for child in children)
    return Markup("<{}{}>{}</{}>").format(tag, attributes(attrs or {}), inner, tag)


def void(tag: str, attrs: Attrs) -> Markup:
    """An element without content (``input``)."""
    return Markup("<{}{}>").format(tag, attributes(attrs))


def join(parts: Iterable[Markup | str]) -> Markup:
    """Pieces one after another, each on its own line so the page source stays readable."""
    return Markup("\n").join(escape(part) for part in parts if part)


def describedby(*ids: str | None) -> str | None:
    """The ``aria-describedby`` value for the ids that exist, or None for none."""
    present = [i for i in ids if i]
    return " ".join(present) if present else None
