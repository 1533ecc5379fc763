"""The fund report's tables as files: CSV in Swedish Excel's dialect (UTF-8 with a BOM, ``;``
between fields) and an Excel workbook with one sheet per table. Amounts are numbers in both,
dates ISO dates; a linked project is its name."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from web.fund.report import Cell, Link, Sheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def plain(cell: Cell) -> str | int | date | None:
    """A cell's value in a file: a link's text, everything else as it is."""
    return cell.text if isinstance(cell, Link) else cell


def csv_bytes(sheet: Sheet) -> bytes:
    """The header, the rows and the sums of ``sheet`` as CSV that Swedish Excel opens."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(sheet.headers)
    for row in sheet.rows + sheet.foot:
        writer.writerow([_text(plain(c)) for c in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _text(value: str | int | date | None) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook with one sheet per table: bold headers and sums, numbers right-aligned."""
    book = Workbook()
    if book.active is not None:
        book.remove(book.active)  # the empty sheet every new workbook starts with
    bold = Font(bold=True)
    for sheet in sheets:
        ws = book.create_sheet(_sheet_name(sheet))
        ws.append(sheet.headers)
        for cell in ws[1]:
            cell.font = bold
        for row in sheet.rows + sheet.foot:
            ws.append([plain(c) for c in row])
        for row_cells in ws.iter_rows(min_row=len(sheet.rows) + 2):
            for cell in row_cells:
                cell.font = bold
        for index, width in enumerate(_widths(sheet), start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
            if index - 1 in sheet.numeric:
                for (cell,) in ws.iter_rows(min_col=index, max_col=index):
                    cell.alignment = Alignment(horizontal="right")
        for (cell,) in ws.iter_rows(min_row=2, max_col=1):
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
        ws.freeze_panes = "B2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(sheet: Sheet) -> str:
    """Excel allows 31 characters and no ``:``: the title before its colon, or the title."""
    name = sheet.title.split(":")[0] if ":" in sheet.title else sheet.title
    return name.replace("/", "-")[:31]


def _widths(sheet: Sheet) -> list[int]:
    columns = zip(sheet.headers, *(sheet.rows + sheet.foot), strict=True)
    return [min(60, max(10, *(len(_text(plain(c))) + 2 for c in column))) for column in columns]
