"""The fund's form rules: domain checks that need the ledger or the case's rule profile.

Each is named on a user task (``formRule``) and returns field errors in Swedish; the engine
refuses the completion with them, exactly like a schema error, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import Connection

from engine import FieldError, RuleCall, ServiceRegistry, case_business_key, completed_steps
from tasks.changes import change_allowed
from tasks.ledger import tkr
from tasks.profiles import Profile, load_profile
from tasks.repayment import PlanLine, check_plan, check_project_length, plan_covers_what_is_left
from tasks.store import (
    case_connection,
    fund_code,
    get_fund,
    load_ledger,
    project_balance,
    reservation_condition,
)


def _conn(call: RuleCall) -> Connection:
    return case_connection(call.connection, call.rule)


def _fund(call: RuleCall) -> str:
    return fund_code(call.case_data.get("fund"))


def _profile(call: RuleCall) -> Profile:
    """The case's frozen profile after the grant, else the fund's current one."""
    frozen = call.case_data.get("profile")
    if isinstance(frozen, Mapping):
        return Profile.thaw(frozen)
    return load_profile(get_fund(_conn(call), _fund(call)).profile)


def _int(data: Mapping[str, Any], key: str) -> int:
    value = data.get(key) or 0
    return int(value) if isinstance(value, int | float | str) and str(value).strip() else 0


def grant_within_available(call: RuleCall) -> list[FieldError]:
    """Form H: granted + reserved may not exceed what the fund has left to grant."""
    if call.data.get("decision") not in ("granted", "granted_amended"):
        return []
    wanted = _int(call.data, "granted_tkr") + _int(call.data, "reserved_tkr")
    available = load_ledger(_conn(call), _fund(call)).fund().available_to_grant
    if wanted <= available:
        return []
    message = (
        f"Beviljat och reserverat ({tkr(wanted)}) överstiger vad fonden har kvar "
        f"({tkr(available)})."
    )
    return [FieldError("granted_tkr", message)]


def within_project_length(call: RuleCall) -> list[FieldError]:
    """Form C: the project period must fit the profile (Södertälje: 1–3 years)."""
    general = call.data.get("general") or {}
    try:
        start = date.fromisoformat(str(general["planned_start"]))
        end = date.fromisoformat(str(general["planned_end"]))
    except (KeyError, ValueError):
        return []  # the schema reports missing or malformed dates
    errors = check_project_length(_profile(call), start, end)
    return [FieldError(f"general.{e.path}", e.message) for e in errors]


def consents_given(call: RuleCall) -> list[FieldError]:
    """Form C: an application cannot be submitted while an affected board's consent is pending."""
    boards = (call.data.get("general") or {}).get("affected_boards") or []
    return [
        FieldError(f"general.affected_boards.{i}.consent",
                   f"{b.get('board', 'Nämnden')} har inte lämnat sitt samtycke ännu.")
        for i, b in enumerate(boards)
        if isinstance(b, Mapping) and b.get("consent", "pending") == "pending"
    ]  # fmt: skip


def revision_allowed(call: RuleCall) -> list[FieldError]:
    """Form E: no further revision round once the profile's maximum is reached."""
    if call.data.get("council_recommendation") != "return_for_revision":
        return []
    profile = _profile(call)
    done = int(call.case_data.get("revision_round") or 0)
    if profile.revision_allowed and done < profile.max_revision_rounds:
        return []
    limit = profile.max_revision_rounds
    message = f"Ingen fler revideringsrunda: {done} av högst {limit} är gjorda."
    return [FieldError("council_recommendation", message)]


def science_allowed(call: RuleCall) -> list[FieldError]:
    """Form E: a profile without scientific review (``never``) cannot have one requested."""
    if call.data.get("council_recommendation") != "request_scientific_review":
        return []
    profile = _profile(call)
    if profile.scientific_review != "never":
        return []
    message = f"{profile.name} har ingen vetenskaplig granskning; välj en annan rekommendation."
    return [FieldError("council_recommendation", message)]


def evaluator_as_profile(call: RuleCall) -> list[FieldError]:
    """Form C3: where the profile requires an external evaluator, an internal one needs a
    justification (Södertälje's family centre: internal, justified by cost)."""
    if not _profile(call).external_evaluator_required:
        return []
    evaluator = (call.data.get("evaluation_plan") or {}).get("evaluator") or {}
    if not isinstance(evaluator, Mapping) or evaluator.get("kind") != "internal":
        return []
    if str(evaluator.get("deviation_justification") or "").strip():
        return []
    message = "Regelverket kräver extern utvärderare: motivera varför utvärderingen görs internt."
    return [FieldError("evaluation_plan.evaluator.deviation_justification", message)]


def repayment_plan_valid(call: RuleCall) -> list[FieldError]:
    """Form N: the plan against the frozen profile, capped at what the project received."""
    lines = [
        PlanLine(int(line["year"]), str(line["board"]), int(line["amount_tkr"]))
        for line in call.data.get("lines") or []
        if isinstance(line, Mapping)
    ]
    case = call.case_data
    project = str(case.get("project") or "")
    ledger = load_ledger(_conn(call), _fund(call), project)  # its part is enough
    balance = ledger.project(project)
    profile = _profile(call)
    left = balance.net_disbursed - balance.relieved  # what was paid out and not relieved
    cap = left if profile.repayment_cap == "net_disbursed" else sum(li.amount_tkr for li in lines)
    start_ref = _project_start(profile, case, ledger.first_allocation(project))
    end = case.get("planned_end")
    investment_end = date.fromisoformat(str(end)) if end else None
    boards = [str(b) for b in case.get("affected_board_codes") or []]
    errors = check_plan(profile, lines, cap, start_ref, investment_end, boards)
    followed = int(case.get("repaid_through") or 0)
    return errors + plan_covers_what_is_left(profile, lines, left, followed)


def _project_start(
    profile: Profile, case: Mapping[str, Any], first_allocation: date | None
) -> date | None:
    """The date the profile counts the repayment deadline from (DOMAIN §10.1): the actual
    start, the grant decision, or the first allocation booked in the ledger (None before the
    grant: no deadline can be counted yet)."""
    granted, actual = _day(case.get("grant_date")), _day(case.get("actual_start"))
    if profile.project_start_ref == "decision_date":
        return granted or actual
    if profile.project_start_ref == "first_allocation_date":
        return first_allocation or granted or actual
    return actual or granted


def _day(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def relief_within_outstanding(call: RuleCall) -> list[FieldError]:
    """Form P: a partial exemption or write-down may not exceed the outstanding investment."""
    if call.data.get("decision") not in ("granted_partial", "granted_full", None):
        return []
    amount = _int(call.data, "amount_tkr")
    project = str(call.case_data.get("project") or "")
    outstanding = project_balance(_conn(call), _fund(call), project).outstanding
    if amount <= outstanding:
        return []
    return [
        FieldError(
            "amount_tkr", f"Beloppet är större än utestående investering ({tkr(outstanding)})."
        )
    ]


#: What a reservation may wait for, as the element whose completion in the granting case
#: meets it, and how the refusal says it is not met yet.
RELEASE_WHEN = {
    "project_started": ("project_setup", "har inte startat ännu"),
    "project_evaluated": ("evaluation", "är inte utvärderat ännu"),
    "project_ended": ("implementation_decision", "är inte avslutat ännu"),
}


def reservation_decision_allowed(call: RuleCall) -> list[FieldError]:
    """Reserved money is released only once its condition is met in the case that granted it
    (DOMAIN §9.7 no. 8: not before project A's evaluation), and never more than is reserved."""
    errors = []
    conn, fund = _conn(call), _fund(call)
    project = str(call.case_data.get("project") or "")
    if call.data.get("decision") == "release":
        errors += _condition_unmet(conn, fund, project)
    reserved = project_balance(conn, fund, project).reserved_open
    if _int(call.data, "amount_tkr") > reserved:
        errors.append(FieldError("amount_tkr", f"Bara {tkr(reserved)} är reserverat."))
    return errors


def _condition_unmet(conn: Connection, fund: str, project: str) -> list[FieldError]:
    kept = reservation_condition(conn, fund, project)
    if kept is None:
        return [FieldError("decision", "Det finns ingen reservation med villkor att frigöra.")]
    element, unmet = RELEASE_WHEN.get(kept.release_when, RELEASE_WHEN["project_evaluated"])
    if element in completed_steps(conn, kept.case_id):
        return []
    said = f" ({kept.condition})" if kept.condition else ""
    key = case_business_key(conn, kept.case_id)
    message = f"Villkoret för reservationen är inte uppfyllt: ärendet {key} {unmet}{said}."
    return [FieldError("decision", message)]


def final_adjustments_as_profile(call: RuleCall) -> list[FieldError]:
    """Form Q (S29): where the profile finally adjusts the ordinary budget (Stockholm) at least
    one board's frame adjustment is required. Each line names one of the case's boards, is not
    zero and is the only one for its board and year; lines need the decision (body and date)."""
    lines = [li for li in call.data.get("final_adjustments") or [] if isinstance(li, Mapping)]
    if not lines:
        profile = _profile(call)
        if not profile.final_budget_adjustment:
            return []
        message = f"{profile.name}: ange den slutliga ramjusteringen för minst en nämnd."
        return [FieldError("final_adjustments", message)]
    boards = {str(b) for b in call.case_data.get("affected_board_codes") or []}
    boards.add(str(call.case_data.get("lead_board") or ""))
    errors, seen = [], set()
    for i, line in enumerate(lines):
        board, year = str(line.get("board") or ""), line.get("effective_budget_year")
        if board not in boards:
            errors.append(FieldError(f"final_adjustments.{i}.board",
                                     f"{board} är inte en berörd nämnd i ärendet."))  # fmt: skip
        if _int(line, "amount_tkr") == 0:
            errors.append(FieldError(f"final_adjustments.{i}.amount_tkr",
                                     "Ramjusteringen får inte vara noll."))  # fmt: skip
        if (board, year) in seen:
            errors.append(FieldError(f"final_adjustments.{i}.board",
                                     f"{board} har redan en justering från {year}."))  # fmt: skip
        seen.add((board, year))
    if not call.data.get("decided_by"):
        errors.append(FieldError("decided_by", "Ange vem som beslutade ramjusteringen."))
    if not call.data.get("decision_date"):
        errors.append(FieldError("decision_date", "Ange när ramjusteringen beslutades."))
    return errors


def results_report_as_profile(call: RuleCall) -> list[FieldError]:
    """S31: where the profile has the city director report results to KS (Stockholm), the
    closing names that report."""
    profile = _profile(call)
    if not profile.results_report_to_ks or str(call.data.get("results_report_to_ks") or "").strip():
        return []
    message = f"{profile.name}: ange resultatrapporten till kommunstyrelsen."
    return [FieldError("results_report_to_ks", message)]


RULES = {
    "fund.grant_within_available": grant_within_available,
    "fund.project_length": within_project_length,
    "fund.consents_given": consents_given,
    "fund.revision_allowed": revision_allowed,
    "fund.science_allowed": science_allowed,
    "fund.evaluator_as_profile": evaluator_as_profile,
    "fund.repayment_plan_valid": repayment_plan_valid,
    "fund.relief_within_outstanding": relief_within_outstanding,
    "fund.reservation_decision_allowed": reservation_decision_allowed,
    "fund.change_allowed": change_allowed,
    "fund.final_adjustments_as_profile": final_adjustments_as_profile,
    "fund.results_report_as_profile": results_report_as_profile,
}


def register_rules(registry: ServiceRegistry) -> None:
    for name, rule in RULES.items():
        registry.register_rule(name, rule)
