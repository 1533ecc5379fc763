"""Approved changes to a granted project (DOMAIN §3.2 S18): a new total grant or a later end.

The body that granted the money decides them at ``decide_change`` (form change_decision). A new
total grant changes the project's commitment in the ledger: more is checked against what the
fund has left to grant, less against what is not yet paid out. A later end moves the project's
``planned_end``, but only within the budget years it was granted for: the budget-year and report
loops were fixed at the grant, so a longer project needs a new grant. The same checks refuse the
form (on its field, in Swedish, nothing written) and guard the service task that carries the
decision out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import Connection

from engine import FieldError, RuleCall, step_answers
from tasks.ledger import Ledger, tkr
from tasks.store import case_connection, fund_code, load_ledger

AMOUNT_CHANGE, EXTENSION = "amount_change", "extension"
DECIDE_CHANGE = "decide_change"  # the user task where the granting body decides
AMOUNT, NEW_END = "approved_amount_tkr", "new_end_date"  # its fields for the decided change


def amount_errors(ledger: Ledger, project: str, new_total: int) -> list[FieldError]:
    """A new total grant: an increase must fit what the fund has left to grant, a decrease may
    not go below what is already paid out."""
    balance = ledger.project(project)
    change = new_total - balance.granted_now
    if change == 0:
        return [FieldError(AMOUNT, f"Projektet är redan beviljat {tkr(new_total)}.")]
    available = ledger.fund().available_to_grant
    if change > available:
        return [FieldError(AMOUNT, (
            f"Ökningen {tkr(change)} överstiger vad fonden har kvar att bevilja "
            f"({tkr(available)})."
        ))]  # fmt: skip
    if new_total < balance.net_disbursed:
        return [FieldError(AMOUNT, (
            f"Det nya beloppet kan inte vara lägre än det som redan har betalats ut "
            f"({tkr(balance.net_disbursed)})."
        ))]  # fmt: skip
    return []


def end_errors(current_end: date, years: Iterable[int], new_end: date) -> list[FieldError]:
    """A later end, within the last budget year the project was granted for."""
    if new_end <= current_end:
        message = f"Det nya slutdatumet måste vara senare än {current_end.isoformat()}."
        return [FieldError(NEW_END, message)]
    last = max(years, default=current_end.year)
    if new_end.year > last:
        message = (
            f"Projektet har budgetår till och med {last}; en förlängning efter {last} kräver "
            "ett nytt beviljande."
        )
        return [FieldError(NEW_END, message)]
    return []


def decided_end(conn: Connection, case_id: int | None, planned_end: object) -> str:
    """The project's end now: the latest end its granting body approved, else ``planned_end``
    (the decision is taken inside a report period, whose data does not reach the rest of the
    case, so it is read from the case's history)."""
    end = str(planned_end)
    if case_id is None:
        return end
    for _, _, answer in step_answers(conn, case_id, element_id=DECIDE_CHANGE):
        if answer.get("decision") == "approved" and answer.get(NEW_END):
            end = str(answer[NEW_END])
    return end


def change_allowed(call: RuleCall) -> list[FieldError]:
    """Form change_decision: an approved amount change needs the new total grant and an approved
    extension the new end date, each within its limits; neither is given for another change."""
    kind = str((call.case_data.get("deviation") or {}).get("change_type") or "")
    approved = call.data.get("decision") == "approved"
    errors = [
        FieldError(key, f"Anges bara när {said} godkänns.")
        for key, wanted, said in ((AMOUNT, AMOUNT_CHANGE, "ett ändrat belopp"),
                                  (NEW_END, EXTENSION, "en förlängning"))
        if call.data.get(key) not in (None, "") and not (approved and kind == wanted)
    ]  # fmt: skip
    if errors or not approved or kind not in (AMOUNT_CHANGE, EXTENSION):
        return errors
    conn = case_connection(call.connection, call.rule)
    if kind == AMOUNT_CHANGE:
        if call.data.get(AMOUNT) is None:
            return [FieldError(AMOUNT, "Ange projektets nya beviljade belopp.")]
        ledger = load_ledger(conn, fund_code(call.case_data.get("fund")))
        return amount_errors(
            ledger, str(call.case_data.get("project") or ""), int(call.data[AMOUNT])
        )
    if not call.data.get(NEW_END):
        return [FieldError(NEW_END, "Ange projektets nya slutdatum.")]
    return _end_errors(conn, call.case_id, call.case_data, call.data[NEW_END])


def carried_out(
    conn: Connection, params: Mapping[str, Any], case_id: int | None, ledger: Ledger
) -> list[FieldError]:
    """The same checks when the service task carries the decision out (``params``: the change
    type, the decided amount or end, the project, ``planned_end`` and ``years``)."""
    if params.get("change_type") == AMOUNT_CHANGE:
        return amount_errors(ledger, str(params["project"]), int(params[AMOUNT]))
    return _end_errors(conn, case_id, params, params[NEW_END])


def _end_errors(
    conn: Connection, case_id: int | None, case: Mapping[str, Any], new_end: object
) -> list[FieldError]:
    current = date.fromisoformat(decided_end(conn, case_id, case.get("planned_end")))
    years = [int(y) for y in case.get("years") or []]
    return end_errors(current, years, date.fromisoformat(str(new_end)))
