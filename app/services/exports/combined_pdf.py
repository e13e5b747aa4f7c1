"""« Télécharger un PDF unique »: the selection's dossiers in one PDF, one after the other, behind a contents page.

Each dossier is the one a staff member downloads alone (the same builder, its download audited the same way),
rendered in the worker with short transactions. The selection is re-checked against the requester's current scope
when the build starts, and again for each dossier as it is read: what the scope no longer reaches is left out and
counted on the contents page. Each dossier gets a bookmark (the PDF outline) at its first page. The number of
dossiers is capped (``ECANDIDAT_COMBINED_PDF_MAX_DOSSIERS``): one file of thousands of pages helps nobody and is
built in memory at its end.
"""

import io
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from app import clock
from app.config import get_settings
from app.db import new_session
from app.i18n import N_, _, ngettext, use_language
from app.services.documents import pdf_text
from app.services.documents.contents_page import ContentsHeads, ContentsRow, contents_pages
from app.services.exports.archive import Selected, in_scope, rendered_dossiers
from app.services.exports.builders import Progress, Render, draw_here, no_progress
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError
from app.services.platform.labels import in_language
from app.services.platform.text_fold import fold_name

KIND = "dossiers_pdf"
TITLE = N_("Dossiers de la sélection")
NONE_IN_SCOPE = N_("Aucune candidature de la sélection n'est dans votre périmètre.")
TOO_MANY = N_(
    "La sélection compte {count} candidatures : un PDF unique en réunit {max} au plus. "
    "Réduisez la sélection, ou téléchargez les dossiers en ZIP."
)
CONTENTS = N_("Sommaire")


def max_dossiers() -> int:
    return get_settings().combined_pdf_max_dossiers


def check_selection(ids: Sequence[int]) -> None:
    """Refuse an empty selection, or one over the cap, before anything is queued or rendered."""
    if not ids:
        raise DomainError("empty_selection", N_("Sélectionnez au moins une candidature dans la liste."))
    limit = max_dossiers()
    if len(set(ids)) > limit:
        raise DomainError("selection_too_large", TOO_MANY, count=len(set(ids)), max=limit)


def _full_name(selected: Selected) -> str:
    return f"{selected.birth_name.upper()} {selected.first_names}".strip()


def _reading_order(selected: Selected) -> tuple[str, str, str, str]:
    """By name as a reader looks one up (« LÉGER » between « LEFORT » and « LEMAIRE »), then dossier number."""
    names = fold_name(selected.birth_name), fold_name(selected.first_names)
    return *names, selected.dossier_number, selected.program_code


def _render_all(
    actor: Actor, selection: list[Selected], language: str, folder: Path, draw: Render, report: Progress
) -> list[tuple[Selected, Path, int]]:
    """Each dossier in scope rendered to its own file in ``folder``: (selected, file, page count)."""
    rendered: list[tuple[Selected, Path, int]] = []
    for selected, pdf in rendered_dossiers(actor, selection, language, draw, report, skip_gone=True):
        path = folder / f"{len(rendered):05d}.pdf"
        path.write_bytes(pdf)
        rendered.append((selected, path, len(PdfReader(path).pages)))
    return rendered


def _contents(rendered: list[tuple[Selected, Path, int]], notes: list[str], language: str) -> bytes:
    """The contents pages, their own length counted in the page numbers they show."""
    heads = ContentsHeads(
        title=_(TITLE), number=_("N° de dossier"), name=_("Nom"), program=_("Formation"), page=_("Page")
    )

    def draw(offset: int) -> bytes:
        rows, page = [], offset + 1
        for selected, _path, pages in rendered:
            label = in_language(selected.program_label, selected.program_label_en, language)
            rows.append(ContentsRow(selected.dossier_number, _full_name(selected), label, page))
            page += pages
        return contents_pages(heads, notes, rows)

    # One line per dossier: the contents' length does not depend on the numbers in it, so two drafts suffice.
    return draw(len(PdfReader(io.BytesIO(draw(1))).pages))


def _notes(total: int, included: int) -> list[str]:
    notes = [
        get_settings().institution_name,
        ngettext("{count} dossier", "{count} dossiers", included).format(count=included)
        + " — "
        + _("généré le {moment}").format(moment=pdf_text.moment(clock.now())),
    ]
    if total > included:
        left_out = total - included
        notes.append(
            ngettext(
                "{count} candidature de la sélection n'est pas incluse : hors de votre périmètre ou annulée.",
                "{count} candidatures de la sélection ne sont pas incluses : hors de votre périmètre ou annulées.",
                left_out,
            ).format(count=left_out)
        )
    return notes


def build_combined_pdf(
    *,
    actor: Actor,
    ids: Sequence[int],
    language: str,
    path: Path,
    progress: Progress | None = None,
    render: Render | None = None,
) -> int:
    """Write one PDF of the dossiers of ``ids`` (those in the actor's scope) to ``path``; returns how many.

    ``render(context, language)`` turns a dossier's data into PDF bytes (a process pool's, in the server)."""
    check_selection(ids)
    report, draw = progress or no_progress, render or draw_here
    wanted = sorted(set(ids))
    with use_language(language):
        with new_session() as session:
            selection = sorted(in_scope(session, actor, wanted), key=_reading_order)
        report(0, len(selection))
        with tempfile.TemporaryDirectory(dir=path.parent, prefix=f"{path.name}-parts-") as folder:
            rendered = _render_all(actor, selection, language, Path(folder), draw, report)
            if not rendered:
                raise DomainError("none_in_scope", NONE_IN_SCOPE)
            writer = PdfWriter()
            writer.append(io.BytesIO(_contents(rendered, _notes(len(wanted), len(rendered)), language)))
            writer.add_outline_item(title=_(CONTENTS), page_number=0)
            for selected, part, _pages in rendered:
                writer.append(part, outline_item=f"{selected.dossier_number} — {_full_name(selected)}")
            writer.add_metadata({"/Title": f"{_(TITLE)} ({len(rendered)})", "/Author": get_settings().institution_name})
            with path.open("wb") as out:
                writer.write(out)
    return len(rendered)
