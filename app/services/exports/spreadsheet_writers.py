"""The spreadsheet files of the exports: XLSX through openpyxl's write-only mode (rows streamed to disk), CSV in UTF-8
with a BOM and ``;`` between cells (what French Excel opens directly); text a spreadsheet could take for a formula is
neutralised (stored as text in XLSX, a leading apostrophe in CSV)."""

import csv
import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # XML 1.0 refuses them; they carry no meaning here


def neutralise(text: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (OWASP's CSV injection advice)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


class CsvWriter:
    """UTF-8 with a BOM, ``;`` between cells, CRLF: French Excel opens it as is."""

    media_type = "text/csv; charset=utf-8"
    suffix = ".csv"

    def __init__(self, path: Path) -> None:
        self._file = path.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._file, delimiter=";", lineterminator="\r\n")

    @staticmethod
    def _text(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            return value.strftime("%d/%m/%Y %H:%M")
        if isinstance(value, date):
            return value.strftime("%d/%m/%Y")
        if isinstance(value, str):
            return neutralise(value)
        return str(value)

    def write(self, values: Sequence[Any]) -> None:
        self._writer.writerow([self._text(v) for v in values])

    def close(self) -> None:
        self._file.close()


class XlsxWriter:
    """openpyxl's write-only workbook: each row goes to a temporary file at once, memory stays flat."""

    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    suffix = ".xlsx"

    def __init__(self, path: Path, title: str = "Export") -> None:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        self._new_cell, self._bold = WriteOnlyCell, Font(bold=True)  # imported here: openpyxl loads in 0.3 s
        self._path = path
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet(title[:31])
        self._header = True

    def _cell(self, value: Any) -> Any:
        if isinstance(value, str):
            value = _ILLEGAL.sub("", value)
            if self._header or value.startswith("="):  # openpyxl would write "=..." as a formula
                cell = self._new_cell(self._sheet, value=value)
                cell.data_type = "s"  # text, never a formula
                if self._header:
                    cell.font = self._bold
                return cell
            return value
        if isinstance(value, datetime):
            cell = self._new_cell(self._sheet, value=value)
            cell.number_format = "DD/MM/YYYY HH:MM"
            return cell
        if isinstance(value, date):
            cell = self._new_cell(self._sheet, value=value)
            cell.number_format = "DD/MM/YYYY"
            return cell
        return value

    def write(self, values: Sequence[Any]) -> None:
        if self._header:
            self._sheet.freeze_panes = "A2"  # must be set before the first row in write-only mode
        self._sheet.append([self._cell(v) for v in values])
        self._header = False

    def close(self) -> None:
        self._book.save(self._path)


WRITERS: dict[str, type[CsvWriter] | type[XlsxWriter]] = {"csv": CsvWriter, "xlsx": XlsxWriter}
