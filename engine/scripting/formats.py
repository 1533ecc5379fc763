"""Turning values into text inside the sandbox: f-string fields, ``str()`` and conversions.

Every result's length is bounded before it is made: a format specification may be at most
``MAX_FORMAT_SPEC`` characters with widths and precisions of at most ``MAX_FORMAT_NUMBER``;
a date's ``strftime`` pattern is bounded by what its directives can expand to (glibc pads
``%1000Y`` to a thousand characters); containers and ``!r``/``!a`` conversions are measured
with :meth:`Budget.measure` / :func:`engine.scripting.budget.text_size` first.
"""

from __future__ import annotations

import datetime as _dt
import re

from engine.scripting.budget import CONTAINERS, Budget, Refused, text_size

#: Largest width or precision accepted in an f-string format specification.
MAX_FORMAT_NUMBER = 1000
#: Longest format specification (after nested fields are filled in).
MAX_FORMAT_SPEC = 200
#: Longest text one strftime directive gives without a width (``%c``, ``%Z`` …).
_DIRECTIVE_TEXT = 64
_FORMAT_NUMBER = re.compile(r"\d+")
_DIRECTIVE = re.compile(r"%[-_0^#]*(\d*)[EO]?.?", re.DOTALL)
_REPR, _STR, _ASCII = ord("r"), ord("s"), ord("a")


def check_format_spec(spec: str) -> None:
    """Refuse a format spec that is too long or has a too large width or precision."""
    if len(spec) > MAX_FORMAT_SPEC:
        raise Refused(f"Formatangivelsen är för lång (högst {MAX_FORMAT_SPEC} tecken)")
    for digits in _FORMAT_NUMBER.findall(spec):
        stripped = digits.lstrip("0")
        if len(stripped) > 6 or int(stripped or "0") > MAX_FORMAT_NUMBER:
            raise Refused(f"Formatbredd och precision får vara högst {MAX_FORMAT_NUMBER}")


def format_value(value: object, conversion: int, spec: str, budget: Budget) -> str:
    """Format one f-string field (``conversion`` as in ``ast.FormattedValue``), bounded."""
    check_format_spec(spec)
    if conversion in (_REPR, _ASCII):
        if isinstance(value, CONTAINERS):
            budget.measure(value, text=True)
        elif isinstance(value, str):
            budget.need(text_size(value) if value.isascii() else len(value) * 10 + 2)
        value = repr(value) if conversion == _REPR else ascii(value)
    elif conversion == _STR:
        value = to_text(value, budget)
    if isinstance(value, CONTAINERS):
        budget.measure(value, text=True)
    elif isinstance(value, str):
        budget.need(len(value))
    elif isinstance(value, _dt.date) and spec:
        budget.need(strftime_size(spec))
    result = format(value, spec)
    budget.produced(result)
    return result


def strftime_size(pattern: str) -> int:
    """An upper bound of the length of ``date.strftime(pattern)``."""
    size = len(pattern)
    for directive in _DIRECTIVE.finditer(pattern):
        width = directive.group(1)
        size += max(int(width) if width else 0, _DIRECTIVE_TEXT) - len(directive.group(0))
    return size


def to_text(value: object, budget: Budget) -> str:
    """``str(value)`` after checking that the text cannot become huge."""
    if isinstance(value, CONTAINERS):
        budget.measure(value, text=True)
    return str(value)
