"""A case on its diagram: the BPMN drawing of its definition, the path it has taken, the tasks
and timers it waits for, and its incident — for the administrators' process map.

The drawing of a definition is immutable, so it is parsed once per database and definition.
Only ``case_diagram`` deserializes the case's workflow (for the completed path); the rest
comes from the projection tables.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree
from sqlalchemy import Connection, select

from engine.bpmn.run import Workflow
from engine.bpmn.scripts import script_engine
from engine.bpmn.store import load_spec
from engine.cases import definition_of
from engine.clock import as_utc
from engine.definitions import definition_body, latest_definition_id
from engine.errors import NotFound
from engine.models import HumanTask, Incident
from engine.runtime import Runtime
from engine.schema import cases, definitions, deployment_files, timers
from engine.worklist import open_tasks_of
from engine.xmlsafe import parse_xml

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
_MAX_XML_BYTES = 64 * 1024 * 1024  # deployed files were checked against the limit already


@dataclass(frozen=True)
class Drawing:
    """What Sif reads from a process's BPMN file: the XML as deployed, the names of the
    elements the diagram draws, its sequence flows by their ends, and its user tasks in
    document order."""

    process_key: str
    version: int
    name: str
    xml: str
    names: dict[str, str]
    flows: dict[tuple[str, str], tuple[str, ...]]
    user_tasks: tuple[str, ...]


_drawings: dict[tuple[str, int], Drawing] = {}


def process_drawing(rt: Runtime, conn: Connection, definition_id: int) -> Drawing:
    """The drawing of a definition: the deployment's ``.bpmn`` file that holds its process.
    ``NotFound`` if the definition or its file is missing."""
    key = (rt.db.url, definition_id)
    hit = _drawings.get(key)
    if hit is not None:
        return hit
    row = conn.execute(
        select(definitions.c.process_key, definitions.c.version, definitions.c.name,
               definitions.c.deployment_id).where(definitions.c.id == definition_id)
    ).one_or_none()  # fmt: skip
    if row is None:
        raise NotFound(f"Definitionen {definition_id} finns inte.")
    files = conn.execute(
        select(deployment_files.c.name, deployment_files.c.content)
        .where(deployment_files.c.deployment_id == row.deployment_id)
        .order_by(deployment_files.c.name)
    ).all()
    for file in files:
        if file.name.endswith(".bpmn") and f'id="{row.process_key}"' in file.content:
            root = parse_xml(file.content.encode("utf-8"), _MAX_XML_BYTES)
            found = (
                p for p in root.iterfind(f"{{{BPMN}}}process") if p.get("id") == row.process_key
            )
            process = next(found, None)
            if process is not None:
                drawing = _read_drawing(row, file.content, root, process)
                _drawings[key] = drawing
                return drawing
    raise NotFound(f"Ritningen av processen {row.process_key!r} finns inte.")


def _read_drawing(row: Any, xml: str, root: etree._Element, process: etree._Element) -> Drawing:
    drawn = {
        str(shape.get("bpmnElement"))
        for shape in root.iter(f"{{{BPMNDI}}}BPMNShape", f"{{{BPMNDI}}}BPMNEdge")
    }
    names: dict[str, str] = {}
    flows: dict[tuple[str, str], tuple[str, ...]] = {}
    user_tasks: list[str] = []
    for element in process.iter(etree.Element):
        element_id = element.get("id")
        if element_id is None or element_id not in drawn:
            continue
        kind = etree.QName(element).localname
        names[element_id] = " ".join((element.get("name") or "").split()) or element_id
        if kind == "sequenceFlow":
            ends = (str(element.get("sourceRef")), str(element.get("targetRef")))
            flows[ends] = (*flows.get(ends, ()), element_id)
        elif kind == "userTask":
            user_tasks.append(element_id)
    return Drawing(
        process_key=row.process_key, version=row.version, name=row.name, xml=xml,
        names=names, flows=flows, user_tasks=tuple(user_tasks),
    )  # fmt: skip


@dataclass(frozen=True)
class DiagramTimer:
    """A timer the case waits for, on the element that holds it."""

    element_id: str
    name: str
    due_at: datetime | None


@dataclass(frozen=True)
class CaseDiagram:
    """A case on its diagram. ``completed``: the drawn flow nodes it has completed;
    ``flows``: the drawn sequence flows its tokens moved along; ``current``: its open user
    tasks (who holds each, since when, due); ``timers``: the timers it waits for;
    ``incident``: what failed, if the case is in error. Ids are sorted, and only ids the
    diagram draws are given (a called process's elements are in another drawing)."""

    case_id: int
    business_key: str
    title: str
    status: str
    drawing: Drawing
    completed: tuple[str, ...]
    flows: tuple[str, ...]
    current: tuple[HumanTask, ...]
    timers: tuple[DiagramTimer, ...]
    incident: Incident | None


def case_bpmn(rt: Runtime, case_id: int) -> str:
    """The BPMN XML of the case's definition, as deployed (nothing is deserialized)."""
    with rt.db.reading() as conn:
        return process_drawing(rt, conn, definition_of(conn, case_id)).xml


def process_bpmn(rt: Runtime, process_key: str) -> str:
    """The BPMN XML of the newest version of ``process_key``; ``NotFound`` if not deployed."""
    with rt.db.reading() as conn:
        return process_drawing(rt, conn, latest_definition_id(conn, process_key)).xml


def case_diagram(rt: Runtime, case_id: int) -> CaseDiagram:
    """The case on its diagram (see ``CaseDiagram``); ``NotFound`` for an unknown case."""
    with rt.db.reading() as conn:
        row = conn.execute(
            select(cases.c.id, cases.c.business_key, cases.c.title, cases.c.status,
                   cases.c.incident, cases.c.workflow, cases.c.updated_at,
                   cases.c.definition_id).where(cases.c.id == case_id)
        ).one_or_none()  # fmt: skip
        if row is None:
            raise NotFound(f"Ärendet {case_id} finns inte.")
        drawing = process_drawing(rt, conn, row.definition_id)
        body = definition_body(rt, conn, row.definition_id)
        current = open_tasks_of(conn, [case_id]).get(case_id, [])
        waiting = _waiting_timers(conn, case_id)
    engine = script_engine(rt.functions, rt.services)
    workflow = Workflow.load(
        row.workflow, load_spec(body.spec_json), engine, as_utc(row.updated_at)
    )
    trail = workflow.trail()
    flows = {flow for step in trail.steps for flow in drawing.flows.get(step, ())}
    return CaseDiagram(
        case_id=row.id, business_key=row.business_key, title=row.title, status=row.status,
        drawing=drawing, completed=tuple(sorted(trail.nodes & drawing.names.keys())),
        flows=tuple(sorted(flows)),
        current=tuple(t for t in current if t.element_id in drawing.names),
        timers=tuple(t for t in waiting if t.element_id in drawing.names),
        incident=Incident(**json.loads(row.incident)) if row.incident else None,
    )  # fmt: skip


def _waiting_timers(conn: Connection, case_id: int) -> list[DiagramTimer]:
    rows = conn.execute(
        select(timers.c.element_id, timers.c.name, timers.c.due_at)
        .where(timers.c.case_id == case_id, timers.c.state == "waiting")
        .order_by(timers.c.due_at, timers.c.id)
    )
    return [
        DiagramTimer(r.element_id, r.name, as_utc(r.due_at) if r.due_at else None) for r in rows
    ]
