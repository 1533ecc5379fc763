"""web/charts.py: the SVG charts are well-formed, say their numbers in words, place points in
date order and draw an empty chart as a message, not an error."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from web.charts import BarGroup, ReferenceLine, Series, bar_chart, line_chart, number

SVG = "{http://www.w3.org/2000/svg}"
BALANCE = Series(
    "Fondens saldo",
    [(date(2015, 12, 15), 24000), (date(2016, 4, 29), 20850), (date(2018, 5, 18), 11150)],
    step=True,
)
REPAID = Series("Återfört", [(date(2015, 12, 15), 0), (date(2018, 5, 18), 900)])


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    return root


def marker_positions(root: ET.Element, series: int) -> list[tuple[float, float]]:
    group = root.find(f".//{SVG}g[@class='chart-series chart-series--{series}']")
    assert group is not None
    found = []
    for marker in group.iter(f"{SVG}path"):
        if marker.get("class") == "chart-marker":
            move = re.fullmatch(r"translate\(([\d.]+) ([\d.]+)\)", marker.get("transform", ""))
            assert move, marker.get("transform")
            found.append((float(move[1]), float(move[2])))
    return found


def test_a_line_chart_is_valid_svg_with_a_title_and_its_numbers_in_words() -> None:
    root = parse(line_chart([BALANCE, REPAID], title="Fonden över tid", y_label="Belopp"))
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text == "Fonden över tid"
    assert desc is not None and desc.text
    assert "Fondens saldo: 24\u2009000 tkr den 15 dec. 2015" in desc.text
    assert "11\u2009150 tkr den 18 maj 2018" in desc.text
    assert "Återfört" in desc.text
    labelled = root.get("aria-labelledby", "").split()
    assert labelled == [title.get("id"), desc.get("id")]
    legend = " ".join(t.text or "" for t in root.iterfind(f".//{SVG}g[@class='chart-legend']//"))
    assert "Fondens saldo" in legend and "Återfört" in legend


def test_points_are_placed_left_to_right_in_date_order_and_higher_values_higher() -> None:
    root = parse(line_chart([BALANCE], title="Saldo", y_label="Belopp"))
    xs = [x for x, _ in marker_positions(root, 0)]
    ys = [y for _, y in marker_positions(root, 0)]
    assert len(xs) == 3 and xs == sorted(xs) and len(set(xs)) == 3
    assert ys[0] < ys[1] < ys[2]  # 24 000 > 20 850 > 11 150, and SVG's y grows downwards


def test_series_differ_in_colour_and_in_dash_pattern() -> None:
    root = parse(line_chart([BALANCE, REPAID], title="T", y_label="Belopp"))
    lines = [p for p in root.iter(f"{SVG}path") if p.get("class") == "chart-line"]
    assert len(lines) == 2
    assert lines[0].get("stroke") != lines[1].get("stroke")
    assert lines[0].get("stroke-dasharray") != lines[1].get("stroke-dasharray")


def test_reference_lines_for_a_baseline_and_a_target() -> None:
    indicator = Series("Unga i KAA-registret", [(date(2017, 9, 1), 420), (date(2018, 4, 30), 395)])
    svg = line_chart(
        [indicator],
        title="D-I1",
        y_label="Antal",
        unit="st",
        reference_lines=[ReferenceLine("Utgångsläge", 420), ReferenceLine("Mål", 350, "target")],
    )
    root = parse(svg)
    refs = [line for line in root.iter(f"{SVG}line") if "chart-ref" in line.get("class", "")]
    assert [r.get("class") for r in refs] == ["chart-ref chart-ref--baseline",
                                              "chart-ref chart-ref--target"]  # fmt: skip
    assert float(refs[0].get("y1", 0)) < float(refs[1].get("y1", 0))  # 420 above 350
    desc = root.find(f"{SVG}desc")
    assert desc is not None and "Mål: 350 st." in (desc.text or "")


def test_an_empty_chart_says_so() -> None:
    for svg in (
        line_chart([], title="Inget", y_label="Belopp"),
        line_chart([Series("Tom", [])], title="Inget", y_label="Belopp"),
        bar_chart([], ["A"], title="Inget", y_label="Belopp"),
    ):
        root = parse(svg)
        desc = root.find(f"{SVG}desc")
        assert desc is not None and desc.text == "Inga värden att visa."


def test_one_point_is_drawn_in_the_middle_of_a_widened_span() -> None:
    root = parse(line_chart([Series("En", [(date(2020, 1, 1), 5)])], title="T", y_label="B"))
    ((x, _),) = marker_positions(root, 0)
    assert 300 < x < 420


@pytest.mark.parametrize("day", [date.min, date.max])
def test_one_point_at_the_calendars_ends_is_drawn(day: date) -> None:
    root = parse(line_chart([Series("Saldo", [(day, 24000)])], title="Fonden", y_label="tkr"))
    assert len(marker_positions(root, 0)) == 1


def test_a_grouped_bar_chart_has_a_bar_per_series_in_each_group() -> None:
    groups = [BarGroup("2016", [400, 900]), BarGroup("2017", [3000, 1600])]
    root = parse(bar_chart(groups, ["Familjecentral Nord", "Ungdomscoacher"], title="Tabell 1",
                           y_label="Belopp"))  # fmt: skip
    bars = [r for r in root.iter(f"{SVG}rect") if "chart-bar" in r.get("class", "")]
    assert len(bars) == 4
    heights = [float(b.get("height", 0)) for b in bars]
    assert heights[2] > heights[3] > heights[1] > heights[0]  # 3000 > 1600 > 900 > 400
    desc = root.find(f"{SVG}desc")
    assert desc is not None
    assert "2017: Familjecentral Nord 3\u2009000 tkr, Ungdomscoacher 1\u2009600 tkr" in (
        desc.text or ""
    )
    assert "(summa 4\u2009600 tkr)" in (desc.text or "")


def test_no_inline_style_and_no_script() -> None:
    both = str(line_chart([BALANCE], title="T", y_label="B")) + str(
        bar_chart([BarGroup("2016", [1])], ["A"], title="T", y_label="B")
    )
    assert "style=" not in both and "<script" not in both


def test_text_is_escaped() -> None:
    root = parse(line_chart([Series("<b>&", [(date(2020, 1, 1), 1)])], title="<x>", y_label="B"))
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "<x>"


def test_numbers_have_a_thin_space_between_thousands_and_a_decimal_comma() -> None:
    assert number(24000) == "24\u2009000"
    assert number(4.5, "%") == "4,5 %"
    assert number(-1850, "tkr") == "−1\u2009850 tkr"
