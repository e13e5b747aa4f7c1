"""Bulk downloads (issue 11): a ZIP of the selection's dossiers (PDF), or of one piece across the selection.

Entries are named ``<dossier number>_<NAME>_<Firstname>[_<piece>].pdf`` in plain ASCII (accents folded, anything
else dropped), so that every archive tool and file system takes them; a name met twice (one candidate, two
applications) gets the programme's code. Each archive holds an ``index.csv`` listing every selected application
with its file, or why it has none (piece missing, not applicable, outside the scope).

The selection is re-checked against the requester's current scope in the worker: ids outside it are skipped.
"""

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from app.db import new_session, transaction
from app.i18n import N_, _, use_language
from app.models import (
    Account,
    Application,
    Candidate,
    DocumentStatus,
    Program,
    RequiredDocument,
    StoredFile,
    SubmittedDocument,
)
from app.services.accounts.staff_roles import INSTITUTION_WIDE, current_role
from app.services.applications.dossier_status import PIECE_STATUS_LABELS
from app.services.applications.staff_scope import program_scope, scope_filter
from app.services.exports.builders import Progress, Render, draw_here, no_progress
from app.services.exports.spreadsheet_writers import neutralise
from app.services.platform import file_store
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError, NotFound
from app.services.platform.file_names import ascii_part
from app.services.platform.labels import label_in
from app.services.review.staff_downloads import dossier_pdf_context_for_staff

MAX_DOSSIERS = 1000  # each dossier is rendered: about a second apiece
MAX_PIECES = 10000  # files are copied as they are
RENDER_BATCH = 20  # dossiers whose data one short transaction loads

INDEX_HEADERS = [N_("Fichier"), N_("N° de dossier"), N_("Nom"), N_("Prénoms"), N_("Formation"), N_("Statut")]
INCLUDED = N_("Inclus")
NO_FILE = N_("Aucun fichier déposé")


def first_name(first_names: str) -> str:
    """« JEAN-PIERRE MARIE » → « Jean-Pierre »: the first given name, capitalised."""
    given = (first_names or "").split()
    return "-".join(part.capitalize() for part in given[0].split("-")) if given else ""


def entry_name(dossier_number: str, birth_name: str, first_names: str, piece: str = "", extra: str = "") -> str:
    """``<dossier number>_<NAME>_<Firstname>[_<piece>][_<extra>].pdf``, ASCII only."""
    parts = [dossier_number, birth_name.upper(), first_name(first_names), piece, extra]
    return "_".join(p for p in (ascii_part(x) for x in parts) if p) + ".pdf"


@dataclass(frozen=True)
class Selected:
    application_id: int
    dossier_number: str
    birth_name: str
    first_names: str
    program_code: str
    program_label: str
    program_label_en: str


def in_scope(session: Session, actor: Actor, ids: Sequence[int]) -> list[Selected]:
    """The selected, live applications the actor's current role covers, by dossier number."""
    role = current_role(session, actor=actor)
    result: list[Selected] = []
    for start in range(0, len(ids), 2000):
        chunk = list(ids[start : start + 2000])
        rows = session.exec(
            select(
                Application.id,
                Account.dossier_number,
                Candidate.birth_name,
                Candidate.first_names,
                Program.code,
                Program.label_fr,
                Program.label_en,
            )
            .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
            .join(Account, col(Account.id) == col(Candidate.account_id))
            .join(Program, col(Program.id) == col(Application.program_id))
            .where(col(Application.id).in_(chunk), scope_filter(role), col(Application.cancelled_at).is_(None))
        ).all()
        result += [Selected(*row) for row in rows]  # type: ignore[arg-type]
    return sorted(result, key=lambda s: (s.dossier_number, s.program_code, s.application_id))


class _Names:
    """Unique entry names: a repeat gets the programme's code, then a number."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, selected: Selected, piece: str = "") -> str:
        args = (selected.dossier_number, selected.birth_name, selected.first_names, piece)
        name = entry_name(*args)
        if name in self.used:
            name = entry_name(*args, extra=selected.program_code)
        stem, number = name[:-4], 2
        while name in self.used:
            name, number = f"{stem}-{number}.pdf", number + 1
        self.used.add(name)
        return name


def _index(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_(h) for h in INDEX_HEADERS])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _index_row(name: str, selected: Selected, status: str) -> list[str]:
    values = [name, selected.dossier_number, selected.birth_name, selected.first_names, selected.program_label]
    return [neutralise(v) for v in values] + [status]


def check_size(ids: Sequence[int], limit: int) -> None:
    if not ids:
        raise DomainError("empty_selection", N_("Sélectionnez au moins une candidature dans la liste."))
    if len(ids) > limit:
        raise DomainError(
            "selection_too_large",
            N_("La sélection compte {count} candidatures : {max} au plus pour ce téléchargement."),
            count=len(ids),
            max=limit,
        )


def check_dossiers_selection(ids: Sequence[int]) -> None:
    check_size(ids, MAX_DOSSIERS)


def check_piece_selection(ids: Sequence[int]) -> None:
    check_size(ids, MAX_PIECES)


def rendered_dossiers(
    actor: Actor,
    selection: list[Selected],
    language: str,
    draw: Render,
    report: Progress,
    *,
    skip_gone: bool = False,
) -> Iterator[tuple[Selected, bytes]]:
    """Each dossier of ``selection`` as PDF bytes, read RENDER_BATCH at a time in one short transaction (their
    downloads audited there), ``report`` after each batch. With ``skip_gone``, a dossier the actor may no longer
    see is left out; otherwise its refusal ends the build."""
    for start in range(0, len(selection), RENDER_BATCH):
        batch = selection[start : start + RENDER_BATCH]
        contexts = []
        with transaction() as session:  # short: the data of a few dossiers, and their audit events
            for selected in batch:
                try:  # the scope is re-checked for every dossier as it is read
                    context = dossier_pdf_context_for_staff(
                        session, actor=actor, application_id=selected.application_id
                    )
                except NotFound:
                    if not skip_gone:
                        raise
                    continue
                contexts.append((selected, context))
        for selected, context in contexts:
            yield selected, draw(context, language)
        report(start + len(batch), len(selection))


def build_dossiers_zip(
    *,
    actor: Actor,
    ids: Sequence[int],
    language: str,
    path: Path,
    progress: Progress | None = None,
    render: Render | None = None,
) -> int:
    """Write a ZIP of the dossier PDFs of ``ids`` (those in the actor's scope); returns the number of dossiers.

    ``render(context, language)`` turns a dossier's data into PDF bytes (a process pool's, in the server);
    each dossier's download is audited as a single one is."""
    check_dossiers_selection(ids)
    report, draw = progress or no_progress, render or draw_here
    with use_language(language):
        with new_session() as session:
            selection = in_scope(session, actor, ids)
        report(0, len(selection))
        names, index = _Names(), []
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for selected, pdf in rendered_dossiers(actor, selection, language, draw, report):
                name = names.take(selected)
                archive.writestr(name, pdf, compress_type=zipfile.ZIP_STORED)  # PDFs are compressed already
                index.append(_index_row(name, selected, _(INCLUDED)))
            archive.writestr("index.csv", _index(index))
    return len(selection)


def build_piece_zip(
    *,
    actor: Actor,
    ids: Sequence[int],
    required_document_id: int,
    language: str,
    path: Path,
    progress: Progress | None = None,
) -> int:
    """Write a ZIP of one piece (its merged PDF) for each application of ``ids``; returns the files added.

    A shared piece (one file for several applications of a candidate) is added once."""
    check_piece_selection(ids)
    report = progress or no_progress
    with use_language(language):
        with new_session() as session:
            required = session.get(RequiredDocument, required_document_id)
            if required is None:
                raise DomainError("unknown_piece", N_("Cette pièce n'existe pas."))
            piece = ascii_part(label_in(required, language))
            selection = in_scope(session, actor, ids)
        report(0, len(selection))
        names, index, added = _Names(), [], 0
        seen: dict[int, str] = {}
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for start in range(0, len(selection), 500):
                batch = selection[start : start + 500]
                with new_session() as session:
                    found = {
                        document.application_id: (document, stored)
                        for document, stored in session.exec(
                            select(SubmittedDocument, StoredFile)
                            .outerjoin(StoredFile, col(StoredFile.id) == col(SubmittedDocument.merged_file_id))
                            .where(
                                col(SubmittedDocument.application_id).in_([s.application_id for s in batch]),
                                SubmittedDocument.required_document_id == required_document_id,
                            )
                        ).all()
                    }
                for selected in batch:
                    document, stored = found.get(selected.application_id, (None, None))
                    if document is None:
                        index.append(_index_row("", selected, _(NO_FILE)))
                        continue
                    status = _(PIECE_STATUS_LABELS[document.status])
                    if stored is None or document.status == DocumentStatus.NOT_APPLICABLE:
                        index.append(_index_row("", selected, f"{status} — {_(NO_FILE)}"))
                        continue
                    if stored.id in seen:  # a shared piece: the same file, already in the archive
                        index.append(_index_row(seen[stored.id], selected, status))
                        continue
                    name = names.take(selected, piece)
                    archive.write(file_store.path_of(stored.storage_key), name, compress_type=zipfile.ZIP_STORED)
                    seen[stored.id] = name
                    index.append(_index_row(name, selected, status))
                    added += 1
                report(start + len(batch), len(selection))
            archive.writestr("index.csv", _index(index))
    return added


def piece_choices(session: Session, *, actor: Actor) -> list[tuple[int, str, str]]:
    """(id, French label, English label) of the active pieces asked by the programmes of the actor's scope.

    Read from the offer (programmes, centres), never from the applications: cheap on every list page load."""
    role = current_role(session, actor=actor)
    wanted = select(RequiredDocument).where(col(RequiredDocument.is_active).is_(True))
    if role.role not in INSTITUTION_WIDE:
        programs = select(Program.id).where(program_scope(role))
        centres = select(Program.centre_id).where(program_scope(role))
        wanted = wanted.where(
            col(RequiredDocument.program_id).in_(programs)
            | col(RequiredDocument.centre_id).in_(centres)
            | (col(RequiredDocument.program_id).is_(None) & col(RequiredDocument.centre_id).is_(None))
        )
    rows = session.exec(wanted.order_by(col(RequiredDocument.label_fr))).all()
    return [(r.id or 0, r.label_fr, r.label_en) for r in rows]
