"""Audit events as staff read them in a dossier's « Historique »: a sentence per action, values without JSON."""

from typing import Any

from app.i18n import N_, _

ACTION_LABELS: dict[str, str] = {
    "application.created": N_("Candidature créée"),
    "application.cancelled": N_("Candidature annulée"),
    "application.transmitted": N_("Dossier transmis"),
    "application.viewed": N_("Dossier consulté"),
    "application.dossier_downloaded": N_("Dossier téléchargé"),
    "application.dossier_status_changed": N_("Statut du dossier modifié"),
    "application.processing_type_changed": N_("Type de traitement modifié"),
    "application.dates_changed": N_("Dates du candidat modifiées"),
    "application.tags_changed": N_("Tags modifiés"),
    "application.question_answered": N_("Réponse à une question"),
    "application.answer.confirmed": N_("Admission confirmée par le candidat"),
    "application.answer.provisional": N_("Admission acceptée à titre provisoire"),
    "application.answer.withdrawn": N_("Désistement"),
    "decision.entered": N_("Avis saisi"),
    "decision.published": N_("Avis publié"),
    "decision.waiting_list_called": N_("Appel depuis la liste complémentaire"),
    "waiting_list.called_by_hand": N_("Appel manuel de la liste complémentaire"),
    "piece.reviewed": N_("Pièce examinée"),
    "piece.viewed": N_("Pièce consultée"),
    "piece.not_applicable": N_("Pièce déclarée non concernée"),
    "piece.applicable": N_("Pièce de nouveau demandée"),
    "piece.file_added": N_("Fichier déposé"),
    "piece.file_removed": N_("Fichier retiré"),
    "piece.files_reordered": N_("Fichiers réordonnés"),
    "note.added": N_("Note ajoutée"),
    "note.deleted": N_("Note supprimée"),
    "lease.released": N_("Verrou d'édition libéré"),
    "program.applications_moved": N_("Candidatures déplacées vers une autre commission"),
}


def action_text(code: str) -> str:
    """The action in the reader's language; an action without a sentence yet shows its code."""
    label = ACTION_LABELS.get(code)
    return _(label) if label else code


def _value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(_value(item) for item in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{key} : {_value(item)}" for key, item in value.items())
    return str(value)


def changes_text(values: dict[str, Any] | None) -> str:
    """``{"dossier_status": "complete"}`` → « dossier_status : complete » (several separated by « ; »)."""
    return _value(values) if values else ""
