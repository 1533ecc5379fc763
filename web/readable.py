"""A case's data as labelled, readable Swedish text for the command line (never a Python dict).

Rubrik: Språkstöd i förskolan
Ansökan:
  Allmänt:
    Huvudansvarig nämnd: UN
    Berörda nämnder:
      1. Nämnd: UN; Ställningstagande: agree
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from engine.durations import LOCAL

INDENT = "  "


def readable_lines(data: Mapping[str, Any], labels: Mapping[str, str], depth: int = 0) -> list[str]:
    """One line per value; nested records and lists indented under their label."""
    lines: list[str] = []
    pad = INDENT * depth
    for key, value in data.items():
        label = labels.get(key, key.replace("_", " ").capitalize())
        if isinstance(value, Mapping) and value:
            lines.append(f"{pad}{label}:")
            lines += readable_lines(value, labels, depth + 1)
        elif isinstance(value, list) and value and not all(_is_scalar(v) for v in value):
            lines.append(f"{pad}{label}:")
            for number, item in enumerate(value, 1):
                lines += _item(number, item, labels, depth + 1)
        else:
            lines.append(f"{pad}{label}: {scalar_text(value)}")
    return lines


def _item(number: int, item: Any, labels: Mapping[str, str], depth: int) -> list[str]:
    pad = INDENT * depth
    if isinstance(item, Mapping) and all(_is_scalar(v) for v in item.values()):
        parts = [f"{labels.get(k, k)}: {scalar_text(v)}" for k, v in item.items()]
        return [f"{pad}{number}. " + "; ".join(parts)]
    if isinstance(item, Mapping):
        return [f"{pad}{number}.", *readable_lines(item, labels, depth + 1)]
    return [f"{pad}{number}. {scalar_text(item)}"]


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, Mapping | list)


def scalar_text(value: Any) -> str:
    """``Ja``/``Nej``, ``–`` for nothing, dates as ISO, lists of plain values comma-separated."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, datetime):
        return value.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(scalar_text(v) for v in value)
    return str(value)
