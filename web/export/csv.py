"""The event log as CSV for process-mining tools: one row per event, in case order.

The dialect is the one those tools read without questions: comma-separated, RFC 4180 quoting,
UTF-8 without a byte-order mark, times in ISO 8601 with their offset. The columns carry the
XES attribute names (``case:concept:name``, ``concept:name``, ``time:timestamp``,
``org:resource``, ``lifecycle:transition``), so pm4py, Disco or Celonis map case, activity,
time and resource by themselves, and the CSV holds exactly the XES file's events. (The case
overview's own CSV, for Swedish Excel, uses ``;`` and a BOM instead.)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from engine import LogEvent
from web.export.fields import activity, detail_text, timestamp, transition

HEADER = (
    "case:concept:name", "case:title", "case:process", "case:version",
    "concept:name", "time:timestamp", "org:resource", "lifecycle:transition",
    "concept:instance", "kind", "element", "detail",
)  # fmt: skip
MIME_TYPE = "text/csv; charset=utf-8"
ROWS_PER_CHUNK = 500


def csv_row(event: LogEvent) -> list[str]:
    """One event as the columns of ``HEADER``."""
    return [
        event.business_key, event.title, event.process_key, str(event.process_version),
        activity(event), timestamp(event), event.actor, transition(event),
        event.task_id or "", event.kind, event.element_id or "", detail_text(event),
    ]  # fmt: skip


def csv_chunks(log: Iterable[LogEvent]) -> Iterator[bytes]:
    """The CSV file of ``log`` in UTF-8, the header first, a few hundred rows per piece."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for number, event in enumerate(log, start=1):
        writer.writerow(csv_row(event))
        if number % ROWS_PER_CHUNK == 0:
            yield _take(out)
    yield _take(out)


def _take(out: io.StringIO) -> bytes:
    data = out.getvalue().encode("utf-8")
    out.seek(0)
    out.truncate()
    return data
