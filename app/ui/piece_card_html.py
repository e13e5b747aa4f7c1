"""The words of a piece's card as escaped HTML: its header (label, status, help, refusal, files once fixed) and the
line of the merged PDF. Drawn as one block each: every element of a card stays in memory while the page is open."""

from app.i18n import _
from app.models import DocumentStatus
from app.services.documents import pieces as documents
from app.ui import routes
from app.ui.statuses import SHARED_PIECE, badge_html, piece_look
from app.ui.text import link_tag, tag, text_tag

MB = 1024 * 1024

# Where the candidate reads a piece's PDF (the route is ``app.pages.piece_download``).
PIECE_PATH = routes.PIECE_PDF


def piece_url(submitted_document_id: int, *, version: int | None = None, download: bool = False) -> str:
    """``version`` (the merged file's id) makes a new address for new contents: the viewer never shows an old one."""
    query = "telecharger=1" if download else (f"v={version}" if version else "")
    return PIECE_PATH.format(submitted_document_id=submitted_document_id) + (f"?{query}" if query else "")


def size_text(size: int) -> str:
    if size >= MB:
        return _("{size} Mo").format(size=f"{size / MB:.1f}")
    return _("{size} Ko").format(size=max(1, round(size / 1024)))


def pages_text(pages: int) -> str:
    return _("1 page") if pages == 1 else _("{pages} pages").format(pages=pages)


def file_line(file: documents.PieceFile) -> str:
    return f"{file.name} — {pages_text(file.pages)}, {size_text(file.size)}"


def header_html(piece: documents.Piece) -> str:
    """The piece's words (its files too, once they can no longer change)."""
    badges = badge_html(piece_look(piece.status, piece.awaiting_transmission), data_mark="piece-status")
    if piece.is_shared:
        badges += badge_html(SHARED_PIECE)
    markup = tag(
        "div",
        text_tag("h4", piece.label, class_="text-base font-bold m-0") + badges,
        class_="flex flex-wrap items-center gap-2",
    )
    if piece.help:
        markup += text_tag("p", piece.help, class_="text-sm")
    if piece.status == DocumentStatus.REFUSED and piece.comment:
        refusal = _("Motif du refus : {comment}").format(comment=piece.comment)
        markup += text_tag("p", refusal, class_="text-negative")
    if piece.files and not piece.editable:
        items = "".join(text_tag("li", file_line(file)) for file in piece.files)
        markup += tag("ol", items, class_="list-decimal pl-6 w-full", data_mark="piece-files")
        markup += merged_html(piece)
    return markup


def merged_html(piece: documents.Piece) -> str:
    """What the committee reads (or will read) of the piece, and the link to download it."""
    merged = (
        _("Document qui sera transmis au jury : {pages}, {size}")
        if piece.awaiting_transmission
        else _("Document transmis au jury : {pages}, {size}")
    )
    line = text_tag("span", merged.format(pages=pages_text(piece.merged_pages), size=size_text(piece.merged_size)))
    download = link_tag(
        _("Télécharger"),
        piece_url(piece.submitted_document_id, download=True),
        aria_label=_("Télécharger la pièce « {piece} » (PDF)").format(piece=piece.label),
        data_mark="piece-download",
    )
    return tag("p", line + " " + download, class_="text-sm m-0 flex flex-wrap gap-x-3", data_mark="piece-merged")
