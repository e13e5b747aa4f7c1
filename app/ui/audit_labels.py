"""Audit events as staff read them in a dossier's « Historique »: one sentence per action naming who acted, and
what changed worded as the rest of the screen words it (Paris time, labels, names), never codes, ISO dates or
Python lists.

Every action that can reach a history (``app.services.platform.audit.DOSSIER_ACTIONS``, which the audit writer enforces)
has its sentence in ``SENTENCES``; a test fails when one has none, or no English translation.
"""

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from app.i18n import N_, _, current_language, ngettext
from app.models import ActorKind
from app.services.admin import KIND_LABELS
from app.services.applications import DOSSIER_STATUS_LABELS, PIECE_STATUS_LABELS, PROCESSING_LABELS
from app.services.decisions import OPINION_LABELS
from app.services.documents import RECORD_OUTCOME
from app.services.dossier import referentials
from app.services.review import VALUE_LABELS, StaffAuditLine
from app.ui.dates import format_short_moment

# {who}: « le candidat », « un gestionnaire (Anne Martin) »…; {subject}: the piece or the question.
SENTENCES: dict[str, str] = {
    "application.created": N_("{who} a créé la candidature."),
    "application.cancelled": N_("{who} a annulé la candidature."),
    "application.transmitted": N_("{who} a transmis le dossier."),
    "application.viewed": N_("{who} a consulté le dossier."),
    "application.dossier_downloaded": N_("{who} a téléchargé le dossier (PDF)."),
    "application.dossier_status_changed": N_("{who} a changé le statut du dossier."),
    "application.processing_type_changed": N_("{who} a changé le type de traitement."),
    "application.dates_changed": N_("{who} a modifié les dates propres à ce candidat."),
    "application.tags_changed": N_("{who} a modifié les étiquettes."),
    "application.question_answered": N_("{who} a répondu à la question « {subject} »."),
    "application.answer.confirmed": N_("{who} a confirmé l'admission."),
    "application.answer.provisional": N_("{who} a accepté la proposition d'admission à titre provisoire."),
    "application.answer.withdrawn": N_("Désistement enregistré par {who}."),
    "decision.entered": N_("{who} a saisi une décision."),
    "score.entered": N_("{who} a saisi ses notes de la grille d'évaluation."),
    "decision.published": N_("{who} a publié la décision."),
    "opinion.entered": N_("{who} a saisi l'avis de sa commission d'examen."),
    "opinion.changed": N_("{who} a modifié l'avis de sa commission d'examen."),
    "decision.waiting_list_called": N_("{who} a appelé le candidat depuis la liste complémentaire."),
    "waiting_list.called_by_hand": N_("{who} a appelé à la main le premier candidat de la liste complémentaire."),
    "interview.booked": N_("{who} a réservé un créneau d'entretien."),
    "interview.moved": N_("{who} a changé de créneau d'entretien."),
    "interview.cancelled": N_("{who} a annulé sa réservation d'entretien."),
    "interview.slot_cancelled": N_("{who} a annulé le créneau d'entretien réservé par le candidat."),
    "interview.attendance_marked": N_("{who} a noté la présence à l'entretien."),
    "piece.reviewed": N_("{who} a examiné la pièce « {subject} »."),
    "piece.viewed": N_("{who} a consulté la pièce « {subject} »."),
    "piece.not_applicable": N_("{who} a déclaré la pièce « {subject} » non concernée."),
    "piece.applicable": N_("{who} a déclaré la pièce « {subject} » de nouveau concernée."),
    "piece.file_added": N_("{who} a déposé un fichier dans la pièce « {subject} »."),
    "piece.files_added": N_("{who} a déposé plusieurs fichiers dans la pièce « {subject} »."),
    "piece.file_removed": N_("{who} a retiré un fichier de la pièce « {subject} »."),
    "piece.files_reordered": N_("{who} a changé l'ordre des fichiers de la pièce « {subject} »."),
    "piece.file_added.shared": N_(
        "{who} a déposé un fichier dans la pièce « {subject} », depuis une autre candidature qui la partage."
    ),
    "piece.files_added.shared": N_(
        "{who} a déposé plusieurs fichiers dans la pièce « {subject} », depuis une autre candidature qui la partage."
    ),
    "piece.file_removed.shared": N_(
        "{who} a retiré un fichier de la pièce « {subject} », depuis une autre candidature qui la partage."
    ),
    "piece.files_reordered.shared": N_(
        "{who} a changé l'ordre des fichiers de la pièce « {subject} », depuis une autre candidature qui la partage."
    ),
    "note.added": N_("{who} a ajouté un post-it."),
    "note.deleted": N_("{who} a supprimé un post-it."),
    "message.sent": N_("{who} a envoyé un message au candidat (page « Messages » et courriel)."),
    "dossier.records_refreshed": N_(
        "{who} a mis à jour le cursus interne et les données verrouillées à partir du système d'information de "
        "l'université (réimport nocturne)."
    ),
    "dossier.imported": N_(
        "{who} a ouvert le dossier : les données de l'étudiant ont été reprises du système d'information de "
        "l'université."
    ),
    "dossier.confirmed_for_campaign": N_("{who} a confirmé le dossier pour une nouvelle campagne."),
    "dossier.personal_saved": N_("{who} a enregistré les informations personnelles."),
    "dossier.address_saved": N_("{who} a enregistré l'adresse."),
    "dossier.baccalaureate_saved": N_("{who} a enregistré le baccalauréat."),
    "dossier.externalrecord_added": N_("{who} a ajouté une formation au cursus externe."),
    "dossier.externalrecord_updated": N_("{who} a modifié une formation du cursus externe."),
    "dossier.externalrecord_deleted": N_("{who} a supprimé une formation du cursus externe."),
    "dossier.workexperience_added": N_("{who} a ajouté une expérience professionnelle."),
    "dossier.workexperience_updated": N_("{who} a modifié une expérience professionnelle."),
    "dossier.workexperience_deleted": N_("{who} a supprimé une expérience professionnelle."),
    "dossier.internship_added": N_("{who} a ajouté un stage."),
    "dossier.internship_updated": N_("{who} a modifié un stage."),
    "dossier.internship_deleted": N_("{who} a supprimé un stage."),
    "file.purged": N_("{who} a supprimé définitivement un fichier dont la durée de conservation était écoulée."),
    "impersonation.started": N_("{who} a commencé à consulter l'espace du candidat en son nom."),
    "impersonation.viewed": N_("{who} a consulté une page de l'espace du candidat en son nom."),
}
# An event written before its action had a sentence (older versions) still reads as a sentence.
UNKNOWN_ACTION = N_("{who} a modifié le dossier.")


def actor_text(kind: ActorKind, name: str) -> str:
    """« le candidat », « un gestionnaire (Anne Martin) », « le portail » (a scheduled job)…"""
    if kind == ActorKind.CANDIDATE:
        return _("le candidat")
    if kind == ActorKind.STAFF:
        return _("un gestionnaire ({name})").format(name=name) if name else _("un gestionnaire")
    if kind == ActorKind.INTEGRATION:
        return _("une application de l'université")
    return _("le portail")


def sentence(line: StaffAuditLine) -> str:
    text = _(SENTENCES.get(line.action, UNKNOWN_ACTION)).format(
        who=actor_text(line.actor_kind, line.actor_name), subject=line.subject or "—"
    )
    return text[:1].upper() + text[1:]


# --- Values -------------------------------------------------------------------------------------------------------

Show = Callable[[Any], str]
EMPTY = "—"


def _empty(value: Any) -> bool:
    # "None": an absent value stringified by an older writer (``str(None)``)
    return value is None or value == "" or value == "None" or value == []


def plain(value: Any) -> str:
    """Any stored value as a reader reads it: dates in Paris time, lists as « a, b », no Python syntax."""
    if _empty(value):
        return EMPTY
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if isinstance(value, list | tuple):
        return ", ".join(plain(item) for item in value) or EMPTY
    if isinstance(value, dict):
        return ", ".join(plain(item) for item in value.values() if not _empty(item)) or EMPTY
    if isinstance(value, datetime):
        return format_short_moment(value)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str):
        return _plain_text(value)
    return str(value)


def _plain_text(text: str) -> str:
    if text.startswith("[") and text.endswith("]"):  # a list stringified by an older writer: "['Maths', 'NSI']"
        try:
            items = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return text
        return plain(list(items)) if isinstance(items, list | tuple) else text
    moment = _moment_of(text)
    return plain(moment) if moment is not None else text


def _moment_of(text: str) -> datetime | date | None:
    """An ISO date or moment (as ``isoformat()`` or ``str()`` wrote it), else None."""
    if len(text) < 10 or not text[:4].isdigit() or text[4:5] != "-" or text[7:8] != "-":
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if len(text) == 10:
        return moment.date()
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)  # the portal stores UTC


def _labelled(table: Mapping[Any, str]) -> Show:
    labels = {str(key): msgid for key, msgid in table.items()}
    return lambda value: _(labels[str(value)]) if str(value) in labels else plain(value)


def _translated(value: Any) -> str:
    """A value stored as a French msgid (a mention, a diploma type)."""
    return _(value) if isinstance(value, str) and value and value != "None" else plain(value)


def _flag(value: Any) -> str:
    return _("Oui") if value is True else EMPTY  # « automatic: false » says nothing worth a line


def _nonzero(value: Any) -> str:
    return EMPTY if value == 0 else plain(value)  # « 0 pieces deleted » says nothing worth a line


def _country(value: Any) -> str:
    return referentials.country_name(value, current_language()) if isinstance(value, str) and value else EMPTY


def _department(value: Any) -> str:
    name = referentials.departments().get(str(value)) if value else None
    return f"{name} ({value})" if name else plain(value)


def _commune(value: Any) -> str:
    commune = referentials.commune_by_insee(value) if isinstance(value, str) else None
    return f"{commune.name} ({commune.postcode})" if commune else plain(value)


def _establishment(value: Any) -> str:
    found = referentials.establishment(value) if isinstance(value, str) else None
    return found.name if found else plain(value)


def _academic_year(value: Any) -> str:
    return f"{value}-{int(value) + 1}" if str(value).isdigit() else plain(value)


def _files(value: Any) -> str:
    """File names; a file removed since (its row is gone, the event kept its id) is counted, not named."""
    if not isinstance(value, list):
        return plain(value)
    names = [name for name in value if isinstance(name, str)]
    gone = len(value) - len(names)
    if gone:
        names.append(ngettext("{n} fichier supprimé depuis", "{n} fichiers supprimés depuis", gone).format(n=gone))
    return ", ".join(names) or EMPTY


def _names(value: Any) -> str:
    if not isinstance(value, list):
        return plain(value)
    return ", ".join(name if isinstance(name, str) else _("(supprimée)") for name in value) or EMPTY


def _missing(value: Any) -> str:
    """The pieces an « Incomplet » asked for, each with the manager's comment."""
    if not isinstance(value, list):
        return plain(value)
    parts = []
    for item in value:
        if isinstance(item, dict):
            title, comment = plain(item.get("title")), item.get("comment") or ""
            parts.append(f"{title} ({comment})" if comment else title)
        else:
            parts.append(plain(item))
    return ", ".join(parts) or EMPTY


def _size(value: Any) -> str:
    if not isinstance(value, int):
        return plain(value)
    return _("{n} Ko").format(n=max(1, round(value / 1024)))


FILE_KINDS = {
    "upload": N_("Fichier déposé par le candidat"),
    "merged": N_("Pièce assemblée"),
    "letter": N_("Lettre de décision"),
    "template": N_("Modèle de lettre"),
    "signature": N_("Signature"),
    "export": N_("Export"),
}
IMPORT_SOURCES = {"student_number": N_("numéro d'étudiant"), "ine": N_("INE")}


@dataclass(frozen=True)
class Field:
    label: str  # French msgid
    show: Show = plain


# What an event records, by key. Shown as stored:
_LABELS: dict[str, str] = {
    "birth_name": N_("Nom de naissance"),
    "usage_name": N_("Nom d'usage"),
    "first_names": N_("Prénoms"),
    "birth_date": N_("Date de naissance"),
    "birth_place": N_("Ville de naissance"),
    "phone": N_("Téléphone fixe"),
    "mobile": N_("Téléphone portable"),
    "ine": N_("INE"),
    "line1": N_("Adresse (ligne 1)"),
    "line2": N_("Complément d'adresse (ligne 2)"),
    "line3": N_("Complément d'adresse (ligne 3)"),
    "postcode": N_("Code postal"),
    "city": N_("Ville"),
    "series_detail": N_("Série technologique ou intitulé du diplôme"),
    "year": N_("Année"),
    "specialities": N_("Spécialités"),
    "options": N_("Options"),
    "establishment_label": N_("Nom de l'établissement"),
    "label": N_("Intitulé"),
    "duration": N_("Durée"),
    "title": N_("Fonction"),
    "employer": N_("Employeur"),
    "organisation": N_("Organisme"),
    "hours_per_week": N_("Heures par semaine"),
    "description": N_("Description"),
    "comment": N_("Commentaire"),
    "transmitted_at": N_("Date de transmission"),
    "program_code": N_("Code de la formation"),
    "reason": N_("Motif"),
    "type": N_("Type de décision"),
    "rank": N_("Rang sur la liste complémentaire"),
    "score": N_("Note combinée (sur 20)"),
    "deadline": N_("Date limite de confirmation"),
    "live_offers_before": N_("Admissions en cours avant l'appel"),
    "capacity": N_("Capacité d'accueil"),
    "pages": N_("Pages"),
    "return_by": N_("Date limite de retour propre au candidat"),
    "confirmation_by": N_("Date de confirmation propre au candidat"),
    "body": N_("Texte du post-it"),
    "subject": N_("Objet du message"),
    "path": N_("Page consultée"),
}
# Shown through a formatter (a referential, a label table, a count):
_SHOWN: dict[str, Field] = {
    "birth_country": Field(N_("Pays de naissance"), _country),
    "birth_department": Field(N_("Département de naissance"), _department),
    "birth_commune_insee": Field(N_("Commune de naissance"), _commune),
    "nationality": Field(N_("Nationalité"), _country),
    "country": Field(N_("Pays"), _country),
    "commune_insee": Field(N_("Commune"), _commune),
    "mention": Field(N_("Mention"), _translated),
    "department": Field(N_("Département"), _department),
    "establishment_uai": Field(N_("Établissement"), _establishment),
    "academic_year": Field(N_("Année universitaire"), _academic_year),
    "diploma_type": Field(N_("Type de diplôme"), _translated),
    "missing": Field(N_("Pièces manquantes"), _missing),
    "deleted_pieces": Field(N_("Pièces supprimées"), _nonzero),
    "automatic": Field(N_("Automatique"), _flag),
    "files": Field(N_("Fichiers"), _files),
    "shared_with": Field(N_("Autres candidatures partageant la pièce"), _nonzero),
    "tags": Field(N_("Étiquettes"), _names),
    "imported": Field(N_("Étudiant reconnu par"), _labelled(IMPORT_SOURCES)),
    "by": Field(N_("Étudiant reconnu par"), _labelled(IMPORT_SOURCES)),
    "outcome": Field(N_("Résultat"), _labelled(RECORD_OUTCOME)),
    "dossier_status": Field(N_("Statut du dossier"), _labelled(DOSSIER_STATUS_LABELS)),
    "status": Field(N_("Statut de la pièce"), _labelled(PIECE_STATUS_LABELS)),
    "kind": Field(N_("Nature de la décision"), _labelled(KIND_LABELS)),
    "processing_type": Field(N_("Type de traitement"), _labelled(PROCESSING_LABELS)),
    "civility": Field(N_("Civilité"), _labelled(VALUE_LABELS["civility"])),
    "series": Field(N_("Série"), _labelled(VALUE_LABELS["bac_series"])),
    "answer": Field(N_("Réponse"), _labelled(VALUE_LABELS["answer"])),
    "opinion": Field(N_("Avis de la commission"), _labelled(OPINION_LABELS)),
    "role": Field(N_("Rôle de la commission")),
}
FIELDS: dict[str, Field] = {key: Field(label) for key, label in _LABELS.items()} | _SHOWN
# Where one key means something else for one action.
ACTION_FIELDS: dict[str, dict[str, Field]] = {
    "file.purged": {
        "kind": Field(N_("Type de fichier"), _labelled(FILE_KINDS)),
        "original_name": Field(N_("Nom du fichier")),
        "size": Field(N_("Taille"), _size),
        "created_at": Field(N_("Déposé le")),
    },
}
# Internal references, meaningless to a reader (the row they point to is named elsewhere, or gone).
HIDDEN = frozenset(
    {"program_id", "committee_id", "note_id", "application_id", "from_submitted_document_id", "sha256", "token_id"}
)
_ABSENT = object()


def details(line: StaffAuditLine) -> list[str]:
    """« Statut du dossier : Réceptionné → Incomplet », one per value the event recorded (empty ones left out)."""
    overrides = ACTION_FIELDS.get(line.action, {})
    keys = [*line.before, *(key for key in line.after if key not in line.before)]
    lines = []
    for key in keys:
        if key in HIDDEN:
            continue
        field = overrides.get(key) or FIELDS.get(key) or Field(key)
        before, after = line.before.get(key, _ABSENT), line.after.get(key, _ABSENT)
        shown = [EMPTY if _empty(value) else field.show(value) for value in (before, after) if value is not _ABSENT]
        if len(shown) == 2 and shown[0] == shown[1]:
            shown = shown[1:]
        if all(text == EMPTY for text in shown):
            continue
        lines.append(_("{label} : {value}").format(label=_(field.label), value=" → ".join(shown)))
    return lines


@dataclass(frozen=True)
class HistoryEntry:
    at: str  # « 14/05/2026 03:46 », Paris time
    sentence: str
    details: list[str]


def describe(line: StaffAuditLine) -> HistoryEntry:
    """One event of the « Historique » in the reader's language."""
    return HistoryEntry(format_short_moment(line.at), sentence(line), details(line))
