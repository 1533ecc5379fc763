"""Rule profiles as data, and repayment plans / project length checked against them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from tasks.profiles import PROFILES, Profile, ProfileInvalid, all_profiles, load_profile
from tasks.repayment import PlanLine, check_plan, check_project_length, repayment_start_deadline

D = date.fromisoformat
SODERTALJE = load_profile("sodertalje_2015")
STOCKHOLM = load_profile("stockholm_2016")


def plan(version: dict[int, tuple[int, int]]) -> list[PlanLine]:
    """{year: (SN, UN)} → plan lines."""
    return [
        PlanLine(year, board, amount)
        for year, (sn, un) in version.items()
        for board, amount in (("SN", sn), ("UN", un))
        if amount
    ]


V1 = {2021: (600, 300), 2022: (600, 300), 2023: (600, 300), 2024: (600, 300), 2025: (600, 300)}
V2 = {2021: (600, 300), 2022: (300, 300), 2023: (600, 300), 2024: (600, 300), 2025: (900, 300)}
V2_ALT = {**V2, 2025: (600, 300), 2026: (300, 0)}  # 300 of SN's 2022 shortfall moved to 2026
D_START = D("2017-09-01")
D_END = D("2019-12-31")


def test_the_five_profiles_load_with_their_parameters() -> None:
    profiles = all_profiles()
    assert set(profiles) == {
        "stockholm_2016",
        "sodertalje_2015",
        "norrkoping_pre2021",
        "norrkoping_post2021",
        "budget_model",
    }
    assert (SODERTALJE.committee, STOCKHOLM.committee) == (True, False)
    assert (SODERTALJE.repayment_max_years, STOCKHOLM.repayment_max_years) == (5, 6)
    assert SODERTALJE.reports_per_year == 3
    assert not profiles["budget_model"].repays
    assert STOCKHOLM.plan_decided_by == "city_director"
    assert SODERTALJE.frozen()["key"] == "sodertalje_2015"
    closing = (STOCKHOLM.final_budget_adjustment, STOCKHOLM.results_report_to_ks)
    assert closing == (True, True)  # S29 and S31 as Stockholm's guidelines have them
    assert not (SODERTALJE.final_budget_adjustment or SODERTALJE.results_report_to_ks)


def test_a_snapshot_frozen_before_the_closing_rules_thaws_without_them() -> None:
    old = {k: v for k, v in STOCKHOLM.frozen().items()
           if k not in ("final_budget_adjustment", "results_report_to_ks")}  # fmt: skip
    thawed = Profile.thaw(old)
    assert (thawed.final_budget_adjustment, thawed.results_report_to_ks) == (False, False)


def test_an_unknown_profile_names_the_known_ones() -> None:
    with pytest.raises(ProfileInvalid, match="stockholm_2016"):
        load_profile("goteborg")


@pytest.mark.parametrize("version", [V1, V2], ids=["v1", "v2"])
def test_case_d_plans_v1_and_v2_are_valid_under_both(version: dict[int, tuple[int, int]]) -> None:
    for profile in (SODERTALJE, STOCKHOLM):
        assert check_plan(profile, plan(version), 4500, D_START, D_END, ["SN", "UN"]) == []


def test_case_d_v2_alt_is_rejected_in_sodertalje_and_accepted_in_stockholm() -> None:
    lines = plan(V2_ALT)
    assert sum(line.amount_tkr for line in lines) == 4500
    [error] = check_plan(SODERTALJE, lines, 4500, D_START, D_END)
    assert error.path == "end_year" and "högst 5 år" in error.message
    assert check_plan(STOCKHOLM, lines, 4500, D_START, D_END) == []


def test_a_plan_starting_after_the_five_year_deadline_is_refused() -> None:  # §9.7 no. 9
    late = {year: (600, 300) for year in range(2023, 2028)}
    [error] = check_plan(SODERTALJE, plan(late), 4500, D_START, D_END)
    assert error.path == "start_year" and "2022-09-01" in error.message
    assert repayment_start_deadline(SODERTALJE, D("2017-06-16")) == D("2022-06-16")
    assert repayment_start_deadline(STOCKHOLM, D_START) is None


def test_a_plan_above_its_cap_or_with_gaps_is_refused() -> None:
    paths = {e.path for e in check_plan(SODERTALJE, plan({2021: (5000, 0)}), 4500, D_START)}
    assert paths == {"total_tkr"}
    gappy = {2021: (600, 0), 2023: (600, 0)}
    assert [e.path for e in check_plan(SODERTALJE, plan(gappy), 4500, D_START)] == ["lines"]


def test_stockholm_repays_only_after_the_investment_phase() -> None:
    early = {2019: (900, 0), 2020: (900, 0)}
    assert [e.path for e in check_plan(STOCKHOLM, plan(early), 4500, D_START, D_END)] == [
        "start_year"
    ]


def test_the_budget_model_has_no_repayment_plan() -> None:
    [error] = check_plan(load_profile("budget_model"), plan(V1), 4500, D_START)
    assert "budgetmodell" in error.message


def test_a_four_year_project_is_too_long_in_sodertalje_but_fine_in_stockholm() -> None:  # no. 2
    start, end = D("2019-01-01"), D("2022-12-31")
    [error] = check_project_length(SODERTALJE, start, end)
    assert error.path == "planned_end"
    assert check_project_length(STOCKHOLM, start, end) == []
    assert check_project_length(SODERTALJE, start, D("2021-12-31")) == []


def test_a_profile_with_a_choice_it_does_not_know_is_refused(tmp_path: Path) -> None:
    text = (PROFILES / "sodertalje_2015.toml").read_text("utf-8")
    (tmp_path / "odd.toml").write_text(
        text.replace('project_start_ref = "actual_start"', 'project_start_ref = "someday"'),
        "utf-8",
    )
    with pytest.raises(ProfileInvalid, match="project_start_ref"):
        load_profile("odd", tmp_path)


def test_a_snapshot_from_an_older_sif_still_thaws() -> None:
    old = {**SODERTALJE.frozen(), "committee": True, "reports_per_year": 3}
    assert Profile.thaw(old) == SODERTALJE


def test_a_project_shorter_than_the_profile_allows_is_refused() -> None:
    short = check_project_length(SODERTALJE, D("2017-01-01"), D("2017-06-30"))
    assert [e.path for e in short] == ["planned_end"] and "minst 1 år" in short[0].message
    assert check_project_length(replace(SODERTALJE, project_min_years=0), D("2017-01-01"),
                                D("2017-06-30")) == []  # fmt: skip
