"""The fund's service tasks: each posts to the stored ledger inside the case's transaction.

A posting that breaks a ledger rule raises ``ValidationFailed``; inside a case step that makes
the case an incident. The form rules in ``tasks.fund_rules`` refuse the same breaches earlier,
on the form field, so a person sees them before anything is posted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection

from engine import FieldError, ServiceCall, ServiceRegistry, ValidationFailed
from engine.durations import LOCAL  # the municipality's calendar day
from tasks import changes
from tasks.calendar import next_council_meeting
from tasks.closures import Closure, keep_closure
from tasks.ledger import Decision, Kind, Tx, tkr
from tasks.portfolio import gather, report_year
from tasks.profiles import load_profile
from tasks.store import (
    PlanVersion,
    case_connection,
    council_meeting_days,
    freeze_profile,
    frozen_profile,
    fund_code,
    get_fund,
    keep_reservation_condition,
    load_ledger,
    post_all,
    project_balance,
)
from tasks.store import decide_plan as store_plan


def _conn(call: ServiceCall) -> Connection:
    return case_connection(call.connection, call.operation)


def _fund(call: ServiceCall) -> str:
    return fund_code(call.params.get("fund"))


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _decision(call: ServiceCall) -> Decision:
    """The decision the posting carries out, from the parameters ``decided_by`` (the body),
    ``decision_date`` and ``paragraph``."""
    p = call.params
    on = p.get("decision_date")
    return Decision(
        str(p.get("decided_by") or "")[:40], _day(on) if on else None,
        str(p.get("paragraph") or "")[:40],
    )  # fmt: skip


def _entered(call: ServiceCall) -> datetime:
    """When the posting is entered: the step's clock time (the booking date is apart)."""
    return call.now if call.now is not None else datetime.now(UTC)


def _tx(
    call: ServiceCall, kind: Kind, amount: int, booked_on: date, *, closes: bool = False,
    reference: str | None = None, **extra: Any,
) -> Tx | None:  # fmt: skip
    """The posting a step books, or None when there is nothing to book (no amount)."""
    if amount <= 0 and not closes:
        return None
    params = call.params
    said = str(params.get("reference", "")) if reference is None else reference
    return Tx(
        kind, amount, booked_on, str(params["project"]), reference=said,
        decision=_decision(call), closes=closes, **extra,
    )  # fmt: skip


def _book(call: ServiceCall, txs: Iterable[Tx | None]) -> None:
    """Store a step's postings (None: nothing to book), each checked after the ones before."""
    due = [tx for tx in txs if tx is not None]
    post_all(_conn(call), due, call.actor, _entered(call), call.case_id, _fund(call))


def _post(
    call: ServiceCall, kind: Kind, amount: int, booked_on: date, *, closes: bool = False,
    reference: str | None = None, **extra: Any,
) -> None:  # fmt: skip
    _book(call, [_tx(call, kind, amount, booked_on, closes=closes, reference=reference, **extra)])


def grant(call: ServiceCall) -> object:
    """S13/S14: book the commitment and any reservation; freeze the fund's profile on the case."""
    p = call.params
    decided = _day(p["decision_date"])
    reserved = int(p.get("reserved_tkr") or 0)
    _book(call, [_tx(call, Kind.GRANT_COMMITMENT, int(p.get("granted_tkr") or 0), decided),
                 _tx(call, Kind.RESERVATION, reserved, decided)])  # fmt: skip
    fund = get_fund(_conn(call), _fund(call))
    if reserved > 0 and call.case_id is not None:
        when = str(p.get("release_when") or "project_evaluated")
        keep_reservation_condition(
            _conn(call), fund.code, str(p["project"]), call.case_id, when,
            str(p.get("release_condition") or ""),
        )  # fmt: skip
    profile = load_profile(fund.profile).frozen()
    if call.case_id is not None:
        freeze_profile(_conn(call), call.case_id, fund.code, profile, _entered(call))
    return {"fund": fund.code, "profile": profile}


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
    if project_balance(_conn(call), _fund(call), str(p["project"])).terminated:
        # an ended project keeps no commitment: what it returns goes back to the fund
        _post(call, Kind.COMMITMENT_CANCEL, int(p["amount_tkr"]), date(year, 12, 31))
    return {"returned_tkr": int(p["amount_tkr"])}


def terminate(call: ServiceCall) -> object:
    """S18: the granting body ends the project early. What is not paid out of its grant goes
    back to the fund and it gets no more allocations; its repayment follows the profile."""
    p = call.params
    balance = project_balance(_conn(call), _fund(call), str(p["project"]))
    left = balance.undisbursed - balance.reserved_open
    _post(call, Kind.COMMITMENT_CANCEL, left, _day(p["decision_date"]), closes=True)
    return {"cancelled_tkr": left}


def change_grant(call: ServiceCall) -> object:
    """S18: an approved amount change or extension, decided by the body that granted the money.
    A new total grant books the difference as more commitment or a cancelled part of it; a new
    end is only checked here (``fund.project_end`` reads it back after the report periods).
    A change past its limits raises ``ValidationFailed`` and nothing is posted."""
    p = call.params
    ledger = load_ledger(_conn(call), _fund(call))
    errors = changes.carried_out(_conn(call), p, call.case_id, ledger)
    if errors:
        raise ValidationFailed(errors, errors[0].message)
    if p.get("change_type") != changes.AMOUNT_CHANGE:
        return {"planned_end": str(p[changes.NEW_END])}
    new = int(p[changes.AMOUNT])
    change = new - ledger.project(str(p["project"])).granted_now
    kind = Kind.GRANT_COMMITMENT if change > 0 else Kind.COMMITMENT_CANCEL
    said = f"Nytt beviljat belopp {tkr(new)}"
    _post(call, kind, abs(change), _day(p["decision_date"]), reference=said)
    return {"granted_tkr": new, "changed_tkr": change}


def project_end(call: ServiceCall) -> object:
    """The project's end after any extension its granting body approved (S18), else the
    parameter ``planned_end``."""
    return changes.decided_end(_conn(call), call.case_id, call.params["planned_end"])


def decide_plan(call: ServiceCall) -> object:
    """S24/S26: a decided plan version (its lines per year and board) becomes what the project
    owes."""
    p = call.params
    lines = tuple(
        (int(line["year"]), str(line["board"]), int(line["amount_tkr"]))
        for line in p.get("lines") or []
        if isinstance(line, Mapping)
    )
    plan = PlanVersion(str(p["project"]), lines, _decision(call), call.actor, _entered(call))
    store_plan(_conn(call), plan, _fund(call))
    return {"repayment_due_tkr": plan.total}


#: How a repayment reaches the fund under each profile's mechanism (DOMAIN §3.2 S25).
MECHANISM_SAID = {
    "surplus_at_year_end": "Överskott vid bokslut",
    "frame_reduction": "Ramminskning",
}


def repay(call: ServiceCall) -> object:
    """S25: a year's repayments, one posting per board, booked at the year-end accounts
    (31 December) and named by the profile's mechanism (surplus or frame cut)."""
    p = call.params
    year = int(p["year"])
    said = MECHANISM_SAID.get(str(p.get("mechanism") or ""), "")
    by_board: dict[str, int] = {}
    txs = []
    for line in p.get("boards") or []:
        if not isinstance(line, Mapping):
            continue
        board, amount = str(line["board"]), int(line["returned_tkr"])
        reference = f"{said} {board} {year}".strip()
        txs.append(_tx(call, Kind.REPAYMENT, amount, date(year, 12, 31), budget_year=year,
                       board=board, reference=reference))  # fmt: skip
        by_board[board] = by_board.get(board, 0) + amount
    _book(call, txs)
    return {"returned_tkr": sum(by_board.values()), "by_board": by_board}


def relieve(call: ServiceCall) -> object:
    """S28: exemption (befrielse) or write-down. ``full`` relieves all that is outstanding and
    closes the project's money: what is still undisbursed of its grant goes back to the fund
    and it gets no more allocations. Answers what is left to repay (a partial relief needs a
    revised plan for it)."""
    p = call.params
    kind = Kind.WRITE_DOWN if p.get("kind") == "write_down" else Kind.EXEMPTION
    project, full = str(p["project"]), bool(p.get("full"))
    decided = _day(p["decision_date"])
    balance = project_balance(_conn(call), _fund(call), project)
    amount = balance.outstanding if full else int(p.get("amount_tkr") or 0)
    unpaid = balance.undisbursed - balance.reserved_open
    _book(call, [_tx(call, Kind.COMMITMENT_CANCEL, unpaid, decided) if full else None,
                 _tx(call, kind, amount, decided, closes=full)])  # fmt: skip
    left = balance.outstanding - amount  # the posting was checked against this balance
    return {"relieved_tkr": amount, "outstanding_tkr": left, "closed": full or balance.closed}


def project_money(call: ServiceCall) -> object:
    """Where the project's money stands now: whether it was relieved in full (no more
    allocations or repayments), what is outstanding and what the decided plan still asks."""
    p = call.params
    balance = project_balance(_conn(call), _fund(call), str(p["project"]))
    return {
        "closed": balance.closed, "terminated": balance.terminated,
        "outstanding_tkr": balance.outstanding,
        "owed_tkr": balance.owed, "repayment_due_tkr": balance.repayment_due,
        "plan_exceeds_outstanding": balance.repayment_due - balance.repaid > balance.outstanding,
    }  # fmt: skip


def release_reservation(call: ServiceCall) -> object:
    """S16: reserved money becomes part of the commitment (it stays committed)."""
    p = call.params
    _post(call, Kind.RESERVATION_RELEASE, int(p["amount_tkr"]), _day(p["decision_date"]))
    return {"released_tkr": int(p["amount_tkr"])}


def cancel_reservation(call: ServiceCall) -> object:
    p = call.params
    _post(call, Kind.RESERVATION_CANCEL, int(p["amount_tkr"]), _day(p["decision_date"]))
    return {"cancelled_tkr": int(p["amount_tkr"])}


def case_profile(call: ServiceCall) -> object:
    """The rule profile frozen on this case at its grant; before the grant, the fund's current
    one. For parts of the case that cannot see its data (an exemption requested at any time)."""
    if call.case_id is not None:
        frozen = frozen_profile(_conn(call), call.case_id)
        if frozen is not None:
            return frozen
    return fund_profile(call)


def council_meeting(call: ServiceCall) -> object:
    """S02: the council meeting a complete idea is booked to — the first in the fund's
    calendar on or after the day of the step (the default four-a-year pattern where it has
    none). A meeting that day takes it at once."""
    days = [d.isoformat() for d in council_meeting_days(_conn(call), _fund(call))]
    return {"meeting": next_council_meeting(_local_day(call), days)}


def fund_profile(call: ServiceCall) -> object:
    """The fund's current rule profile (frozen onto the case only at the grant, by fund.grant)."""
    fund = get_fund(_conn(call), _fund(call))
    return load_profile(fund.profile).frozen()


def portfolio(call: ServiceCall) -> object:
    """S20: the fund's portfolio at the end of ``year`` (a parameter, else the case's optional
    start data ``year``, else the last year that has ended at the step's time), for the yearly
    report to the board."""
    now = _entered(call)
    asked = call.params.get("year") or call.data.get("year")
    last = report_year(now)
    if asked and not str(asked).strip().isdigit():
        message = f"Året ska vara ett årtal, till exempel {last}, inte {str(asked)[:20]!r}."
        raise ValidationFailed([FieldError("year", message)], message)
    year = int(str(asked)) if asked else last
    if year > last:
        message = f"Året {year} har inte tagit slut än; portföljen kan rapporteras för {last}."
        raise ValidationFailed([FieldError("year", message)], message)
    return gather(_conn(call), _fund(call), year, now)


def balances(call: ServiceCall) -> object:
    """The fund's and the project's balances now, for forms to show."""
    p = call.params
    ledger = load_ledger(_conn(call), _fund(call))
    return {"fund": asdict(ledger.fund()), "project": asdict(ledger.project(str(p["project"])))}


def adjust_frames(call: ServiceCall) -> object:
    """S29: each board's final budget-frame adjustment (``adjustments``: board, amount_tkr —
    negative cuts the frame —, effective_budget_year) as its own posting, booked on the
    decision's date. The boards' ordinary frames, not fund money: no balance changes."""
    p = call.params
    decided = _decision(call)
    booked = decided.on or _local_day(call)
    posted, txs = [], []
    for line in p.get("adjustments") or []:
        if not isinstance(line, Mapping):
            continue
        board, year = str(line["board"]), int(line["effective_budget_year"])
        amount = int(line["amount_tkr"])
        tx = Tx(Kind.FRAME_ADJUSTMENT, amount, booked, str(p["project"]), year, board,
                f"Slutlig ramjustering {board} från {year}", decision=decided)  # fmt: skip
        txs.append(tx)
        posted.append({"board": board, "amount_tkr": amount, "effective_budget_year": year})
    _book(call, txs)
    return {"adjustments": posted}


def archive(call: ServiceCall) -> object:
    """S31: close the project's ledger. What is still unpaid of its grant goes back to the fund
    (an open reservation stays: its own case decides it); then the archive posting, after which
    the ledger refuses the project's postings; the lessons learned go to the fund's register."""
    p = call.params
    project, fund, day = str(p["project"]), _fund(call), _local_day(call)
    balance = project_balance(_conn(call), fund, project)
    unpaid = balance.undisbursed - balance.reserved_open
    closing = Tx(Kind.ARCHIVE, 0, day, project, reference="Ärendet avslutat och arkiverat",
                 decision=_decision(call))  # fmt: skip
    _book(call, [_tx(call, Kind.COMMITMENT_CANCEL, unpaid, day, reference="Outbetalt vid avslut"),
                 closing])  # fmt: skip
    report = str(p.get("results_report") or "")[:255]
    keep_closure(_conn(call), Closure(fund, project, call.case_id, day,
                                      str(p.get("lessons") or ""), report, call.actor,
                                      _entered(call)))  # fmt: skip
    return {"closed_on": day.isoformat(), "returned_tkr": max(unpaid, 0)}


def _local_day(call: ServiceCall) -> date:
    """The municipality's calendar day of the step."""
    return _entered(call).astimezone(LOCAL).date()


SERVICES = {
    "fund.grant": grant,
    "fund.allocate": allocate,
    "fund.return_unused": return_unused,
    "fund.decide_plan": decide_plan,
    "fund.repay": repay,
    "fund.relieve": relieve,
    "fund.terminate": terminate,
    "fund.change_grant": change_grant,
    "fund.project_end": project_end,
    "fund.cancel_reservation": cancel_reservation,
    "fund.release_reservation": release_reservation,
    "fund.balances": balances,
    "fund.project_money": project_money,
    "fund.profile": fund_profile,
    "fund.council_meeting": council_meeting,
    "fund.case_profile": case_profile,
    "fund.portfolio": portfolio,
    "fund.adjust_frames": adjust_frames,
    "fund.archive": archive,
}


def register_services(registry: ServiceRegistry) -> None:
    for name, handler in SERVICES.items():
        registry.register(name, handler)
