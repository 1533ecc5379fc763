"""A rendered form, posted as a browser posts it, reads back as the same JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from lxml.html import HtmlElement
from werkzeug.datastructures import MultiDict

from engine.forms import validate_form_data
from web.forms import apply_action, parse_submission, render_form

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = sorted(
    str(p.relative_to(ROOT))
    for p in [*ROOT.glob("forms/*.schema.json"), *ROOT.glob("tests/data/*/*.schema.json")]
)


def _samples() -> dict[str, Any]:
    fund = json.loads((ROOT / "web" / "demo" / "samples.json").read_text("utf-8"))
    extra = json.loads((ROOT / "tests" / "data" / "form_samples.json").read_text("utf-8"))
    return {**{f"forms/{name}": sample for name, sample in fund.items()}, **extra}


SAMPLES = _samples()


def load(path: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((ROOT / path).read_text("utf-8"))
    return schema


def browser_post(fields: str) -> MultiDict[str, str]:
    """What a browser posts for these fields inside a ``<form>``: the successful controls in
    document order — checked boxes only, selected options, no disabled controls (nor those in a
    disabled fieldset), nothing inside a ``<template>``, no buttons; textareas without the
    newline the HTML parser drops after the tag, with CRLF line ends. (lxml's ``form_values``
    posts ``on`` for a checked radio whose value is empty, where browsers post the empty value.)
    """
    form = lxml.html.fragment_fromstring(f"<form>{fields}</form>")
    pairs: list[tuple[str, str]] = []
    for control in form.iter("input", "select", "textarea"):
        name = control.get("name")
        if not name or _inert(control):
            continue
        if control.tag == "textarea":
            text = control.text or ""
            text = text.removeprefix("\n").replace("\r\n", "\n").replace("\n", "\r\n")
            pairs.append((name, text))
        elif control.tag == "select":
            pairs += [(name, value) for value in _selected(control)]
        else:
            kind = (control.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                continue
            if kind in ("checkbox", "radio"):
                if control.get("checked") is not None:
                    pairs.append((name, control.get("value", "on")))
            else:
                pairs.append((name, control.get("value", "")))
    return MultiDict(pairs)


def _inert(control: HtmlElement) -> bool:
    if control.get("disabled") is not None:
        return True
    for ancestor in control.iterancestors():
        if ancestor.tag == "template":
            return True
        if ancestor.tag == "fieldset" and ancestor.get("disabled") is not None:
            legend = next(iter(ancestor.iterchildren("legend")), None)
            if legend is None or control not in legend.iterdescendants():
                return True
    return False


def _selected(select: HtmlElement) -> list[str]:
    options = list(select.iter("option"))
    chosen = [o for o in options if o.get("selected") is not None]
    if select.get("multiple") is None:
        chosen = chosen[-1:] or options[:1]
    return [o.get("value", o.text_content().strip()) for o in chosen]


def same_json(left: object, right: object) -> bool:
    """Equal as JSON text: 4.0 is not 4, true is not 1, key order aside."""
    return json.dumps(left, sort_keys=True) == json.dumps(right, sort_keys=True)


def round_trip(schema: dict[str, Any], data: dict[str, Any] | None, **options: Any) -> Any:
    posted = browser_post(render_form(schema, data, **options))
    return parse_submission(schema, posted, prefix=options.get("prefix", ""))


@pytest.mark.parametrize("path", SCHEMAS)
def test_every_form_reads_back_what_it_showed(path: str) -> None:
    schema = load(path)
    assert path in SAMPLES, f"write a sample for {path} in tests/data/form_samples.json"
    sample = SAMPLES[path]
    assert validate_form_data(schema, sample) == []
    back = round_trip(schema, sample)
    assert back == sample
    assert same_json(back, sample)
    assert validate_form_data(schema, back) == []


def test_a_prefixed_form_reads_back_under_its_prefix() -> None:
    path = "forms/screening.schema.json"
    posted = browser_post(render_form(load(path), SAMPLES[path], prefix="draft"))
    assert all(name.startswith("draft.") for name in posted)
    assert parse_submission(load(path), posted, prefix="draft") == SAMPLES[path]
    assert parse_submission(load(path), posted) == {}


def test_a_fresh_form_posted_untouched_reads_as_nothing_answered() -> None:
    schema = load("forms/scientific_review.schema.json")
    back = round_trip(schema, None)
    assert back == {"scores": [{} for _ in range(9)]}  # minItems rows are shown, all empty
    paths = {e.path for e in validate_form_data(schema, back)}
    assert {"reviewer", "scores.0.aspect", "scores.8.score", "recommendation"} <= paths


AMOUNTS = {
    "type": "object",
    "properties": {
        "count": {"type": "integer", "title": "Antal"},
        "share": {"type": "number", "title": "Andel"},
        "cost": {"type": "integer", "title": "Kostnad (tkr)"},
    },
}


@pytest.mark.parametrize(
    ("typed", "count", "share"),
    [
        ("1500", 1500, 1500),
        ("1 500", 1500, 1500),
        ("1\u00a0500", 1500, 1500),
        ("1\u202f500", 1500, 1500),
        ("  42 ", 42, 42),
        ("\u2212200", -200, -200),
        ("1 500,5", 1500.5, 1500.5),
        ("1500,5", 1500.5, 1500.5),
        ("1500.5", 1500.5, 1500.5),
        ("1500,0", 1500, 1500.0),
        (",5", 0.5, 0.5),
    ],
)
def test_numbers_are_read_as_swedish_people_write_them(
    typed: str, count: int | float, share: int | float
) -> None:
    back = parse_submission(AMOUNTS, MultiDict({"count": typed, "share": typed}))
    assert same_json(back, {"count": count, "share": share})


@pytest.mark.parametrize("typed", ["femton", "1 5OO", "1,5,0", "12kr", "inf", "nan", "9" * 5000])
def test_a_number_that_does_not_read_is_kept_as_typed_and_refused_in_swedish(typed: str) -> None:
    back = parse_submission(AMOUNTS, MultiDict({"count": typed}))
    assert back == {"count": typed.strip()}
    errors = validate_form_data(AMOUNTS, back)
    assert [(e.path, e.message) for e in errors] == [("count", "Ska vara ett heltal.")]
    again = browser_post(render_form(AMOUNTS, back, errors))
    assert again["count"] == typed.strip()


def test_a_fraction_in_an_integer_field_is_refused_and_shown_again_with_a_comma() -> None:
    back = parse_submission(AMOUNTS, MultiDict({"cost": "1 500,5"}))
    assert back == {"cost": 1500.5}
    errors = validate_form_data(AMOUNTS, back)
    assert [e.message for e in errors] == ["Ska vara ett heltal."]
    assert browser_post(render_form(AMOUNTS, back, errors))["cost"] == "1500,5"


def test_empty_answers_are_left_out_and_whitespace_trimmed() -> None:
    schema = load("tests/data/review_loop/idea.schema.json")
    posted = MultiDict(
        {"title": "  Läxhjälp  ", "amount": "", "category": "", "description": " \r\n "}
    )
    assert parse_submission(schema, posted) == {"title": "Läxhjälp"}


def test_long_text_keeps_its_lines_with_unix_line_ends() -> None:
    schema = load("tests/data/boundary_timers/prepare.schema.json")
    posted = MultiDict({"memo": "Rad ett\r\nRad två\r\n\r\nRad fyra\r\n"})
    assert parse_submission(schema, posted) == {"memo": "Rad ett\nRad två\n\nRad fyra"}


def test_an_optional_yes_no_is_a_checkbox_absent_until_answered() -> None:
    schema = load("forms/repayment_follow_up.schema.json")
    key = "proposed_exemption"
    assert key not in round_trip(schema, {})
    assert round_trip(schema, {key: True})[key] is True
    assert round_trip(schema, {key: False})[key] is False
    # Unticking a box that held an answer posts only the hidden "false" before it: Nej.
    unticked = render_form(schema, {key: True}).replace(' value="true" checked', ' value="true"')
    assert parse_submission(schema, browser_post(unticked))[key] is False


def test_a_required_yes_no_is_answered_with_radio_buttons() -> None:
    schema = load("tests/data/camunda_style/approve.schema.json")
    assert round_trip(schema, {"approved": True}) == {"approved": True}
    assert round_trip(schema, {"approved": False}) == {"approved": False}
    assert round_trip(schema, {}) == {}


def test_rows_are_read_in_index_order_and_gaps_closed() -> None:
    schema = load("forms/repayment_plan.schema.json")
    posted = MultiDict(
        [
            ("lines.7", ""),
            ("lines.7.year", "2023"),
            ("lines.0", ""),
            ("lines.0.year", "2021"),
            ("lines.3.year", "2022"),
            ("lines.x.year", "1999"),
            ("justification", "Se utvärderingen."),
        ]
    )
    back = parse_submission(schema, posted)
    assert back["lines"] == [{"year": 2021}, {"year": 2022}, {"year": 2023}]


def test_an_empty_row_keeps_its_place_so_that_its_errors_and_buttons_match() -> None:
    schema = load("forms/repayment_plan.schema.json")
    posted = MultiDict([("lines.0", ""), ("lines.0.year", ""), ("lines.1.year", "2022")])
    assert parse_submission(schema, posted)["lines"] == [{}, {"year": 2022}]
    members = load("forms/screening.schema.json")
    posted = MultiDict([("present_members.0", " "), ("present_members.1", "maria.ek")])
    assert parse_submission(members, posted)["present_members"] == ["", "maria.ek"]


CHOICES = {
    "type": "object",
    "properties": {
        "level": {"title": "Nivå", "oneOf": [{"const": 1, "title": "Låg"}, {"const": 2.5}]},
        "flag": {"title": "Flagga", "enum": [True, False, None, "kanske"]},
        "sections": {
            "type": "array",
            "title": "Avsnitt",
            "items": {"enum": ["a", "b", 3]},
        },
    },
}


@pytest.mark.parametrize(
    "data",
    [
        {"level": 1, "flag": True, "sections": ["a", 3]},
        {"level": 2.5, "flag": None},
        {"flag": False, "sections": ["b"]},
        {"flag": "kanske"},
    ],
)
def test_choices_come_back_typed_as_their_const(data: dict[str, Any]) -> None:
    back = round_trip(CHOICES, data)
    assert same_json(back, data)


def test_a_choice_that_is_not_offered_is_kept_and_shown_again() -> None:
    back = parse_submission(CHOICES, MultiDict({"level": "7", "sections": ["a", "z"]}))
    assert back == {"level": "7", "sections": ["a", "z"]}
    assert same_json(round_trip(CHOICES, back), back)


def test_hidden_conditional_fields_are_not_posted() -> None:
    schema = load("forms/scientific_review.schema.json")
    data = {"conflict_of_interest": False, "conflict_of_interest_details": "Ingen."}
    html = render_form(schema, data)
    # What forms.js does when the answer it depends on says "no": the controls are disabled.
    wrapper = 'data-show-if="conflict_of_interest"'
    assert wrapper in html
    start = html.index(wrapper)
    end = html.index("</div>", html.index("<textarea", start))
    disabled = (
        html[:start] + html[start:end].replace("<textarea", "<textarea disabled") + html[end:]
    )
    assert "conflict_of_interest_details" not in parse_submission(schema, browser_post(disabled))


def test_other_posted_names_are_ignored() -> None:
    schema = load("tests/data/message_event/handle.schema.json")
    posted = MultiDict(
        {
            "note": "Klar.",
            "csrf_token": "x",
            "_form_action": "add:note",
            "extra": "1",
            "note.0": "y",
        }
    )
    assert parse_submission(schema, posted) == {"note": "Klar."}


# Row buttons without JavaScript


def test_adding_a_row_appends_an_empty_one() -> None:
    schema = load("forms/repayment_plan.schema.json")
    data = {"lines": [{"year": 2021}]}
    assert apply_action(schema, data, "add:lines") == {"lines": [{"year": 2021}, {}]}
    assert data == {"lines": [{"year": 2021}]}  # the caller's data is left alone
    assert apply_action(schema, {}, "add:lines") == {"lines": [{}]}


def test_adding_a_row_in_a_nested_object_makes_the_objects_above_it() -> None:
    schema = load("forms/application.schema.json")
    assert apply_action(schema, {}, "add:general.budget_by_year") == {
        "general": {"budget_by_year": [{}]}
    }
    members = load("forms/screening.schema.json")
    assert apply_action(members, {}, "add:present_members") == {"present_members": [""]}


def test_removing_a_row_removes_that_row() -> None:
    schema = load("forms/repayment_plan.schema.json")
    data = {"lines": [{"year": 2021}, {"year": 2022}, {"year": 2023}]}
    assert apply_action(schema, data, "remove:lines.1") == {
        "lines": [{"year": 2021}, {"year": 2023}]
    }


def test_adding_stops_at_max_items() -> None:
    schema = load("forms/scientific_review.schema.json")
    data = {"scores": [{} for _ in range(9)]}
    assert apply_action(schema, data, "add:scores") == data


@pytest.mark.parametrize(
    "action",
    [
        "add:nothing",
        "add:justification",
        "add:lines.0",
        "remove:lines.5",
        "remove:lines",
        "remove:lines.-1",
        "delete:lines.0",
        "add:",
        "",
        "remove:lines.0.year",
    ],
)
def test_an_action_that_names_no_row_changes_nothing(action: str) -> None:
    schema = load("forms/repayment_plan.schema.json")
    data = {"lines": [{"year": 2021}], "justification": "x"}
    assert apply_action(schema, data, action) == data


def test_a_prefixed_action_applies_under_its_prefix() -> None:
    schema = load("forms/repayment_plan.schema.json")
    assert apply_action(schema, {}, "add:draft.lines", prefix="draft") == {"lines": [{}]}
    assert apply_action(schema, {}, "add:lines", prefix="draft") == {}


def test_the_row_buttons_post_the_actions_apply_action_reads() -> None:
    schema = load("forms/repayment_plan.schema.json")
    html = render_form(schema, {"lines": [{"year": 2021}, {"year": 2022}]})
    page = lxml.html.fragment_fromstring(f"<form>{html}</form>")
    actions = [
        b.get("value")
        for b in page.iter("button")
        if b.get("name") == "_form_action"
        and not any(a.tag == "template" for a in b.iterancestors())
    ]
    assert actions == ["remove:lines.0", "remove:lines.1", "add:lines"]
