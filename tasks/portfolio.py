"""S20: the fund's yearly portfolio report (DOMAIN §3, "Council follow-up and portfolio
reporting"): every project of the fund with its money, its latest results and the risks the
case shows, as they stood at the end of the year.

Gathered inside the report case's step (``fund.portfolio``), from the ledger (balances as of
31 December), the repayment plans, and each project's case: its stage, the answers of its
follow-up, evaluation and deviation steps (the latest results by the time the report is
made: a year's follow-up comes after its end), the deviations of the year and the tasks that
are late now. The result is plain data the report form shows read-only, so the report keeps
what the board was told even as the projects go on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection

from engine import overdue_tasks, step_answers
from engine.durations import LOCAL
from tasks.ledger import ProjectBalance, tkr
from tasks.projects import ProjectRef, project_refs
from tasks.reports import project_balances
from tasks.store import load_ledger, planned_through

#: The evaluation's judged outcome (form M, ``outcome_class``) as the report says it.
OUTCOMES = {
    "economic_effect_within_limit": "ekonomisk effekt inom tidsgränsen",
    "effect_after_limit": "effekt först efter tidsgränsen",
    "no_economic_effect": "ingen ekonomisk effekt",
    "effects_not_yet_visible": "effekterna syns ännu inte",
}
#: A reported deviation's kind (form ``deviation``, ``change_type``).
CHANGES = {
    "target_group": "ändrad målgrupp", "timeline": "ändrad tidplan",
    "budget_reallocation": "omfördelning av budget", "amount_change": "ändrat belopp",
    "extension": "förlängning", "termination": "avslut i förtid",
}  # fmt: skip


def report_year(now: datetime) -> int:
    """The year a portfolio report made at ``now`` covers: the last year that has ended."""
    return now.astimezone(LOCAL).year - 1


def gather(conn: Connection, fund: str, year: int, now: datetime) -> dict[str, Any]:
    """The portfolio at the end of ``year``: the fund's figures (``fund``) and one line per
    project (``projects``), with the tasks late at ``now`` among the risks."""
    as_of = date(year, 12, 31)
    ledger = load_ledger(conn, fund)
    balances = project_balances(ledger, as_of)
    owners = project_refs(conn, fund)
    lines = [
        _line(conn, fund, year, now, name, balance, owners.get(name))
        for name, balance in balances.items()
    ]
    f = ledger.fund(as_of)
    return {
        "year": year,
        "fund": {
            "capital_tkr": f.capital, "committed_tkr": f.committed,
            "available_tkr": f.available_to_grant, "net_disbursed_tkr": f.net_disbursed,
            "repaid_tkr": f.repaid, "relieved_tkr": f.relieved,
            "outstanding_tkr": f.outstanding, "fund_balance_tkr": f.fund_balance,
        },
        "projects": lines,
    }  # fmt: skip


def _line(
    conn: Connection, fund: str, year: int, now: datetime, name: str, balance: ProjectBalance,
    case: ProjectRef | None,
) -> dict[str, Any]:  # fmt: skip
    answers = step_answers(conn, case.case_id, now) if case and case.case_id else []
    risks = _money_risks(conn, fund, year, name, balance)
    risks += _case_risks(conn, year, now, case, answers)
    return {
        "project": name,
        "case": case.business_key if case else "",
        "title": case.name if case else name,
        "stage": _where(case),
        "granted_tkr": balance.granted_now,
        "net_disbursed_tkr": balance.net_disbursed,
        "repaid_tkr": balance.repaid,
        "relieved_tkr": balance.relieved,
        "outstanding_tkr": balance.outstanding,
        "result": results(answers),
        "risks": "; ".join(risks) if risks else "Inga kända risker",
    }


def _where(case: ProjectRef | None) -> str:
    """Where the project's case stands: its current steps, or that it has ended."""
    if case is None:
        return ""
    return "Avslutat" if case.status == "completed" else case.stage


def results(answers: Sequence[tuple[str, datetime, Mapping[str, Any]]]) -> str:
    """The project's latest results: the evaluation's judged outcome, else
    the latest annual follow-up's spending and indicator values, else that none is reported."""
    evaluations = [data for step, _, data in answers if step == "evaluation"]
    if evaluations:
        outcome = OUTCOMES.get(str(evaluations[-1].get("outcome_class")), "bedömning saknas")
        return f"Utvärderat: {outcome}."
    follow_ups = [data for step, _, data in answers if step == "annual_follow_up"]
    if follow_ups:
        latest = follow_ups[-1]
        values = [
            f"{item.get('indicator_ref')} = {item.get('value')}"
            for item in latest.get("indicator_summary") or []
            if isinstance(item, Mapping)
        ]
        spent = tkr(int(latest.get("spent_tkr") or 0))
        said = f"Årsuppföljning {latest.get('year')}: förbrukat {spent}"
        return said + (f"; {', '.join(values)}." if values else ".")
    return "Ingen uppföljning rapporterad än."


def _money_risks(
    conn: Connection, fund: str, year: int, name: str, balance: ProjectBalance
) -> list[str]:
    risks = []
    if balance.terminated:
        risks.append("avslutat i förtid")
    if balance.closed:
        risks.append("befriat från återföring i sin helhet")
    elif balance.relieved:
        risks.append(f"befriat från {tkr(balance.relieved)}")
    planned = planned_through(conn, fund, name, year)
    if planned is not None and not balance.closed and planned > balance.repaid:
        behind = min(planned - balance.repaid, balance.outstanding)
        if behind > 0:
            risks.append(f"återföringen ligger {tkr(behind)} efter planen")
    return risks


def _case_risks(
    conn: Connection, year: int, now: datetime, case: ProjectRef | None,
    answers: Sequence[tuple[str, datetime, Mapping[str, Any]]],
) -> list[str]:  # fmt: skip
    if case is None or case.case_id is None:
        return []
    risks = [
        f"avvikelse {at.astimezone(LOCAL).date().isoformat()}: "
        f"{CHANGES.get(str(data.get('change_type')), 'annan ändring')}"
        for step, at, data in answers
        if step == "handle_deviation" and at.astimezone(LOCAL).year == year
    ]
    for task, due in overdue_tasks(conn, case.case_id, now):
        risks.append(f"försenad uppgift: {task} (skulle vara klar {due.astimezone(LOCAL).date()})")
    return risks
