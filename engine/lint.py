"""Sif's own rules for a bundle, read straight from the XML (so every finding has a line).

Every user task has roles (``engine.lint_roles``) and, if it names a form, the
form is in the bundle and is a usable schema; every script, condition, timer expression,
multi-instance expression, service parameter and DMN cell passes the script guard; every
service task names a registered service; user task ids are unique in the bundle; a
``timeCycle`` that is a constant is a cycle the runtime can run (parsed as it will be), and a
constant ``loopCardinality`` is within the cap on multi-instance activities; every
expression reads only variables the case may have there (``engine.lint_variables``);
a multi-instance collection is a declared data element (``engine.lint_refs``).
``user_tasks`` collects what the runtime needs to know about each user task.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from lxml import etree

from engine.bpmn.limits import too_many_instances
from engine.due import literal_due
from engine.durations import InvalidTime, parse_cycle
from engine.errors import Problem
from engine.forms import check_form_schema
from engine.lint_refs import lint_loop_references
from engine.lint_roles import lanes_of_nodes, split_roles, task_roles
from engine.lint_variables import lint_variables
from engine.scripting import guard
from engine.settings import Settings
from engine.variables import decision_outputs, spiff_property
from engine.xmlsafe import line_of

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"

_EXPRESSIONS: dict[str, Literal["exec", "eval"]] = {
    "script": "exec",
    "conditionExpression": "eval",
    "timeDate": "eval",
    "timeDuration": "eval",
    "timeCycle": "eval",
    "loopCardinality": "eval",
    "completionCondition": "eval",
    "preScript": "exec",
    "postScript": "exec",
}
_NOT_CONSTANT = object()  # an expression whose value depends on the case
_QUESTION_MARK = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")


@dataclass(frozen=True)
class UserTaskInfo:
    element_id: str
    name: str
    roles: tuple[str, ...]
    form: str | None
    file: str
    line: int
    rules: tuple[str, ...] = ()
    due: str | None = None  # camunda:dueDate or the dueDate property (engine.due)
    answers: str | None = None  # the property answersKey: the answers are kept under this name
    roles_expression: str | None = None  # the property rolesExpression (see engine.task_roles)


#: The property ``answersKey`` of a user task: its form's answers are kept under this one name
#: (e.g. ``ks_decision``), so a later form with the same field names never overwrites them.
ANSWERS_KEY = re.compile(r"[a-z][a-z0-9_]{0,62}")


@dataclass
class LintResult:
    problems: list[Problem] = field(default_factory=list)
    user_tasks: dict[str, UserTaskInfo] = field(default_factory=dict)
    stages: dict[str, str] = field(default_factory=dict)  # element id → its ``stage`` property


def lint_bundle(
    bpmn: Mapping[str, etree._Element],
    dmn: Mapping[str, etree._Element],
    forms: Mapping[str, Any],
    services: frozenset[str],
    rules: frozenset[str] = frozenset(),
    max_instances: int = Settings.max_loop_cardinality,
) -> LintResult:
    """Apply Sif's rules to parsed files; ``forms`` maps file name to decoded JSON;
    ``max_instances`` is the cap on instances of one multi-instance activity."""
    result = LintResult()
    decisions = decision_outputs(dmn.values())
    for name, root in bpmn.items():
        _lint_user_tasks(name, root, forms, rules, result)
        result.stages.update(_stages(root))
        result.problems.extend(_lint_expressions(name, root))
        result.problems.extend(_lint_services(name, root, services))
        result.problems.extend(_lint_constants(name, root, max_instances))
        result.problems.extend(lint_loop_references(name, root))
    for name, root in dmn.items():
        result.problems.extend(_lint_dmn(name, root))
    result.problems.extend(lint_variables(bpmn, dmn, forms, decisions))
    return result


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _lint_user_tasks(
    file: str,
    root: etree._Element,
    forms: Mapping[str, Any],
    rules: frozenset[str],
    result: LintResult,
) -> None:
    lanes = lanes_of_nodes(root)
    for task in root.iter(f"{{{BPMN}}}userTask"):
        element_id = task.get("id", "")
        line = line_of(task) or 0
        found = task_roles(task, lanes)
        roles = found.roles
        if found.problem is not None:
            result.problems.append(Problem(file, line, element_id, found.problem))
        form = spiff_property(task, "formJsonSchemaFilename", f"{{{CAMUNDA}}}formKey")
        task_rules = split_roles(spiff_property(task, "formRule") or "")
        for rule in task_rules:
            if rule not in rules:
                known = ", ".join(sorted(rules)) or "inga"
                message = f"Formulärregeln {rule!r} finns inte (kända: {known})."
                result.problems.append(Problem(file, line, element_id, message))
        if form is not None:
            result.problems.extend(_check_form_reference(file, line, element_id, form, forms))
        if element_id in result.user_tasks:
            other = result.user_tasks[element_id]
            result.problems.append(
                Problem(file, line, element_id, f"Id:t används redan i {other.file}:{other.line}.")
            )
            continue
        due = spiff_property(task, "dueDate", f"{{{CAMUNDA}}}dueDate")
        if due is not None and not literal_due(due):
            result.problems.extend(_guarded(file, task, due, "eval", element_id))
        answers = spiff_property(task, "answersKey")
        if answers is not None and not ANSWERS_KEY.fullmatch(answers):
            message = (f"Svarsnyckeln {answers!r} (answersKey) måste vara ett variabelnamn: "
                       "små bokstäver a–z, siffror och _, och börja med en bokstav.")  # fmt: skip
            result.problems.append(Problem(file, line, element_id, message))
        roles_expression = spiff_property(task, "rolesExpression")
        if roles_expression is not None:
            result.problems.extend(_guarded(file, task, roles_expression, "eval", element_id))
        name = task.get("name") or element_id
        info = UserTaskInfo(element_id, name, roles, form, file, line, task_rules, due, answers,
                            roles_expression)  # fmt: skip
        result.user_tasks[element_id] = info


def _stages(root: etree._Element) -> dict[str, str]:
    """The stage each element declares with the property ``stage`` (DOMAIN §3.3 codes): the
    case is in that stage while the element is current."""
    found: dict[str, str] = {}
    for prop in root.iter(f"{{{SPIFF}}}property", f"{{{CAMUNDA}}}property"):
        if prop.get("name") != "stage" or not prop.get("value"):
            continue
        owner = prop.getparent()
        while owner is not None and not owner.get("id"):
            owner = owner.getparent()
        if owner is not None:
            found[str(owner.get("id"))] = str(prop.get("value")).strip()
    return found


def _check_form_reference(
    file: str, line: int, element_id: str, form: str, forms: Mapping[str, Any]
) -> list[Problem]:
    if form not in forms:
        return [Problem(file, line, element_id, f"Formulärfilen {form} finns inte i paketet.")]
    return [Problem(form, None, element_id, msg) for msg in check_form_schema(forms[form])]


def _lint_expressions(file: str, root: etree._Element) -> Iterator[Problem]:
    for el in root.iter(etree.Element):
        mode = _EXPRESSIONS.get(_local(el))
        if mode is None or not (el.text or "").strip():
            continue
        yield from _guarded(file, el, el.text or "", mode)


def _lint_constants(file: str, root: etree._Element, max_instances: int) -> Iterator[Problem]:
    """Constant cycles and instance counts, checked as the runtime will check them."""
    for el in root.iter(f"{{{BPMN}}}timeCycle"):
        value = _constant(el.text or "")
        if value is _NOT_CONSTANT:
            continue
        try:
            parse_cycle(value)
        except InvalidTime as exc:
            yield Problem(file, line_of(el), _flow_node_id(el), str(exc))
    for el in root.iter(f"{{{BPMN}}}loopCardinality"):
        count = _constant(el.text or "")
        if isinstance(count, int) and count > max_instances:
            message = too_many_instances(count, max_instances)
            yield Problem(file, line_of(el), _flow_node_id(el), message)


def _constant(expression: str) -> object:
    """The value of an expression that needs no case data (``"R/P1D"``, ``100*100``), computed
    by the guard as at run time; ``_NOT_CONSTANT`` if it needs data or cannot run."""
    if not expression.strip() or guard.check(expression, "eval"):
        return _NOT_CONSTANT
    try:
        return guard.evaluate(expression, {})
    except guard.ScriptError:
        return _NOT_CONSTANT


def _lint_services(file: str, root: etree._Element, services: frozenset[str]) -> Iterator[Problem]:
    for op in root.iter(f"{{{SPIFF}}}serviceTaskOperator"):
        owner = op.getparent()
        task = owner.getparent() if owner is not None else None
        element_id = task.get("id") if task is not None else None
        name = op.get("id", "")
        if name not in services:
            known = ", ".join(sorted(services)) or "inga"
            yield Problem(
                file, line_of(op), element_id, f"Tjänsten {name!r} finns inte (kända: {known})."
            )
        for param in op.iter(f"{{{SPIFF}}}parameter"):
            yield from _guarded(file, param, param.get("value", ""), "eval", element_id)


def _lint_dmn(file: str, root: etree._Element) -> Iterator[Problem]:
    for el in root.iter(etree.Element):
        kind = _local(el)
        if kind not in ("inputExpression", "inputEntry", "outputEntry"):
            continue
        text_el = next((c for c in el if _local(c) == "text"), None)
        text = (text_el.text or "").strip() if text_el is not None else ""
        if not text or text == "-":
            continue
        source = _dmn_cell(text) if kind == "inputEntry" else text
        yield from _guarded(file, text_el if text_el is not None else el, source, "eval")


def _dmn_cell(cell: str) -> str:
    """The expression SpiffWorkflow's DMN engine will build from an input cell."""
    if _QUESTION_MARK.search(cell):
        return _QUESTION_MARK.sub("dmninputexpr", cell)
    try:
        ast.parse(cell, mode="eval")
    except SyntaxError:
        return f"dmninputexpr {cell}"
    return f"(dmninputexpr) == ({cell})"


def _guarded(
    file: str,
    el: etree._Element,
    source: str,
    mode: Literal["exec", "eval"],
    element_id: str | None = None,
) -> Iterator[Problem]:
    owner = element_id or _owner_id(el)
    base = line_of(el) or 1
    for problem in guard.check(source, mode):
        yield Problem(file, base + problem.line - 1, owner, problem.message)


def _flow_node_id(el: etree._Element) -> str | None:
    """The event or activity a timer or loop definition belongs to (its grandparent)."""
    parent = el.getparent()
    return _owner_id(parent.getparent() if parent is not None else None)


def _owner_id(el: etree._Element | None) -> str | None:
    while el is not None:
        if el.get("id"):
            return el.get("id")
        el = el.getparent()
    return None
