"""References a BPMN tool must be able to resolve, or it drops them when it saves the file.

SpiffWorkflow reads the text of a multi-instance ``loopDataInputRef``/``loopDataOutputRef``
as the name of a case variable; BPMN says it is the id of a data element. bpmn-js (and every
tool built on bpmn-moddle) cannot resolve a bare variable name, warns "unresolved reference"
and leaves the reference out of the saved file, which then no longer works. So the collection
must also be declared as a data element of the process whose id is the variable's name —
``<bpmn:dataObject id="years" name="years"/>`` — which satisfies both readers (a data object
without associations changes nothing when the case runs).
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from engine.errors import Problem
from engine.xmlsafe import line_of

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_DATA_ELEMENTS = ("dataObject", "dataInput", "dataOutput", "property")
_LOOP_REFS = ("loopDataInputRef", "loopDataOutputRef")


def data_element_ids(process: etree._Element) -> set[str]:
    """Ids of the data elements declared anywhere in ``process`` (its subprocesses too)."""
    tags = [f"{{{BPMN}}}{name}" for name in _DATA_ELEMENTS]
    return {str(el.get("id")) for el in process.iter(*tags) if el.get("id")}


def lint_loop_references(file: str, root: etree._Element) -> Iterator[Problem]:
    """A problem on each multi-instance activity whose collection is not a declared data
    element of its process."""
    for process in root.iter(f"{{{BPMN}}}process"):
        declared = data_element_ids(process)
        tags = [f"{{{BPMN}}}{name}" for name in _LOOP_REFS]
        for ref in process.iter(*tags):
            name = (ref.text or "").strip()
            if not name or name in declared:
                continue
            yield Problem(file, line_of(ref), _activity_id(ref), _message(ref, name))


def _message(ref: etree._Element, name: str) -> str:
    tag = etree.QName(ref).localname
    return (
        f"{tag} {name!r} pekar inte på något dataelement i processen. BPMN-verktyg som bpmn-js "
        "kan inte slå upp referensen och tar bort den när filen sparas, och då slutar "
        f'aktiviteten fungera. Deklarera samlingen i processen: <bpmn:dataObject id="{name}" '
        f'name="{name}"/>.'
    )


def _activity_id(ref: etree._Element) -> str | None:
    loop = ref.getparent()  # the loop characteristics; the activity holds them
    node = loop.getparent() if loop is not None else None
    while node is not None and not node.get("id"):
        node = node.getparent()
    return node.get("id") if node is not None else None
