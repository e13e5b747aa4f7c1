"""What an export's builder is handed: a progress callback and a dossier renderer, each with its default.

In the server the job runner passes a process pool's renderer; without one (tests, the worker) a builder draws each
dossier in this process. Without a progress callback nothing is reported.
"""

from collections.abc import Callable
from typing import Any

from app.services.documents.dossier_pdf_render import render_dossier_pdf

Render = Callable[[dict[str, Any], str], bytes]  # (a dossier's data, language) → its PDF
Progress = Callable[[int, int], None]  # (done, total)


def draw_here(context: dict[str, Any], language: str) -> bytes:
    """A dossier's PDF drawn in this process (a builder's renderer when none is given)."""
    return render_dossier_pdf(context, language=language)


def no_progress(_done: int, _total: int) -> None:
    """A builder's progress callback when none is given."""
