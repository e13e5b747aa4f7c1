"""The dossier status of an application: the ONE table of the transitions staff may make, and their mails.

En attente → Réceptionné (the dossier arrived, e.g. by post); Réceptionné → Incomplet or Complet; Incomplet →
Réceptionné (pieces came back) or Complet; Complet → Incomplet (a piece turns out unacceptable); any status →
En attente (« back to En attente », to undo a mistake). The candidate's own « Transmettre » (En attente or
Incomplet → Réceptionné) lives in ``transmission`` and follows the same arrows.
"""

from app.i18n import N_
from app.models import DocumentStatus, DossierStatus, ProcessingType
from app.services.platform.errors import DomainError

S = DossierStatus
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

TRANSITION_REFUSED = N_("Le dossier ne peut pas passer du statut « {current} » au statut « {target} ».")


def allowed_transitions(current: DossierStatus) -> tuple[DossierStatus, ...]:
    return TRANSITIONS[current]


def check_transition(current: DossierStatus, target: DossierStatus) -> None:
    """Refuse a move the table does not list (the same status again included)."""
    if target not in TRANSITIONS[current]:
        raise DomainError(
            "transition_refused",
            TRANSITION_REFUSED,
            current=DOSSIER_STATUS_LABELS[current],
            target=DOSSIER_STATUS_LABELS[target],
        )
