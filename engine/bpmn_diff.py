"""What changed between two versions of a process, read from the two versions' deployed files.

Each flow element (task, event, gateway, subprocess, sequence flow) of the process is read into
its *facts*: stable aspect codes (``ASPECTS``) with text values. Two versions' facts are compared
by element id: an id only in the new version is added, only in the old one removed, in both with
different facts changed, aspect by aspect (old → new). The forms the process's user tasks use
are compared field by field (``engine.form_diff``). What an aspect refers to (a flow's ends, a
lane) is compared by id and shown by name. The web layer turns the codes into Swedish.

User tasks' roles, form and due date come from the metadata the engine stored at deploy (what
the runtime itself reads), so a lane renamed for people without changing its roles is no change.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from engine.form_diff import AspectChange, FormChange, aspect_changes, form_changes
from engine.lint_roles import Lane, lane_of, lanes_of_nodes
from engine.xmlsafe import parse_xml

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"

#: Every aspect code an element change can name, in the order a change lists them.
ASPECTS = (
    "type", "name", "lane", "roles", "form", "form_rules", "due", "stage", "script",
    "pre_script", "post_script", "condition", "source", "target", "default", "event", "timer_kind",
    "timer", "message", "attached_to", "decision", "called_process", "service", "parameters",
    "loop", "loop_cardinality", "loop_collection", "loop_item", "loop_output",
    "loop_output_item", "loop_completion", "loop_condition", "loop_maximum",
)  # fmt: skip
_FLOW_NODES = frozenset({"task", "subProcess", "transaction", "callActivity", "sequenceFlow"})
_MAX_XML_BYTES = 64 * 1024 * 1024  # deployed files were checked against the limit already
_REFERENCES = frozenset({"source", "target", "default", "attached_to"})  # element ids


@dataclass(frozen=True)
class ElementChange:
    """An element added, removed or changed. ``name`` and ``kind`` (the BPMN element type, such
    as ``userTask``) are the new version's, or the old one's for a removed element;
    ``between`` names a sequence flow's ends; ``aspects`` is empty unless changed."""

    element_id: str
    name: str
    kind: str
    aspects: tuple[AspectChange, ...] = ()
    between: tuple[str, str] | None = None


@dataclass(frozen=True)
class ElementDiff:
    """The elements and forms that differ between two versions of one process."""

    added: tuple[ElementChange, ...] = ()
    removed: tuple[ElementChange, ...] = ()
    changed: tuple[ElementChange, ...] = ()
    forms: tuple[FormChange, ...] = ()


@dataclass
class _Element:
    element_id: str
    kind: str
    name: str
    facts: dict[str, str] = field(default_factory=dict)
    between: tuple[str, str] | None = None


@dataclass
class VersionRead:
    """One version's process, read for comparing: its elements in document order (flows last)
    and the forms its user tasks use. Never changed once read (a version is immutable)."""

    elements: dict[str, _Element]
    forms: dict[str, Any]
    lanes: dict[str, str] = field(default_factory=dict)  # lane id → its name

    def shown(self, aspect: str, value: str | None) -> str | None:
        """An aspect's value as a person reads it: elements and lanes by name, not by id
        (they are compared by id, so renaming a task changes no flow into it)."""
        if value is None:
            return None
        if aspect in _REFERENCES:
            element = self.elements.get(value)
            return element.name or value if element is not None else value
        if aspect == "lane":
            return self.lanes.get(value) or value
        return value


def compare_versions(before: VersionRead, after: VersionRead) -> ElementDiff:
    """Compare two versions of a process, each read by ``read_version``."""
    added = [_bare(e) for i, e in after.elements.items() if i not in before.elements]
    removed = [_bare(e) for i, e in before.elements.items() if i not in after.elements]
    changed = []
    for element_id, element in after.elements.items():
        earlier = before.elements.get(element_id)
        if earlier is None:
            continue
        aspects = tuple(
            AspectChange(a.aspect, before.shown(a.aspect, a.old), after.shown(a.aspect, a.new))
            for a in aspect_changes(earlier.facts, element.facts, ASPECTS)
        )
        if aspects:
            changed.append(_bare(element, aspects))
    return ElementDiff(
        tuple(added), tuple(removed), tuple(changed), form_changes(before.forms, after.forms)
    )


def _bare(element: _Element, aspects: tuple[AspectChange, ...] = ()) -> ElementChange:
    return ElementChange(element.element_id, element.name, element.kind, aspects, element.between)


def read_version(
    process_key: str, xml: str, user_tasks: Mapping[str, Any], forms: Mapping[str, Any]
) -> VersionRead:
    """The process ``process_key`` of the BPMN ``xml`` (the deployed file that holds it): its
    elements and the forms its user tasks use. ``user_tasks`` and ``forms`` are the metadata
    stored at deploy (element id → roles, form, due, rules; file name → parsed schema). An
    empty version if ``xml`` does not hold the process."""
    process = _find_process(process_key, xml)
    if process is None:
        return VersionRead({}, {})
    root = process.getroottree().getroot()
    messages = {m.get("id"): m.get("name") or m.get("id") for m in root.iter(f"{{{BPMN}}}message")}
    lanes = lanes_of_nodes(process)
    nodes: dict[str, _Element] = {}
    flows: dict[str, _Element] = {}
    for el in _flow_elements(process):
        element = _Element(str(el.get("id")), _local(el), _name(el))
        (flows if element.kind == "sequenceFlow" else nodes)[element.element_id] = element
    for el in _flow_elements(process):
        element = nodes.get(str(el.get("id"))) or flows[str(el.get("id"))]
        element.facts = _facts(el, user_tasks.get(element.element_id), lanes, messages)
    used = {
        str(info["form"]) for element_id, info in user_tasks.items()
        if element_id in nodes and info.get("form")
    }  # fmt: skip
    used_forms = {name: forms[name] for name in sorted(used) if name in forms}
    lane_names = {lane.lane_id: _name_of(lane.name) for lane in lanes.values()}
    version = VersionRead({**nodes, **flows}, used_forms, lane_names)
    for flow in flows.values():
        source, target = flow.facts.get("source"), flow.facts.get("target")
        flow.between = (
            version.shown("source", source) or "",
            version.shown("target", target) or "",
        )
    return version


def _find_process(process_key: str, xml: str) -> etree._Element | None:
    root = parse_xml(xml.encode("utf-8"), _MAX_XML_BYTES)
    found = (p for p in root.iterfind(f"{{{BPMN}}}process") if p.get("id") == process_key)
    return next(found, None)


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _name(el: etree._Element) -> str:
    return _name_of(el.get("name") or "")


def _name_of(text: str) -> str:
    return " ".join(text.split())


def _text(el: etree._Element | None) -> str | None:
    """An expression or script as written, without the indentation around it."""
    if el is None or not (el.text or "").strip():
        return None
    return (el.text or "").strip()


def _flow_elements(process: etree._Element) -> Iterator[etree._Element]:
    for el in process.iter(etree.Element):
        if el is process or not el.get("id") or etree.QName(el).namespace != BPMN:
            continue
        kind = _local(el)
        if kind in _FLOW_NODES or kind.endswith(("Task", "Event", "Gateway")):
            yield el


def _facts(
    el: etree._Element,
    user_task: Mapping[str, Any] | None,
    lanes: dict[str, Lane],
    messages: Mapping[str | None, str | None],
) -> dict[str, str]:
    """The aspects of one element, as text; an aspect it does not have is left out."""
    kind = _local(el)
    facts: dict[str, str | None] = {"type": kind, "name": _name(el)}
    if user_task is not None:
        facts["roles"] = ", ".join(sorted(user_task.get("roles") or ())) or None
        facts["form"] = user_task.get("form")
        facts["form_rules"] = ", ".join(user_task.get("rules") or ()) or None
        facts["due"] = user_task.get("due")
    elif kind != "sequenceFlow" and (lane := lane_of(el, lanes)) is not None:
        facts["lane"] = lane.lane_id
    facts["stage"] = _property(el, "stage")
    facts["script"] = _text(el.find(f"{{{BPMN}}}script"))
    facts["pre_script"] = _text(next(el.iterfind(f".//{{{SPIFF}}}preScript"), None))
    facts["post_script"] = _text(next(el.iterfind(f".//{{{SPIFF}}}postScript"), None))
    if kind == "sequenceFlow":
        facts["condition"] = _text(el.find(f"{{{BPMN}}}conditionExpression"))
        facts["source"] = el.get("sourceRef")
        facts["target"] = el.get("targetRef")
    facts["default"] = el.get("default")
    facts["attached_to"] = el.get("attachedToRef")
    facts.update(_event_facts(el, messages))
    facts["decision"] = _text(next(el.iterfind(f".//{{{SPIFF}}}calledDecisionId"), None)) or (
        el.get(f"{{{CAMUNDA}}}decisionRef")
    )
    facts["called_process"] = el.get("calledElement")
    facts.update(_service_facts(el))
    facts.update(_loop_facts(el))
    return {code: value for code, value in facts.items() if value}


def _property(el: etree._Element, name: str) -> str | None:
    """A ``spiffworkflow:property`` or ``camunda:property`` of the element itself (not of an
    element nested in it)."""
    extensions = el.find(f"{{{BPMN}}}extensionElements")
    if extensions is None:
        return None
    for prop in extensions.iter(f"{{{SPIFF}}}property", f"{{{CAMUNDA}}}property"):
        if prop.get("name") == name and prop.get("value"):
            return str(prop.get("value")).strip()
    return None


def _event_facts(
    el: etree._Element, messages: Mapping[str | None, str | None]
) -> dict[str, str | None]:
    definitions = [c for c in el if _local(c).endswith("EventDefinition")]
    facts: dict[str, str | None] = {
        "event": ", ".join(sorted(_local(d) for d in definitions)) or None
    }
    for definition in definitions:
        if _local(definition) == "timerEventDefinition":
            timer = next((c for c in definition if etree.QName(c).namespace == BPMN), None)
            if timer is not None:
                facts["timer_kind"] = _local(timer)
                facts["timer"] = _text(timer)
        elif _local(definition) == "messageEventDefinition" and definition.get("messageRef"):
            facts["message"] = messages.get(definition.get("messageRef"))
    return facts


def _service_facts(el: etree._Element) -> dict[str, str | None]:
    operator = next(el.iterfind(f".//{{{SPIFF}}}serviceTaskOperator"), None)
    if operator is None:
        return {}
    parameters = sorted(
        f"{p.get('id') or p.get('name') or ''} = {p.get('value', '')}"
        for p in operator.iter(f"{{{SPIFF}}}parameter")
    )
    return {"service": operator.get("id"), "parameters": "\n".join(parameters) or None}


def _loop_facts(el: etree._Element) -> dict[str, str | None]:
    multi = el.find(f"{{{BPMN}}}multiInstanceLoopCharacteristics")
    if multi is not None:
        sequential = multi.get("isSequential", "false") == "true"
        item = multi.find(f"{{{BPMN}}}inputDataItem")
        output_item = multi.find(f"{{{BPMN}}}outputDataItem")
        return {
            "loop": "sequential" if sequential else "parallel",
            "loop_cardinality": _text(multi.find(f"{{{BPMN}}}loopCardinality")),
            "loop_collection": _text(multi.find(f"{{{BPMN}}}loopDataInputRef")),
            "loop_item": _item_name(item),
            "loop_output": _text(multi.find(f"{{{BPMN}}}loopDataOutputRef")),
            "loop_output_item": _item_name(output_item),
            "loop_completion": _text(multi.find(f"{{{BPMN}}}completionCondition")),
        }
    standard = el.find(f"{{{BPMN}}}standardLoopCharacteristics")
    if standard is not None:
        return {
            "loop": "standard",
            "loop_condition": _text(standard.find(f"{{{BPMN}}}loopCondition")),
            "loop_maximum": standard.get("loopMaximum"),
        }
    return {}


def _item_name(item: etree._Element | None) -> str | None:
    if item is None:
        return None
    return item.get("name") or item.get("id")
