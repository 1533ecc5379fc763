"""The event log as XES (IEEE 1849-2016), for process-mining tools (ProM, Disco, pm4py …).

One ``<trace>`` per case: ``concept:name`` is its business key, with its ``title``,
``process`` and ``version``. One ``<event>`` per audit-trail event: ``concept:name`` the step
(or the event kind in words), ``concept:instance`` the work item, ``time:timestamp``,
``org:resource`` the acting user name (``system`` for the engine), ``lifecycle:transition``
(mapped as ``web.export.fields`` documents), and Sif's own ``kind``, ``element`` and
``detail`` (JSON). The header declares the four standard extensions, the global attributes
every trace and event carries, and two classifiers.

Written as a stream with ``lxml.etree.xmlfile``: each trace is handed on as soon as it is
written, so a log of any length takes the same memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import Any

from lxml import etree

from engine import LogEvent
from web.export.fields import activity, detail_text, timestamp, transition, xml_safe

NAMESPACE = "http://www.xes-standard.org/"
_NS = "{" + NAMESPACE + "}"
EXTENSIONS = (
    ("Concept", "concept"),
    ("Time", "time"),
    ("Organizational", "org"),
    ("Lifecycle", "lifecycle"),
)
GLOBALS = {
    "trace": [("string", "concept:name", "__INVALID__")],
    "event": [
        ("string", "concept:name", "__INVALID__"),
        ("date", "time:timestamp", "1970-01-01T00:00:00.000+00:00"),
        ("string", "org:resource", "__INVALID__"),
        ("string", "lifecycle:transition", "complete"),
    ],
}
CLASSIFIERS = (("Activity", "concept:name"), ("Activity and transition",
               "concept:name lifecycle:transition"))  # fmt: skip
MIME_TYPE = "application/xml"
_DEFAULT_NAMESPACE: Any = {None: NAMESPACE}  # (lxml's stubs do not know None is the default)


class _Chunks:
    """The file object lxml writes into; what it wrote is taken out after each trace."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.parts.append(data)

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def xes_chunks(log: Iterable[LogEvent]) -> Iterator[bytes]:
    """The XES document of ``log`` (events grouped by case, as ``engine.event_log`` gives
    them), in UTF-8, one piece per trace."""
    out = _Chunks()
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        attributes = {"xes.version": "1849-2016", "xes.features": "nested-attributes"}
        with xf.element(_NS + "log", attributes, nsmap={None: NAMESPACE}):
            _header(xf)
            for _case, events in groupby(log, key=lambda e: e.case_id):
                _line(xf)
                xf.write(_trace(list(events)))
                xf.flush()
                yield out.take()
            xf.write("\n")
    yield out.take()


def _header(xf: Any) -> None:
    for name, prefix in EXTENSIONS:
        _line(xf)
        uri = f"{NAMESPACE}{prefix}.xesext"
        with xf.element(_NS + "extension", name=name, prefix=prefix, uri=uri):
            pass
    for scope, attributes in GLOBALS.items():
        _line(xf)
        with xf.element(_NS + "global", scope=scope):
            for tag, key, value in attributes:
                _attribute(xf, tag, key, value)
    for name, keys in CLASSIFIERS:
        _line(xf)
        with xf.element(_NS + "classifier", name=name, keys=keys):
            pass
    _line(xf)
    _attribute(xf, "string", "concept:name", "Sif: händelselogg")


def _trace(events: list[LogEvent]) -> etree._Element:
    """One case as a ``<trace>`` element (written whole: compact, one namespace declaration)."""
    first = events[0]
    trace = etree.Element(_NS + "trace", nsmap=_DEFAULT_NAMESPACE)
    _add(trace, "string", "concept:name", first.business_key)
    _add(trace, "string", "title", first.title)
    _add(trace, "string", "process", first.process_key)
    _add(trace, "int", "version", str(first.process_version))
    trace[-1].tail = "\n"
    for event in events:
        trace.append(_event(event))
    return trace


def _event(event: LogEvent) -> etree._Element:
    element = etree.Element(_NS + "event")
    element.tail = "\n"
    _add(element, "string", "concept:name", activity(event))
    _add(element, "date", "time:timestamp", timestamp(event))
    _add(element, "string", "org:resource", event.actor)
    _add(element, "string", "lifecycle:transition", transition(event))
    if event.task_id:
        _add(element, "string", "concept:instance", event.task_id)
    _add(element, "string", "kind", event.kind)
    if event.element_id:
        _add(element, "string", "element", event.element_id)
    detail = detail_text(event)
    if detail:
        _add(element, "string", "detail", detail)
    return element


def _add(parent: etree._Element, tag: str, key: str, value: str) -> None:
    etree.SubElement(parent, _NS + tag, key=key, value=xml_safe(value))


def _attribute(xf: Any, tag: str, key: str, value: str) -> None:
    with xf.element(_NS + tag, key=key, value=xml_safe(value)):
        pass


def _line(xf: Any) -> None:
    xf.write("\n")
