"""Small server-rendered SVG charts: a line (or step) chart of series over dates, with optional
horizontal reference lines (a baseline, a target), and a grouped bar chart.

Every chart is one ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that says the
numbers in words, Swedish axes, numbers with a thin space between thousands, and a legend.
Series differ in colour AND in dash pattern and marker shape (bars: colour and hatching), so
they can be told apart in greyscale and by people who do not see colour. No ``style=``
attributes (the CSP forbids them): colours and dashes are SVG presentation attributes, and
type and grid are styled by the classes in ``static/css/charts.css``. A page shows each
chart's numbers as a table beside it; the chart is the picture, the table the record.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from flask_babel import get_locale, gettext
from markupsafe import Markup, escape

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 76, 24, 20, 44
LEGEND_ROW = 22

#: (colour, dash pattern, marker) per series, in order; colours have ≥ 3:1 contrast on white.
STYLES = [
    ("#0b5cad", "", "circle"),
    ("#a8231a", "8 4", "square"),
    ("#1d6b35", "2 3", "triangle"),
    ("#6b3fa0", "10 3 2 3", "diamond"),
    ("#8a5a00", "4 4", "triangle_down"),
    ("#1b1f24", "12 4", "cross"),
]
#: Bars: a hatching per series (none, diagonal, crossed, dots …), drawn over the colour.
HATCHES = ["", "M0 6 L6 0", "M0 0 L6 6 M0 6 L6 0", "M3 1 L3 5", "M0 3 L6 3", "M1 1 L5 5"]
REFERENCE_DASH = {"baseline": "6 4", "target": "2 3"}
_MARKERS = {
    "circle": "M-4 0 A4 4 0 1 0 4 0 A4 4 0 1 0 -4 0 Z",
    "square": "M-3.5 -3.5 H3.5 V3.5 H-3.5 Z",
    "triangle": "M0 -4.5 L4.5 3.5 H-4.5 Z",
    "diamond": "M0 -5 L5 0 L0 5 L-5 0 Z",
    "triangle_down": "M0 4.5 L4.5 -3.5 H-4.5 Z",
    "cross": "M-4 -4 L4 4 M-4 4 L4 -4",
}
_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    """A named run of (date, value) points; ``step`` draws it as a balance that holds its value
    until the next point (a ledger), otherwise points are joined by straight lines."""

    name: str
    points: Sequence[tuple[date, float]]
    step: bool = False


@dataclass(frozen=True)
class ReferenceLine:
    """A horizontal line across the chart: ``kind`` is ``baseline`` or ``target``."""

    label: str
    value: float
    kind: str = "baseline"


@dataclass(frozen=True)
class BarGroup:
    """One category on the x axis (a budget year) with one value per series, in series order."""

    label: str
    values: Sequence[float]


def number(value: float, unit: str = "") -> str:
    """``24000`` → ``24 000`` (thin space), ``4.5`` → ``4,5``; the unit after a space."""
    digits = 0 if float(value).is_integer() else 1
    text = f"{value:,.{digits}f}".replace(",", "\u2009").replace(".", ",").replace("-", "−")
    return f"{text} {unit}" if unit else text


def _day(value: date) -> str:
    return format_date(value, "d MMM y", locale=str(get_locale() or "sv"))


def _svg(parts: list[str]) -> Markup:
    # Every text and attribute value that reaches ``parts`` went through escape() or is a
    # number or a constant of this module.
    return Markup("".join(parts))  # noqa: S704


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (steps of 1, 2 or 5 × 10^k)."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks = [start]
    while ticks[-1] < high - 1e-9:
        ticks.append(ticks[-1] + step)
    return ticks


def _date_ticks(first: date, last: date) -> list[tuple[date, str]]:
    """Year starts for spans of three years or more, month starts otherwise (≤ 8 labels)."""
    locale = str(get_locale() or "sv")
    if (last - first).days >= 3 * 365:
        years = list(range(first.year + (first > date(first.year, 1, 1)), last.year + 1))
        stride = max(1, math.ceil(len(years) / 8))
        return [(date(y, 1, 1), str(y)) for y in years[::stride]]
    months = []
    y, m = first.year, first.month
    if first.day != 1:
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    while y <= date.max.year and date(y, m, 1) <= last:
        months.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    stride = max(1, math.ceil(len(months) / 8))
    return [(d, format_date(d, "MMM y", locale=locale)) for d in months[::stride]]


def _open(title: str, desc: str, height: int, kind: str) -> tuple[str, list[str]]:
    uid = f"chart-{next(_ids)}"
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart--{kind}" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" aria-labelledby="{uid}-t {uid}-d">',
        f'<title id="{uid}-t">{escape(title)}</title>',
        f'<desc id="{uid}-d">{escape(desc)}</desc>',
    ]
    return uid, head


def _empty(title: str, kind: str) -> Markup:
    message = gettext("Inga värden att visa.")
    _, parts = _open(title, message, 120, kind)
    parts.append(f'<text class="chart-empty" x="{WIDTH / 2}" y="64" text-anchor="middle">')
    parts.append(f"{escape(message)}</text></svg>")
    return _svg(parts)


def _y_axis(ticks: list[float], y: _Scale, label: str, unit: str) -> list[str]:
    out = ['<g class="chart-axis chart-axis--y">']
    for tick in ticks:
        at = y(tick)
        out.append(
            f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{at:.1f}" '
            f'y2="{at:.1f}" stroke="#d5dbe1"/>'
        )
        out.append(
            f'<text x="{LEFT - 8}" y="{at + 4:.1f}" text-anchor="end">{escape(number(tick))}</text>'
        )
    title = f"{label} ({unit})" if unit else label
    out.append(
        f'<text class="chart-axis-label" x="{LEFT}" y="{TOP - 6}" text-anchor="start">'
        f"{escape(title)}</text></g>"
    )
    return out


class _Scale:
    """A linear map from data values to pixels."""

    def __init__(self, low: float, high: float, start: float, end: float) -> None:
        self.low, self.span = low, (high - low) or 1.0
        self.start, self.end = start, end

    def __call__(self, value: float) -> float:
        return self.start + (value - self.low) / self.span * (self.end - self.start)


def _legend(names: Sequence[str], top: float, swatch: list[str]) -> list[str]:
    """One legend row per two series: the series' own line/marker (or bar) swatch, its name."""
    out = ['<g class="chart-legend">']
    for i, name in enumerate(names):
        x = LEFT + (i % 2) * (WIDTH - LEFT - RIGHT) / 2
        y = top + (i // 2) * LEGEND_ROW
        out.append(
            f'<g transform="translate({x:.0f} {y:.0f})">{swatch[i]}'
            f'<text x="34" y="4">{escape(name)}</text></g>'
        )
    out.append("</g>")
    return out


def _line_swatch(i: int) -> str:
    colour, dash, marker = STYLES[i % len(STYLES)]
    return (
        f'<line x1="0" x2="26" y1="0" y2="0" stroke="{colour}" stroke-width="2.5"'
        f"{f' stroke-dasharray={chr(34)}{dash}{chr(34)}' if dash else ''}/>"
        f'<path class="chart-marker" transform="translate(13 0)" d="{_MARKERS[marker]}" '
        f'fill="{colour}" stroke="{colour}"/>'
    )


def _series_path(series: Series, x: _Scale, y: _Scale) -> str:
    xy = [(x(_ordinal(d)), y(v)) for d, v in series.points]
    parts = [f"M{xy[0][0]:.1f} {xy[0][1]:.1f}"]
    for px, py in xy[1:]:
        parts.append(f"H{px:.1f} V{py:.1f}" if series.step else f"L{px:.1f} {py:.1f}")
    return " ".join(parts)


def _ordinal(value: date) -> float:
    return float(value.toordinal())


def describe_series(series: Sequence[Series], unit: str) -> str:
    """The text alternative: each series' first and last value, and its highest and lowest."""
    sentences = []
    for s in series:
        if not s.points:
            sentences.append(gettext("%(name)s: inga värden.", name=s.name))
            continue
        (d0, v0), (d1, v1) = s.points[0], s.points[-1]
        values = [v for _, v in s.points]
        sentences.append(
            gettext(
                "%(name)s: %(first)s den %(d0)s, %(last)s den %(d1)s "
                "(högst %(high)s, lägst %(low)s).",
                name=s.name,
                first=number(v0, unit),
                d0=_day(d0),
                last=number(v1, unit),
                d1=_day(d1),
                high=number(max(values), unit),
                low=number(min(values), unit),
            )
        )
    return " ".join(sentences)


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    y_label: str,
    unit: str = "tkr",
    reference_lines: Sequence[ReferenceLine] = (),
    description: str = "",
) -> Markup:
    """Series of values over dates, with dashed reference lines; ``description`` (words) goes
    first in the text alternative, followed by every series' numbers."""
    drawn = [s for s in series if s.points]
    if not drawn:
        return _empty(title, "line")
    days = [_ordinal(d) for s in drawn for d, _ in s.points]
    values = [v for s in drawn for _, v in s.points] + [r.value for r in reference_lines]
    first, last = min(days), max(days)
    if first == last:  # one day: a month around it, within the calendar's ends
        first, last = max(1, first - 15), min(date.max.toordinal(), last + 15)
    ticks = _nice_ticks(min(0.0, min(values)), max(values))
    plot_bottom = HEIGHT - BOTTOM
    legend_rows = math.ceil((len(drawn) + len(reference_lines)) / 2)
    height = HEIGHT + legend_rows * LEGEND_ROW
    x = _Scale(first, last, LEFT + 8, WIDTH - RIGHT - 8)
    y = _Scale(ticks[0], ticks[-1], plot_bottom, TOP + 8)
    refs = " ".join(
        gettext("%(label)s: %(value)s.", label=r.label, value=number(r.value, unit))
        for r in reference_lines
    )
    desc = " ".join(t for t in (description, describe_series(drawn, unit), refs) if t)
    _, out = _open(title, desc, height, "line")
    out += _y_axis(ticks, y, y_label, unit)
    out.append('<g class="chart-axis chart-axis--x">')
    out.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{plot_bottom}" y2="{plot_bottom}" '
        'stroke="#545d68"/>'
    )
    for when, label in _date_ticks(date.fromordinal(int(first)), date.fromordinal(int(last))):
        at = x(_ordinal(when))
        out.append(
            f'<line x1="{at:.1f}" x2="{at:.1f}" y1="{plot_bottom}" y2="{plot_bottom + 5}"'
            f' stroke="#545d68"/><text x="{at:.1f}" y="{plot_bottom + 20}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    out.append("</g>")
    for ref in reference_lines:
        at = y(ref.value)
        out.append(
            f'<line class="chart-ref chart-ref--{escape(ref.kind)}" x1="{LEFT}" '
            f'x2="{WIDTH - RIGHT}" y1="{at:.1f}" y2="{at:.1f}" stroke="#545d68" '
            f'stroke-width="1.5" stroke-dasharray="{REFERENCE_DASH.get(ref.kind, "6 4")}"/>'
        )
    for i, s in enumerate(drawn):
        colour, dash, marker = STYLES[i % len(STYLES)]
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<g class="chart-series chart-series--{i}"><path class="chart-line" '
            f'd="{_series_path(s, x, y)}" fill="none" stroke="{colour}" '
            f'stroke-width="2.5"{dashes}/>'
        )
        for d, v in s.points:
            out.append(
                f'<path class="chart-marker" transform="translate({x(_ordinal(d)):.1f} '
                f'{y(v):.1f})" d="{_MARKERS[marker]}" fill="{colour}" stroke="{colour}">'
                f"<title>{escape(s.name)} {escape(_day(d))}: "
                f"{escape(number(v, unit))}</title></path>"
            )
        out.append("</g>")
    swatches = [_line_swatch(i) for i in range(len(drawn))] + [
        f'<line x1="0" x2="26" y1="0" y2="0" stroke="#545d68" stroke-width="1.5" '
        f'stroke-dasharray="{REFERENCE_DASH.get(r.kind, "6 4")}"/>'
        for r in reference_lines
    ]
    names = [s.name for s in drawn] + [r.label for r in reference_lines]
    out += _legend(names, HEIGHT - 6, swatches)
    out.append("</svg>")
    return _svg(out)


def _bar_swatch(uid: str, i: int) -> str:
    colour = STYLES[i % len(STYLES)][0]
    hatch = (
        f'<rect width="18" height="12" y="-6" fill="url(#{uid}-h{i})"/>'
        if HATCHES[i % len(HATCHES)]
        else ""
    )
    return f'<rect width="18" height="12" y="-6" fill="{colour}"/>{hatch}'


def _hatch_defs(uid: str, count: int) -> str:
    """A white hatching per series, laid over its colour, so bars differ without colour too."""
    out = ["<defs>"]
    for i in range(count):
        if path := HATCHES[i % len(HATCHES)]:
            out.append(
                f'<pattern id="{uid}-h{i}" width="6" height="6" '
                f'patternUnits="userSpaceOnUse"><path d="{path}" stroke="#ffffff" '
                'stroke-width="1.5" fill="none"/></pattern>'
            )
    out.append("</defs>")
    return "".join(out)


def describe_bars(groups: Sequence[BarGroup], names: Sequence[str], unit: str) -> str:
    """The text alternative: per category, each series' value and the category's sum."""
    sentences = []
    for group in groups:
        parts = ", ".join(
            f"{n} {number(v, unit)}" for n, v in zip(names, group.values, strict=False)
        )
        total = number(sum(group.values), unit)
        sentences.append(
            gettext(
                "%(label)s: %(parts)s (summa %(total)s).",
                label=group.label,
                parts=parts,
                total=total,
            )
        )
    return " ".join(sentences)


def bar_chart(
    groups: Sequence[BarGroup],
    series_names: Sequence[str],
    *,
    title: str,
    y_label: str,
    unit: str = "tkr",
    description: str = "",
) -> Markup:
    """Grouped bars: one group per category (``groups``), one bar per series in each."""
    values = [v for g in groups for v in g.values]
    if not groups or not series_names or not values:
        return _empty(title, "bar")
    ticks = _nice_ticks(min(0.0, min(values)), max(0.0, max(values)))
    plot_bottom = HEIGHT - BOTTOM
    height = HEIGHT + math.ceil(len(series_names) / 2) * LEGEND_ROW
    y = _Scale(ticks[0], ticks[-1], plot_bottom, TOP + 8)
    desc = " ".join(t for t in (description, describe_bars(groups, series_names, unit)) if t)
    uid, out = _open(title, desc, height, "bar")
    out.append(_hatch_defs(uid, len(series_names)))
    out += _y_axis(ticks, y, y_label, unit)
    band = (WIDTH - LEFT - RIGHT) / len(groups)
    bar = min(36.0, band * 0.8 / len(series_names))
    zero = y(0)
    for g, group in enumerate(groups):
        start = LEFT + g * band + (band - bar * len(series_names)) / 2
        out.append(
            f'<g class="chart-group"><text class="chart-axis" x="{LEFT + (g + 0.5) * band:.1f}" '
            f'y="{plot_bottom + 20}" text-anchor="middle">{escape(group.label)}</text>'
        )
        for i, value in enumerate(group.values):
            top, length = min(y(value), zero), abs(y(value) - zero)
            colour = STYLES[i % len(STYLES)][0]
            box = (
                f'x="{start + i * bar:.1f}" y="{top:.1f}" '
                f'width="{bar - 2:.1f}" height="{length:.1f}"'
            )
            out.append(
                f'<rect class="chart-bar chart-series--{i}" {box} fill="{colour}">'
                f"<title>{escape(series_names[i])} {escape(group.label)}: "
                f"{escape(number(value, unit))}</title></rect>"
            )
            if HATCHES[i % len(HATCHES)]:
                out.append(f'<rect {box} fill="url(#{uid}-h{i})"/>')
        out.append("</g>")
    out.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{zero:.1f}" y2="{zero:.1f}" stroke="#545d68"/>'
    )
    out += _legend(
        series_names, HEIGHT - 6, [_bar_swatch(uid, i) for i in range(len(series_names))]
    )
    out.append("</svg>")
    return _svg(out)
