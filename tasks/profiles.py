"""Rule profiles: how a municipality runs its fund, as data (``processes/profiles/*.toml``).

A profile is read once, checked, and frozen onto a case at the grant decision; the BPMN and the
service tasks read it from the case, so no municipality is hard-coded anywhere.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

PROFILES = Path(__file__).resolve().parent.parent / "processes" / "profiles"


class ProfileInvalid(ValueError):
    """A profile file is missing a key or has a value of the wrong kind (message in Swedish)."""


#: The values a profile's choices may take; anything else is refused when the profile is read.
CHOICES = {
    "scientific_review": ("always", "council_decides", "never"),
    "repayment_model": ("repayment", "none"),
    "amount_basis": ("granted_funds", "realised_reduction", "none"),
    "repayment_cap": ("net_disbursed", "none"),
    "mechanism": ("surplus_at_year_end", "frame_reduction", "none"),
    "project_start_ref": ("actual_start", "decision_date", "first_allocation_date"),
}


@dataclass(frozen=True)
class Profile:
    key: str
    name: str
    initial_capital_tkr: int
    decision_chain: tuple[str, ...]  # the bodies a grant passes, the last one decides
    exemption_decided_by: str
    project_min_years: int
    project_max_years: int  # 0: no limit
    report_due_dates: tuple[str, ...]  # "MM-DD", one per report a year
    scientific_review: str  # always | council_decides | never
    revision_allowed: bool
    max_revision_rounds: int
    steering_group_required: bool
    external_evaluator_required: bool
    repayment_model: str  # repayment | none
    plan_decided_by: str
    amount_basis: str
    repayment_cap: str
    mechanism: str
    project_start_ref: str
    start_deadline_years: int  # 0: no deadline
    repayment_max_years: int  # 0: no limit
    starts_after_investment_end: bool
    awaiting_effects_recheck: bool
    # S29/S31 (DOMAIN §4 final_budget_adjustment, fund.follow_up); False in older snapshots
    final_budget_adjustment: bool = False  # the boards' ordinary frames are finally adjusted
    results_report_to_ks: bool = False  # the city director reports results to KS at the close

    @property
    def repays(self) -> bool:
        return self.repayment_model != "none"

    @property
    def committee(self) -> bool:
        """Whether a committee prepares the board's decision (Södertälje's)."""
        return "committee" in self.decision_chain

    @property
    def reports_per_year(self) -> int:
        return len(self.report_due_dates)

    def frozen(self) -> dict[str, Any]:
        """The snapshot stored on a case at the grant decision (plain JSON data)."""
        return asdict(self)

    @classmethod
    def thaw(cls, frozen: Mapping[str, Any]) -> Profile:
        """A profile back from its snapshot (JSON turned its tuples into lists). A snapshot
        taken by an older Sif may hold parameters since removed: they are left out."""
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in frozen.items() if k in known
        }
        return cls(**values)


def load_profile(key: str, folder: Path = PROFILES) -> Profile:
    path = folder / f"{key}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.toml")))
        raise ProfileInvalid(f"Regelprofilen {key!r} finns inte (kända: {known}).")
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    try:
        profile = _profile(raw)
    except (KeyError, TypeError, ValueError) as exc:
        raise ProfileInvalid(f"{path.name}: saknar eller har fel värde för {exc}") from None
    for name, allowed in CHOICES.items():
        value = getattr(profile, name)
        if value not in allowed:
            raise ProfileInvalid(
                f"{path.name}: {name} = {value!r} är inget av {', '.join(allowed)}."
            )
    return profile


def all_profiles(folder: Path = PROFILES) -> dict[str, Profile]:
    return {p.stem: load_profile(p.stem, folder) for p in sorted(folder.glob("*.toml"))}


def _profile(raw: dict[str, Any]) -> Profile:
    d, p, r, rev, pay = (
        raw["decision"],
        raw["project"],
        raw["reporting"],
        raw["review"],
        raw["repayment"],
    )
    return Profile(
        key=str(raw["key"]), name=str(raw["name"]),
        initial_capital_tkr=int(raw["fund"]["initial_capital_tkr"]),
        decision_chain=tuple(d["chain"]),
        exemption_decided_by=str(d["exemption_decided_by"]),
        project_min_years=int(p["min_years"]), project_max_years=int(p["max_years"]),
        report_due_dates=tuple(r["due_dates"]),
        scientific_review=str(rev["scientific_review"]),
        revision_allowed=bool(rev["revision_allowed"]),
        max_revision_rounds=int(rev["max_revision_rounds"]),
        steering_group_required=bool(rev["steering_group_required"]),
        external_evaluator_required=bool(rev["external_evaluator_required"]),
        repayment_model=str(pay["model"]), plan_decided_by=str(pay["plan_decided_by"]),
        amount_basis=str(pay["amount_basis"]), repayment_cap=str(pay["cap"]),
        mechanism=str(pay["mechanism"]), project_start_ref=str(pay["project_start_ref"]),
        start_deadline_years=int(pay["start_deadline_years"]),
        repayment_max_years=int(pay["max_years"]),
        starts_after_investment_end=bool(pay.get("starts_after_investment_end", False)),
        awaiting_effects_recheck=bool(pay.get("awaiting_effects_recheck", False)),
        final_budget_adjustment=bool(raw["closing"]["final_budget_adjustment"]),
        results_report_to_ks=bool(raw["closing"]["results_report_to_ks"]),
    )  # fmt: skip
