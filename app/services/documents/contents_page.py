"""The first pages of a combined PDF of several dossiers: a title, a few lines of context, then one line per dossier
(number, name, programme, first page in the combined file), continued on as many A4 pages as it takes.

Pure: plain values in, PDF bytes out (no session, no settings), like the other pages drawn in ``pdf_text``.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from app.services.documents.pdf_text import A4, FONT, FONT_BOLD, register_font

MARGIN = 56.0
ROW_SIZE = 9.5  # points: 56 rows a page
ROW_STEP = ROW_SIZE * 1.45
ELLIPSIS = "…"


@dataclass(frozen=True)
class ContentsRow:
    dossier_number: str
    name: str
    program: str
    page: int  # 1-based, in the combined file


@dataclass(frozen=True)
class ContentsHeads:
    """The column headings and the title, already in the reader's language."""

    title: str
    number: str
    name: str
    program: str
    page: str


def fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut to ``width`` with an ellipsis: one line per dossier, so the page count is known in advance."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    cut = len(text)
    while cut > 0 and pdfmetrics.stringWidth(text[:cut] + ELLIPSIS, font, size) > width:
        cut -= 1
    return text[:cut].rstrip() + ELLIPSIS


def _columns(width: float) -> list[tuple[float, float]]:
    """(x, width) of the four columns: number, name, programme, page (right-aligned)."""
    number, page = 78.0, 40.0
    rest = width - number - page
    name = rest * 0.42
    return [
        (MARGIN, number - 6),
        (MARGIN + number, name - 6),
        (MARGIN + number + name, rest - name - 6),
        (MARGIN + width - page, page),
    ]


def _row(canvas: Canvas, values: Sequence[str], y: float, font: str, columns: list[tuple[float, float]]) -> None:
    canvas.setFont(font, ROW_SIZE)
    for (x, width), value in zip(columns[:3], values[:3], strict=True):
        canvas.drawString(x, y, fit(value, font, ROW_SIZE, width))
    x, width = columns[3]
    canvas.drawRightString(x + width, y, values[3])


def _page_top(canvas: Canvas, heads: ContentsHeads, notes: Sequence[str], first: bool, width: float) -> float:
    """The title (and the notes, on the first page), then the column headings; returns the first row's height."""
    y = A4[1] - MARGIN - 18
    canvas.setFont(FONT_BOLD, 18 if first else 12)
    canvas.drawString(MARGIN, y, fit(heads.title, FONT_BOLD, 18 if first else 12, width))
    y -= 22
    if first:
        canvas.setFont(FONT, 10.5)
        for note in notes:
            canvas.drawString(MARGIN, y, fit(note, FONT, 10.5, width))
            y -= 15
        y -= 6
    columns = _columns(width)
    _row(canvas, [heads.number, heads.name, heads.program, heads.page], y, FONT_BOLD, columns)
    canvas.setLineWidth(0.8)
    canvas.setStrokeColorRGB(0.22, 0.29, 0.67)
    canvas.line(MARGIN, y - 4, MARGIN + width, y - 4)
    return y - ROW_STEP - 2


def contents_pages(heads: ContentsHeads, notes: Sequence[str], rows: Sequence[ContentsRow]) -> bytes:
    """The contents as A4 pages: ``notes`` under the title, then ``rows`` in their order."""
    register_font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    width = A4[0] - 2 * MARGIN
    columns = _columns(width)
    y = _page_top(canvas, heads, notes, True, width)
    for row in rows:
        if y < MARGIN:
            canvas.showPage()
            y = _page_top(canvas, heads, notes, False, width)
        _row(canvas, [row.dossier_number, row.name, row.program, str(row.page)], y, FONT, columns)
        y -= ROW_STEP
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
