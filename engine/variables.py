"""The case variables a process may have at each of its elements (a may-analysis).

A variable is visible at an element if some path of sequence flows that reaches the element
passes an element that defines it. Loops make everything on the loop visible all round it.
Defined are: the declared data of the process (``bpmn:dataObject``, ``dataInput``,
``property``: what a case is given at start is declared so), the top-level fields of a user
task's form, what scripts assign (also pre- and post-scripts), a service task's result
variable, the outputs of a business rule task's decision, multi-instance output collections
and items, and message variables. A boundary event sees what its activity sees; an element
in a subprocess sees what the subprocess sees plus what comes before it inside; an event
subprocess, which may start at any time, sees everything its process may define.

What cannot be known — a call activity's outputs, a message payload merged into the data, a
form or decision not in the bundle, a script that cannot be parsed — makes every name
possibly defined from there on (``ANY``): a valid process must never be refused.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from engine.script_names import assigned

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
ANY = "*"  # in a set of names: any name may be defined here
MAX_WORK = 4_000_000  # nodes × names in one process or subprocess beyond which none is checked

_SUBPROCESSES = {"subProcess", "transaction", "adHocSubProcess"}
_FLOW_NODES = _SUBPROCESSES | {
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
    "businessRuleTask", "callActivity", "startEvent", "endEvent", "intermediateCatchEvent",
    "intermediateThrowEvent", "boundaryEvent", "exclusiveGateway", "inclusiveGateway",
    "parallelGateway", "eventBasedGateway", "complexGateway",
}  # fmt: skip
_CATCHING = {"startEvent", "intermediateCatchEvent", "boundaryEvent", "receiveTask"}
_DATA = ("dataObject", "dataInput", "property")
Names = frozenset[str]


@dataclass
class Visibility:
    """``before``: what an element may read as it starts (id → names); ``after``: what it
    leaves to the flows out of it; ``items``: a multi-instance activity's own item names;
    ``definers``: the elements that define each name, for messages."""

    before: dict[str, Names] = field(default_factory=dict)
    after: dict[str, Names] = field(default_factory=dict)
    items: dict[str, Names] = field(default_factory=dict)
    definers: dict[str, list[etree._Element]] = field(default_factory=dict)


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _bpmn(el: etree._Element) -> bool:
    return etree.QName(el).namespace == BPMN


def decision_outputs(dmn: Iterable[etree._Element]) -> dict[str, Names]:
    """Decision id → the variables its result sets (the outputs' names, up to a dot)."""
    found: dict[str, Names] = {}
    for root in dmn:
        for decision in root.iter(etree.Element):
            if _local(decision) != "decision" or not decision.get("id"):
                continue
            names = {
                (out.get("name") or ANY).split(".")[0]
                for out in decision.iter(etree.Element)
                if _local(out) == "output"
            }
            found[str(decision.get("id"))] = frozenset(names or {ANY})
    return found


def analyse(
    root: etree._Element, forms: Mapping[str, Any], decisions: Mapping[str, Names]
) -> Visibility:
    """The names visible at each element of every process in ``root``."""
    seen = Visibility()
    for process in root.iter(f"{{{BPMN}}}process"):
        declared = {
            str(el.get(attr))
            for el in process.iter(*(f"{{{BPMN}}}{tag}" for tag in _DATA))
            for attr in ("id", "name")
            if el.get(attr)
        }
        _container(process, frozenset(declared), _Context(forms, decisions, seen))
    return seen


@dataclass
class _Context:
    forms: Mapping[str, Any]
    decisions: Mapping[str, Names]
    seen: Visibility


def _container(container: etree._Element, entry: Names, ctx: _Context) -> Names:
    """Fill ``ctx.seen`` for the flow nodes of ``container`` reached with ``entry``."""
    nodes = {
        str(el.get("id")): el
        for el in container
        if _bpmn(el) and _local(el) in _FLOW_NODES and el.get("id")
    }
    events = {key for key, el in nodes.items() if el.get("triggeredByEvent") == "true"}
    preds: dict[str, list[str]] = {key: [] for key in nodes}
    for flow in container.findall(f"{{{BPMN}}}sequenceFlow"):
        source, target = flow.get("sourceRef", ""), flow.get("targetRef", "")
        if source in nodes and target in preds:
            preds[target].append(source)
    gen = {key: _gen(el, ctx) for key, el in nodes.items()}
    if len(nodes) * len(entry.union(*gen.values())) > MAX_WORK:
        gen = {key: frozenset({ANY}) for key in nodes}  # too big to follow: assume anything
        entry = frozenset({ANY})
    before, after = _fixpoint(nodes, events, preds, gen, entry)
    everything = entry.union(*after.values()) if after else entry
    for key in events:
        before[key] = after[key] = everything
    for key, el in nodes.items():
        ctx.seen.before[key], ctx.seen.after[key] = before[key], after[key]
        items = _items(el)
        if items:
            ctx.seen.items[key] = items
        if _local(el) in _SUBPROCESSES:
            _container(el, before[key] | items, ctx)
    return everything


def _fixpoint(
    nodes: Mapping[str, etree._Element],
    events: set[str],
    preds: Mapping[str, list[str]],
    gen: Mapping[str, Names],
    entry: Names,
) -> tuple[dict[str, Names], dict[str, Names]]:
    """IN and OUT of each node: the union over its predecessors. A worklist revisits a node
    only when what flows into it grew; the sets only grow and are finite, so this ends, and
    each node is revisited at most once per name."""
    attached = {
        key: str(el.get("attachedToRef"))
        for key, el in nodes.items()
        if _local(el) == "boundaryEvent" and el.get("attachedToRef") in nodes
    }
    succs = _successors(preds, attached)
    before: dict[str, Names] = {key: frozenset() for key in nodes}
    after: dict[str, Names] = {key: frozenset() for key in nodes}
    work = deque(key for key in _flow_order(nodes, preds, succs) if key not in events)
    waiting = set(work)
    while work:
        key = work.popleft()
        waiting.discard(key)
        names = set(entry) if not preds[key] and key not in attached else set()
        if key in attached:
            names |= before[attached[key]]
        for pred in preds[key]:
            names |= after[pred]
        new_in = frozenset(names)
        if new_in == before[key] and after[key]:
            continue
        before[key], after[key] = new_in, new_in | gen[key]
        for succ in succs[key]:
            if succ not in waiting and succ not in events:
                work.append(succ)
                waiting.add(succ)
    return before, after


def _successors(
    preds: Mapping[str, list[str]], attached: Mapping[str, str]
) -> dict[str, list[str]]:
    """Node → the nodes that read what it leaves: its flows' targets and its boundary events
    (a boundary event sees what its activity sees)."""
    succs: dict[str, list[str]] = {key: [] for key in preds}
    for key, sources in preds.items():
        for pred in sources:
            succs[pred].append(key)
    for boundary, activity in attached.items():
        succs[activity].append(boundary)
    return succs


def _flow_order(
    nodes: Mapping[str, etree._Element],
    preds: Mapping[str, list[str]],
    succs: Mapping[str, list[str]],
) -> list[str]:
    """The nodes in reverse postorder from where the flow starts (then any left over), so the
    worklist meets a node after what flows into it, except around loops."""
    order: list[str] = []
    visited: set[str] = set()
    for root in [key for key in nodes if not preds[key]] + list(nodes):
        if root in visited:
            continue
        visited.add(root)
        stack = [(root, iter(succs[root]))]
        while stack:
            key, children = stack[-1]
            child = next(children, None)
            if child is None:
                order.append(key)
                stack.pop()
            elif child not in visited:
                visited.add(child)
                stack.append((child, iter(succs[child])))
    return order[::-1]


def _gen(el: etree._Element, ctx: _Context) -> Names:
    """What ``el`` (with everything in it, if it is a subprocess) may define."""
    kind = _local(el)
    names: set[str] = set(_script_names(el))
    names |= _loop_outputs(el)
    if kind == "userTask":
        names |= _form_fields(el, ctx.forms)
    elif kind == "serviceTask":
        names |= _attribute_or(el, f"{{{CAMUNDA}}}resultVariable", _service_result(el))
    elif kind == "businessRuleTask":
        names |= _decision_result(el, ctx.decisions)
    elif kind == "callActivity":
        names.add(ANY)
    if kind in _CATCHING:
        names |= _event_payload(el)
    if kind in _SUBPROCESSES:
        for inner in el.iter(etree.Element):
            if inner is not el and _bpmn(inner) and _local(inner) in _FLOW_NODES:
                names |= _gen_own(inner, ctx)
    for name in names:
        ctx.seen.definers.setdefault(name, []).append(el)
    return frozenset(names)


def _gen_own(el: etree._Element, ctx: _Context) -> Names:
    """``_gen`` of an element inside a subprocess, without walking into it again."""
    if _local(el) in _SUBPROCESSES:
        return frozenset(_script_names(el)) | _loop_outputs(el)
    return _gen(el, ctx)


def _script_names(el: etree._Element) -> set[str]:
    scripts = [el.find(f"{{{BPMN}}}script")]
    extensions = el.find(f"{{{BPMN}}}extensionElements")
    if extensions is not None:
        scripts += [extensions.find(f"{{{SPIFF}}}{tag}") for tag in ("preScript", "postScript")]
    names: set[str] = set()
    for script in scripts:
        if script is not None and (script.text or "").strip():
            found = assigned(script.text or "")
            names |= {ANY} if found is None else found
    return names


def _loop_characteristics(el: etree._Element) -> etree._Element | None:
    return el.find(f"{{{BPMN}}}multiInstanceLoopCharacteristics")


def _items(el: etree._Element) -> Names:
    """The input and output item names a multi-instance activity's instances see."""
    loop = _loop_characteristics(el)
    if loop is None:
        return frozenset()
    tags = (f"{{{BPMN}}}inputDataItem", f"{{{BPMN}}}outputDataItem")
    return frozenset(
        str(item.get(attr))
        for item in loop.iter(*tags)
        for attr in ("id", "name")
        if item.get(attr)
    )


def _loop_outputs(el: etree._Element) -> Names:
    loop = _loop_characteristics(el)
    if loop is None:
        return frozenset()
    names = {(ref.text or "").strip() for ref in loop.iter(f"{{{BPMN}}}loopDataOutputRef")}
    for item in loop.iter(f"{{{BPMN}}}outputDataItem"):
        names |= {str(item.get(attr)) for attr in ("id", "name") if item.get(attr)}
    return frozenset(name for name in names if name)


def spiff_property(el: etree._Element, name: str, attribute: str | None = None) -> str | None:
    """A SpiffWorkflow extension property of a task (or the given attribute, if set)."""
    if attribute and el.get(attribute):
        return el.get(attribute)
    for prop in el.iter(f"{{{SPIFF}}}property"):
        if prop.get("name") == name and prop.get("value"):
            return prop.get("value")
    return None


def _form_fields(task: etree._Element, forms: Mapping[str, Any]) -> Names:
    """The names a user task's answers define: its form's fields, or only the name given by
    its property ``answersKey`` (the answers are kept under it)."""
    answers = spiff_property(task, "answersKey")
    if answers:
        return frozenset({answers})
    names = {
        str(field.get("id")) for field in task.iter(f"{{{CAMUNDA}}}formField") if field.get("id")
    }
    form = spiff_property(task, "formJsonSchemaFilename", f"{{{CAMUNDA}}}formKey")
    if form is None:
        return frozenset(names)
    schema = forms.get(form)
    if not isinstance(schema, Mapping):
        return frozenset({ANY})
    return frozenset(names | top_level_fields(schema))


def top_level_fields(schema: Mapping[str, Any]) -> set[str]:
    """The keys a submitted form may have: its properties, also those of its subschemas that
    apply to the whole form (``allOf``, ``if``/``then``/``else``, …)."""
    names: set[str] = set()
    stack: list[Any] = [schema]
    while stack:
        node = stack.pop()
        if not isinstance(node, Mapping):
            continue
        properties = node.get("properties")
        if isinstance(properties, Mapping):
            names.update(str(key) for key in properties)
        for key in ("then", "else", "if"):
            stack.append(node.get(key))
        for key in ("allOf", "anyOf", "oneOf"):
            group = node.get(key)
            stack.extend(group if isinstance(group, list) else [])
    return names


def _attribute_or(el: etree._Element, attribute: str, otherwise: Names) -> Names:
    value = el.get(attribute)
    return frozenset({value}) if value else otherwise


def _service_result(task: etree._Element) -> Names:
    return frozenset(
        str(op.get("resultVariable"))
        for op in task.iter(f"{{{SPIFF}}}serviceTaskOperator")
        if op.get("resultVariable")
    )


def called_decision(task: etree._Element) -> str:
    """The id of the decision a business rule task calls ("" if it names none)."""
    called = task.find(f"{{{BPMN}}}extensionElements/{{{SPIFF}}}calledDecisionId")
    decision = (called.text or "").strip() if called is not None else ""
    return decision or task.get(f"{{{CAMUNDA}}}decisionRef") or ""


def _decision_result(task: etree._Element, decisions: Mapping[str, Names]) -> Names:
    otherwise = decisions.get(called_decision(task), frozenset({ANY}))
    return _attribute_or(task, f"{{{CAMUNDA}}}resultVariable", otherwise)


def _event_payload(event: etree._Element) -> Names:
    """A message or signal's payload lands in its message variable, else anywhere."""
    kinds = {_local(d) for d in event}
    if _local(event) != "receiveTask" and not kinds & {
        "messageEventDefinition",
        "signalEventDefinition",
    }:
        return frozenset()
    variables = [
        (v.text or "").strip()
        for v in event.iter(f"{{{SPIFF}}}messageVariable", f"{{{SPIFF}}}variableName")
    ]
    return frozenset(v for v in variables if v) or frozenset({ANY})
