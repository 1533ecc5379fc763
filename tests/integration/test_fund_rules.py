"""The fund's form rules against a stored ledger: each breach is a Swedish error on its field."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Connection

from engine import RuleCall, Runtime
from tasks.fund_rules import RULES
from tasks.ledger import Kind
from tasks.profiles import load_profile
from tasks.store import create_fund, post
from tests.unit.test_ledger import demo_transactions

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def conn(rt: Runtime) -> Iterator[Connection]:
    with rt.db.transaction() as connection:
        create_fund(connection, "SIF", "Demo", "sodertalje_2015", date(2013, 6, 1), 24000, "a", NOW)
        yield connection


def check(conn: Connection, rule: str, data: dict[str, Any], case: dict[str, Any] | None = None
          ) -> dict[str, str]:  # fmt: skip
    call = RuleCall(rule, data, case or {}, conn, None)
    return {e.path: e.message for e in RULES[rule](call)}


def post_until(conn: Connection, last: date) -> None:
    for tx in demo_transactions()[1:]:
        if tx.booked_on <= last and tx.kind != Kind.REPAYMENT:
            post(conn, tx, "erik.holm", NOW)


def test_a_grant_above_what_is_left_is_refused_on_its_field(conn: Connection) -> None:
    post_until(conn, date(2018, 5, 18))  # 1 500 left
    grant = {"decision": "granted", "granted_tkr": 1800, "reserved_tkr": 0}
    assert "1\u00a0500 tkr" in check(conn, "fund.grant_within_available", grant)["granted_tkr"]
    assert check(conn, "fund.grant_within_available", {**grant, "granted_tkr": 1500}) == {}
    assert check(conn, "fund.grant_within_available", {**grant, "decision": "rejected"}) == {}


def test_a_pending_consent_blocks_the_application(conn: Connection) -> None:  # §9.7 no. 3
    boards = [{"board": "UN", "consent": "agree"}, {"board": "SN", "consent": "pending"}]
    errors = check(conn, "fund.consents_given", {"general": {"affected_boards": boards}})
    assert list(errors) == ["general.affected_boards.1.consent"]


def test_a_project_longer_than_three_years_is_refused_in_sodertalje(conn: Connection) -> None:
    period = {"general": {"planned_start": "2019-01-01", "planned_end": "2022-12-31"}}
    assert list(check(conn, "fund.project_length", period)) == ["general.planned_end"]
    stockholm = {"profile": load_profile("stockholm_2016").frozen()}
    assert check(conn, "fund.project_length", period, stockholm) == {}


def test_a_third_revision_round_is_refused(conn: Connection) -> None:  # §9.7 no. 7
    ask = {"council_recommendation": "return_for_revision"}
    assert check(conn, "fund.revision_allowed", ask, {"revision_round": 1}) == {}
    assert list(check(conn, "fund.revision_allowed", ask, {"revision_round": 2})) == [
        "council_recommendation"
    ]


def test_case_d_v2_alt_is_refused_on_the_form_under_the_frozen_profile(conn: Connection) -> None:
    post_until(conn, date(2020, 6, 15))
    v2_alt = [(2021, "SN", 600), (2021, "UN", 300), (2022, "SN", 300), (2022, "UN", 300),
              (2023, "SN", 600), (2023, "UN", 300), (2024, "SN", 600), (2024, "UN", 300),
              (2025, "SN", 600), (2025, "UN", 300), (2026, "SN", 300)]  # fmt: skip
    lines = [{"year": y, "board": b, "amount_tkr": a} for y, b, a in v2_alt]
    case = {"project": "D", "actual_start": "2017-09-01", "planned_end": "2019-12-31",
            "affected_board_codes": ["UN", "SN"]}  # fmt: skip
    sodertalje = {**case, "profile": load_profile("sodertalje_2015").frozen()}
    stockholm = {**case, "profile": load_profile("stockholm_2016").frozen()}
    assert list(check(conn, "fund.repayment_plan_valid", {"lines": lines}, sodertalje)) == [
        "end_year"
    ]
    assert check(conn, "fund.repayment_plan_valid", {"lines": lines}, stockholm) == {}


def test_an_exemption_above_the_outstanding_is_refused(conn: Connection) -> None:  # no. 6
    post_until(conn, date(2020, 12, 31))
    decision = {"decision": "granted_partial", "amount_tkr": 1600}
    assert list(check(conn, "fund.relief_within_outstanding", decision, {"project": "E"})) == [
        "amount_tkr"
    ]


def _plan_case(start_ref: str) -> dict[str, Any]:
    profile = {**load_profile("sodertalje_2015").frozen(), "project_start_ref": start_ref}
    return {"project": "D", "grant_date": "2017-06-16", "actual_start": "2018-03-01",
            "planned_end": "2019-12-31", "affected_board_codes": ["SN", "UN"],
            "profile": profile}  # fmt: skip


@pytest.mark.parametrize(
    ("start_ref", "deadline"),
    [("decision_date", "2022-06-16"), ("first_allocation_date", "2022-06-16"),
     ("actual_start", None)],
)  # fmt: skip
def test_the_five_year_deadline_counts_from_the_profiles_start(
    conn: Connection, start_ref: str, deadline: str | None
) -> None:  # §9.7 no. 9: D's first allocation is booked on its grant, 2017-06-16
    post_until(conn, date(2020, 1, 1))
    lines = [{"year": 2023 + i, "board": "SN", "amount_tkr": 900} for i in range(5)]
    said = check(conn, "fund.repayment_plan_valid", {"lines": lines}, _plan_case(start_ref))
    if deadline is None:  # counted from the actual start 2018-03-01: 2023 is in time
        assert said == {}
    else:
        assert deadline in said["start_year"]


def test_a_profile_without_a_cap_lets_a_plan_ask_more_than_was_paid(conn: Connection) -> None:
    post_until(conn, date(2020, 1, 1))
    case = _plan_case("actual_start")
    lines = [{"year": 2021 + i, "board": "SN", "amount_tkr": 1000} for i in range(5)]
    assert "total_tkr" in check(conn, "fund.repayment_plan_valid", {"lines": lines}, case)
    case["profile"]["repayment_cap"] = "none"
    assert check(conn, "fund.repayment_plan_valid", {"lines": lines}, case) == {}


def test_no_scientific_review_can_be_asked_for_where_the_profile_has_none(
    conn: Connection,
) -> None:
    asked = {"council_recommendation": "request_scientific_review"}
    never = {"profile": load_profile("norrkoping_pre2021").frozen()}
    assert "council_recommendation" in check(conn, "fund.science_allowed", asked, never)
    when_needed = {"profile": load_profile("stockholm_2016").frozen()}
    assert check(conn, "fund.science_allowed", asked, when_needed) == {}


def test_an_internal_evaluator_needs_a_reason_where_an_external_one_is_required(
    conn: Connection,
) -> None:
    internal = {"evaluation_plan": {"evaluator": {"kind": "internal", "organisation": "SN"}}}
    path = "evaluation_plan.evaluator.deviation_justification"
    sodertalje = {"profile": load_profile("sodertalje_2015").frozen()}
    assert path in check(conn, "fund.evaluator_as_profile", internal, sodertalje)
    internal["evaluation_plan"]["evaluator"]["deviation_justification"] = "Kostnaden."
    assert check(conn, "fund.evaluator_as_profile", internal, sodertalje) == {}
    stockholm = {"profile": load_profile("stockholm_2016").frozen()}
    bare = {"evaluation_plan": {"evaluator": {"kind": "internal", "organisation": "SN"}}}
    assert check(conn, "fund.evaluator_as_profile", bare, stockholm) == {}
