"""From validated XML to SpiffWorkflow specs: XSD first, then SpiffWorkflow's own parser, then a
trial start of each process (SpiffWorkflow predicts every path a new case can take)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS as DMN_SCHEMAS
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from engine.bpmn.store import dump_spec
from engine.bpmn.timers import use_sif_timers
from engine.errors import Problem
from engine.xmlsafe import line_of


@dataclass(frozen=True)
class CompiledProcess:
    process_key: str
    name: str
    spec_json: str


def xsd_problems(name: str, root: etree._Element, kind: str) -> list[Problem]:
    """Check a BPMN or DMN file against its XSD; every violation with its line."""
    if kind == "bpmn":
        VALIDATOR.preprocess(root)
        schema = VALIDATOR.validator
    else:
        path = DMN_SCHEMAS.get(root.nsmap.get(None) or root.nsmap.get("dmn") or "")
        if path is None:
            return [Problem(name, line_of(root), None, "Okänt DMN-namnrymd; använd DMN 1.3.")]
        schema = _dmn_validator(path).validator
    if schema.validate(root):
        return []
    return [
        Problem(name, err.line or None, None, f"Följer inte schemat: {err.message}")
        for err in schema.error_log
    ]


@cache
def _dmn_validator(path: str) -> BpmnValidator:
    return BpmnValidator(path)


def compile_processes(
    bpmn: Mapping[str, etree._Element], dmn: Mapping[str, etree._Element]
) -> tuple[list[CompiledProcess], list[Problem]]:
    """Parse the bundle with SpiffWorkflow; one compiled spec per executable process."""
    parser = SpiffBpmnParser()
    problems: list[Problem] = []
    for files, add in ((dmn, parser.add_dmn_xml), (bpmn, parser.add_bpmn_xml)):
        for name, root in files.items():
            try:
                add(root, filename=name)
            except (SpiffWorkflowException, ValueError, KeyError, TypeError) as exc:
                problems.append(_problem(exc, name, root))
    if problems:
        return [], problems
    compiled: list[CompiledProcess] = []
    for process_id in parser.get_process_ids():
        file = _file_of(parser, process_id)
        try:
            spec = parser.get_spec(process_id)
            subprocess_specs = parser.get_subprocess_specs(process_id)
            for s in [spec, *subprocess_specs.values()]:
                use_sif_timers(iter(s.task_specs.values()))
        except (SpiffWorkflowException, ValueError, KeyError, TypeError) as exc:
            problems.append(_problem(exc, file, bpmn.get(file)))
            continue
        unpredictable = _unpredictable(spec, subprocess_specs)
        if unpredictable is not None:
            line = _line_of_id(bpmn.get(file), unpredictable)
            problems.append(Problem(file, line, unpredictable, _UNPREDICTABLE))
            continue
        name = spec.description or process_id
        compiled.append(CompiledProcess(process_id, name, dump_spec(spec, subprocess_specs)))
    if not compiled and not problems:
        problems.append(Problem("", None, None, "Paketet innehåller ingen körbar process."))
    return compiled, problems


_UNPREDICTABLE = (
    "Processen har en slinga utan vägval (ingen grind med villkor på vägen tillbaka) eller en "
    "för lång kedja av steg: motorn kan inte förutse vägen och kan inte starta den."
)


def _unpredictable(spec: Any, subprocess_specs: dict[str, Any]) -> str | None:
    """The id of a process (or subprocess) SpiffWorkflow cannot start: predicting its paths
    recurses once a step, and a loop without a decision never stops (a ``RecursionError``)."""
    for process in [spec, *subprocess_specs.values()]:
        try:
            BpmnWorkflow(process, subprocess_specs)
        except RecursionError:
            return str(process.name)
    return None


def _file_of(parser: SpiffBpmnParser, process_id: str) -> str:
    return str(parser.get_process_parser(process_id).filename or "")


def _problem(exc: Exception, file: str, root: etree._Element | None) -> Problem:
    element_id = getattr(exc, "id", None) or None
    line = getattr(exc, "line_number", None) or None
    if isinstance(exc, ValidationException) and exc.file_name:
        file = exc.file_name
    if line is None and element_id:
        line = _line_of_id(root, element_id)
    message = str(exc.args[0]) if exc.args else exc.__class__.__name__
    return Problem(file, int(line) if line else None, element_id, f"SpiffWorkflow: {message}")


def _line_of_id(root: etree._Element | None, element_id: str) -> int | None:
    if root is None:
        return None
    return next((line_of(el) for el in _by_id(root, element_id)), None)


def _by_id(root: etree._Element, element_id: str) -> Iterator[etree._Element]:
    for el in root.iter(etree.Element):
        if el.get("id") == element_id:
            yield el
