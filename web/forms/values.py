"""Numbers, money and dates as Swedish people write and read them.

Input is forgiving: ``1 500``, ``1 500,5``, ``1500,5`` and ``1500.5`` are all numbers (spaces of
any kind group thousands, a comma or a point is the decimal sign, ``−`` is a minus). Output for
reading uses a non-breaking space between thousands only for money (a year stays ``2026``),
a decimal comma, and dates as ``26 nov. 2026``.
"""

from __future__ import annotations

import math
import re
from datetime import date
from enum import Enum

from tasks.ledger import tkr

_GROUPING = str.maketrans("", "", " \u00a0\u202f\u2009")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
_MONTHS = (
    "jan.", "feb.", "mars", "apr.", "maj", "juni",
    "juli", "aug.", "sep.", "okt.", "nov.", "dec.",
)  # fmt: skip


class Missing(Enum):
    """An answer that is not there (an omitted key), as opposed to JSON ``null``."""

    MISSING = "missing"


MISSING = Missing.MISSING


def parse_number(text: str, integer: bool) -> int | float | None:
    """The number ``text`` writes, or None if it is not one. For an integer field a whole
    decimal (``1500,0``) is the integer; a fraction stays a float for the form to refuse."""
    cleaned = text.translate(_GROUPING).replace("\u2212", "-").replace(",", ".")
    if _INTEGER.fullmatch(cleaned):
        try:
            return int(cleaned)
        except ValueError:  # more digits than Python converts
            return None
    if not _DECIMAL.fullmatch(cleaned):
        return None
    number = float(cleaned)
    if not math.isfinite(number):
        return None
    return int(number) if integer and number.is_integer() else number


def input_number(value: int | float) -> str:
    """A number as it stands in an input field: no grouping, a decimal comma."""
    return repr(value).replace(".", ",") if isinstance(value, float) else str(value)


def swedish_number(value: int | float) -> str:
    """A number for reading: a decimal comma, ``-`` as minus; no grouping (years stay whole)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return input_number(value)


def money(value: int | float, unit: str = "tkr") -> str:
    """``1500`` → ``1 500 tkr`` (a non-breaking space between thousands)."""
    if isinstance(value, int) and unit == "tkr":
        return tkr(value)
    whole, _, fraction = swedish_number(value).partition(",")
    grouped = f"{int(whole):,}".replace(",", "\u00a0") if _INTEGER.fullmatch(whole) else whole
    return f"{grouped},{fraction} {unit}" if fraction else f"{grouped} {unit}"


def swedish_date(text: str) -> str:
    """``2026-11-26`` → ``26 nov. 2026``; anything else is returned as it is."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return text
    if len(text) != 10:  # fromisoformat also reads 20261126 and week dates
        return text
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
