"""What the demo projects measured (DOMAIN §7), so the follow-up page draws real series: the
values of the sample evaluation plan's indicators (case D's codes, which every demo project's
application shares) per tertial and per year, from the first demo report (T1 2016) to the last
(T3 2020). A progress report carries its tertial's values, measured on the tertial's last day;
the annual follow-up the values at the year's end.
"""

from __future__ import annotations

from typing import Any

PERIOD_ENDS = {"T1": "04-30", "T2": "08-31", "T3": "12-31"}
#: (year, tertial) → D-I1 unga i KAA-registret, D-P1 % kontaktade inom 30 dagar, D-E1 % i
#: studier eller arbete efter 6 månader.
TERTIALS: dict[tuple[int, str], tuple[int, int, int]] = {
    (2016, "T1"): (428, 36, 29), (2016, "T2"): (431, 39, 30), (2016, "T3"): (425, 41, 30),
    (2017, "T1"): (422, 40, 31), (2017, "T2"): (419, 44, 31), (2017, "T3"): (414, 49, 33),
    (2018, "T1"): (405, 62, 38), (2018, "T2"): (397, 69, 40), (2018, "T3"): (386, 76, 42),
    (2019, "T1"): (377, 79, 44), (2019, "T2"): (366, 82, 47), (2019, "T3"): (352, 84, 51),
    (2020, "T1"): (349, 85, 52), (2020, "T2"): (347, 85, 53), (2020, "T3"): (344, 86, 53),
}  # fmt: skip
#: year → D-P2 antal språk, D-E2 hushåll med försörjningsstöd, D-S1 nöjdhet (enkät, från 2018).
YEARS: dict[int, tuple[int, int, float | None]] = {
    2016: (1, 318, None), 2017: (2, 309, None), 2018: (5, 296, 3.6), 2019: (5, 281, 4.1),
    2020: (6, 268, 4.2),
}  # fmt: skip


def tertial_values(period: str, year: int) -> list[dict[str, Any]] | None:
    """A progress report's ``indicator_values`` for the tertial, or None outside the table."""
    values = TERTIALS.get((year, period))
    if values is None:
        return None
    measured_at = f"{year}-{PERIOD_ENDS[period]}"
    return [
        {"indicator_ref": code, "value": value, "measured_at": measured_at}
        for code, value in zip(("D-I1", "D-P1", "D-E1"), values, strict=True)
    ]


def year_end_values(year: int) -> list[dict[str, Any]] | None:
    """An annual follow-up's ``indicator_summary`` for the year, or None outside the table."""
    if year not in YEARS:
        return None
    languages, households, satisfaction = YEARS[year]
    found: list[dict[str, Any]] = [
        {"indicator_ref": "D-P2", "value": languages},
        {"indicator_ref": "D-E2", "value": households},
    ]
    if satisfaction is not None:
        found.append({"indicator_ref": "D-S1", "value": satisfaction})
    end_of_year = TERTIALS.get((year, "T3"))
    if end_of_year is not None:
        found.append({"indicator_ref": "D-E1", "value": end_of_year[2]})
    return found
