"""The fund page (``/fond``) and its downloads on the demo data of ``sif init --demo``, built
once for the module in a SQLite database: the figures equal the DOMAIN §9.5 oracle at each of
its dates, Table 1 and Table 2 have the shape of Södertälje's, the CSV and Excel files hold what
the page shows, and only administrators and auditors get in."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import lxml.html
import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

import engine
from engine import Runtime
from engine.durations import LOCAL
from tasks.store import MIGRATIONS as TASK_MIGRATIONS
from tasks.store import load_ledger
from tests.conftest import DATA, make_runtime
from tests.web.conftest import csrf_token
from web.app import create_app
from web.demo import load_demo
from web.demo.people import DEMO_USERS

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = "2018-05-18"
#: The oracle's columns and the balance names the page gives them.
ORACLE = {
    "capital": "Kapital", "committed": "Beviljat och reserverat",
    "available_to_grant": "Kvar att bevilja", "net_disbursed_cum": "Utbetalt netto",
    "fund_balance": "Fondens saldo", "undisbursed": "Beviljat ej utbetalt",
    "repaid_cum": "Återfört",
}  # fmt: skip
with (DATA / "fund_demo" / "balances.csv").open(encoding="utf-8") as _oracle:
    ORACLE_ROWS = list(csv.DictReader(_oracle))


@pytest.fixture(scope="module")
def demo_rt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    """``sif init --demo`` in a fresh SQLite database: migrate, deploy, replay the cases."""
    url = f"sqlite:///{tmp_path_factory.mktemp('fund-demo')}/sif.db"
    rt = make_runtime(url, clock="virtual")
    engine.migrate(rt.db, [TASK_MIGRATIONS])
    engine.deploy(rt, engine.read_bundle([ROOT / "processes", ROOT / "forms"]), "system")
    load_demo(rt, lambda _: None)
    yield rt
    rt.close()


@pytest.fixture(scope="module")
def demo_app(demo_rt: Runtime) -> Flask:
    app = create_app(demo_rt.settings, demo_rt)
    app.config["TESTING"] = True
    return app


def signed_in(app: Flask, name: str) -> FlaskClient:
    """A client signed in as a demo person (the password is the user name)."""
    client = app.test_client()
    token = csrf_token(client, "/logga-in")
    answer = client.post("/logga-in", data={"name": name, "password": name, "csrf_token": token})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return client


@pytest.fixture(scope="module")
def admin(demo_app: Flask) -> FlaskClient:
    return signed_in(demo_app, "admin")


def page(client: FlaskClient, query: str = "", status: int = 200) -> lxml.html.HtmlElement:
    answer = client.get(f"/fond{query}")
    assert answer.status_code == status, answer.get_data(as_text=True)[:2000]
    return lxml.html.fromstring(answer.get_data(as_text=True))


def text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def plain_number(value: str) -> str:
    """``12 850`` (any kind of space) → ``12850``, ``−600`` (the minus sign) → ``-600``;
    other text unchanged."""
    squeezed = re.sub(r"[\s\u00a0\u2009\u202f]", "", value).replace("\u2212", "-")
    return squeezed if re.fullmatch(r"-?\d+", squeezed) else value


def screen_table(doc: lxml.html.HtmlElement, key: str) -> list[list[str]]:
    """The on-screen table ``key``: header, rows and sums, numbers without their spaces."""
    (table,) = doc.xpath(f"//table[@data-sheet='{key}']")
    return [[plain_number(text(c)) for c in row.xpath("./th|./td")] for row in table.iter("tr")]


def balances(doc: lxml.html.HtmlElement) -> dict[str, int]:
    cards = doc.xpath("//dl[contains(@class, 'fund-balances')]/div")
    return {text(c.find("dt")): int(c.xpath(".//data")[0].get("value")) for c in cards}


@pytest.mark.parametrize("row", ORACLE_ROWS, ids=[r["as_of"] for r in ORACLE_ROWS])
def test_the_balances_equal_the_oracle_at_each_of_its_dates(
    admin: FlaskClient, row: dict[str, str]
) -> None:
    doc = page(admin, f"?datum={row['as_of']}")
    shown = balances(doc)
    assert {key: shown[label] for key, label in ORACLE.items()} == {
        key: int(row[key]) for key in ORACLE
    }, row["event"]
    got = {k: shown[k] for k in ("Kapital", "Befriat / nedskrivet", "Nominellt värde")}
    assert got["Nominellt värde"] == got["Kapital"] - got["Befriat / nedskrivet"]
    assert doc.xpath("//dl[contains(@class, 'fund-balances')]/@data-as-of") == [row["as_of"]]


def test_table_1_at_the_snapshot_shows_no_later_year(admin: FlaskClient) -> None:
    table = screen_table(page(admin, f"?datum={SNAPSHOT}"), "tabell1")
    assert table == [
        ["Projekt", "2016", "2017", "2018", "Summa"],
        ["Familjecentral Nord", "400", "3000", "2600", "6000"],
        ["Ungdomscoacher", "900", "1600", "2100", "4600"],
        ["KAA – Ung i Tälje", "0", "750", "1500", "2250"],
        ["Summa", "1300", "5350", "6200", "12850"],
    ]


def test_table_2_shows_the_reservation_on_a_line_of_its_own(admin: FlaskClient) -> None:
    table = screen_table(page(admin, f"?datum={SNAPSHOT}"), "tabell2")
    assert table == [
        ["Post", "Nämnd", "tkr"],
        ["Totalbudget sociala investeringar", "", "24000"],
        ["Familjecentral Nord", "SN", "6000"],
        ["Reserverade medel – Familjecentral Nord", "SN", "6000"],
        ["Ungdomscoacher", "UN", "6000"],
        ["KAA – Ung i Tälje", "UN", "4500"],
        ["Totalt beviljat", "", "22500"],
        ["Kvar i sociala investeringsfonden", "", "1500"],
    ]


def test_the_project_table_links_each_project_to_its_case(admin: FlaskClient) -> None:
    doc = page(admin, f"?datum={SNAPSHOT}")
    table = screen_table(doc, "projekt")
    assert table[1] == ["Familjecentral Nord", "SN", "6000", "6000", "12000", "6000", "6000",
                        "0", "0", "6000"]  # fmt: skip
    assert table[-1] == ["Summa", "", "16500", "6000", "22500", "12850", "9650", "0", "0",
                         "12850"]  # fmt: skip
    links = doc.xpath("//table[@data-sheet='projekt']//a")
    assert [a.get("href") for a in links] == [
        "/arenden/SIF-2015-0001", "/arenden/SIF-2015-0002", "/arenden/SIF-2017-0001",
    ]  # fmt: skip


def test_both_charts_have_a_text_alternative_and_their_numbers_as_a_table(
    admin: FlaskClient,
) -> None:
    doc = page(admin, f"?datum={SNAPSHOT}")
    charts = doc.xpath("//svg[@role='img']")
    assert len(charts) == 2
    for chart in charts:
        assert chart.find("title") is not None and chart.find("desc") is not None
    assert "Fondens saldo" in text(charts[0].find("desc"))
    assert "11\u2009150 tkr den 18 maj 2018" in charts[0].find("desc").text_content()
    history = screen_table(doc, "historik")
    assert history[-1][1:] == ["11150", "22500", "0"]
    assert "2019" not in " ".join(row[0] for row in history)


@pytest.mark.parametrize("key", ["saldon", "projekt", "tabell1", "tabell2", "historik"])
def test_the_csv_download_holds_what_the_page_shows(admin: FlaskClient, key: str) -> None:
    doc = page(admin, f"?datum={SNAPSHOT}")
    answer = admin.get(f"/fond/export.csv?tabell={key}&datum={SNAPSHOT}")
    assert answer.status_code == 200
    assert answer.mimetype == "text/csv"
    assert answer.data.startswith("\ufeff".encode())
    assert f"{key}-{SNAPSHOT}.csv" in answer.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig")), delimiter=";"))
    if key == "saldon":  # the page shows the balances as cards, not as a table
        assert {r[0]: int(r[1]) for r in rows[1:]} == balances(doc)
        return
    if key == "historik":  # dates: ISO in the file, in words on the page
        screen = screen_table(doc, key)
        assert [r[1:] for r in rows] == [r[1:] for r in screen]
        days = doc.xpath("//table[@data-sheet='historik']//time/@datetime")
        assert [r[0] for r in rows[1:]] == days and days[-1] == SNAPSHOT
        return
    assert rows == screen_table(doc, key)


def test_the_excel_download_has_a_sheet_per_table_with_numbers(admin: FlaskClient) -> None:
    doc = page(admin, f"?datum={SNAPSHOT}")
    answer = admin.get(f"/fond/export.xlsx?datum={SNAPSHOT}")
    assert answer.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(answer.data))
    assert book.sheetnames == [
        "Fondens saldon (tkr)",
        "Projekten (tkr)",
        "Per nämnd (tkr)",
        "Slutliga ramjusteringar (tkr)",
        "Tabell 1",
        "Tabell 2",
        "Fonden över tid (tkr)",
        "Lärdomar från avslutade projekt",
    ]
    for sheet_name, key in (("Projekten (tkr)", "projekt"), ("Tabell 1", "tabell1"),
                            ("Tabell 2", "tabell2")):  # fmt: skip
        cells = [["" if v is None else str(v) for v in row] for row in book[sheet_name].values]
        assert cells == screen_table(doc, key), sheet_name
    table1 = list(book["Tabell 1"].values)
    assert table1[-1] == ("Summa", 1300, 5350, 6200, 12850)  # numbers, not text
    history = list(book["Fonden över tid (tkr)"].values)
    assert history[-1][0].date() == date(2018, 5, 18)
    one = openpyxl.load_workbook(io.BytesIO(admin.get("/fond/export.xlsx?tabell=tabell2").data))
    assert one.sheetnames == ["Tabell 2"]


CLOSED = "2026-06-30"  # A, C and D closed; D's frames finally adjusted


def test_money_per_board_is_a_table_and_a_chart(admin: FlaskClient) -> None:
    doc = page(admin, f"?datum={CLOSED}")
    assert screen_table(doc, "namnder") == [
        ["Nämnd", "Återfört", "Befriat / nedskrivet", "Slutlig ramjustering"],
        ["Socialnämnden (SN)", "3000", "6000", "-600"],
        ["Utbildningsnämnden (UN)", "1500", "6000", "-300"],
        ["Summa", "4500", "12000", "-900"],
    ]
    assert screen_table(doc, "ramjusteringar") == [
        ["Projekt", "Nämnd", "Gäller från budgetår", "tkr", "Beslut"],
        ["KAA – Ung i Tälje", "Socialnämnden (SN)", "2026", "-600", "KS 2026-01-27 §14"],
        ["KAA – Ung i Tälje", "Utbildningsnämnden (UN)", "2026", "-300", "KS 2026-01-27 §14"],
    ]
    [chart] = [c for c in doc.xpath("//svg[@role='img']") if text(c.find("title")) == "Per nämnd"]
    assert "Slutlig ramjustering" in text(chart.find("desc"))
    answer = admin.get(f"/fond/export.csv?tabell=namnder&datum={CLOSED}")
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig")), delimiter=";"))
    assert rows == screen_table(doc, "namnder")


def test_before_anything_is_repaid_or_adjusted_there_is_nothing_per_board(
    admin: FlaskClient,
) -> None:
    doc = page(admin, f"?datum={SNAPSHOT}")
    assert not doc.xpath("//table[@data-sheet='namnder']")
    for said in ("inget-per-namnd", "inga-ramjusteringar", "inga-lardomar"):
        assert doc.xpath(f"//*[@id='{said}']"), said
    answer = admin.get(f"/fond/export.csv?tabell=namnder&datum={SNAPSHOT}")
    assert answer.data.decode("utf-8-sig").splitlines()[1:] == ["Summa;0;0;0"]


def test_the_lessons_of_the_closed_projects_are_listed(admin: FlaskClient) -> None:
    doc = page(admin, f"?datum={CLOSED}")
    table = screen_table(doc, "lardomar")
    assert table[0] == ["Projekt", "Avslutat", "Lärdomar", "Resultatrapport till KS"]
    assert [row[0] for row in table[1:]] == [
        "Familjecentral Nord", "Ungdomscoacher", "KAA – Ung i Tälje"]  # fmt: skip
    assert table[3][2].startswith("Tidig samverkan med SN")
    days = doc.xpath("//table[@data-sheet='lardomar']//time/@datetime")
    assert days == ["2019-03-13", "2020-03-11", "2026-03-02"]
    links = doc.xpath("//table[@data-sheet='lardomar']//a/@href")
    assert len(links) == 3 and all(href.startswith("/arenden/SIF-") for href in links)
    earlier = screen_table(page(admin, "?datum=2019-12-31"), "lardomar")
    assert [row[0] for row in earlier[1:]] == ["Familjecentral Nord"]


def test_without_a_date_the_page_shows_the_engine_clocks_today(
    demo_rt: Runtime, admin: FlaskClient
) -> None:
    today = demo_rt.clock.now().astimezone(LOCAL).date().isoformat()  # virtual: not the wall's
    doc = page(admin)
    assert doc.xpath("//input[@id='datum']/@value") == [today]
    assert doc.xpath("//dl[contains(@class, 'fund-balances')]/@data-as-of") == [today]


def test_an_invalid_date_is_a_swedish_error_on_the_field(admin: FlaskClient) -> None:
    doc = page(admin, "?datum=2018-13-40", status=422)
    (field,) = doc.xpath("//input[@id='datum']")
    assert field.get("aria-invalid") == "true" and field.get("value") == "2018-13-40"
    assert "Ange ett datum som ÅÅÅÅ-MM-DD" in text(doc.get_element_by_id("datum-fel"))
    assert doc.xpath("//dl[contains(@class, 'fund-balances')]")  # the page still renders
    answer = admin.get("/fond/export.csv?tabell=tabell1&datum=igår")
    assert answer.status_code == 422 and "ÅÅÅÅ-MM-DD" in answer.get_data(as_text=True)
    answer = admin.get("/fond/export.csv?tabell=okänd")
    assert answer.status_code == 422 and "okänd" in answer.get_data(as_text=True)
    assert admin.get("/fond?fond=FINNS-INTE").status_code == 404


@pytest.mark.parametrize("person", ["erik.holm", "anna.berg", "olle.vik"])
def test_staff_without_admin_or_auditor_are_refused(demo_app: Flask, person: str) -> None:
    client = signed_in(demo_app, person)
    for path in ("/fond", "/fond/export.csv?tabell=saldon", "/fond/export.xlsx"):
        assert client.get(path).status_code == 403, path


def test_an_auditor_may_read_the_page_and_download(demo_app: Flask) -> None:
    client = signed_in(demo_app, "greta.sund")
    assert client.get(f"/fond?datum={SNAPSHOT}").status_code == 200
    assert client.get("/fond/export.xlsx").status_code == 200


def test_signed_out_people_are_sent_to_sign_in(demo_app: Flask) -> None:
    answer = demo_app.test_client().get("/fond")
    assert answer.status_code == 302 and "/logga-in" in answer.headers["Location"]


def test_a_task_page_shows_the_grant_kept_with_its_own_decision(
    demo_app: Flask, demo_rt: Runtime
) -> None:
    """The KS grant is kept under its own name in the case data; the task page still shows it
    beside the form."""
    found = [engine.get_case(demo_rt, c.id) for c in engine.list_cases(demo_rt).cases]
    case = next(c for c in found if c.open_tasks and "ks_decision" in c.data)
    task = case.open_tasks[0]
    user = next(name for name, (_, roles) in DEMO_USERS.items() if set(roles) & set(task.roles))
    page = signed_in(demo_app, user).get(f"/uppgifter/{task.id}").get_data(as_text=True)
    aside = lxml.html.fromstring(page).xpath("//aside[@class='task-context']")[0].text_content()
    amount = case.data["ks_decision"]["granted_tkr"]
    assert "Beviljat belopp" in aside
    assert re.sub(r"\s", "", f"{amount:,}".replace(",", "")) in re.sub(r"\s", "", aside)
    assert case.data["profile"]["name"] in aside  # the rule profile by its name, not a dict
    assert "decision_chain" not in aside


def test_the_coordinator_writes_the_portfolio_report_on_the_figures_of_the_year_end(
    demo_app: Flask, demo_rt: Runtime
) -> None:
    """The demo's report for 2025 shows each project as the ledger had it on 31 December
    2025; written and sent, it goes to KS's secretary and keeps its figures."""
    [case] = engine.list_cases(demo_rt, process_key="portfolio_report").cases
    [task] = engine.get_case(demo_rt, case.id, with_data=False).open_tasks
    lina = signed_in(demo_app, "lina.nord")
    doc = lxml.html.fromstring(lina.get(f"/uppgifter/{task.id}").get_data(as_text=True))
    shown = re.sub(r"\s", "", doc.xpath("//*[@id='field-portfolio']")[0].text_content())
    with demo_rt.db.reading() as conn:
        ledger = load_ledger(conn, "SIF-DEMO")
    for project in ("A", "C", "D", "E"):
        outstanding = ledger.project(project, date(2025, 12, 31)).outstanding
        assert f"Projekt{project}Ärende" in shown
        assert f"Kvarattåterföra(tkr){outstanding}tkr" in shown
    assert "Fondenssaldo(tkr)" in shown
    token = csrf_token(lina, f"/uppgifter/{task.id}")
    forged = {"portfolio.year": "2031"}  # posted back for a read-only fact: never kept
    written = {"summary": "Fyra projekt.", "risk_assessment": "E:s utvärdering är sen."}
    answer = lina.post(f"/uppgifter/{task.id}", data={**written, **forged, "csrf_token": token})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    after = engine.get_case(demo_rt, case.id)
    assert [t.roles for t in after.open_tasks] == [("board_secretary",)]
    assert (after.data or {})["portfolio"]["year"] == 2025
