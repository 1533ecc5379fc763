"""The fund's report as of a date, as tables (``Sheet``) that the page, the CSV and the Excel
downloads and the CLI all show alike: the balances of DOMAIN §5.2, the projects, money per
board, the boards' final frame adjustments, Table 1, Table 2, the balances over time and the
lessons learned of the closed projects.

A sheet holds plain values (text, whole tkr, dates, links); how each is drawn is the page's or
the file's business, so what is downloaded is what is on the screen.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_babel.speaklater import LazyString

from engine import Runtime
from tasks.closures import Closure, closures
from tasks.ledger import FundBalance, Ledger
from tasks.projects import ProjectRef, project_refs
from tasks.reports import (
    BoardBreakdown,
    Table1,
    Table2,
    by_board,
    frame_adjustments,
    fund_history,
    project_balances,
    table1,
    table2,
)
from tasks.store import Fund, get_fund, load_ledger
from web.labels import board_name

#: The balances in the order the page shows them: key of FundBalance, name, one-line meaning.
BALANCES: list[tuple[str, LazyString, LazyString]] = [
    ("capital", _("Kapital"), _("Allt som har tillförts fonden.")),
    ("committed", _("Beviljat och reserverat"),
     _("Det fonden har lovat projekten, reserverade medel medräknade.")),
    ("available_to_grant", _("Kvar att bevilja"),
     _("Kapital och återfört, minus det som är beviljat och reserverat.")),
    ("net_disbursed", _("Utbetalt netto"),
     _("Tilldelat nämnderna, minus outnyttjade medel som har betalats tillbaka.")),
    ("fund_balance", _("Fondens saldo"),
     _("Pengarna i fonden: kapital och återfört, minus utbetalt netto.")),
    ("undisbursed", _("Beviljat ej utbetalt"), _("Lovat till projekten men ännu inte utbetalt.")),
    ("repaid", _("Återfört"), _("Det nämnderna har betalat tillbaka av sina besparingar.")),
    ("relieved", _("Befriat / nedskrivet"),
     _("Återföring som nämnderna har befriats från eller som har skrivits ned.")),
    ("outstanding", _("Utestående"),
     _("Utbetalt som ännu inte är återfört, befriat eller nedskrivet.")),
    ("nominal_value", _("Nominellt värde"),
     _("Kapital minus befriat och nedskrivet: det fonden är värd om allt återförs.")),
    ("capital_consumed", _("Förbrukat kapital"),
     _("Utbetalt netto minus återfört: befriat, nedskrivet och utestående.")),
]  # fmt: skip


@dataclass(frozen=True)
class Link:
    """A cell that links to a page (the case page of a project)."""

    text: str
    href: str


Cell = str | int | date | Link | None


@dataclass(frozen=True)
class Sheet:
    """One table: ``key`` is its name in ``?tabell=``; ``foot`` rows are sums; ``numeric`` are
    the indexes of the columns holding amounts (right-aligned, numbers in Excel)."""

    key: str
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    foot: list[list[Cell]] = field(default_factory=list)
    numeric: frozenset[int] = frozenset()


@dataclass(frozen=True)
class FundReport:
    fund: Fund
    as_of: date
    balances: FundBalance
    refs: dict[str, ProjectRef]
    table1: Table1
    table2: Table2
    history: list[tuple[date, FundBalance]]
    boards: BoardBreakdown
    sheets: dict[str, Sheet]


def build_report(rt: Runtime, code: str, as_of: date, case_path: str = "/arenden/") -> FundReport:
    """Everything the fund page shows as of ``as_of``; raises ``NotFound`` for an unknown fund."""
    with rt.db.reading() as conn:
        fund = get_fund(conn, code)
        ledger = load_ledger(conn, code)
        refs = project_refs(conn, code)
        closed = closures(conn, code, as_of)
    t1, t2 = table1(ledger, as_of=as_of), table2(ledger, as_of)
    history = fund_history(ledger, as_of)
    balances = ledger.fund(as_of)
    boards = by_board(ledger, as_of, {p: ref.board for p, ref in refs.items()})
    sheets = [
        balance_sheet(balances),
        project_sheet(ledger_projects(ledger, as_of, refs, case_path)),
        board_sheet(boards),
        frames_sheet(ledger, as_of, refs),
        table1_sheet(t1, refs),
        table2_sheet(t2, refs),
        history_sheet(history),
        lessons_sheet(closed, refs, case_path),
    ]
    return FundReport(fund, as_of, balances, refs, t1, t2, history, boards,
                      {s.key: s for s in sheets})  # fmt: skip


def project_name(code: str, refs: dict[str, ProjectRef]) -> str:
    return refs[code].name if code in refs else code


def project_cell(ref: ProjectRef, case_path: str) -> Cell:
    """A project by its case's title, linked to the case when it has one."""
    return Link(ref.name, case_path + ref.business_key) if ref.business_key else ref.name


def reserved_name(code: str, refs: dict[str, ProjectRef]) -> str:
    return str(gettext("Reserverade medel – %(project)s", project=project_name(code, refs)))


def balance_sheet(balances: FundBalance) -> Sheet:
    values = asdict(balances)
    rows: list[list[Cell]] = [[str(name), values[key], str(hint)] for key, name, hint in BALANCES]
    return Sheet("saldon", gettext("Fondens saldon (tkr)"),
                 [gettext("Saldo"), gettext("tkr"), gettext("Förklaring")], rows,
                 numeric=frozenset({1}))  # fmt: skip


PROJECT_COLUMNS = ("granted", "reserved", "committed", "net_disbursed", "undisbursed", "repaid",
                   "relieved", "outstanding")  # fmt: skip


def ledger_projects(
    ledger: Ledger, as_of: date, refs: dict[str, ProjectRef], case_path: str
) -> list[tuple[Cell, str, dict[str, int]]]:
    """(project cell, board, amounts by PROJECT_COLUMNS) for every project known by ``as_of``."""
    found = []
    for code, b in project_balances(ledger, as_of).items():
        ref = refs.get(code, ProjectRef(code))
        cell = project_cell(ref, case_path)
        amounts = {
            "granted": b.granted_now, "reserved": b.reserved_open,
            "committed": b.committed, "net_disbursed": b.net_disbursed,
            "undisbursed": b.undisbursed, "repaid": b.repaid, "relieved": b.relieved,
            "outstanding": b.outstanding,
        }  # fmt: skip
        found.append((cell, ref.board, amounts))
    return found


def project_sheet(projects: list[tuple[Cell, str, dict[str, int]]]) -> Sheet:
    headers = [
        gettext("Projekt"), gettext("Nämnd"), gettext("Beviljat"), gettext("Reserverat"),
        gettext("Åtagande"), gettext("Utbetalt netto"), gettext("Ej utbetalt"),
        gettext("Återfört"), gettext("Befriat / nedskrivet"), gettext("Utestående"),
    ]  # fmt: skip
    rows: list[list[Cell]] = [
        [cell, board, *(amounts[c] for c in PROJECT_COLUMNS)] for cell, board, amounts in projects
    ]
    sums: list[Cell] = [sum(a[c] for _, _, a in projects) for c in PROJECT_COLUMNS]
    return Sheet("projekt", gettext("Projekten (tkr)"), headers, rows,
                 [[gettext("Summa"), "", *sums]], frozenset(range(2, 10)))  # fmt: skip


def table1_sheet(t1: Table1, refs: dict[str, ProjectRef]) -> Sheet:
    headers = [gettext("Projekt"), *(str(y) for y in t1.years), gettext("Summa")]
    rows: list[list[Cell]] = [
        [project_name(r.project, refs), *(r.by_year[y] for y in t1.years), r.total] for r in t1.rows
    ]
    foot: list[list[Cell]] = [[gettext("Summa"), *(t1.totals[y] for y in t1.years), t1.total]]
    return Sheet("tabell1", gettext("Tabell 1: medel till projekten per budgetår, netto (tkr)"),
                 headers, rows, foot, frozenset(range(1, len(headers))))  # fmt: skip


def table2_sheet(t2: Table2, refs: dict[str, ProjectRef]) -> Sheet:
    rows: list[list[Cell]] = [[gettext("Totalbudget sociala investeringar"), "", t2.capital]]
    for line in t2.lines:
        name = reserved_name if line.reserved else project_name
        board = refs[line.project].board if line.project in refs else ""
        rows.append([name(line.project, refs), board, line.amount])
    foot: list[list[Cell]] = [
        [gettext("Totalt beviljat"), "", t2.total_granted],
        [gettext("Kvar i sociala investeringsfonden"), "", t2.left],
    ]
    return Sheet("tabell2", gettext("Tabell 2: total budget per projekt (tkr)"),
                 [gettext("Post"), gettext("Nämnd"), gettext("tkr")], rows, foot,
                 frozenset({2}))  # fmt: skip


HISTORY_SERIES = (("fund_balance", _("Fondens saldo")),
                  ("committed", _("Beviljat och reserverat")),
                  ("repaid", _("Återfört (ackumulerat)")))  # fmt: skip


def history_sheet(history: list[tuple[date, FundBalance]]) -> Sheet:
    headers = [gettext("Datum"), *(str(name) for _, name in HISTORY_SERIES)]
    rows: list[list[Cell]] = [
        [day, *(getattr(balance, key) for key, _ in HISTORY_SERIES)] for day, balance in history
    ]
    return Sheet("historik", gettext("Fonden över tid (tkr)"), headers, rows,
                 numeric=frozenset({1, 2, 3}))  # fmt: skip


def board_sheet(boards: BoardBreakdown) -> Sheet:
    """Money per board: repaid, relieved (a project's relief counts for its lead board) and
    the final frame adjustments, which change the board's ordinary frame, not the fund."""
    headers = [gettext("Nämnd"), gettext("Återfört"), gettext("Befriat / nedskrivet"),
               gettext("Slutlig ramjustering")]  # fmt: skip
    rows: list[list[Cell]] = [
        [board_name(r.board) if r.board else gettext("Ingen nämnd angiven"), r.repaid,
         r.relieved, r.frame_adjustment]
        for r in boards.rows
    ]  # fmt: skip
    t = boards.total
    foot: list[list[Cell]] = [[gettext("Summa"), t.repaid, t.relieved, t.frame_adjustment]]
    return Sheet("namnder", gettext("Per nämnd (tkr)"), headers, rows, foot,
                 frozenset({1, 2, 3}))  # fmt: skip


def frames_sheet(ledger: Ledger, as_of: date, refs: dict[str, ProjectRef]) -> Sheet:
    """Each board's final frame adjustment (S29) with the decision behind it."""
    headers = [gettext("Projekt"), gettext("Nämnd"), gettext("Gäller från budgetår"),
               gettext("tkr"), gettext("Beslut")]  # fmt: skip
    rows: list[list[Cell]] = [
        [project_name(t.project, refs), board_name(t.board), str(t.budget_year or ""),
         t.amount, t.decision.said()]
        for t in frame_adjustments(ledger, as_of)
    ]  # fmt: skip
    return Sheet("ramjusteringar", gettext("Slutliga ramjusteringar (tkr)"), headers,
                 rows, numeric=frozenset({3}))  # fmt: skip


def lessons_sheet(closed: list[Closure], refs: dict[str, ProjectRef], case_path: str) -> Sheet:
    """The lessons learned of every project closed by the report's date (S31)."""
    rows: list[list[Cell]] = []
    for c in closed:
        name = project_cell(refs.get(c.project, ProjectRef(c.project)), case_path)
        rows.append([name, c.closed_on, c.lessons, c.results_report])
    headers = [gettext("Projekt"), gettext("Avslutat"), gettext("Lärdomar"),
               gettext("Resultatrapport till KS")]  # fmt: skip
    return Sheet("lardomar", gettext("Lärdomar från avslutade projekt"), headers, rows)
