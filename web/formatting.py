"""Swedish formats for the pages: dates and times in Europe/Stockholm, money in tkr, waiting times.

Registered as Jinja filters by ``init_app``; Babel does the locale work (``sv`` by default,
``26 Nov 2026 14:05`` and ``1,500 tkr`` when the person has chosen English).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from flask import Flask, g
from flask_babel import get_locale, gettext, ngettext

import engine
from engine.durations import LOCAL
from web.context import runtime
from web.roles import role_name, role_names


def _locale() -> str:
    return str(get_locale() or "sv")


def when(value: datetime | None) -> str:
    """``26 nov. 2026 14:05`` (Swedish time)."""
    if value is None:
        return ""
    return format_datetime(value, "d MMM y HH:mm", tzinfo=LOCAL, locale=_locale())


def day(value: date | datetime | None) -> str:
    """``26 nov. 2026``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LOCAL).date()
    return format_date(value, "d MMM y", locale=_locale())


def iso_day(value: datetime | None) -> str:
    """``2026-11-26`` in Swedish time (for <time datetime> and machine-readable cells)."""
    return "" if value is None else value.astimezone(LOCAL).date().isoformat()


def tkr(value: int | float | Decimal | None) -> str:
    """``1 500 tkr``; decimals only when there are any."""
    if value is None:
        return ""
    return f"{format_decimal(value, format='#,##0.##', locale=_locale())} tkr"


def waited(since: datetime | None, now: datetime) -> str:
    """How long something has waited, in words: 'i dag', '1 dag', '12 dagar'."""
    if since is None:
        return ""
    days = (now.astimezone(LOCAL).date() - since.astimezone(LOCAL).date()).days
    if days <= 0:
        return str(gettext("i dag"))
    return str(ngettext("%(num)d dag", "%(num)d dagar", days))


def person(name: str | None) -> str:
    """A user's display name ('Sara Ahl' for sara.ahl); other text is shown as it is."""
    if not name:
        return ""
    known: dict[str, str] = g.setdefault("sif_people", {})
    if name not in known:
        try:
            known[name] = engine.get_user(runtime(), name).display_name
        except engine.NotFound:
            known[name] = name
    return known[name]


def init_app(app: Flask) -> None:
    app.add_template_filter(when)
    app.add_template_filter(day)
    app.add_template_filter(iso_day)
    app.add_template_filter(tkr)
    app.add_template_filter(role_name)
    app.add_template_filter(role_names)
    app.add_template_filter(person)
