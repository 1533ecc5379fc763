"""A process's versions and what changed between two of them, from the deployed files.

The review_loop scenario is deployed as version 1, then a version 2 (``changed_review_loop``)
that renames the review, drops the round counter, changes the approval's condition, adds a
task before the end and changes the review form's comment field; the diff names exactly that.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

import engine
from engine import (
    AspectChange,
    ElementChange,
    FieldChange,
    FormChange,
    NotFound,
    Runtime,
    bpmn_diff,
    xmlsafe,
)
from tests.conftest import read_scenario
from tests.integration.fund import ROOT

ADDED_TASK = """    <bpmn:scriptTask id="log_approval" name="Notera godkännandet" scriptFormat="python">
      <bpmn:incoming>flow_decision_approve</bpmn:incoming>
      <bpmn:outgoing>flow_log_approval_to_approved</bpmn:outgoing>
      <bpmn:script>approved_at = "nu"</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="flow_log_approval_to_approved" name="Noterat" sourceRef="log_approval" targetRef="approved" />
"""  # noqa: E501
ADDED_SHAPES = """      <bpmndi:BPMNShape id="log_approval_di" bpmnElement="log_approval">
        <dc:Bounds x="1480" y="395" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="flow_log_approval_to_approved_di" bpmnElement="flow_log_approval_to_approved">
        <di:waypoint x="1580" y="435" />
        <di:waypoint x="1662" y="435" />
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>"""  # noqa: E501


def _cut(xml: str, pattern: str) -> str:
    changed, count = re.subn(pattern, "", xml, flags=re.S)
    assert count == 1, pattern
    return changed


def _swap(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def changed_review_loop() -> dict[str, bytes]:
    """review_loop with: the review renamed; the round counter removed (the revise path goes
    straight to revising); the approval's condition changed; a script task added before the
    end; the review form's decision with a third choice, its comment retitled and longer,
    and a new field."""
    files = read_scenario("review_loop")
    xml = files["review_loop.bpmn"].decode()
    xml = _swap(xml, 'name="Granska idé">', 'name="Granska idén noga">')
    xml = _cut(xml, r"\s*<bpmn:flowNodeRef>count_round</bpmn:flowNodeRef>")
    xml = _cut(xml, r'\s*<bpmn:scriptTask id="count_round".*?</bpmn:scriptTask>')
    xml = _cut(xml, r'\s*<bpmn:sequenceFlow id="flow_count_round_to_revise".*?/>')
    xml = _cut(xml, r'\s*<bpmndi:BPMNShape id="count_round_di".*?</bpmndi:BPMNShape>')
    xml = _cut(xml, r'\s*<bpmndi:BPMNEdge id="flow_count_round_to_revise_di".*?</bpmndi:BPMNEdge>')
    xml = _swap(xml, 'targetRef="count_round"', 'targetRef="revise"')
    xml = _swap(xml, "<bpmn:incoming>flow_count_round_to_revise</bpmn:incoming>",
                "<bpmn:incoming>flow_decision_revise</bpmn:incoming>")  # fmt: skip
    xml = _swap(xml, "decision == 'approve'", "decision in ('approve', 'accept')")
    xml = _swap(xml, 'sourceRef="decision_gateway" targetRef="approved"',
                'sourceRef="decision_gateway" targetRef="log_approval"')  # fmt: skip
    xml = _swap(xml, "<bpmn:incoming>flow_decision_approve</bpmn:incoming>",
                "<bpmn:incoming>flow_log_approval_to_approved</bpmn:incoming>")  # fmt: skip
    xml = _swap(xml, "  </bpmn:process>", ADDED_TASK + "  </bpmn:process>")
    xml = _swap(xml, '<dc:Bounds x="1462" y="417"', '<dc:Bounds x="1662" y="417"')
    xml = _swap(xml, '<di:waypoint x="1462" y="435" />', '<di:waypoint x="1480" y="435" />')
    xml = _swap(xml, "    </bpmndi:BPMNPlane>", ADDED_SHAPES)
    files["review_loop.bpmn"] = xml.encode()
    form = json.loads(files["review.schema.json"])
    form["properties"]["decision"]["oneOf"].append({"const": "reject", "title": "Avslå"})
    form["properties"]["comment"].update(title="Kommentar till sökanden", maxLength=4000)
    form["properties"]["grade"] = {"type": "integer", "title": "Betyg", "minimum": 1,
                                   "maximum": 5}  # fmt: skip
    files["review.schema.json"] = json.dumps(form, ensure_ascii=False).encode()
    return files


def _in_element(xml: str, element_id: str, old: str, new: str) -> str:
    """``old`` → ``new`` once, inside the element whose id is ``element_id``."""
    found = re.search(rf'<bpmn:(\w+) id="{element_id}"[ >].*?</bpmn:\1>', xml, flags=re.S)
    assert found, element_id
    block = _swap(found.group(0), old, new)
    return xml[: found.start()] + block + xml[found.end() :]


def changed_fund_process() -> dict[str, bytes]:
    """The fund process with: a timer's type and expression, a service's parameter, who does
    a step, its due date and its instances run one at a time, a step's form (a copy of the old
    one under a new name) and a called decision (a copy of the old table under a new id) —
    each changed once, on a known element."""
    files = engine.read_bundle([ROOT / "processes", ROOT / "forms"])
    files["idea_2026.schema.json"] = files["idea.schema.json"]
    dmn = files["evaluation_outcome.dmn"].decode()
    files["outcome_2026.dmn"] = dmn.replace("evaluation_outcome", "outcome_2026").encode()
    xml = files["social_investment_case.bpmn"].decode()
    if "xmlns:camunda=" not in xml:
        camunda = '<bpmn:definitions\n    xmlns:camunda="http://camunda.org/schema/1.0/bpmn"\n'
        xml = _swap(xml, "<bpmn:definitions\n", camunda)
    duration = '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"P1Y"</bpmn:timeDuration>'
    date = '<bpmn:timeDate xsi:type="bpmn:tFormalExpression">"2030-01-01"</bpmn:timeDate>'
    xml = _in_element(xml, "wait_effects", duration, date)
    xml = _in_element(xml, "load_profile", 'value="fund"', 'value="str(fund)"')
    consent = '<bpmn:userTask id="board_consent"'
    xml = _in_element(xml, "board_consent", consent, consent + ' camunda:candidateGroups="council"')
    xml = _in_element(xml, "board_consent", "&quot;P14D&quot;", "&quot;P21D&quot;")
    xml = _in_element(xml, "board_consent", 'isSequential="false"', 'isSequential="true"')
    xml = _in_element(xml, "submit_idea", '"idea.schema.json"', '"idea_2026.schema.json"')
    xml = _in_element(xml, "assess_outcome", ">evaluation_outcome<", ">outcome_2026<")
    files["social_investment_case.bpmn"] = xml.encode()
    return files


@pytest.fixture
def two_versions(rt: Runtime) -> Iterator[Runtime]:
    engine.add_user(rt, "clara", ["applicant"], "Clara Ek")
    engine.deploy(rt, read_scenario("review_loop"), "admin", comment="Första versionen")
    engine.start_case(rt, "review_loop", "clara")
    engine.start_case(rt, "review_loop", "clara")
    engine.deploy(rt, changed_review_loop(), "petra", comment="Noggrannare granskning")
    yield rt


def test_the_diff_names_exactly_what_changed(two_versions: Runtime) -> None:
    diff = engine.version_diff(two_versions, "review_loop", 1, 2)
    assert diff.added == (
        ElementChange("log_approval", "Notera godkännandet", "scriptTask"),
        ElementChange("flow_log_approval_to_approved", "Noterat", "sequenceFlow",
                      between=("Notera godkännandet", "Idé godkänd")),
    )  # fmt: skip
    assert diff.removed == (
        ElementChange("count_round", "Räkna kompletteringsrunda", "scriptTask"),
        ElementChange("flow_count_round_to_revise", "Runda räknad", "sequenceFlow",
                      between=("Räkna kompletteringsrunda", "Komplettera idé")),
    )  # fmt: skip
    assert diff.changed == (
        ElementChange("review", "Granska idén noga", "userTask",
                      (AspectChange("name", "Granska idé", "Granska idén noga"),)),
        ElementChange("flow_decision_revise", "Återremitteras", "sequenceFlow",
                      (AspectChange("target", "Räkna kompletteringsrunda", "Komplettera idé"),),
                      between=("Granskarens beslut?", "Komplettera idé")),
        ElementChange("flow_decision_approve", "Godkänns", "sequenceFlow",
                      (AspectChange("condition", "decision == 'approve'",
                                    "decision in ('approve', 'accept')"),
                       AspectChange("target", "Idé godkänd", "Notera godkännandet")),
                      between=("Granskarens beslut?", "Notera godkännandet")),
    )  # fmt: skip
    assert diff.forms == (
        FormChange("review.schema.json", "Granska idé", "changed", fields=(
            FieldChange("decision", "Beslut", "changed", (
                AspectChange("enum", "Godkänn, Återremittera för komplettering",
                             "Godkänn, Återremittera för komplettering, Avslå"),
            )),
            FieldChange("comment", "Kommentar till sökanden", "changed", (
                AspectChange("title", "Kommentar", "Kommentar till sökanden"),
                AspectChange("maxLength", "2000", "4000"),
            )),
            FieldChange("grade", "Betyg", "added"),
        )),
    )  # fmt: skip
    assert (diff.old.version, diff.new.version, diff.new.comment) == (
        1,
        2,
        "Noggrannare granskning",
    )


def test_the_diff_read_backwards_swaps_added_and_removed(two_versions: Runtime) -> None:
    forwards = engine.version_diff(two_versions, "review_loop", 1, 2)
    backwards = engine.version_diff(two_versions, "review_loop", 2, 1)
    assert {e.element_id for e in backwards.added} == {e.element_id for e in forwards.removed}
    assert {e.element_id for e in backwards.removed} == {e.element_id for e in forwards.added}
    assert backwards.forms[0].fields[-1] == FieldChange("grade", "Betyg", "removed")


def test_each_version_is_read_once_however_often_it_is_compared(
    two_versions: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The diff page and the markers of its two diagrams ask for the same pair of versions."""
    parsed: list[bytes] = []
    parse = xmlsafe.parse_xml

    def counted(content: bytes, max_bytes: int) -> Any:
        parsed.append(content)
        return parse(content, max_bytes)

    monkeypatch.setattr(bpmn_diff, "parse_xml", counted)
    first = engine.version_diff(two_versions, "review_loop", 1, 2)
    assert engine.version_diff(two_versions, "review_loop", 1, 2) == first
    engine.version_diff(two_versions, "review_loop", 2, 1)
    assert len(parsed) == 2


def test_a_version_against_itself_has_no_differences(two_versions: Runtime) -> None:
    assert engine.version_diff(two_versions, "review_loop", 2, 2).empty


def test_an_unknown_version_is_not_found(two_versions: Runtime) -> None:
    with pytest.raises(NotFound):
        engine.version_diff(two_versions, "review_loop", 1, 3)
    with pytest.raises(NotFound):
        engine.version_diff(two_versions, "no_such_process", 1, 2)


def test_versions_newest_first_with_who_when_why_and_their_cases(two_versions: Runtime) -> None:
    engine.start_case(two_versions, "review_loop", "clara")  # on version 2
    versions = engine.process_versions(two_versions, "review_loop")
    assert [v.definition.version for v in versions] == [2, 1]
    assert [v.definition.deployed_by for v in versions] == ["petra", "admin"]
    assert [v.definition.comment for v in versions] == ["Noggrannare granskning",
                                                         "Första versionen"]  # fmt: skip
    assert [(v.open_cases, v.total_cases) for v in versions] == [(1, 1), (2, 2)]


def test_finished_cases_count_in_the_total_only(two_versions: Runtime) -> None:
    engine.add_user(two_versions, "ada", ["admin"], "Ada")
    case = engine.list_cases(two_versions, process_key="review_loop").cases[0]
    engine.set_case_status(two_versions, case.id, "ada", "terminate", "Prov")
    versions = {v.definition.version: v for v in engine.process_versions(two_versions)}
    assert (versions[1].open_cases, versions[1].total_cases) == (1, 2)
    every = engine.process_versions(two_versions)
    assert {v.definition.process_key for v in every} == {"review_loop"}


def test_a_versions_drawing_and_files_are_as_deployed(two_versions: Runtime) -> None:
    assert "log_approval" in engine.version_bpmn(two_versions, "review_loop", 2)
    assert "log_approval" not in engine.version_bpmn(two_versions, "review_loop", 1)
    original = read_scenario("review_loop")["review.schema.json"]
    assert engine.version_file(two_versions, "review_loop", 1, "review.schema.json") == original
    with pytest.raises(NotFound):
        engine.version_file(two_versions, "review_loop", 1, "../etc/passwd")
    with pytest.raises(NotFound):
        engine.version_bpmn(two_versions, "review_loop", 9)


def test_each_aspect_of_a_step_is_compared(rt: Runtime) -> None:
    """The fund process, then the same with ``changed_fund_process``'s changes."""
    engine.deploy(rt, engine.read_bundle([ROOT / "processes", ROOT / "forms"]), "admin")
    engine.deploy(rt, changed_fund_process(), "petra")
    diff = engine.version_diff(rt, "social_investment_case", 1, 2)
    assert diff.added == diff.removed == ()
    changed = {e.element_id: {a.aspect: (a.old, a.new) for a in e.aspects} for e in diff.changed}
    assert changed == {
        "load_profile": {"parameters": ("fund = fund", "fund = str(fund)")},
        "submit_idea": {"form": ("idea.schema.json", "idea_2026.schema.json")},
        "board_consent": {
            "roles": (changed["board_consent"]["roles"][0], "council"),
            "due": ('"P14D"', '"P21D"'),
            "loop": ("parallel", "sequential"),
        },
        "wait_effects": {
            "timer_kind": ("timeDuration", "timeDate"),
            "timer": ('"P1Y"', '"2030-01-01"'),
        },
        "assess_outcome": {"decision": ("evaluation_outcome", "outcome_2026")},
    }  # fmt: skip
    assert changed["board_consent"]["roles"][0] not in (None, "council")
    assert diff.forms == (
        FormChange("idea.schema.json", "Idé (idéskiss)", "removed"),
        FormChange("idea_2026.schema.json", "Idé (idéskiss)", "added"),
    )


def test_a_user_task_made_a_script_task_names_each_aspect_that_went(rt: Runtime) -> None:
    files = read_scenario("review_loop")
    engine.deploy(rt, files, "admin")
    xml = files["review_loop.bpmn"].decode()
    review = re.search(r'<bpmn:userTask id="review".*?</bpmn:userTask>', xml, flags=re.S)
    assert review
    script = (
        '<bpmn:scriptTask id="review" name="Granska idé" scriptFormat="python">\n'
        "<bpmn:incoming>flow_classify_to_review</bpmn:incoming>\n"
        "<bpmn:outgoing>flow_review_to_decision_gateway</bpmn:outgoing>\n"
        "<bpmn:script>decision = 'approve'</bpmn:script>\n</bpmn:scriptTask>"
    )
    files["review_loop.bpmn"] = (xml[: review.start()] + script + xml[review.end() :]).encode()
    engine.deploy(rt, files, "petra")
    diff = engine.version_diff(rt, "review_loop", 1, 2)
    assert diff.changed == (
        ElementChange("review", "Granska idé", "scriptTask", (
            AspectChange("type", "userTask", "scriptTask"),
            AspectChange("lane", None, "reviewer"),
            AspectChange("roles", "reviewer", None),
            AspectChange("form", "review.schema.json", None),
            AspectChange("script", None, "decision = 'approve'"),
        )),
    )  # fmt: skip
    assert diff.forms == (FormChange("review.schema.json", "Granska idé", "removed"),)
