"""The pieces (« pièces justificatives ») and the PDFs: upload, merge, sandbox, sniffing, the dossier PDF.

Owns the candidate's files, the checks on their bytes, the sandboxed PDF worker, and the rendering of the dossier
as a PDF. The piece rows of an application (their status, the files they link, their slots) are ``applications``'s.
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.documents import pieces
    from app.services.documents.dossier_pdf import dossier_pdf_context
    from app.services.documents.dossier_pdf_render import dossier_filename, render_dossier_pdf
    from app.services.documents.file_sniffing import WRONG_TYPE
    from app.services.documents.pdf_sandbox import FILE_TOO_LARGE
    from app.services.documents.pdf_text import RECORD_OUTCOME

# What pages may use, by the submodule that defines it (see app/services/__init__.py).
_EXPORTS: dict[str, str] = {
    "FILE_TOO_LARGE": "pdf_sandbox",
    "RECORD_OUTCOME": "pdf_text",
    "WRONG_TYPE": "file_sniffing",
    "dossier_filename": "dossier_pdf_render",
    "dossier_pdf_context": "dossier_pdf",
    "pieces": "pieces",
    "render_dossier_pdf": "dossier_pdf_render",
}
__all__ = [
    "FILE_TOO_LARGE",
    "RECORD_OUTCOME",
    "WRONG_TYPE",
    "dossier_filename",
    "dossier_pdf_context",
    "pieces",
    "render_dossier_pdf",
]


def __getattr__(name: str) -> object:
    submodule = _EXPORTS.get(name)
    if submodule is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = import_module(f"{__name__}.{submodule}")
    return module if submodule == name else getattr(module, name)
