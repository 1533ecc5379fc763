"""Every rule-profile parameter changes something: each is listed here with the behaviour it
changes and the test that shows it. A parameter that nothing reads cannot be listed, and a new
parameter fails this test until its behaviour is written down and tested."""

from __future__ import annotations

import importlib
from dataclasses import fields

import pytest

from tasks.profiles import Profile

#: parameter → (what it changes, the test that shows the change: "module::function").
BEHAVIOUR = {
    "key": ("the file and the snapshot name it", "tests/unit/test_profiles_and_plans.py::"
            "test_the_five_profiles_load_with_their_parameters"),
    "name": ("the Swedish name in the rules' messages", "tests/unit/test_profiles_and_plans.py::"
             "test_a_project_shorter_than_the_profile_allows_is_refused"),
    "initial_capital_tkr": ("the capital `sif fund create` gives a fund by default",
                            "tests/integration/test_fund_cli.py::"
                            "test_the_fund_report_shows_table_1_and_table_2"),
    "decision_chain": ("whether a committee prepares the KS decision, and the body an "
                       "allocation is booked as decided by",
                       "tests/integration/test_fund_profiles.py::"
                       "test_each_profile_takes_its_own_path"),
    "exemption_decided_by": ("who is offered (and alone may complete) an exemption decision",
                             "tests/integration/test_fund_profiles.py::"
                             "test_each_profile_offers_the_exemption_decision_to_its_decider"),
    "project_min_years": ("the shortest project an application may ask for",
                          "tests/unit/test_profiles_and_plans.py::"
                          "test_a_project_shorter_than_the_profile_allows_is_refused"),
    "project_max_years": ("the longest project an application may ask for",
                          "tests/unit/test_profiles_and_plans.py::"
                          "test_a_four_year_project_is_too_long_in_sodertalje_but_fine_in_"
                          "stockholm"),
    "report_due_dates": ("when progress reports fall due (and so how many a year)",
                         "tests/unit/test_calendar.py::"
                         "test_report_dates_follow_the_profile_within_the_project"),
    "scientific_review": ("whether a scientific review is always made, may be asked for, or "
                          "may not be asked for", "tests/integration/test_fund_rules.py::"
                          "test_no_scientific_review_can_be_asked_for_where_the_profile_has_"
                          "none"),
    "revision_allowed": ("whether the council may return an application for revision",
                         "tests/integration/test_fund_rules.py::"
                         "test_a_third_revision_round_is_refused"),
    "max_revision_rounds": ("how many revision rounds there may be",
                            "tests/integration/test_fund_rules.py::"
                            "test_a_third_revision_round_is_refused"),
    "steering_group_required": ("whether a steering group approves each progress report",
                                "tests/integration/test_fund_signoffs.py::"
                                "test_the_steering_group_approves_reports_where_the_profile_"
                                "has_one"),
    "external_evaluator_required": ("whether an internal evaluator needs a justification",
                                    "tests/integration/test_fund_rules.py::"
                                    "test_an_internal_evaluator_needs_a_reason_where_an_"
                                    "external_one_is_required"),
    "repayment_model": ("whether anything is repaid (the budget model repays nothing)",
                        "tests/integration/test_fund_profiles.py::"
                        "test_each_profile_takes_its_own_path"),
    "plan_decided_by": ("who decides a repayment plan and each adjustment of it",
                        "tests/integration/test_fund_signoffs.py::"
                        "test_an_adjusted_plan_holds_only_once_it_is_decided"),
    "amount_basis": ("a plan on the granted funds repays all that was paid out and not "
                     "relieved", "tests/integration/test_fund_relief.py::"
                     "test_a_partial_exemption_asks_for_a_plan_for_what_is_left"),
    "repayment_cap": ("the most a plan may ask for", "tests/integration/test_fund_rules.py::"
                      "test_a_profile_without_a_cap_lets_a_plan_ask_more_than_was_paid"),
    "mechanism": ("what each repayment posting says it is (surplus or frame cut)",
                  "tests/integration/test_fund_case.py::"
                  "test_replaying_the_demo_reproduces_every_row_of_the_balance_oracle"),
    "project_start_ref": ("the date the repayment deadline is counted from",
                          "tests/integration/test_fund_rules.py::"
                          "test_the_five_year_deadline_counts_from_the_profiles_start"),
    "start_deadline_years": ("how late repayment may begin",
                             "tests/unit/test_profiles_and_plans.py::"
                             "test_a_plan_starting_after_the_five_year_deadline_is_refused"),
    "repayment_max_years": ("how many years repayment may run",
                            "tests/unit/test_profiles_and_plans.py::"
                            "test_case_d_v2_alt_is_rejected_in_sodertalje_and_accepted_in_"
                            "stockholm"),
    "starts_after_investment_end": ("whether repayment waits for the investment phase to end",
                                    "tests/unit/test_profiles_and_plans.py::"
                                    "test_stockholm_repays_only_after_the_investment_phase"),
    "awaiting_effects_recheck": ("whether effects not yet visible are assessed again in a year",
                                 "tests/integration/test_fund_profiles.py::"
                                 "test_each_profile_takes_its_own_path"),
    "final_budget_adjustment": ("whether the final reconciliation must adjust at least one "
                                "board's ordinary frame", "tests/integration/test_fund_closing.py::"
                                "test_stockholm_requires_the_final_adjustment_and_the_report_to_ks"),
    "results_report_to_ks": ("whether the close must name the results report to KS",
                             "tests/integration/test_fund_closing.py::"
                             "test_stockholm_requires_the_final_adjustment_and_the_report_to_ks"),
}  # fmt: skip


def test_every_parameter_is_listed_with_what_it_changes() -> None:
    assert set(BEHAVIOUR) == {f.name for f in fields(Profile)}


@pytest.mark.parametrize("parameter", sorted(BEHAVIOUR))
def test_the_test_that_shows_each_parameters_behaviour_exists(parameter: str) -> None:
    _, where = BEHAVIOUR[parameter]
    path, function = where.split("::")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    assert callable(getattr(module, function, None)), where
