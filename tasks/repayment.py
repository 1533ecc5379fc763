"""Repayment plans (Form N) and project length, checked against the case's rule profile.

Every breach is a ``FieldError`` on the form field a person must change, in Swedish.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from engine import FieldError, shift_years
from tasks.ledger import tkr
from tasks.profiles import Profile


@dataclass(frozen=True)
class PlanLine:
    year: int
    board: str
    amount_tkr: int


def repayment_start_deadline(profile: Profile, project_start_ref: date | None) -> date | None:
    """The latest date repayment may begin, or None where the profile sets no deadline (or
    the project has no start to count from)."""
    if not profile.start_deadline_years or project_start_ref is None:
        return None
    return shift_years(project_start_ref, profile.start_deadline_years)


def check_plan(
    profile: Profile,
    lines: Sequence[PlanLine],
    cap_tkr: int,
    project_start_ref: date | None,
    investment_end: date | None = None,
    boards: Sequence[str] = (),
) -> list[FieldError]:
    """What is wrong with a repayment plan under ``profile``; empty when it may be decided."""
    if not profile.repays:
        return [FieldError("lines", "Regelprofilen har ingen återföring (budgetmodell).")]
    if not lines:
        return [FieldError("lines", "Planen måste ha minst en rad.")]
    errors = [
        FieldError(f"lines.{i}.amount_tkr", "Beloppet måste vara större än noll.")
        for i, line in enumerate(lines) if line.amount_tkr <= 0
    ]  # fmt: skip
    errors += [
        FieldError(f"lines.{i}.board", f"{line.board} är inte en berörd nämnd i ärendet.")
        for i, line in enumerate(lines) if boards and line.board not in boards
    ]  # fmt: skip
    total = sum(line.amount_tkr for line in lines)
    if total > cap_tkr:
        errors.append(
            FieldError(
                "total_tkr", f"Planen summerar till {tkr(total)}, mer än taket {tkr(cap_tkr)}."
            )
        )
    years = sorted({line.year for line in lines})
    start, end = years[0], years[-1]
    if years != list(range(start, end + 1)):
        errors.append(FieldError("lines", "Planens år måste följa på varandra utan luckor."))
    errors += _timing(profile, start, end, project_start_ref, investment_end)
    return errors


def plan_covers_what_is_left(
    profile: Profile, lines: Sequence[PlanLine], left_tkr: int, followed_through: int = 0
) -> list[FieldError]:
    """A plan that repays the granted funds (Södertälje) must ask for all that was paid out
    and not relieved — after a partial exemption, exactly what is left; and a plan made after
    its years were followed up needs a year still to come (after ``followed_through``)."""
    errors = []
    total = sum(line.amount_tkr for line in lines)
    if lines and profile.amount_basis == "granted_funds" and total < left_tkr:  # more: the cap says
        errors.append(FieldError(
            "total_tkr",
            f"Planen ska återföra det som betalats ut och inte befriats: {tkr(left_tkr)}; "
            f"den summerar till {tkr(total)}.",
        ))  # fmt: skip
    if lines and followed_through and max(line.year for line in lines) <= followed_through:
        errors.append(FieldError(
            "lines", f"Åren till och med {followed_through} är redan följda; planen behöver "
            f"minst ett år efter {followed_through} för det som återstår.",
        ))  # fmt: skip
    return errors


def _timing(
    profile: Profile, start: int, end: int, start_ref: date | None, investment_end: date | None
) -> list[FieldError]:
    errors = []
    deadline = repayment_start_deadline(profile, start_ref)
    if deadline is not None and date(start, 1, 1) > deadline:
        errors.append(
            FieldError(
                "start_year",
                f"Återföringen måste börja senast {deadline.isoformat()} "
                f"({profile.start_deadline_years} år efter projektstart); planen börjar {start}.",
            )
        )
    if profile.repayment_max_years and end - start + 1 > profile.repayment_max_years:
        errors.append(
            FieldError(
                "end_year",
                f"Återföringen får pågå högst {profile.repayment_max_years} år; "
                f"planen löper {start}–{end} ({end - start + 1} år).",
            )
        )
    if profile.starts_after_investment_end and investment_end and start <= investment_end.year:
        errors.append(
            FieldError("start_year", f"Återföringen börjar tidigast {investment_end.year + 1}.")
        )
    return errors


def check_project_length(
    profile: Profile, planned_start: date, planned_end: date
) -> list[FieldError]:
    """Project length against the profile's limits (Södertälje: 1–3 years)."""
    if planned_end < planned_start:
        return [FieldError("planned_end", "Slutdatum ligger före startdatum.")]
    days = (planned_end - planned_start).days + 1
    years = days / 365.25
    errors = []
    if profile.project_min_years and years < profile.project_min_years - 0.01:
        errors.append(
            FieldError(
                "planned_end",
                f"Projekt ska pågå minst {profile.project_min_years} år enligt {profile.name}; "
                f"det här pågår {years:.1f} år.",
            )
        )
    if profile.project_max_years and years > profile.project_max_years + 0.01:
        errors.append(
            FieldError(
                "planned_end",
                f"Projekt får pågå högst {profile.project_max_years} år enligt {profile.name}; "
                f"det här pågår {years:.1f} år.",
            )
        )
    return errors
