"""A piece's status (``SubmittedDocument.status``): its ONE state machine, and the one function that writes it.

A row is born En attente (``apply_to_program``, ``piece_slots.open_slots``). Then:

- the candidate's files decide (``documents/pieces``: files added, removed, reordered, carried to the same shared
  piece of their other open applications): Transmise while the piece holds files, En attente once it holds none —
  from any status but Validée, the same status again included (its time is stamped anew);
- the candidate answers « Non concerné » (a conditional piece without files) or takes it back (En attente);
- staff review it (``review.staff_actions.review_piece``): Validée, Refusée or Non concerné, from any status, again
  included (a new comment);
- the system, after a change of the administration (``piece_slots``): a shared piece added to the programme takes
  the files the candidate gave for it elsewhere; a piece made mandatory loses its « Non concerné ».

Whether the candidate may change the piece at all (online procedure, dossier in their hands, before the return
date) is ``documents/pieces``'s rule; this table says which moves exist. ``move_piece`` is the only code that writes
``status`` and ``status_at`` (the demo seeding excepted, see ``tests/test_lifecycles.py``).
"""

from datetime import datetime

from app.i18n import N_
from app.models import DocumentStatus, SubmittedDocument
from app.services.applications.dossier_status import PIECE_STATUS_LABELS
from app.services.platform.lifecycle import By, Lifecycle

P = DocumentStatus
_FILES = (P.PENDING, P.SUBMITTED)  # what the candidate's files make of a piece: none left, or some
_REVIEW = (P.VALIDATED, P.REFUSED, P.NOT_APPLICABLE)

PIECE = Lifecycle(
    moves={
        By.CANDIDATE: {
            P.PENDING: (*_FILES, P.NOT_APPLICABLE),
            P.SUBMITTED: (*_FILES, P.NOT_APPLICABLE),
            P.REFUSED: (*_FILES, P.NOT_APPLICABLE),
            P.NOT_APPLICABLE: _FILES,  # taken back, or files given all the same
            P.VALIDATED: (),  # a validated piece no longer changes for the candidate
        },
        By.STAFF: {status: _REVIEW for status in P},
        By.SYSTEM: {
            P.PENDING: _FILES,  # a shared piece the administration adds takes the files the candidate gave
            P.NOT_APPLICABLE: (P.PENDING,),  # a piece made mandatory
        },
    },
    labels=PIECE_STATUS_LABELS,
    refused=N_("La pièce ne peut pas passer du statut « {current} » au statut « {target} »."),
)


def move_piece(document: SubmittedDocument, target: DocumentStatus, *, by: By, now: datetime) -> DocumentStatus:
    """Set the piece's status and its time if the table allows the move for ``by``; returns the status it left."""
    current = document.status
    PIECE.check(current, target, by)
    document.status, document.status_at = target, now
    return current
