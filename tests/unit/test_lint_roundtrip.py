"""What a BPMN tool keeps when it saves a file: multi-instance collections declared as data
elements (bpmn-js drops a reference it cannot resolve), no reference to a missing id, and
lanes with Swedish names whose roles live in a property."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from engine.lint import lint_bundle
from engine.xmlsafe import parse_xml

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted([*ROOT.glob("processes/*.bpmn"), *ROOT.glob("processes/*.dmn"),
                  *ROOT.glob("tests/data/*/*.bpmn"), *ROOT.glob("tests/data/*/*.dmn")])  # fmt: skip
MANY = ROOT / "tests/data/many_instances/many_instances.bpmn"
CAMUNDA = ROOT / "tests/data/camunda_style"

# Attributes and element texts that name another element's id (what bpmn-moddle resolves).
_ID_ATTRIBUTES = ("sourceRef", "targetRef", "attachedToRef", "default", "processRef",
                  "bpmnElement", "messageRef", "signalRef", "errorRef", "escalationRef",
                  "dataObjectRef", "sourceElement", "targetElement")  # fmt: skip
_ID_TEXTS = ("incoming", "outgoing", "flowNodeRef", "loopDataInputRef", "loopDataOutputRef",
             "sourceRef", "targetRef", "dataInputRefs", "dataOutputRefs")  # fmt: skip


def unresolved(root: etree._Element) -> list[str]:
    """Every reference in a parsed BPMN/DMN file that names no element of the file."""
    ids = {el.get("id") for el in root.iter(etree.Element) if el.get("id")}
    missing = []
    for el in root.iter(etree.Element):
        for attribute in _ID_ATTRIBUTES:
            value = el.get(attribute)
            if value is not None and value not in ids:
                missing.append(f"{attribute}={value}")
        href = el.get("href")
        if href is not None and href.startswith("#") and href[1:] not in ids:
            missing.append(f"href={href}")
        if etree.QName(el).localname in _ID_TEXTS and (el.text or "").strip() not in ids:
            missing.append(f"{etree.QName(el).localname}={(el.text or '').strip()}")
    return missing


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_file_references_only_its_own_ids(path: Path) -> None:
    assert unresolved(parse_xml(path.read_bytes(), 10**7)) == []


def test_the_checker_finds_a_bare_variable_name_as_a_loop_reference() -> None:
    text = MANY.read_bytes().replace(b'<bpmn:dataObject id="items" name="items" />', b"")
    assert unresolved(parse_xml(text, 10**7)) == ["loopDataInputRef=items"]


def lint(bpmn: bytes, forms: dict[str, object] | None = None) -> list[tuple[str | None, str]]:
    result = lint_bundle({"p.bpmn": parse_xml(bpmn, 10**7)}, {}, forms or {}, frozenset())
    return [(p.element_id, p.message) for p in result.problems]


def test_a_loop_collection_that_is_not_a_data_element_is_refused_on_its_activity() -> None:
    text = MANY.read_bytes().replace(b'<bpmn:dataObject id="doubled" name="doubled" />', b"")
    [(element, message)] = [p for p in lint(text) if "dataelement" in p[1]]
    assert element == "per_item"
    assert message.startswith("loopDataOutputRef 'doubled' pekar inte på något dataelement")
    assert "bpmn-js" in message and "tar bort den när filen sparas" in message
    assert '<bpmn:dataObject id="doubled" name="doubled"/>' in message


def test_a_loop_collection_declared_as_data_input_or_property_is_accepted() -> None:
    declared = b'<bpmn:property id="doubled" name="doubled" />'
    text = MANY.read_bytes().replace(b'<bpmn:dataObject id="doubled" name="doubled" />', b"")
    text = text.replace(b"<bpmn:startEvent ", declared + b"<bpmn:startEvent ", 1)
    assert not [p for p in lint(text) if "dataelement" in p[1]]


def camunda_forms() -> dict[str, object]:
    return {p.name: json.loads(p.read_text()) for p in CAMUNDA.glob("*.json")}


def camunda_with(old: str, new: str) -> bytes:
    text = (CAMUNDA / "camunda_style.bpmn").read_text()
    assert old in text
    return text.replace(old, new, 1).encode()


CLERK_LANE = 'name="clerk">\n        <bpmn:documentation>Handläggare</bpmn:documentation>'
ROLES_PROPERTY = (
    '<bpmn:extensionElements><camunda:properties><camunda:property name="roles" '
    'value="clerk, registrar" /></camunda:properties></bpmn:extensionElements>'
)


def roles_of(bpmn: bytes, element_id: str) -> tuple[str, ...]:
    result = lint_bundle({"p.bpmn": parse_xml(bpmn, 10**7)}, {}, camunda_forms(), frozenset())
    return result.user_tasks[element_id].roles


def test_a_lane_with_a_swedish_name_takes_its_roles_from_its_property() -> None:
    text = camunda_with(CLERK_LANE, CLERK_LANE.replace('"clerk"', '"Handläggare"') + ROLES_PROPERTY)
    assert lint(text, camunda_forms()) == []
    assert roles_of(text, "register") == ("clerk", "registrar")
    assert roles_of(text, "approve") == ("manager",)  # candidate groups still win


def test_a_lane_named_by_its_role_id_still_gives_the_role() -> None:
    assert roles_of((CAMUNDA / "camunda_style.bpmn").read_bytes(), "register") == ("clerk",)


@pytest.mark.parametrize("name", ["Handläggare", "Ekonom och utvärderare", "clerk or manager"])
def test_a_lane_name_that_is_no_role_id_and_no_roles_property_is_refused(name: str) -> None:
    text = camunda_with('name="clerk"', f'name="{name}"')
    [(element, message)] = lint(text, camunda_forms())
    assert element == "register"
    assert f"Lanen {name!r} anger ingen roll" in message
    assert 'name="roles"' in message and "candidateGroups" in message


def test_an_empty_roles_property_is_refused() -> None:
    text = camunda_with(CLERK_LANE, CLERK_LANE + ROLES_PROPERTY.replace("clerk, registrar", " "))
    [(element, message)] = lint(text, camunda_forms())
    assert (element, message.split(":")[0]) == (
        "register",
        "Lanen 'clerk' har en tom egenskap roles",
    )


def test_every_lane_of_the_shipped_processes_has_a_swedish_name_and_roles() -> None:
    for path in ROOT.glob("processes/*.bpmn"):
        root = parse_xml(path.read_bytes(), 10**7)
        lanes = list(root.iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}lane"))
        assert lanes
        for lane in lanes:
            name = lane.get("name") or ""
            assert "_" not in name and name[0].isupper(), (path.name, name)
            values = [p.get("value") for p in lane.iter() if p.get("name") == "roles"]
            assert values and all(values), (path.name, name)
