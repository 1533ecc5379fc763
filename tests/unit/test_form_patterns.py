"""Form patterns run in linear time (RE2); patterns RE2 cannot run are refused at deploy.

The catastrophic payloads run in a child interpreter under a memory cap and a time limit
(``tests/limits.py``): with Python's backtracking ``re`` the first one alone takes 30+ s.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import engine
from engine import BundleInvalid, Settings
from engine.forms import check_form_schema, validate_form_data
from tests.conftest import read_scenario
from tests.limits import run_limited

# pattern: (repeated, times, tail) for the value. Each would hold Python's re for minutes or
# more; none of them matches. Values are built in the child (a command line has a size limit).
CATASTROPHIC = {
    r"^(a+)+$": ("a", 30, "!"),
    r"(a|aa)+$": ("a", 100_000, "!"),
    r"(x+x+)+y": ("x", 100_000, ""),
    r"^(\w+\s?)*$": ("ord ", 25_000, "!"),
    r"^(.*a){25}$": ("a", 50_000, "b"),
}
# Regexes typed into a "format": "regex" field: Python's re overflows its stack on the first
# (RecursionError, so "internt fel"), RE2 cannot run the other two.
SUBMITTED_REGEXES = {
    "(": ("(", 100_000, ""),
    r"(a)\1": (r"(a)\1", 1, ""),
    "a{1000}": ("a{1000}", 1000, ""),
}


def form(**fields: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": fields}


def test_catastrophic_patterns_end_quickly_as_a_swedish_field_error() -> None:
    outcome = run_limited(
        f"""
        import json, time
        from engine.forms import validate_form_data
        results = {{}}
        for pattern, (repeated, times, tail) in {CATASTROPHIC!r}.items():
            schema = {{"type": "object", "properties": {{"code": {{"pattern": pattern}}}}}}
            started = time.monotonic()
            errors = validate_form_data(schema, {{"code": repeated * times + tail}})
            results[pattern] = [time.monotonic() - started, [[e.path, e.message] for e in errors]]
        print(json.dumps(results))
        """,
        seconds=30,
    )
    assert outcome.returncode == 0, outcome.stderr
    for pattern, (seconds, errors) in outcome.result.items():
        assert errors == [["code", "Har fel format."]], pattern
        assert seconds < 1, pattern


def test_a_hostile_regex_in_a_regex_field_is_refused_quickly() -> None:
    outcome = run_limited(
        f"""
        import json, time
        from engine.forms import validate_form_data
        schema = {{"type": "object", "properties": {{"rx": {{"format": "regex"}}}}}}
        results = {{}}
        for name, (repeated, times, tail) in {SUBMITTED_REGEXES!r}.items():
            started = time.monotonic()
            errors = validate_form_data(schema, {{"rx": repeated * times + tail}})
            results[name] = [time.monotonic() - started, [e.message for e in errors]]
        print(json.dumps(results))
        """,
        seconds=30,
    )
    assert outcome.returncode == 0, outcome.stderr
    for name, (seconds, errors) in outcome.result.items():
        assert errors == ["Har fel format."], name
        assert seconds < 1, name


def test_a_pattern_matches_anywhere_in_the_value_and_knows_swedish_letters() -> None:
    schema = form(code={"pattern": "^[A-ZÅÄÖ]{2,6}$"}, note={"pattern": "[0-9]"})
    assert validate_form_data(schema, {"code": "ÅSA", "note": "rum 12"}) == []
    errors = validate_form_data(schema, {"code": "ÅSA\n", "note": "inga siffror"})
    assert {(e.path, e.message) for e in errors} == {
        ("code", "Har fel format."),
        ("note", "Har fel format."),
    }


def test_an_ordinary_regex_field_accepts_a_regex() -> None:
    assert validate_form_data(form(rx={"format": "regex"}), {"rx": r"^KS \d{2,4}/\d+$"}) == []


UNRUNNABLE = {
    "backreference": r"^(a)\1$",
    "lookahead": r"^(?=.*\d)\w+$",
    "lookbehind": r"(?<!x)y",
    "possessive": r"a++b",
    "too-large": r"((((a{100}){10}){10}){10})",
}


@pytest.mark.parametrize("pattern", UNRUNNABLE.values(), ids=UNRUNNABLE.keys())
def test_a_pattern_re2_cannot_run_is_refused_at_deploy_naming_the_field(pattern: str) -> None:
    [problem] = check_form_schema(form(code={"type": "string", "pattern": pattern}))
    assert problem.startswith("Mönstret för fältet #/properties/code går inte att använda:")


def test_the_refusal_explains_what_re2_does_not_support() -> None:
    [problem] = check_form_schema(form(code={"pattern": UNRUNNABLE["backreference"]}))
    assert "bakåtreferenser och lookaround stöds inte" in problem


def test_a_nested_pattern_is_refused_with_its_path() -> None:
    schema = form(rows={"type": "array", "items": {"$ref": "#/$defs/row"}})
    schema["$defs"] = {"row": form(code={"pattern": UNRUNNABLE["lookahead"]})}
    [problem] = check_form_schema(schema)
    assert "#/$defs/row/properties/code " in problem


@pytest.mark.parametrize(
    "schema",
    [
        {"x-hidden": {"patternProperties": {"^(a+)+$": {}}}, "$ref": "#/x-hidden"},
        {"properties": {"a": {"examples": [{"pattern": "(a)\\1"}],
                              "$ref": "#/properties/a/examples/0"}}},
        {"properties": {"a": {"$ref": "#/properties"}}},
        {"properties": {"a": {"$id": "urn:sif:a", "x-p": {}, "$ref": "#/x-p"}}},
    ],
    ids=["into-an-annotation", "into-examples", "at-a-map", "nested-id"],
)  # fmt: skip
def test_a_ref_can_only_reach_schemas_the_deploy_check_has_seen(schema: dict[str, Any]) -> None:
    problems = check_form_schema({"type": "object", **schema})
    assert any("Referensen" in p or "$id" in p for p in problems), problems


def test_refs_to_checked_schemas_still_work() -> None:
    schema = form(**{"a/b": {"type": "string"}}, c={"$ref": "#/properties/a~1b"})
    schema["properties"]["d"] = {"$ref": "#/$defs/two%20words"}
    schema["$defs"] = {"two words": {"type": "integer"}}
    assert check_form_schema(schema) == []
    errors = validate_form_data(schema, {"c": 1, "d": "x"})
    assert {e.path for e in errors} == {"c", "d"}


def test_a_bundle_with_a_backreference_pattern_is_refused_naming_form_and_field() -> None:
    files = read_scenario("review_loop")
    idea = json.loads(files["idea.schema.json"])
    idea["properties"]["title"]["pattern"] = r"^(\w)\1"
    files["idea.schema.json"] = json.dumps(idea).encode()
    with pytest.raises(BundleInvalid) as caught:
        engine.validate_bundle(files, Settings(), frozenset())
    assert any(
        p.file == "idea.schema.json"
        and "#/properties/title" in p.message
        and "Mönstret" in p.message
        for p in caught.value.problems
    ), caught.value.problems


def test_unique_rows_are_checked_in_linear_time_with_json_schema_equality() -> None:
    """jsonschema compares every pair of objects: 4 000 rows took 18 s, so 50 000 would take
    about 47 minutes. Sif hashes a canonical form: 50 000 distinct rows end within the child's
    time limit (a measure of the kind of growth, not of speed: no wall-clock assertion)."""
    outcome = run_limited(
        """
        import json
        from engine.forms import validate_form_data
        schema = {"type": "object", "properties": {"rows": {
            "type": "array", "uniqueItems": True, "items": {"type": "object"}}}}
        rows = [{"year": i, "board": "SN"} for i in range(50_000)]
        distinct = validate_form_data(schema, {"rows": rows})
        repeated = validate_form_data(schema, {"rows": [*rows, {"board": "SN", "year": 7.0}]})
        print(json.dumps({"distinct": [e.message for e in distinct],
                          "repeated": [e.message for e in repeated]}))
        """,
        seconds=20,
    )
    assert outcome.returncode == 0, outcome.stderr
    assert outcome.result["distinct"] == []
    assert outcome.result["repeated"] == ["Raderna får inte upprepas."]


@pytest.mark.parametrize(
    ("rows", "unique"),
    [
        ([1, 1.0], False),
        ([True, 1], True),
        ([{"a": 1, "b": 2}, {"b": 2, "a": 1}], False),
        ([[1, 2], [2, 1]], True),
        ([None, "None"], True),
    ],
)
def test_unique_items_follow_json_schema_equality(rows: list[Any], unique: bool) -> None:
    schema = {"type": "object", "properties": {"rows": {"type": "array", "uniqueItems": True}}}
    assert (validate_form_data(schema, {"rows": rows}) == []) is unique
