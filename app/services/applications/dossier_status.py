"""The dossier status of an application: its ONE state machine, the candidate's and the staff's moves, their mails.

Staff: En attente → Réceptionné (the dossier arrived, e.g. by post); Réceptionné → Incomplet or Complet; Incomplet →
Réceptionné (pieces came back) or Complet; Complet → Incomplet (a piece turns out unacceptable); any status →
En attente (« back to En attente », to undo a mistake). The candidate: « Transmettre » (``transmission``) moves a
dossier En attente or Incomplet — ``EDITABLE_DOSSIER``, the statuses in which the candidate still holds it and may
change its pieces and answers — to Réceptionné. ``move_dossier`` is the only code that writes ``dossier_status``
and its dates (the demo seeding excepted, see ``tests/test_lifecycles.py``).
"""

from datetime import datetime

from app.i18n import N_
from app.models import Application, DocumentStatus, DossierStatus, ProcessingType, Program
from app.services.platform.lifecycle import By, Lifecycle

S = DossierStatus
# The candidate holds the dossier: pieces and answers may change, « Transmettre » is possible.
EDITABLE_DOSSIER = (S.PENDING, S.INCOMPLETE)
# The staff's moves, in the order the screen offers them (``allowed_transitions``).
TRANSITIONS: dict[DossierStatus, tuple[DossierStatus, ...]] = {
    S.PENDING: (S.RECEIVED,),
    S.RECEIVED: (S.INCOMPLETE, S.COMPLETE, S.PENDING),
    S.INCOMPLETE: (S.RECEIVED, S.COMPLETE, S.PENDING),
    S.COMPLETE: (S.INCOMPLETE, S.PENDING),
}

# The mail each new status sends the candidate.
STATUS_MAILS: dict[DossierStatus, str | None] = {
    S.PENDING: "dossier_pending",  # « retour en attente »: the candidate must transmit again
    S.RECEIVED: "dossier_received",
    S.INCOMPLETE: "dossier_incomplete",
    S.COMPLETE: "dossier_complete",
}

DOSSIER_STATUS_LABELS = {
    S.PENDING: N_("En attente"),
    S.RECEIVED: N_("Réceptionné"),
    S.INCOMPLETE: N_("Incomplet"),
    S.COMPLETE: N_("Complet"),
}
PIECE_STATUS_LABELS = {
    DocumentStatus.PENDING: N_("En attente"),
    DocumentStatus.SUBMITTED: N_("Transmise"),
    DocumentStatus.VALIDATED: N_("Validée"),
    DocumentStatus.REFUSED: N_("Refusée"),
    DocumentStatus.NOT_APPLICABLE: N_("Non concerné"),
}
PROCESSING_LABELS = {
    ProcessingType.COMMITTEE: N_("Examen par la commission"),
    ProcessingType.DIRECT_ADMISSION: N_("Admission de droit"),
    ProcessingType.UNDECIDED: N_("À décider"),
}

# The mail a new processing type sends the candidate (eCandidat's TYPE_TRAIT_AC, TYPE_TRAIT_AD, TYPE_TRAIT_ATT).
PROCESSING_MAILS: dict[ProcessingType, str] = {
    ProcessingType.COMMITTEE: "processing_type_committee",
    ProcessingType.DIRECT_ADMISSION: "processing_type_direct_admission",
    ProcessingType.UNDECIDED: "processing_type_undecided",
}

TRANSITION_REFUSED = N_("Le dossier ne peut pas passer du statut « {current} » au statut « {target} ».")

DOSSIER = Lifecycle(
    moves={
        By.CANDIDATE: {status: (S.RECEIVED,) for status in EDITABLE_DOSSIER},  # « Transmettre »
        By.STAFF: TRANSITIONS,  # set_dossier_status
    },
    labels=DOSSIER_STATUS_LABELS,
    refused=TRANSITION_REFUSED,
)


def allowed_transitions(current: DossierStatus) -> tuple[DossierStatus, ...]:
    """The staff's moves from ``current``, in the screen's order."""
    return TRANSITIONS[current]


def dossier_editable(status: DossierStatus) -> bool:
    """Whether the candidate still holds a dossier in ``status`` (see ``EDITABLE_DOSSIER``)."""
    return status in EDITABLE_DOSSIER


def move_dossier(application: Application, target: DossierStatus, *, by: By, now: datetime) -> DossierStatus:
    """Move the dossier if the table allows it for ``by``, with its dates; returns the status it left.

    The candidate's move is « Transmettre »: transmitted and received now. The staff's: received now (the dossier
    is examined again: no longer complete), complete now, incomplete (no longer complete), or back to En attente
    as if never received (``transmitted_at`` is kept: the candidate did transmit)."""
    current = application.dossier_status
    DOSSIER.check(current, target, by)
    application.dossier_status, application.dossier_status_at = target, now
    if by == By.CANDIDATE:
        application.transmitted_at = application.received_at = now
    elif target == S.RECEIVED:
        application.received_at, application.complete_at = now, None
    elif target == S.COMPLETE:
        application.complete_at = now
    elif target == S.INCOMPLETE:
        application.complete_at = None
    else:
        application.received_at = application.complete_at = None
    return current


def effective_return_by(application: Application, program: Program) -> datetime | None:
    """The date the dossier must be transmitted by: the application's own (set by staff) or the programme's."""
    return application.return_by_override or program.return_by
