"""Audit exports of the event log: XES for process-mining tools, and CSV. The file formats
are ``web.export.xes`` and ``web.export.csv``; the events come from ``engine.event_log``.

``xes_response`` / ``csv_response`` are the downloads (the overview's routes call them after
checking who may see the cases); ``sif export`` writes the same files from the command line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from flask import Response, stream_with_context

from engine import CaseFilter, LogEvent, Runtime, event_log
from engine.durations import LOCAL
from web.export import csv, xes

FORMATS: dict[str, tuple[Callable[[Iterable[LogEvent]], Iterator[bytes]], str, str]] = {
    "xes": (xes.xes_chunks, xes.MIME_TYPE, "xes"),
    "csv": (csv.csv_chunks, csv.MIME_TYPE, "csv"),
}
FILE_STEM = "handelselogg"


def xes_response(rt: Runtime, case_filter: CaseFilter) -> Response:
    """The event log of the cases ``case_filter`` lets through, as an XES download."""
    return _download(rt, case_filter, "xes")


def csv_response(rt: Runtime, case_filter: CaseFilter) -> Response:
    """The same events as a CSV download (comma-separated, for process-mining tools)."""
    return _download(rt, case_filter, "csv")


def _download(rt: Runtime, case_filter: CaseFilter, kind: str) -> Response:
    write, mimetype, extension = FORMATS[kind]
    today = rt.clock.now().astimezone(LOCAL).date()
    # The events are read while the answer is sent; the request context keeps the language.
    body = stream_with_context(write(event_log(rt, case_filter)))
    response = Response(body, mimetype=mimetype)
    filename = f"{FILE_STEM}-{today.isoformat()}.{extension}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
