"""The overview as CSV (Swedish Excel's dialect: UTF-8 with BOM, ``;``) and as an Excel
workbook (openpyxl, write-only so a long list streams row by row)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date

from flask import Response, stream_with_context
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_response(rows: Iterable[list[str]], stem: str) -> Response:
    """Stream ``rows`` (the first is the header) as a CSV download."""

    def lines() -> Iterator[str]:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        yield "\ufeff"
        for row in rows:
            writer.writerow(row)
            yield out.getvalue()
            out.seek(0)
            out.truncate()

    streamed = stream_with_context(lines())  # the rows are read while the answer is sent
    return _download(Response(streamed, mimetype="text/csv; charset=utf-8"), f"{stem}.csv")


def xlsx_response(rows: Iterable[list[str]], stem: str, sheet: str) -> Response:
    """``rows`` (the first is the header) as one Excel sheet, with a frozen, filterable header."""
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet[:31])
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    width = 0
    for number, row in enumerate(rows):
        width = max(width, len(row))
        if number == 0:
            header = []
            for text in row:
                cell = WriteOnlyCell(ws, value=text)
                cell.font = bold
                header.append(cell)
            ws.append(header)
        else:
            ws.append(row)
    if width:
        ws.auto_filter.ref = f"A1:{_column(width)}1"
    out = io.BytesIO()
    book.save(out)
    return _download(Response(out.getvalue(), mimetype=XLSX), f"{stem}.xlsx")


def _column(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _download(response: Response, filename: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def stem(name: str, today: date) -> str:
    """``arenden-2026-11-26``: what a downloaded file is called."""
    return f"{name}-{today.isoformat()}"
