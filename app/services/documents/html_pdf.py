"""HTML to PDF for the dossier and the decision letters: the Jinja environment of ``app/templates/pdf/`` and
xhtml2pdf with remote fetches off and local reads confined to that folder."""

import io
import logging
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

from app.services.documents import pdf_text as t

log = logging.getLogger(__name__)

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "templates" / "pdf"


@cache
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(default=True),  # candidate-typed text is data, never markup
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


# Where a refused resource is sent: a file that does not exist inside the template folder, so every xhtml2pdf code
# path (images, @import, fonts...) finds nothing there and leaves the resource out instead of failing the render.
REFUSED = str(TEMPLATE_DIR / "refused-resource")


def link_callback(uri: str, rel: str | None = None) -> str:
    """xhtml2pdf's resolver for ``<img src>``, CSS ``url()``, ``@import``…: only a file under ``app/templates/pdf/``.

    Anything remote (``http:``, ``https:``), any other scheme (``data:``, ``ftp:``) and any path leaving the
    template folder is answered with :data:`REFUSED`; the policy passed to ``CreatePDF`` (no remote fetches,
    local reads confined to the template folder) refuses it a second time should a code path skip this callback.
    """
    parts = urlsplit(uri or "")
    if parts.scheme in ("", "file") and not parts.netloc:
        path = Path(parts.path)
        resolved = (path if path.is_absolute() else TEMPLATE_DIR / path).resolve()
        if resolved.is_relative_to(TEMPLATE_DIR.resolve()) and resolved.is_file():
            return str(resolved)
    log.warning("dossier PDF: resource refused: %.120r", uri)
    return REFUSED


def html_to_pdf(html: str) -> bytes:
    """xhtml2pdf with remote fetches off and local reads confined to the template folder."""
    t.register_font()
    policy = ResourceAccessPolicy.server(base_dir=TEMPLATE_DIR, allow_remote=False)
    out = io.BytesIO()
    status = pisa.CreatePDF(html, dest=out, link_callback=link_callback, resource_policy=policy, encoding="utf-8")
    if status.err:
        raise RuntimeError(f"xhtml2pdf reported errors while rendering the dossier: {status.err}")
    return out.getvalue()
