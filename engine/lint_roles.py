"""Who may do a user task, read from the BPMN as Sif's modeller writes it and other tools do.

The roles of a user task are, in this order: its ``camunda:candidateGroups``; else the
``roles`` property of its lane (``spiffworkflow:property`` or ``camunda:property`` in the
lane's extension elements; comma-separated role ids), so the lane itself can carry a Swedish
name; else the lane's name, for files from tools where the lane is named by its role. A task
in a subprocess has the lane of the subprocess. A lane name is a role only if it looks like a
role id: a Swedish phrase there is a lane without a role, not a role nobody has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"

ROLE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class Lane:
    lane_id: str
    name: str
    roles: tuple[str, ...] | None  # from the ``roles`` property; None if it has none


@dataclass(frozen=True)
class TaskRoles:
    roles: tuple[str, ...]
    problem: str | None  # a Swedish sentence when the task has no usable role


def split_roles(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def lanes_of_nodes(root: etree._Element) -> dict[str, Lane]:
    """Flow node id → its lane (the innermost lane, if lanes nest)."""
    lanes: dict[str, Lane] = {}
    for lane in root.iter(f"{{{BPMN}}}lane"):
        found = Lane(lane.get("id") or "", lane.get("name") or "", _roles_property(lane))
        for ref in lane.findall(f"{{{BPMN}}}flowNodeRef"):
            if ref.text:
                lanes[ref.text.strip()] = found
    return lanes


def _roles_property(lane: etree._Element) -> tuple[str, ...] | None:
    extensions = lane.find(f"{{{BPMN}}}extensionElements")
    if extensions is None:
        return None
    for prop in extensions.iter(f"{{{SPIFF}}}property", f"{{{CAMUNDA}}}property"):
        if prop.get("name") == "roles":
            return split_roles(prop.get("value") or "")
    return None


def lane_of(element: etree._Element, lanes: dict[str, Lane]) -> Lane | None:
    """The lane of ``element``, or of the (event) subprocess it sits in."""
    node: etree._Element | None = element
    while node is not None:
        lane = lanes.get(node.get("id", ""))
        if lane is not None:
            return lane
        node = node.getparent()
    return None


def task_roles(task: etree._Element, lanes: dict[str, Lane]) -> TaskRoles:
    """The roles of ``task`` and, if it has none Sif can use, why (in Swedish)."""
    groups = split_roles(task.get(f"{{{CAMUNDA}}}candidateGroups") or "")
    if groups:
        return TaskRoles(groups, None)
    lane = lane_of(task, lanes)
    if lane is None:
        return TaskRoles((), "Användaruppgiften saknar roll: lägg den i en lane med rollen i "
                         "lanens egenskap roles, eller ange camunda:candidateGroups.")  # fmt: skip
    if lane.roles is not None:
        if lane.roles:
            return TaskRoles(lane.roles, None)
        return TaskRoles((), f"Lanen {lane.name!r} har en tom egenskap roles: ange rollernas "
                         "id, kommaseparerade (t.ex. scientific_reviewer).")  # fmt: skip
    roles = split_roles(lane.name)
    if roles and all(ROLE_ID.match(role) for role in roles):
        return TaskRoles(roles, None)
    return TaskRoles((), _no_role_in_lane(lane.name))


def _no_role_in_lane(name: str) -> str:
    if not name.strip():
        return ("Användaruppgiften ligger i en lane utan namn och utan roll: ange rollen i "
                "lanens egenskap roles eller camunda:candidateGroups på uppgiften.")  # fmt: skip
    return (
        f"Lanen {name!r} anger ingen roll: namnet är inget roll-id (bara bokstäver a–z, siffror "
        "och _). Ange rollen i lanens egenskap roles (spiffworkflow:property "
        'name="roles" value="scientific_reviewer") eller camunda:candidateGroups på uppgiften.'
    )
