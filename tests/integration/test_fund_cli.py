"""``sif fund create`` and ``sif fund report`` on the demo ledger."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from click.testing import CliRunner

from tasks.store import post
from tests.conftest import make_runtime
from tests.unit.test_ledger import demo_transactions
from web.cli import main


def test_the_fund_report_shows_table_1_and_table_2(db_url: str) -> None:
    runner = CliRunner()
    env = {"SIF_DATABASE_URL": db_url}

    def sif(*args: str, code: int = 0) -> str:
        result = runner.invoke(main, list(args), env=env)
        assert result.exit_code == code, (result.output, result.stderr)
        return result.stdout if code == 0 else result.stderr

    sif("init")
    created = sif(
        "fund",
        "create",
        "--name",
        "Demo",
        "--profile",
        "sodertalje_2015",
        "--established",
        "2013-06-01",
    )  # the profile's capital: 24 000 tkr
    assert "24\u00a0000 tkr" in created  # fmt: skip
    assert "finns redan" in sif("fund", "create", "--name", "Demo", "--profile",
                                "sodertalje_2015", "--established", "2013-06-01",
                                "--capital", "1", code=3)  # fmt: skip
    assert "finns inte" in sif("fund", "create", "--code", "X", "--name", "X", "--profile",
                               "goteborg", "--established", "2013-06-01", "--capital", "1",
                               code=5)  # fmt: skip
    bad_date = sif("fund", "report", "--as-of", "2018-13-40", code=2)
    assert "--as-of: ogiltigt datum" in bad_date and "Traceback" not in bad_date
    rt = make_runtime(db_url)
    with rt.db.transaction() as conn:
        for tx in demo_transactions()[1:]:  # the capital came with 'fund create'
            if tx.kind.value != "repayment":
                post(conn, tx, "erik.holm", datetime(2026, 1, 1, tzinfo=UTC))
    rt.close()

    report = json.loads(sif("fund", "report", "--as-of", "2018-05-18", "--json"))
    # Table 1 as of 2018-05-18: nothing booked later, no budget year after 2018.
    assert report["table1"]["years"] == [2016, 2017, 2018]
    assert report["table1"]["totals"] == {"2016": 1300, "2017": 5350, "2018": 6200}
    # Table 2: B's reservation on its own line, not added into A (DOMAIN §5.3).
    assert report["table2"]["lines"] == [
        {"project": "A", "reserved": False, "amount": 6000},
        {"project": "B", "reserved": True, "amount": 6000},
        {"project": "C", "reserved": False, "amount": 6000},
        {"project": "D", "reserved": False, "amount": 4500},
    ]
    assert report["table2"]["total_granted"] == 22500
    assert report["table2"]["left"] == 1500
    assert report["balances"]["fund_balance"] == 11150
    text = sif("fund", "report", "--year", "2017")
    assert "Tabell 1" in text and "5350" in text and "Kvar i sociala investeringsfonden" in text
    assert "2018" not in text.split("Tabell 1")[1].split("Tabell 2")[0]
    snapshot = sif("fund", "report", "--as-of", "2018-05-18")
    table_1 = snapshot.split("Tabell 1")[1].split("Tabell 2")[0]
    assert "2018" in table_1 and "2019" not in table_1 and "2020" not in table_1
    assert "Reserverade medel – B" in snapshot.split("Tabell 2")[1]
