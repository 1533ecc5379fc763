"""``sif fund …``: create the fund, and its balances and Table 1 / Table 2 shaped reports."""

from __future__ import annotations

from datetime import date

import click

from tasks.ledger import tkr
from tasks.profiles import ProfileInvalid, load_profile
from tasks.projects import project_refs
from tasks.reports import model_change_proposal, table1, table2
from tasks.store import DEFAULT_FUND, create_fund, get_fund, load_ledger
from web.cli_common import json_option, parse_day, reports_errors, runtime
from web.fund.report import balance_sheet, table1_sheet, table2_sheet
from web.output import emit_json, emit_table


@click.group()
def fund() -> None:
    """The social investment fund: set-up and reports."""


@fund.command("create")
@click.option("--code", default=DEFAULT_FUND, show_default=True)
@click.option("--name", required=True)
@click.option("--profile", required=True, help="stockholm_2016, sodertalje_2015 …")
@click.option("--established", required=True, help="ISO-datum")
@click.option(
    "--capital", type=int, default=None,
    help="Kapital i tkr (utan: regelprofilens startkapital, fund.initial_capital_tkr).",
)  # fmt: skip
@reports_errors
def fund_create(code: str, name: str, profile: str, established: str, capital: int | None) -> None:
    """Create a fund with its rule profile and initial capital (the profile's by default)."""
    if capital is None:
        try:
            capital = load_profile(profile).initial_capital_tkr
        except ProfileInvalid as exc:
            raise click.ClickException(str(exc)) from None
    rt = runtime()
    with rt.db.transaction() as conn:
        created = create_fund(
            conn, code, name, profile, parse_day(established, "--established"), capital, "admin",
            rt.clock.now(conn),
        )  # fmt: skip
    click.echo(f"Fonden {created.code} ({created.profile}) har {tkr(capital)} i kapital.")


@fund.command("report")
@click.option("--code", default=DEFAULT_FUND, show_default=True)
@click.option("--year", type=int, default=None, help="Bara detta budgetår; saldon per 31/12.")
@click.option("--as-of", "as_of_text", default=None, help="Saldon per detta datum (ISO).")
@json_option
@reports_errors
def fund_report(code: str, year: int | None, as_of_text: str | None, as_json: bool) -> None:
    """Balances, and the Table 1 / Table 2 shaped reports, as of a date: Table 1 counts only
    what was booked by then, and lists no budget year after it."""
    rt = runtime()
    with rt.db.reading() as conn:
        get_fund(conn, code)  # an unknown fund is an error (exit 5), not a report of zeros
        ledger = load_ledger(conn, code)
        refs = project_refs(conn, code)
    if as_of_text:
        as_of = parse_day(as_of_text, "--as-of")
    else:
        as_of = date(year, 12, 31) if year else rt.clock.now().date()
    balances = ledger.fund(as_of)
    t1 = table1(ledger, [year] if year else None, as_of=as_of)
    t2 = table2(ledger, as_of)
    if as_json:
        emit_json({"as_of": as_of, "balances": balances, "table1": t1, "table2": t2,
                   "projects": refs})  # fmt: skip
        return
    click.echo(f"Fonden {code} per {as_of.isoformat()}")
    balance = balance_sheet(balances)  # the page's explanations are left out here
    click.echo(f"\n{balance.title}")
    emit_table(balance.headers[:2], [row[:2] for row in balance.rows])
    for sheet in (table1_sheet(t1, refs), table2_sheet(t2, refs)):
        click.echo(f"\n{sheet.title}")
        emit_table(sheet.headers, sheet.rows + sheet.foot)


@fund.command("model-change")
@click.option("--code", default=DEFAULT_FUND, show_default=True)
@click.option("--as-of", "as_of_text", default=None, help="Per detta datum (ISO).")
@json_option
@reports_errors
def fund_model_change(code: str, as_of_text: str | None, as_json: bool) -> None:
    """F04: what a switch to the budget model would exempt (the bulk exemption proposal)."""
    rt = runtime()
    with rt.db.reading() as conn:
        get_fund(conn, code)  # an unknown fund is an error (exit 5), not a report of zeros
        ledger = load_ledger(conn, code)
    as_of = parse_day(as_of_text, "--as-of") if as_of_text else rt.clock.now().date()
    proposal = model_change_proposal(ledger, as_of)
    if as_json:
        emit_json(proposal)
        return
    click.echo(f"Förslag: befrielse för alla projekt med utestående investering per {as_of}")
    emit_table(
        ["projekt", "utestående (tkr)"],
        [*([p, amount] for p, amount in proposal.projects.items()), ["Summa", proposal.total]],
    )
