"""Forms rendered from JSON Schema: labelled, errors at their fields, conditions, read-only."""

from __future__ import annotations

import copy
import json
from typing import Any

import lxml.html
import pytest
from lxml.html import HtmlElement
from markupsafe import Markup

import web.forms
from engine.errors import FieldError
from engine.forms import validate_form_data
from tests.unit.test_form_parse import SAMPLES, SCHEMAS, browser_post, load, round_trip, same_json
from web.forms import error_summary, field_id, render_form, render_readonly

CONTROLS = "//input[not(@type='hidden')] | //select | //textarea"


def parsed(html: str) -> HtmlElement:
    return lxml.html.fragment_fromstring(f"<form>{html}</form>")


def live(doc: HtmlElement) -> HtmlElement:
    """The document without its row templates (what the page shows before any script runs)."""
    copied = copy.deepcopy(doc)
    for template in copied.iter("template"):
        template.getparent().remove(template)
    return copied


def by_id(doc: HtmlElement, ident: str) -> HtmlElement:
    found = doc.xpath("//*[@id=$i]", i=ident)
    assert len(found) == 1, f"{len(found)} elements with id {ident}"
    element: HtmlElement = found[0]
    return element


def broken_application() -> tuple[dict[str, Any], dict[str, Any], list[FieldError]]:
    schema = load("forms/application.schema.json")
    data = copy.deepcopy(SAMPLES["forms/application.schema.json"])
    del data["general"]["title"]
    data["general"]["budget_by_year"][0]["total"] = -1
    del data["implementation_plan"]["objectives"][0]["measurable"]
    data["general"]["extra"] = 1
    data["sign_off"]["declaration"] = "kanske"
    data["extra"] = "okänd"
    return schema, data, validate_form_data(schema, data)


# Every control is labelled, every id is unique, every description exists


def _renderings() -> list[tuple[str, str]]:
    schema, data, errors = broken_application()
    cases = [(path, render_form(load(path), SAMPLES[path])) for path in SCHEMAS]
    cases += [(f"{path} (fresh)", render_form(load(path), None)) for path in SCHEMAS]
    return [*cases, ("application with errors", render_form(schema, data, errors))]


RENDERINGS = _renderings()


@pytest.mark.parametrize(("name", "html"), RENDERINGS, ids=[n for n, _ in RENDERINGS])
def test_every_control_has_its_own_label(name: str, html: str) -> None:
    doc = parsed(html)
    controls = doc.xpath(CONTROLS)
    assert controls
    for control in controls:
        ident = control.get("id")
        assert ident, lxml.html.tostring(control)
        labels = doc.xpath("//label[@for=$i]", i=ident)
        assert len(labels) == 1, ident
        assert labels[0].text_content().strip(), ident


@pytest.mark.parametrize(("name", "html"), RENDERINGS, ids=[n for n, _ in RENDERINGS])
def test_ids_are_unique_and_descriptions_exist(name: str, html: str) -> None:
    doc = live(parsed(html))
    ids = [e.get("id") for e in doc.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    for element in doc.xpath("//*[@aria-describedby]"):
        for ident in element.get("aria-describedby").split():
            assert ident in ids, ident


def test_a_required_field_says_so_in_words() -> None:
    doc = parsed(render_form(load("forms/screening.schema.json"), None))
    assert "(obligatoriskt)" in by_id(doc, "field-meeting_date").getparent().text_content()
    label = doc.xpath("//label[@for='field-conditions']")[0]
    assert "obligatoriskt" not in label.text_content()
    assert by_id(doc, "field-meeting_date").get("aria-required") == "true"


def test_a_description_is_the_fields_help_text() -> None:
    doc = parsed(render_form(load("forms/annual_allocation.schema.json"), None))
    control = by_id(doc, "field-paragraph")
    hint = by_id(doc, control.get("aria-describedby"))
    assert hint.text_content() == "Protokollsparagraf, t.ex. §139."


# Errors: next to their fields and summarised with working links


def test_each_error_is_shown_at_its_field() -> None:
    schema, data, errors = broken_application()
    doc = live(parsed(render_form(schema, data, errors)))
    expected = {
        "general.title": "Fältet är obligatoriskt.",
        "general.budget_by_year.0.total": "Ska vara minst 0.",
        "implementation_plan.objectives.0.measurable": "Fältet är obligatoriskt.",
        "sign_off.declaration": "Ska vara ja eller nej.",
        "general": "Fältet finns inte i formuläret.",  # general.extra: no such field
    }
    for path, message in expected.items():
        target = by_id(doc, field_id(path))
        described = target.get("aria-describedby") or _group_of(target).get("aria-describedby")
        said = [by_id(doc, i).text_content() for i in described.split()]
        assert any(message in s and s.startswith("Fel: ") for s in said), path
        if target.tag in ("input", "select", "textarea"):
            assert target.get("aria-invalid") == "true", path
    assert len(doc.xpath("//*[@class='sif-error']")) == len(expected)


def _group_of(control: HtmlElement) -> HtmlElement:
    fieldset: HtmlElement = next(control.iterancestors("fieldset"))
    return fieldset


def test_an_erroneous_field_keeps_what_was_typed() -> None:
    schema, data, errors = broken_application()
    posted = browser_post(render_form(schema, data, errors))
    assert posted["general.budget_by_year.0.total"] == "-1"
    assert posted["general.lead_board"] == "UN"


def test_the_summary_links_to_each_erroneous_field_by_its_titles() -> None:
    schema, data, errors = broken_application()
    form = live(parsed(render_form(schema, data, errors)))
    summary = lxml.html.fragment_fromstring(error_summary(schema, errors))
    assert summary.tag == "ul" and len(summary) == len(errors)
    links = {a.text_content(): a.get("href") for a in summary.iter("a")}
    assert links == {
        "1. Allmänna uppgifter › Rubrik: Fältet är obligatoriskt.": "#field-general-title",
        "1. Allmänna uppgifter › extra: Fältet finns inte i formuläret.": "#field-general",
        "1. Allmänna uppgifter › Budget per år › rad 1 › Totalt (tkr): Ska vara minst 0.": (
            "#field-general-budget_by_year-0-total"
        ),
        "2. Plan för genomförande › Mål › rad 1 › Mätbart: Fältet är obligatoriskt.": (
            "#field-implementation_plan-objectives-0-measurable"
        ),
        "5. Underskrift › Intygande: Ska vara ja eller nej.": "#field-sign_off-declaration",
        "5. Underskrift › Intygande: Ogiltigt val.": "#field-sign_off-declaration",
    }
    for href in links.values():
        by_id(form, href.removeprefix("#"))
    unlinked = [li.text_content() for li in summary.iter("li") if not li.xpath("a")]
    assert unlinked == ["extra: Fältet finns inte i formuläret."]


def test_an_error_on_a_whole_object_or_list_can_take_focus() -> None:
    schema, data, errors = broken_application()
    doc = parsed(render_form(schema, data, errors))
    assert by_id(doc, "field-general").get("tabindex") == "-1"
    assert by_id(doc, "field-implementation_plan").get("tabindex") is None


def test_no_errors_no_summary() -> None:
    assert error_summary(load("forms/screening.schema.json"), []) == ""


def test_an_error_in_a_checkbox_group_is_shown_at_the_group() -> None:
    schema = load("forms/revision.schema.json")
    data = {"changed_sections": ["general", "nonsense"]}
    errors = [e for e in validate_form_data(schema, data) if e.path.startswith("changed")]
    assert [e.path for e in errors] == ["changed_sections.1"]
    doc = parsed(render_form(schema, data, errors))
    first = by_id(doc, "field-changed_sections")
    assert first.get("type") == "checkbox" and first.get("aria-invalid") == "true"
    assert "Ogiltigt val." in _group_of(first).text_content()
    summary = error_summary(schema, errors)
    assert 'href="#field-changed_sections"' in summary
    assert "Ändrade avsnitt › 1: Ogiltigt val." in summary


def test_errors_with_a_prefix_point_at_the_prefixed_fields() -> None:
    schema = load("forms/annual_allocation.schema.json")
    errors = validate_form_data(schema, {})
    doc = parsed(render_form(schema, {}, errors, prefix="utkast"))
    summary = lxml.html.fragment_fromstring(error_summary(schema, errors, prefix="utkast"))
    for link in summary.iter("a"):
        target = by_id(doc, link.get("href").removeprefix("#"))
        assert target.get("name").startswith("utkast.")


# Conditional fields: the wrapper says what it depends on


def _wrapper(doc: HtmlElement, ident: str) -> HtmlElement:
    control = by_id(doc, ident)
    around = [control, *control.iterancestors()]
    wrapper: HtmlElement = next(a for a in around if a.get("data-show-if"))
    return wrapper


def test_a_field_required_when_an_answer_is_given_depends_on_that_answer() -> None:
    doc = parsed(render_form(load("forms/scientific_review.schema.json"), None))
    wrapper = _wrapper(doc, "field-conflict_of_interest_details")
    assert wrapper.get("data-show-if") == "conflict_of_interest"
    assert json.loads(wrapper.get("data-show-values")) == ["true"]
    assert wrapper.get("data-show-negate") is None
    assert "Obligatoriskt när ”Jäv eller intressekonflikt” är ”Ja”." in wrapper.text_content()
    rows = _wrapper(doc, "field-required_changes")
    assert json.loads(rows.get("data-show-values")) == ["support_with_changes"]


def test_an_enum_condition_lists_its_values_and_their_titles() -> None:
    doc = parsed(render_form(load("forms/screening.schema.json"), None))
    wrapper = _wrapper(doc, "field-motivation")
    assert wrapper.get("data-show-if") == "screening_decision"
    assert json.loads(wrapper.get("data-show-values")) == ["reject", "request_completion"]
    hint = "Obligatoriskt när ”Ställningstagande” är ”Avslag” eller ”Komplettering begärs”."
    assert hint in wrapper.text_content()


def test_a_minimum_condition_and_a_filled_in_condition() -> None:
    doc = parsed(render_form(load("forms/board_decision.schema.json"), {"granted_tkr": 0}))
    rows = _wrapper(doc, "field-allocation_by_year")
    assert rows.get("data-show-if") == "granted_tkr"
    assert rows.get("data-show-minimum") == "1"
    doc = parsed(render_form(load("forms/deviation.schema.json"), None))
    wrapper = _wrapper(doc, "field-decided_by")
    assert wrapper.get("data-show-if") == "decision"
    assert wrapper.get("data-show-values") is None and wrapper.get("data-show-minimum") is None


def test_a_condition_inside_a_row_names_the_same_rows_answer() -> None:
    schema = load("forms/project_setup.schema.json")
    data = {"indicator_baselines": [{"indicator_ref": "D-E1"}, {"indicator_ref": "D-E2"}]}
    doc = parsed(render_form(schema, data))
    date = _wrapper(doc, "field-indicator_baselines-1-date")
    assert date.get("data-show-if") == "indicator_baselines.1.value"
    assert date.get("data-show-negate") is None
    reason = _wrapper(doc, "field-indicator_baselines-1-no_baseline_reason")
    assert reason.get("data-show-if") == "indicator_baselines.1.value"
    assert reason.get("data-show-negate") == ""
    template = by_id(doc, "field-indicator_baselines").xpath(".//template")[0]
    assert 'data-show-if="indicator_baselines.__i0__.value"' in lxml.html.tostring(
        template, encoding="unicode"
    )


def test_a_field_under_two_conditions_is_always_shown_with_both_sentences() -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "boolean", "title": "A"},
            "b": {"type": "boolean", "title": "B"},
            "c": {"type": "string", "title": "C"},
        },
        "allOf": [
            {
                "if": {"required": ["a"], "properties": {"a": {"const": True}}},
                "then": {"required": ["c"]},
            },
            {
                "if": {"required": ["b"], "properties": {"b": {"const": True}}},
                "then": {"required": ["c"]},
            },
        ],
    }
    html = render_form(schema, None)
    assert "data-show-if" not in html
    assert "Obligatoriskt när ”A” är ”Ja”. Obligatoriskt när ”B” är ”Ja”." in html


# How each construct is drawn


CONSTRUCTS: dict[str, Any] = {
    "type": "object",
    "$defs": {
        "person": {
            "type": "object",
            "title": "Person",
            "properties": {"name": {"type": "string", "title": "Namn"}},
        }
    },
    "properties": {
        "contact": {"$ref": "#/$defs/person", "title": "Kontakt"},
        "size": {
            "title": "Storlek",
            "enum": ["XS", "S", "M", "L", "XL", "XXL"],
        },
        "colour": {"title": "Färg", "enum": ["röd", "grön"], "default": "grön"},
        "budget": {"type": "number", "title": "Budget", "x-unit": "tkr", "minimum": 0},
        "share": {"type": "number", "title": "Andel", "x-unit": "%", "minimum": 0, "maximum": 100},
        "notes": {"type": "string", "title": "Anteckningar", "x-widget": "textarea"},
        "case": {"type": "string", "title": "Ärende", "readOnly": True},
    },
    "allOf": [{"properties": {"extra": {"type": "integer", "title": "Tillägg"}}}],
}


def test_each_construct_gets_its_control() -> None:
    doc = parsed(render_form(CONSTRUCTS, None))
    contact = by_id(doc, "field-contact")
    assert contact.tag == "fieldset"
    assert contact.xpath("legend")[0].text_content() == "Kontakt"
    assert by_id(doc, "field-contact-name").get("type") == "text"
    assert by_id(doc, "field-size").tag == "select"  # six options
    assert by_id(doc, "field-colour").get("type") == "radio"  # two options
    assert by_id(doc, "field-colour--1").get("checked") is not None  # the default, grön
    budget = by_id(doc, "field-budget")
    assert budget.get("inputmode") == "decimal"
    assert budget.getnext().text_content() == "tkr"
    assert by_id(doc, "field-share").get("aria-describedby").endswith("field-share--unit")
    assert "Mellan 0 och 100." in doc.text_content()
    assert by_id(doc, "field-notes").tag == "textarea"
    assert by_id(doc, "field-extra").get("inputmode") is None  # may be negative
    assert doc.xpath("//*[@id='field-case']/@class") == ["sif-value"]


def test_a_read_only_field_is_shown_and_posted_unchanged() -> None:
    data = {"case": "KS 17/112", "budget": 1500.5}
    doc = parsed(render_form(CONSTRUCTS, data))
    assert by_id(doc, "field-case").text_content() == "KS 17/112"
    assert not doc.xpath("//input[@name='case' and not(@type='hidden')]")
    assert same_json(round_trip(CONSTRUCTS, data), data)


def test_a_fresh_form_starts_from_the_defaults_and_the_rows_it_needs() -> None:
    doc = live(parsed(render_form(load("forms/scientific_review.schema.json"), None)))
    assert len(doc.xpath("//*[@data-rows='scores']//*[@data-row]")) == 9
    assert len(doc.xpath("//*[@data-rows='required_changes']//*[@data-row]")) == 0
    add = doc.xpath("//button[@value='add:scores']")[0]
    assert add.get("disabled") is not None  # maxItems 9 reached


def test_plain_rows_are_a_table_and_wide_rows_a_fieldset_each() -> None:
    schema = load("forms/application.schema.json")
    doc = live(parsed(render_form(schema, SAMPLES["forms/application.schema.json"])))
    budget = by_id(doc, "field-general-budget_by_year")
    heads = [th.text_content() for th in budget.xpath(".//th")]
    assert heads[:2] == [
        "År (obligatoriskt)Mellan 2000 och 2100.",
        "Personal (tkr) (obligatoriskt)",
    ]
    assert by_id(doc, "field-general-budget_by_year-1").tag == "tr"
    card = by_id(doc, "field-evaluation_plan-indicators-0")
    assert card.tag == "fieldset"
    assert card.xpath("legend")[0].text_content() == "Indikator 1"
    assert by_id(doc, "field-evaluation_plan-indicators-0-baseline").tag == "fieldset"


def test_a_cell_label_names_its_column_and_row() -> None:
    doc = parsed(render_form(load("forms/repayment_plan.schema.json"), None))
    label = doc.xpath("//label[@for='field-lines-0-amount_tkr']")[0]
    assert label.text_content() == "Belopp (tkr), rad 1 (obligatoriskt)"


def test_the_row_template_and_container_carry_what_the_script_needs() -> None:
    doc = parsed(
        render_form(
            load("forms/repayment_plan.schema.json"), SAMPLES["forms/repayment_plan.schema.json"]
        )
    )
    container = by_id(doc, "field-lines")
    assert container.get("data-rows") == "lines"
    assert container.get("data-next-index") == str(
        len(SAMPLES["forms/repayment_plan.schema.json"]["lines"])
    )
    assert container.get("data-index-token") == "__i0__"
    assert container.get("data-number-token") == "__n0__"
    template = container.xpath(".//template[@data-row-template]")[0]
    html = lxml.html.tostring(template, encoding="unicode")
    assert 'name="lines.__i0__.year"' in html and 'value="remove:lines.__i0__"' in html
    assert template.xpath(".//span[@data-row-number]")[0].text == "__n0__"
    assert container.xpath(".//tbody[@data-rows-body]")


def test_the_fields_are_wrapped_for_the_script_and_contain_no_script() -> None:
    html = render_form(load("forms/screening.schema.json"), SAMPLES["forms/screening.schema.json"])
    assert html.startswith('<div class="sif-form" data-sif-form>')
    assert "<script" not in html and " on" not in html.replace(" only", "")
    assert "<form" not in html


# Read-only answers


def test_read_only_answers_use_titles_and_swedish_formats() -> None:
    schema = load("forms/board_decision.schema.json")
    data = {
        **SAMPLES["forms/board_decision.schema.json"],
        "granted_tkr": 1500,
        "meeting_date": "2026-11-26",
        "legacy_note": "från det gamla systemet",
    }
    doc = lxml.html.fragment_fromstring(render_readonly(schema, data))
    answers = {dt.text_content(): dt.getnext().text_content() for dt in doc.iter("dt")}
    assert answers["Beviljat belopp (tkr)"] == "1\u00a0500 tkr"
    assert answers["Sammanträdesdatum"] == "26 nov. 2026"
    assert answers["Beslutande organ"] == "Kommunstyrelsen"
    assert list(answers)[-1] == "legacy_note"
    assert "granted_tkr" not in answers and "decision" not in answers
    assert [th.text_content() for th in doc.iter("th")] == ["År", "Belopp (tkr)"]


def test_read_only_booleans_lists_and_nested_objects() -> None:
    schema = load("forms/scientific_review.schema.json")
    doc = lxml.html.fragment_fromstring(
        render_readonly(schema, SAMPLES["forms/scientific_review.schema.json"])
    )
    answers = {dt.text_content(): dt.getnext() for dt in doc.xpath("./div/dt")}
    assert answers["Jäv eller intressekonflikt"].text_content() == "Nej"
    assert answers["Rekommendation"].text_content() == "Tillstyrker med ändringar"
    assert answers["Ändringar som krävs"].xpath("ul/li")
    assert "Behov och målgrupp" in answers["Bedömning per aspekt"].text_content()
    application = lxml.html.fragment_fromstring(
        render_readonly(
            load("forms/application.schema.json"), SAMPLES["forms/application.schema.json"]
        )
    )
    assert application.xpath("./div/dt")[0].text_content() == "1. Allmänna uppgifter"
    assert application.xpath("./div/dd/dl")


def test_read_only_unknown_values_are_shown_not_dumped() -> None:
    html = render_readonly({"type": "object"}, {"a": {"b": [1.5, True, None]}})
    assert "{" not in html
    doc = lxml.html.fragment_fromstring(html)
    assert [li.text_content() for li in doc.iter("li")] == ["1,5", "Ja", "–"]


def test_a_read_only_form_has_the_layout_and_no_controls() -> None:
    schema = load("forms/application.schema.json")
    doc = parsed(render_form(schema, SAMPLES["forms/application.schema.json"], readonly=True))
    assert not doc.xpath("//input | //select | //textarea | //button")
    assert by_id(doc, "field-general-requested_total_tkr").text_content() == "4\u00a0500 tkr"
    assert by_id(doc, "field-general").tag == "fieldset"


# Escaping


HOSTILE = "<script>alert('x')</script>"


def test_hostile_values_and_titles_are_escaped() -> None:
    schema = {
        "type": "object",
        "title": HOSTILE,
        "properties": {
            "text": {"type": "string", "title": HOSTILE, "description": HOSTILE},
            "pick": {"title": "Val", "oneOf": [{"const": HOSTILE, "title": HOSTILE}]},
            "rows": {
                "type": "array",
                "title": HOSTILE,
                "items": {"type": "object", "properties": {HOSTILE: {"type": "string"}}},
            },
        },
    }
    data = {"text": HOSTILE + '"', "pick": '"><b>', "rows": [{HOSTILE: HOSTILE}], HOSTILE: HOSTILE}
    errors = [FieldError("text", HOSTILE), FieldError(HOSTILE, HOSTILE)]
    for html in (
        render_form(schema, data, errors),
        render_form(schema, data, readonly=True),
        render_readonly(schema, data),
        error_summary(schema, errors),
    ):
        assert isinstance(html, Markup)
        doc = lxml.html.fragment_fromstring(f"<div>{html}</div>")
        assert not doc.xpath("//script | //b")
        assert "<script>" not in html
    assert same_json(
        round_trip(schema, {k: v for k, v in data.items() if k != HOSTILE}),
        {
            "text": HOSTILE + '"',
            "pick": '"><b>',
            "rows": [{HOSTILE: HOSTILE}],
        },
    )


def test_the_public_surface() -> None:
    assert sorted(web.forms.__all__) == [
        "ACTION_FIELD",
        "apply_action",
        "error_summary",
        "field_id",
        "parse_submission",
        "render_form",
        "render_readonly",
    ]
