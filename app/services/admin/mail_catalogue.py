"""What the mail-template editor tells staff: each mail code's name, when it is sent, and its variables.

Labels are French msgids (translated on screen). The variables come from ``mail_variables`` (the one place that
says what each code receives); this module only documents them in the staff's words, with a sample value.
"""
# ruff: noqa: E501  (one mail code a line reads best)

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.i18n import N_
from app.services.mail.templates import common_variables, format_datetime_local
from app.services.mail.variables import COMMON_VARIABLES, MAIL_VARIABLES, MailCode, sample_context

ACCOUNT = N_("Compte candidat")
APPLICATION = N_("Candidature")
DOSSIER = N_("Dossier et traitement")
DECISION = N_("Avis")
INTERVIEW = N_("Entretiens")
COMMITTEE = N_("Alertes des commissions")
ASSISTANCE = N_("Assistance")
OTHER = N_("Autres mails")
CATEGORIES = (ACCOUNT, APPLICATION, DOSSIER, DECISION, INTERVIEW, COMMITTEE, ASSISTANCE, OTHER)
UNDESCRIBED = N_("Mail sans description pour l'instant : voir ses variables ci-dessous.")


@dataclass(frozen=True)
class MailCodeInfo:
    code: MailCode
    category: str  # French msgid
    label: str  # French msgid
    description: str  # French msgid: when the mail is sent
    legacy_code: str  # eCandidat's code, for universities that migrate


def _info(code: MailCode, category: str, label: str, description: str, legacy: str) -> MailCodeInfo:
    return MailCodeInfo(code, category, label, description, legacy)


M = MailCode
MAIL_CATALOGUE: dict[MailCode, MailCodeInfo] = {
    info.code: info
    for info in (
        _info(M.ACCOUNT_CREATED, ACCOUNT, N_("Création de compte"), N_("Envoyé à la création d'un compte : lien d'activation."), "CPT_MIN_CREATE"),
        _info(M.ACTIVATION_RESENT, ACCOUNT, N_("Nouveau lien d'activation"), N_("Envoyé quand le candidat redemande le lien d'activation."), "CPT_MIN_LIEN_VALID_OUBLIE"),
        _info(M.PASSWORD_RESET, ACCOUNT, N_("Mot de passe oublié"), N_("Envoyé quand le candidat demande à choisir un nouveau mot de passe."), "CPT_MIN_MDP_OUBLIE"),
        _info(M.DOSSIER_NUMBER_REMINDER, ACCOUNT, N_("Rappel du numéro de dossier"), N_("Envoyé quand le candidat a oublié son numéro de dossier."), ""),
        _info(M.EMAIL_CHANGE_NEW_ADDRESS, ACCOUNT, N_("Changement d'adresse : confirmation"), N_("Envoyé à la nouvelle adresse pour la confirmer."), "CPT_MIN_MOD_MAIL"),
        _info(M.EMAIL_CHANGE_OLD_ADDRESS, ACCOUNT, N_("Changement d'adresse : avertissement"), N_("Envoyé à l'ancienne adresse quand un changement est demandé."), ""),
        _info(M.ACCOUNT_DELETED, ACCOUNT, N_("Suppression de compte"), N_("Envoyé quand un compte est supprimé."), "CPT_MIN_DELETE"),
        _info(M.PERSONAL_DATA_READY, ACCOUNT, N_("Copie des données personnelles prête"), N_("Envoyé quand la copie de ses données demandée par le candidat est prête : lien de téléchargement à usage unique."), ""),
        _info(M.ACCOUNT_ERASURE_SCHEDULED, ACCOUNT, N_("Suppression de compte différée"), N_("Envoyé quand la suppression demandée attend la fin de la conservation des candidatures transmises."), ""),
        _info(M.APPLICATION_CREATED, APPLICATION, N_("Candidature créée"), N_("Envoyé quand le candidat crée une candidature."), "CANDIDATURE"),
        _info(M.APPLICATION_CANCELLED, APPLICATION, N_("Candidature annulée"), N_("Envoyé quand une candidature est annulée."), "CANDIDATURE_ANNULATION"),
        _info(M.APPLICATION_CONFIRMED, APPLICATION, N_("Confirmation"), N_("Envoyé quand le candidat confirme son inscription après un avis favorable."), "CANDIDATURE_CONFIRM"),
        _info(M.APPLICATION_WITHDRAWN, APPLICATION, N_("Désistement"), N_("Envoyé quand le candidat se désiste."), "CANDIDATURE_DESIST"),
        _info(M.APPLICATION_WITHDRAWN_AUTOMATICALLY, APPLICATION, N_("Désistement automatique"), N_("Envoyé quand la date limite de confirmation est passée sans réponse."), "CANDIDATURE_DESIST_AUTO"),
        _info(M.WAITING_LIST_LEFT, APPLICATION, N_("Retrait de la liste complémentaire"), N_("Envoyé quand le candidat se retire de la liste complémentaire."), ""),
        _info(M.CONFIRMATION_REMINDER, APPLICATION, N_("Relance avant la date de confirmation"), N_("Envoyé avant la date limite de confirmation à qui n'a pas répondu."), "CANDIDATURE_RELANCE_FAVO"),
        _info(M.PROVISIONAL_ACCEPTANCE_REMINDER, APPLICATION, N_("Relance d'une acceptation provisoire"), N_("Envoyé avant la date limite pour rendre définitive une acceptation provisoire."), ""),
        _info(M.PROVISIONAL_ACCEPTANCE_EXPIRED, APPLICATION, N_("Fin d'une acceptation provisoire"), N_("Envoyé quand une acceptation provisoire n'a pas été rendue définitive à temps."), ""),
        _info(M.RETURN_DATE_REMINDER, APPLICATION, N_("Relance avant la date de retour"), N_("Envoyé avant la date limite de retour du dossier."), ""),
        _info(M.DOSSIER_PENDING, DOSSIER, N_("Dossier de nouveau en attente"), N_("Envoyé quand le dossier revient au statut « En attente »."), "STATUT_AT"),
        _info(M.DOSSIER_RECEIVED, DOSSIER, N_("Dossier réceptionné"), N_("Envoyé quand le dossier est réceptionné, avec la liste des pièces."), "STATUT_RE"),
        _info(M.DOSSIER_INCOMPLETE, DOSSIER, N_("Dossier incomplet"), N_("Envoyé quand le dossier est déclaré incomplet, avec les pièces à fournir."), "STATUT_IN"),
        _info(M.DOSSIER_COMPLETE, DOSSIER, N_("Dossier complet"), N_("Envoyé quand le dossier est déclaré complet."), "STATUT_CO"),
        _info(M.PROCESSING_TYPE_COMMITTEE, DOSSIER, N_("Type de traitement : examen par la commission"), N_("Envoyé quand la candidature passe en examen par la commission."), "TYPE_TRAIT_AC"),
        _info(M.PROCESSING_TYPE_DIRECT_ADMISSION, DOSSIER, N_("Type de traitement : accès de droit"), N_("Envoyé quand la candidature passe en admission de droit."), "TYPE_TRAIT_AD"),
        _info(M.PROCESSING_TYPE_UNDECIDED, DOSSIER, N_("Type de traitement : à définir"), N_("Envoyé quand le type de traitement de la candidature redevient à définir."), "TYPE_TRAIT_ATT"),
        _info(M.DECISION_FAVORABLE, DECISION, N_("Avis favorable"), N_("Envoyé à la publication d'un avis favorable."), "AVIS_FAVORABLE"),
        _info(M.DECISION_UNFAVORABLE, DECISION, N_("Avis défavorable"), N_("Envoyé à la publication d'un avis défavorable."), "AVIS_DEFAVORABLE"),
        _info(M.DECISION_WAITING_LIST, DECISION, N_("Liste complémentaire"), N_("Envoyé à l'inscription sur la liste complémentaire."), "AVIS_LISTE_COMP"),
        _info(M.DECISION_ON_HOLD, DECISION, N_("Liste d'attente"), N_("Envoyé à l'inscription sur la liste d'attente (sans rang : la commission se prononcera plus tard)."), "AVIS_LISTE_ATT"),
        _info(M.DECISION_WAITING_LIST_CALL, DECISION, N_("Appel de la liste complémentaire"), N_("Envoyé quand une place se libère pour un candidat de la liste complémentaire."), ""),
        _info(M.DECISION_PRESELECTION, DECISION, N_("Présélection"), N_("Envoyé à la publication d'une présélection (convocation à un entretien)."), "AVIS_PRESELECTION"),
        _info(M.INTERVIEW_BOOKED, INTERVIEW, N_("Entretien réservé"), N_("Envoyé quand un candidat présélectionné réserve un créneau d'entretien."), ""),
        _info(M.INTERVIEW_MOVED, INTERVIEW, N_("Entretien déplacé"), N_("Envoyé quand le candidat change de créneau d'entretien."), ""),
        _info(M.INTERVIEW_CANCELLED, INTERVIEW, N_("Réservation d'entretien annulée"), N_("Envoyé quand le candidat annule sa réservation d'entretien."), ""),
        _info(M.INTERVIEW_SLOT_CANCELLED, INTERVIEW, N_("Créneau d'entretien annulé"), N_("Envoyé à chaque candidat inscrit quand la commission annule un créneau d'entretien."), ""),
        _info(M.INTERVIEW_REMINDER, INTERVIEW, N_("Rappel de l'entretien"), N_("Envoyé la veille de l'entretien à chaque candidat inscrit."), ""),
        _info(M.COMMITTEE_NEW_APPLICATION, COMMITTEE, N_("Nouvelle candidature"), N_("Alerte la commission d'une nouvelle candidature."), "COMMISSION_ALERT_PROPOSITION"),
        _info(M.COMMITTEE_TRANSMISSION, COMMITTEE, N_("Dossier transmis"), N_("Alerte la commission quand un candidat transmet son dossier."), "COMMISSION_ALERT_TRANSMISSION"),
        _info(M.COMMITTEE_CANCELLATION, COMMITTEE, N_("Candidature annulée"), N_("Alerte la commission quand une candidature est annulée."), "COMMISSION_ALERT_ANNULATION"),
        _info(M.COMMITTEE_WITHDRAWAL, COMMITTEE, N_("Désistement"), N_("Alerte la commission quand un candidat se désiste ou se retire de la liste complémentaire."), "COMMISSION_ALERT_DESISTEMENT"),
        _info(M.COMMITTEE_WAITING_LIST_CALL, COMMITTEE, N_("Appel de la liste complémentaire"), N_("Alerte la commission quand un candidat est appelé de la liste complémentaire."), "COMMISSION_ALERT_LISTE_PRINC"),
        _info(M.COMMITTEE_OPINIONS_COMPLETE, COMMITTEE, N_("Avis des commissions d'examen réunis"), N_("Envoyé à la commission qui décide quand le dernier avis requis des commissions d'examen est saisi : la décision peut être saisie."), ""),
        _info(M.STAFF_MESSAGE, OTHER, N_("Message d'un gestionnaire à une sélection"), N_("Texte de départ du message qu'un gestionnaire envoie aux candidats sélectionnés dans la liste des candidatures ; il le modifie avant l'envoi."), ""),
        _info(M.ASSISTANCE_REQUEST, ASSISTANCE, N_("Demande d'assistance"), N_("Transmet à l'assistance le message d'un candidat."), ""),
    )
}  # fmt: skip

# Each variable in the staff's words; a dotted name is a field of an object, ``list.field`` a field of each element.
VARIABLE_LABELS: dict[str, str] = {
    "institution_name": N_("Nom de l'établissement"),
    "assistance_email": N_("Adresse de l'assistance"),
    "base_url": N_("Adresse du portail (sans barre oblique finale)"),
    "language": N_("Langue du mail : « fr » ou « en »"),
    "account.first_name": N_("Prénom du candidat"),
    "account.last_name": N_("Nom du candidat"),
    "account.dossier_number": N_("Numéro de dossier du candidat"),
    "account.email": N_("Adresse e-mail du candidat"),
    "program.title": N_("Intitulé de la formation"),
    "program.centre_name": N_("Centre de candidature de la formation"),
    "program.return_by": N_("Date limite de retour du dossier (peut être vide)"),
    "program.confirmation_by": N_("Date limite de confirmation (peut être vide)"),
    "decision.label": N_("Libellé de l'avis"),
    "decision.detail": N_("Libellé de l'avis s'il en dit plus que son type (vide pour un simple « Avis favorable »)"),
    "decision.comment": N_("Commentaire de l'avis (peut être vide)"),
    "decision.reason": N_("Motif de l'avis (peut être vide)"),
    "decision.rank": N_("Rang sur la liste complémentaire (peut être vide)"),
    "decision.preselection_at": N_("Date et heure de l'entretien de présélection (peut être vide)"),
    "decision.preselection_place": N_("Lieu de l'entretien de présélection (peut être vide)"),
    "decision.confirmation_deadline": N_("Date limite pour confirmer (peut être vide)"),
    "committee.name": N_("Nom de la commission alertée"),
    "slot.starts_at": N_("Début de l'entretien"),
    "slot.ends_at": N_("Fin de l'entretien"),
    "slot.place": N_("Lieu de l'entretien (peut être vide)"),
    "slot.video_link": N_("Lien de visioconférence de l'entretien (peut être vide)"),
    "slot.booking_closes_at": N_("Date limite pour réserver, changer ou annuler ce créneau"),
    "previous_slot.starts_at": N_("Début du créneau quitté"),
    "previous_slot.ends_at": N_("Fin du créneau quitté"),
    "previous_slot.place": N_("Lieu du créneau quitté (peut être vide)"),
    "previous_slot.video_link": N_("Lien de visioconférence du créneau quitté (peut être vide)"),
    "previous_slot.booking_closes_at": N_("Date limite de réservation du créneau quitté"),
    "opinions": N_("Avis des commissions d'examen (liste)"),
    "opinions.committee": N_("Commission d'examen"),
    "opinions.role": N_("Rôle de la commission d'examen"),
    "opinions.opinion": N_("Avis donné (Favorable, Réservé, Défavorable)"),
    "opinions.comment": N_("Commentaire de l'avis (peut être vide)"),
    "expires_at": N_("Date et heure après lesquelles le lien ne fonctionne plus"),
    "new_email": N_("Nouvelle adresse e-mail demandée"),
    "deadline": N_("Date limite de confirmation"),
    "erase_on": N_("Date à laquelle le compte sera supprimé"),
    "applications": N_("Nombre de candidatures transmises qui retiennent la suppression"),
    "documents": N_("Pièces du dossier reçu (liste)"),
    "documents.title": N_("Intitulé de la pièce"),
    "documents.status": N_("Statut de la pièce"),
    "missing_documents": N_("Pièces manquantes ou refusées (liste, peut être vide)"),
    "missing_documents.title": N_("Intitulé de la pièce"),
    "missing_documents.comment": N_("Commentaire du gestionnaire (peut être vide)"),
    "processing_type": N_(
        "Type de traitement : « committee » (examen par la commission), « direct_admission » (accès de droit) "
        "ou « undecided » (à définir)"
    ),
    "provisional": N_("Vrai pour une acceptation provisoire (« oui, mais »), qui reste à confirmer définitivement"),
    "reason": N_("Motif donné par le candidat (peut être vide)"),
    "on_hold": N_("Vrai quand la liste quittée est la liste d'attente (sans rang), faux pour la liste complémentaire"),
    "from_waiting_list": N_("Vrai quand le candidat s'est retiré de la liste complémentaire (il n'avait pas d'offre)"),
    "sender_name": N_("Nom donné par l'expéditeur"),
    "sender_email": N_("Adresse à laquelle répondre"),
    "dossier_number": N_("Numéro de dossier de l'expéditeur (peut être vide)"),
    "topic": N_("Sujet choisi par l'expéditeur"),
    "message": N_("Message de l'expéditeur (texte brut)"),
}

_LINK_LABELS: dict[MailCode, str] = {
    M.ACCOUNT_CREATED: N_("Lien d'activation du compte"),
    M.ACTIVATION_RESENT: N_("Lien d'activation du compte"),
    M.PASSWORD_RESET: N_("Lien pour choisir un nouveau mot de passe"),
    M.EMAIL_CHANGE_NEW_ADDRESS: N_("Lien qui confirme la nouvelle adresse"),
    M.PERSONAL_DATA_READY: N_("Lien à usage unique qui télécharge la copie des données"),
    M.STAFF_MESSAGE: N_("Lien vers la page « Messages » du candidat"),
}
CANDIDATE_LINK = N_("Lien vers la candidature dans le portail")
STAFF_LINK = N_("Lien vers la candidature dans l'espace de gestion")


@dataclass(frozen=True)
class VariableDoc:
    """One variable a template may use: how to write it, what it holds, and its value in the preview."""

    name: str  # "account.first_name"; for an element of a list: "missing_documents.title"
    usage: str  # what to type: "{{ account.first_name }}", "{{ deadline|datetime }}", a loop for a list
    label: str  # French msgid
    sample: Any  # plain value; dates are formatted by sample_text()
    common: bool = False


def link_label(code: MailCode) -> str:
    if code in _LINK_LABELS:
        return _LINK_LABELS[code]
    return STAFF_LINK if code.value.startswith("committee_") else CANDIDATE_LINK


def label_of(code: MailCode, name: str) -> str:
    return link_label(code) if name == "link" else VARIABLE_LABELS[name]


def sample_text(value: Any, language: str) -> str:
    """The sample value as the preview shows it (dates in Paris time, in the mail's language)."""
    if isinstance(value, datetime):
        return format_datetime_local(value, language)
    if isinstance(value, list):
        return str(len(value))
    return "" if value is None else str(value)


def _usage(name: str, value: Any) -> str:
    return f"{{{{ {name}|datetime }}}}" if isinstance(value, datetime) else f"{{{{ {name} }}}}"


def template_variables(code: str, language: str = "fr") -> list[VariableDoc]:
    """Every variable the template of ``code`` may use, the code's own first, then those of every mail."""
    mail_code = MailCode(code)
    docs: list[VariableDoc] = []
    for name, value in sample_context(mail_code).items():
        if isinstance(value, dict):
            for key, item in value.items():
                path = f"{name}.{key}"
                docs.append(VariableDoc(path, _usage(path, item), label_of(mail_code, path), item))
        elif isinstance(value, list):
            fields = list(value[0]) if value else []
            loop = f"{{% for item in {name} %}}{{{{ item.{fields[0]} }}}}{{% endfor %}}" if fields else name
            docs.append(VariableDoc(name, loop, label_of(mail_code, name), value))
            for key in fields:  # the fields of each element, read inside the loop
                path = f"{name}.{key}"
                docs.append(VariableDoc(path, f"{{{{ item.{key} }}}}", label_of(mail_code, path), value[0][key]))
        else:
            docs.append(VariableDoc(name, _usage(name, value), label_of(mail_code, name), value))
    common = common_variables(language)
    for name in COMMON_VARIABLES:
        docs.append(VariableDoc(name, _usage(name, None), VARIABLE_LABELS[name], common[name], common=True))
    return docs


def code_info(code: MailCode) -> MailCodeInfo:
    """The catalogue's entry; a code added without one is still listed and editable (named by its code)."""
    return MAIL_CATALOGUE.get(code) or MailCodeInfo(code, OTHER, code.value, UNDESCRIBED, "")


def documented_codes() -> list[MailCode]:
    """Every mail code, in the catalogue's order (by category)."""
    order = {category: index for index, category in enumerate(CATEGORIES)}
    return sorted(MAIL_VARIABLES, key=lambda code: order[code_info(code).category])
