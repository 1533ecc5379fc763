"""Every name a script or expression reads must be a variable the case may have there.

Checked: scripts (also pre- and post-scripts), sequence flow conditions, timer expressions,
multi-instance expressions, standard loop conditions, due date expressions and service
parameters, each against ``engine.variables``' may-analysis at the point where it runs. An
unquoted ISO 8601 duration (``P1Y``) is a name to Python, and gets its own message; a misspelt
name gets the closest visible name as a suggestion. Helper functions and builtins are
called, not read, so they never count; a snippet the guard refuses is the guard's problem.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree

from engine.due import literal_due
from engine.errors import Problem
from engine.script_names import free_reads
from engine.scripting.functions import SCRIPT_FUNCTIONS
from engine.scripting.safe_builtins import BUILTINS
from engine.scripting.trees import Mode
from engine.variables import (
    ANY,
    BPMN,
    CAMUNDA,
    SPIFF,
    Names,
    Visibility,
    analyse,
    called_decision,
    spiff_property,
)
from engine.xmlsafe import line_of

_DURATION = re.compile(r"^P(?=\w)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$")
_CALLABLE = frozenset(BUILTINS) | frozenset(SCRIPT_FUNCTIONS)


@dataclass(frozen=True)
class _Site:
    """One snippet: where it is written (for the line), what it belongs to, what it may read."""

    el: etree._Element
    source: str
    mode: Mode
    owner: str
    scope: Names


def lint_variables(
    bpmn: Mapping[str, etree._Element],
    dmn: Mapping[str, etree._Element],
    forms: Mapping[str, Any],
    decisions: Mapping[str, Names],
) -> Iterator[Problem]:
    """A problem for each name read where the case cannot have it: in the BPMN files, and in
    the input expressions of each decision, which see what every task calling it sees."""
    analysed = [(file, root, analyse(root, forms, decisions)) for file, root in bpmn.items()]
    for file, root, seen in analysed:
        for site in _sites(root, seen):
            yield from _check(file, site, [seen])
    callers = _callers([(root, seen) for _, root, seen in analysed])
    for file, root in dmn.items():
        for site in _decision_inputs(root, callers):
            yield from _check(file, site, [seen for _, _, seen in analysed])


def _check(file: str, site: _Site, seen: list[Visibility]) -> Iterator[Problem]:
    if ANY in site.scope:
        return
    base = line_of(site.el) or 1
    for name, line in free_reads(site.source, site.mode) or []:
        if name in site.scope or name in _CALLABLE:
            continue
        definers = [label for one in seen for label in _definers(one, name)][:3]
        yield Problem(
            file, base + line - 1, site.owner, unknown_variable(name, site.scope, definers)
        )


def _callers(analysed: list[tuple[etree._Element, Visibility]]) -> dict[str, Names]:
    """Decision id → what the business rule tasks calling it may read (their union)."""
    scopes: dict[str, Names] = {}
    for root, seen in analysed:
        for task in root.iter(f"{{{BPMN}}}businessRuleTask"):
            scope = _own(seen, task)
            decision = called_decision(task)
            if decision and scope is not None:
                scopes[decision] = scopes.get(decision, frozenset()) | scope
    return scopes


def _decision_inputs(root: etree._Element, callers: Mapping[str, Names]) -> Iterator[_Site]:
    """The input expressions of each decision some task calls (an uncalled one is not
    checked: nothing says what it will see)."""
    for decision in root.iter(etree.Element):
        scope = callers.get(decision.get("id", ""))
        if etree.QName(decision).localname != "decision" or scope is None:
            continue
        for expression in decision.iter(etree.Element):
            if etree.QName(expression).localname != "inputExpression":
                continue
            text = next((c for c in expression if etree.QName(c).localname == "text"), None)
            owner = expression.getparent()
            if text is None or not (text.text or "").strip() or owner is None:
                continue
            yield _Site(text, text.text or "", "eval", owner.get("id", ""), scope)


def unknown_variable(name: str, visible: Names, definers: list[str]) -> str:
    """The Swedish message for ``name``, which is not among ``visible``."""
    if _DURATION.match(name):
        return (
            f'Variabeln {name!r} finns inte här. En varaktighet skrivs inom citattecken: "{name}".'
        )
    message = f"Variabeln {name!r} finns inte här."
    if definers:
        message += f" Den sätts av {', '.join(definers)}, som inte kommer före den här punkten."
    close = difflib.get_close_matches(name, sorted(visible - {ANY}), n=1, cutoff=0.7)
    if close:
        message += f" Menade du {close[0]!r}?"
    elif not definers:
        message += (
            " Data som ärendet får när det startar deklareras i processen: "
            f'<bpmn:dataObject id="{name}" name="{name}"/>.'
        )
    return message


def _definers(seen: Visibility, name: str) -> list[str]:
    found: dict[str, None] = {}
    for el in seen.definers.get(name, []):
        element_id = el.get("id", "")
        label = el.get("name")
        found[f"{label!r} ({element_id})" if label else repr(element_id)] = None
    return list(found)[:3]


def _sites(root: etree._Element, seen: Visibility) -> Iterator[_Site]:
    yield from _scripts(root, seen)
    yield from _conditions(root, seen)
    yield from _timers(root, seen)
    yield from _loops(root, seen)
    yield from _due_dates(root, seen)
    yield from _parameters(root, seen)


def _own(seen: Visibility, el: etree._Element, after: bool = False) -> Names | None:
    """What an element's own snippets may read: its upstream, its items, and (after it has
    run, or when it repeats) what it defines itself."""
    key = el.get("id", "")
    if key not in seen.before:
        return None
    looped = any(etree.QName(c).localname.endswith("LoopCharacteristics") for c in el)
    names = seen.before[key] | seen.items.get(key, frozenset())
    return names | seen.after[key] if after or looped else names


def _task_of(el: etree._Element) -> etree._Element | None:
    """The BPMN element with an id that holds ``el`` (through its extension elements)."""
    node = el.getparent()
    while node is not None and (etree.QName(node).namespace != BPMN or not node.get("id")):
        node = node.getparent()
    return node


def _scripts(root: etree._Element, seen: Visibility) -> Iterator[_Site]:
    tags = (f"{{{BPMN}}}script", f"{{{SPIFF}}}preScript", f"{{{SPIFF}}}postScript")
    for script in root.iter(*tags):
        task = _task_of(script)
        if task is None or not (script.text or "").strip():
            continue
        post = etree.QName(script).localname == "postScript"
        scope = _own(seen, task, after=post)
        if scope is not None:
            yield _Site(script, script.text or "", "exec", task.get("id", ""), scope)


def _conditions(root: etree._Element, seen: Visibility) -> Iterator[_Site]:
    for flow in root.iter(f"{{{BPMN}}}sequenceFlow"):
        condition = flow.find(f"{{{BPMN}}}conditionExpression")
        source = flow.get("sourceRef", "")
        if condition is None or not (condition.text or "").strip() or source not in seen.after:
            continue
        yield _Site(condition, condition.text or "", "eval", flow.get("id", ""), seen.after[source])


def _timers(root: etree._Element, seen: Visibility) -> Iterator[_Site]:
    for definition in root.iter(f"{{{BPMN}}}timerEventDefinition"):
        event = definition.getparent()
        if event is None or event.get("id", "") not in seen.before:
            continue
        for expression in definition:
            if (expression.text or "").strip():
                scope = seen.before[event.get("id", "")]
                yield _Site(expression, expression.text or "", "eval", event.get("id", ""), scope)


def _loops(root: etree._Element, seen: Visibility) -> Iterator[_Site]:
    tags = ("loopCardinality", "completionCondition", "loopCondition")
    for expression in root.iter(*(f"{{{BPMN}}}{tag}" for tag in tags)):
        loop = expression.getparent()
        activity = loop.getparent() if loop is not None else None
        if activity is None or not (expression.text or "").strip():
            continue
        after = etree.QName(expression).localname != "loopCardinality"
        scope = _own(seen, activity, after=after)
        if scope is not None:
            yield _Site(expression, expression.text or "", "eval", activity.get("id", ""), scope)


def _due_dates(root: etree._Element, seen: Visibility) -> Iterator[_Site]:
    for task in root.iter(f"{{{BPMN}}}userTask"):
        due = spiff_property(task, "dueDate", f"{{{CAMUNDA}}}dueDate")
        scope = _own(seen, task)
        if due is None or literal_due(due) or scope is None:
            continue
        yield _Site(task, due, "eval", task.get("id", ""), scope)


def _parameters(root: etree._Element, seen: Visibility) -> Iterator[_Site]:
    for op in root.iter(f"{{{SPIFF}}}serviceTaskOperator"):
        task = _task_of(op)
        scope = _own(seen, task) if task is not None else None
        if task is None or scope is None:
            continue
        for param in op.iter(f"{{{SPIFF}}}parameter"):
            if param.get("value", "").strip():
                yield _Site(param, param.get("value", ""), "eval", task.get("id", ""), scope)
