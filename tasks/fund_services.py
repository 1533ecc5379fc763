"""The fund's service tasks: each posts to the stored ledger inside the case's transaction.

A posting that breaks a ledger rule raises ``ValidationFailed``; inside a case step that makes
the case an incident. The form rules in ``tasks.fund_rules`` refuse the same breaches earlier,
on the form field, so a person sees them before anything is posted.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection

from engine import ServiceCall, ServiceRegistry
from tasks.ledger import Kind, Tx
from tasks.profiles import load_profile
from tasks.store import (
    case_connection,
    decide_plan_total,
    fund_code,
    get_fund,
    load_ledger,
    post,
)


def _conn(call: ServiceCall) -> Connection:
    return case_connection(call.connection, call.operation)


def _fund(call: ServiceCall) -> str:
    return fund_code(call.params.get("fund"))


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _post(call: ServiceCall, kind: Kind, amount: int, booked_on: date, **extra: Any) -> None:
    if amount <= 0:
        return
    params = call.params
    tx = Tx(
        kind,
        amount,
        booked_on,
        str(params["project"]),
        reference=str(params.get("reference", "")),
        **extra,
    )
    post(_conn(call), tx, "system", _now(booked_on), call.case_id, _fund(call))


def _now(day: date) -> datetime:
    """Postings made by a case step carry the business date they are booked on."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def grant(call: ServiceCall) -> object:
    """S13/S14: book the commitment and any reservation; freeze the fund's profile on the case."""
    p = call.params
    decided = _day(p["decision_date"])
    _post(call, Kind.GRANT_COMMITMENT, int(p.get("granted_tkr") or 0), decided)
    _post(call, Kind.RESERVATION, int(p.get("reserved_tkr") or 0), decided)
    fund = get_fund(_conn(call), _fund(call))
    return {"fund": fund.code, "profile": load_profile(fund.profile).frozen()}


def allocate(call: ServiceCall) -> object:
    """S16: a year's allocation, booked 1 January of the budget year or on the decision date."""
    p = call.params
    year = int(p["budget_year"])
    booked = max(date(year, 1, 1), _day(p["decision_date"]))
    _post(call, Kind.ALLOCATION, int(p["amount_tkr"]), booked, budget_year=year)
    return {"budget_year": year, "allocated_tkr": int(p["amount_tkr"])}


def return_unused(call: ServiceCall) -> object:
    """S19: unused money of a budget year back to the fund, booked on 31 December."""
    p = call.params
    year = int(p["budget_year"])
    spent = int(p["spent_tkr"])
    _post(
        call,
        Kind.RETURN_UNUSED,
        int(p["amount_tkr"]),
        date(year, 12, 31),
        budget_year=year,
        spent=spent,
    )
    return {"returned_tkr": int(p["amount_tkr"])}


def decide_plan(call: ServiceCall) -> object:
    """S24: the decided plan's total becomes what the project owes."""
    p = call.params
    fund = _fund(call)
    decide_plan_total(
        _conn(call), str(p["project"]), int(p["total_tkr"]), _now(_day(p["decision_date"])), fund
    )
    return {"repayment_due_tkr": int(p["total_tkr"])}


def repay(call: ServiceCall) -> object:
    """S25: a year's repayment, booked at the year-end accounts (31 December)."""
    p = call.params
    year = int(p["year"])
    _post(call, Kind.REPAYMENT, int(p["amount_tkr"]), date(year, 12, 31), budget_year=year)
    return {"repaid_tkr": int(p["amount_tkr"])}


def relieve(call: ServiceCall) -> object:
    """S28: exemption (befrielse) or write-down; ``full`` relieves all that is outstanding."""
    p = call.params
    kind = Kind.WRITE_DOWN if p.get("kind") == "write_down" else Kind.EXEMPTION
    amount = int(p.get("amount_tkr") or 0)
    if p.get("full"):
        ledger = load_ledger(_conn(call), _fund(call))
        amount = ledger.project(str(p["project"])).outstanding
    _post(call, kind, amount, _day(p["decision_date"]))
    return {"relieved_tkr": amount}


def release_reservation(call: ServiceCall) -> object:
    """S16: reserved money becomes part of the commitment (it stays committed)."""
    p = call.params
    _post(call, Kind.RESERVATION_RELEASE, int(p["amount_tkr"]), _day(p["decision_date"]))
    return {"released_tkr": int(p["amount_tkr"])}


def cancel_reservation(call: ServiceCall) -> object:
    p = call.params
    _post(call, Kind.RESERVATION_CANCEL, int(p["amount_tkr"]), _day(p["decision_date"]))
    return {"cancelled_tkr": int(p["amount_tkr"])}


def fund_profile(call: ServiceCall) -> object:
    """The fund's current rule profile (frozen onto the case only at the grant, by fund.grant)."""
    fund = get_fund(_conn(call), _fund(call))
    return load_profile(fund.profile).frozen()


def balances(call: ServiceCall) -> object:
    """The fund's and the project's balances now, for forms to show."""
    p = call.params
    ledger = load_ledger(_conn(call), _fund(call))
    return {"fund": asdict(ledger.fund()), "project": asdict(ledger.project(str(p["project"])))}


SERVICES = {
    "fund.grant": grant,
    "fund.allocate": allocate,
    "fund.return_unused": return_unused,
    "fund.decide_plan": decide_plan,
    "fund.repay": repay,
    "fund.relieve": relieve,
    "fund.cancel_reservation": cancel_reservation,
    "fund.release_reservation": release_reservation,
    "fund.balances": balances,
    "fund.profile": fund_profile,
}


def register_services(registry: ServiceRegistry) -> None:
    for name, handler in SERVICES.items():
        registry.register(name, handler)
