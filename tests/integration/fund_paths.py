"""Case D's life under each rule profile, as a replay timeline: what the profile's calendar
and decision chain have it do, from the idea to the end."""

from __future__ import annotations

from dataclasses import replace

from tasks.profiles import load_profile
from web.demo.cases import CASE_D, form, plan_lines, repayment
from web.demo.replay import Step

REPORT_PERIODS = {"budget_model": {"T3"}, "norrkoping_pre2021": {"T2", "T3"},
                  "norrkoping_post2021": {"T2", "T3"}}  # fmt: skip


def until_evaluation(profile: str, outcome: str, committee: bool) -> list[Step]:
    """Case D up to its evaluation, as the profile's calendar and decision chain have it."""
    periods = REPORT_PERIODS.get(profile, {"T1", "T2", "T3"})
    steps = []
    for step in CASE_D.steps:
        if step.element == "committee_decision" and not committee:
            continue
        if step.element == "progress_report" and step.data["period"] not in periods:
            continue
        if step.element == "progress_report" and load_profile(profile).steering_group_required:
            approval = form("report_approval", meeting_date=step.on)
            steps += [step, Step(step.on, "approve_report", "tove.ahlin", approval)]
            continue
        if step.element == "evaluation":
            steps.append(replace(step, data={**step.data, "outcome_class": outcome,
                                             "expected_effect_start_year": 2030}))  # fmt: skip
            return steps
        steps.append(step)
    raise AssertionError("case D has an evaluation step")


def twelve_years_in_norrkoping() -> list[Step]:
    """Norrköping (before 2021): effects not visible for three years (a yearly re-check),
    then five repayment years: the case lives 2017–2029."""
    steps = until_evaluation("norrkoping_pre2021", "effects_not_yet_visible", committee=False)
    evaluation = steps[-1]
    later = {"outcome_class": "economic_effect_within_limit"}
    plan = {year: (600, 300) for year in range(2024, 2029)}
    return [
        *steps,
        replace(evaluation, on="2021-04-15"),
        replace(evaluation, on="2022-04-15"),
        replace(evaluation, on="2023-04-15", data={**evaluation.data, **later}),
        Step("2023-05-01", "repayment_plan", "sara.ahl",
             form("repayment_plan", lines=plan_lines(plan))),
        Step("2023-05-15", "decide_plan_ks", "olle.vik",
             {"decision": "approved", "decision_date": "2023-05-15"}),
        *(Step(f"{year + 1}-01-20", "repayment_follow_up", "erik.holm",
               repayment(year, {"SN": 600, "UN": 300})) for year in range(2024, 2029)),
        Step("2029-02-01", "final_reconciliation", "erik.holm", form("final_reconciliation")),
        Step("2029-02-15", "implementation_decision", "per.sjo",
             form("implementation_decision")),
        Step("2029-03-01", "close_report", "lina.nord", form("close_report")),
    ]  # fmt: skip


def whole_life(profile: str) -> list[Step]:
    """Case D from its idea to its end under ``profile``: repaid over five years where the
    profile takes money back, else decided on for the line organisation after its
    evaluation; in Norrköping before 2021, re-checked yearly first (2017–2029)."""
    if profile == "norrkoping_pre2021":
        return twelve_years_in_norrkoping()
    committee = "committee" in load_profile(profile).decision_chain
    steps = until_evaluation(profile, "economic_effect_within_limit", committee)
    after = CASE_D.steps[[s.element for s in CASE_D.steps].index("evaluation") + 1 :]
    if load_profile(profile).repayment_model == "none":
        after = [s for s in after if s.element in ("implementation_decision", "close_report")]
        days = ("2020-06-15", "2020-09-01")
        after = [replace(s, on=day) for s, day in zip(after, days, strict=True)]
    return [*steps, *(_as_the_profile_has_it(profile, s) for s in after)]


def _as_the_profile_has_it(profile: str, step: Step) -> Step:
    """A step of D after its evaluation, taken by whom the profile says, with what it asks."""
    rules = load_profile(profile)
    if step.element == "decide_plan_ks" and rules.plan_decided_by == "city_director":
        return replace(step, element="decide_plan_cd", user="anna.berg")
    if step.element == "decide_adjusted_plan" and rules.plan_decided_by == "city_director":
        return replace(step, user="anna.berg")
    if step.element == "final_reconciliation" and rules.final_budget_adjustment:
        adjustment = {"board": "SN", "amount_tkr": -400, "effective_budget_year": 2027}
        return replace(step, data={**step.data, "final_adjustments": [adjustment],
                                   "decided_by": "kf", "decision_date": step.on})  # fmt: skip
    if step.element == "close_report" and rules.results_report_to_ks:
        return replace(step, data={**step.data, "results_report_to_ks": "KS 2026/88"})
    return step
