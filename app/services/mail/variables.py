"""What each mail code receives: its variables, one line each, and a sample context that renders it.

This is the one place to read before calling ``enqueue_mail`` or editing a template: the template editor
lists these variables, and the tests render every shipped default with its sample context. Every mail also
receives the common variables (added by ``enqueue_mail``). Values are plain data (dicts, lists, strings,
numbers, aware datetimes) — never model objects, so a template cannot reach a column it was not given.
"""

import copy
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any


class MailCode(StrEnum):
    ACCOUNT_CREATED = "account_created"
    ACTIVATION_RESENT = "activation_resent"
    PASSWORD_RESET = "password_reset"
    DOSSIER_NUMBER_REMINDER = "dossier_number_reminder"
    EMAIL_CHANGE_NEW_ADDRESS = "email_change_new_address"
    EMAIL_CHANGE_OLD_ADDRESS = "email_change_old_address"
    ACCOUNT_DELETED = "account_deleted"
    PERSONAL_DATA_READY = "personal_data_ready"
    ACCOUNT_ERASURE_SCHEDULED = "account_erasure_scheduled"
    APPLICATION_CREATED = "application_created"
    APPLICATION_CANCELLED = "application_cancelled"
    APPLICATION_CONFIRMED = "application_confirmed"
    APPLICATION_WITHDRAWN = "application_withdrawn"
    APPLICATION_WITHDRAWN_AUTOMATICALLY = "application_withdrawn_automatically"
    WAITING_LIST_LEFT = "waiting_list_left"
    CONFIRMATION_REMINDER = "confirmation_reminder"
    PROVISIONAL_ACCEPTANCE_REMINDER = "provisional_acceptance_reminder"
    PROVISIONAL_ACCEPTANCE_EXPIRED = "provisional_acceptance_expired"
    RETURN_DATE_REMINDER = "return_date_reminder"
    DOSSIER_PENDING = "dossier_pending"
    DOSSIER_RECEIVED = "dossier_received"
    DOSSIER_INCOMPLETE = "dossier_incomplete"
    DOSSIER_COMPLETE = "dossier_complete"
    # The processing type's mail, one per new type (eCandidat's TYPE_TRAIT_AC, TYPE_TRAIT_AD, TYPE_TRAIT_ATT).
    PROCESSING_TYPE_COMMITTEE = "processing_type_committee"
    PROCESSING_TYPE_DIRECT_ADMISSION = "processing_type_direct_admission"
    PROCESSING_TYPE_UNDECIDED = "processing_type_undecided"
    DECISION_FAVORABLE = "decision_favorable"
    DECISION_UNFAVORABLE = "decision_unfavorable"
    DECISION_WAITING_LIST = "decision_waiting_list"
    DECISION_ON_HOLD = "decision_on_hold"
    DECISION_WAITING_LIST_CALL = "decision_waiting_list_call"
    DECISION_PRESELECTION = "decision_preselection"
    INTERVIEW_BOOKED = "interview_booked"
    INTERVIEW_MOVED = "interview_moved"
    INTERVIEW_CANCELLED = "interview_cancelled"
    INTERVIEW_SLOT_CANCELLED = "interview_slot_cancelled"
    INTERVIEW_REMINDER = "interview_reminder"
    COMMITTEE_NEW_APPLICATION = "committee_new_application"
    COMMITTEE_TRANSMISSION = "committee_transmission"
    COMMITTEE_CANCELLATION = "committee_cancellation"
    COMMITTEE_WITHDRAWAL = "committee_withdrawal"
    COMMITTEE_WAITING_LIST_CALL = "committee_waiting_list_call"
    COMMITTEE_OPINIONS_COMPLETE = "committee_opinions_complete"
    ASSISTANCE_REQUEST = "assistance_request"
    STAFF_MESSAGE = "staff_message"


COMMON_VARIABLES: dict[str, str] = {
    "institution_name": "name of the institution (settings)",
    "assistance_email": "assistance contact address (settings)",
    "base_url": "public address of the portal, without a trailing slash (settings)",
    "language": "language of the mail: 'fr' or 'en'",
}

# Shapes shared by several codes.
ACCOUNT = "the candidate: {first_name, last_name, dossier_number, email}"
PROGRAM = "the programme: {title, centre_name, return_by, confirmation_by} (dates: aware datetimes or None)"
DECISION = (
    "the published decision: {label, detail, comment, reason, rank, preselection_at, preselection_place, "
    "confirmation_deadline} (empty strings / None when not applicable; detail: the label when it says more than "
    "its kind, e.g. « Avis favorable sous réserve… », empty for a plain « Avis favorable »)"
)
SLOT = (
    "the interview slot: {starts_at, ends_at, place, video_link, booking_closes_at} (aware datetimes; place or "
    "video_link may be empty, never both)"
)
COMMITTEE = "the committee alerted: {name}"
LINK = "absolute URL the reader follows"
EXPIRES = "aware datetime after which the link stops working"

_ACCOUNT_LINK = {"account": ACCOUNT, "link": LINK, "expires_at": EXPIRES}
_CANDIDATE = {"account": ACCOUNT, "program": PROGRAM}
_CANDIDATE_LINK = {**_CANDIDATE, "link": "absolute URL of the application in the portal"}
_DECISION = {**_CANDIDATE_LINK, "decision": DECISION}
_INTERVIEW = {**_CANDIDATE_LINK, "slot": SLOT}
_COMMITTEE = {"committee": COMMITTEE, **_CANDIDATE}
_COMMITTEE_LINK = {**_COMMITTEE, "link": "absolute URL of the application in the staff screens"}

MAIL_VARIABLES: dict[MailCode, dict[str, str]] = {
    MailCode.ACCOUNT_CREATED: _ACCOUNT_LINK | {"link": "activation link"},
    MailCode.ACTIVATION_RESENT: _ACCOUNT_LINK | {"link": "activation link"},
    MailCode.PASSWORD_RESET: _ACCOUNT_LINK | {"link": "link to choose a new password"},
    MailCode.DOSSIER_NUMBER_REMINDER: {"account": ACCOUNT},
    MailCode.EMAIL_CHANGE_NEW_ADDRESS: _ACCOUNT_LINK | {"link": "link confirming the new address"},
    MailCode.EMAIL_CHANGE_OLD_ADDRESS: {"account": ACCOUNT, "new_email": "the address asked for"},
    MailCode.ACCOUNT_DELETED: {"account": ACCOUNT},
    MailCode.PERSONAL_DATA_READY: _ACCOUNT_LINK | {"link": "single-use link to the ZIP of the candidate's data"},
    MailCode.ACCOUNT_ERASURE_SCHEDULED: {
        "account": ACCOUNT,
        "erase_on": "aware datetime at which the account will be erased (the end of the campaign's retention)",
        "applications": "number of transmitted applications that hold the erasure until then",
    },
    MailCode.APPLICATION_CREATED: _CANDIDATE_LINK,
    MailCode.APPLICATION_CANCELLED: _CANDIDATE,
    MailCode.APPLICATION_CONFIRMED: {
        **_CANDIDATE,
        "provisional": "true for a provisional acceptance (« oui, mais »), still to be made definitive",
        "deadline": "aware datetime before which a provisional acceptance must be made definitive, or None",
    },
    MailCode.APPLICATION_WITHDRAWN: _CANDIDATE,
    MailCode.APPLICATION_WITHDRAWN_AUTOMATICALLY: {**_CANDIDATE, "deadline": "confirmation deadline that passed"},
    MailCode.WAITING_LIST_LEFT: {**_CANDIDATE, "on_hold": "true when the list left is the unranked waiting list"},
    MailCode.CONFIRMATION_REMINDER: {**_CANDIDATE_LINK, "deadline": "aware datetime: confirm before it"},
    MailCode.PROVISIONAL_ACCEPTANCE_REMINDER: {
        **_CANDIDATE_LINK,
        "deadline": "aware datetime: make the provisional acceptance definitive before it",
    },
    MailCode.PROVISIONAL_ACCEPTANCE_EXPIRED: {
        **_CANDIDATE,
        "deadline": "deadline that passed without a definitive acceptance",
    },
    MailCode.RETURN_DATE_REMINDER: {
        **_CANDIDATE_LINK,
        "missing_documents": "list of {title, comment}: pieces still missing (may be empty)",
    },
    MailCode.DOSSIER_PENDING: _CANDIDATE_LINK,
    MailCode.DOSSIER_RECEIVED: {
        **_CANDIDATE_LINK,
        "documents": "list of {title, status}: the pieces of the dossier as received (the receipt)",
    },
    MailCode.DOSSIER_INCOMPLETE: {
        **_CANDIDATE_LINK,
        "missing_documents": "list of {title, comment}: pieces missing or refused, with the manager's comment",
    },
    MailCode.DOSSIER_COMPLETE: _CANDIDATE_LINK,
    **{
        code: {**_CANDIDATE_LINK, "processing_type": "the new type: 'committee', 'direct_admission' or 'undecided'"}
        for code in (
            MailCode.PROCESSING_TYPE_COMMITTEE,
            MailCode.PROCESSING_TYPE_DIRECT_ADMISSION,
            MailCode.PROCESSING_TYPE_UNDECIDED,
        )
    },
    MailCode.DECISION_FAVORABLE: _DECISION,
    MailCode.DECISION_UNFAVORABLE: _DECISION,
    MailCode.DECISION_WAITING_LIST: _DECISION,
    MailCode.DECISION_ON_HOLD: _DECISION,
    MailCode.DECISION_WAITING_LIST_CALL: _DECISION,
    MailCode.DECISION_PRESELECTION: _DECISION,
    MailCode.INTERVIEW_BOOKED: _INTERVIEW,
    MailCode.INTERVIEW_MOVED: {**_INTERVIEW, "previous_slot": "the slot left, same fields as slot"},
    MailCode.INTERVIEW_CANCELLED: _INTERVIEW,
    MailCode.INTERVIEW_SLOT_CANCELLED: _INTERVIEW,
    MailCode.INTERVIEW_REMINDER: _INTERVIEW,
    MailCode.COMMITTEE_NEW_APPLICATION: _COMMITTEE_LINK,
    MailCode.COMMITTEE_TRANSMISSION: _COMMITTEE_LINK,
    MailCode.COMMITTEE_CANCELLATION: _COMMITTEE,
    MailCode.COMMITTEE_WITHDRAWAL: {
        **_COMMITTEE,
        "reason": "reason the candidate gave (may be empty)",
        "from_waiting_list": "true when the candidate left the waiting list (no offer was held)",
        "on_hold": "true when the list left is the unranked waiting list (« liste d'attente »)",
    },
    MailCode.COMMITTEE_WAITING_LIST_CALL: {**_COMMITTEE_LINK, "decision": DECISION},
    MailCode.COMMITTEE_OPINIONS_COMPLETE: {
        **_COMMITTEE_LINK,
        "opinions": "list of {committee, role, opinion, comment}: the examining committees' opinions, in French",
    },
    MailCode.ASSISTANCE_REQUEST: {
        "sender_name": "name the sender gave",
        "sender_email": "address to answer to",
        "dossier_number": "the sender's dossier number (may be empty)",
        "topic": "subject chosen by the sender",
        "message": "the sender's message (plain text)",
    },
    # Written by the sender for each send; this code's template is the text the dialog starts from.
    MailCode.STAFF_MESSAGE: {**_CANDIDATE, "link": "absolute URL of the candidate's « Messages » page"},
}

_SAMPLE_VALUES: dict[str, Any] = {
    "account": {
        "first_name": "Éloïse",
        "last_name": "Dupré-Lefèvre",
        "dossier_number": "C4F7K2Q9",
        "email": "eloise.dupre@example.org",
    },
    "program": {
        "title": "Master Mention Électronique, énergie électrique, automatique",
        "centre_name": "UFR Sciences et Techniques",
        "return_by": datetime(2025, 4, 30, 21, 59, tzinfo=UTC),
        "confirmation_by": datetime(2025, 6, 20, 21, 59, tzinfo=UTC),
    },
    "decision": {
        "label": "Avis favorable",
        "detail": "",
        "comment": "Très bon dossier.",
        "reason": "Capacité d'accueil atteinte",
        "rank": 3,
        "preselection_at": datetime(2025, 5, 15, 7, 30, tzinfo=UTC),
        "preselection_place": "Bâtiment IIIA, salle E08",
        "confirmation_deadline": datetime(2025, 6, 20, 21, 59, tzinfo=UTC),
    },
    "committee": {"name": "Commission Master EEA"},
    "slot": {
        "starts_at": datetime(2025, 5, 15, 7, 30, tzinfo=UTC),
        "ends_at": datetime(2025, 5, 15, 8, 0, tzinfo=UTC),
        "place": "Bâtiment IIIA, salle E08",
        "video_link": "https://visio.example.org/entretien-eea",
        "booking_closes_at": datetime(2025, 5, 14, 7, 30, tzinfo=UTC),
    },
    "opinions": [
        {"committee": "Commission pédagogique", "role": "Examen pédagogique", "opinion": "Favorable", "comment": ""},
        {
            "committee": "Direction des études",
            "role": "Avis du directeur",
            "opinion": "Réservé",
            "comment": "Projet professionnel à préciser.",
        },
    ],
    "link": "http://127.0.0.1:8080/candidatures/42",
    "expires_at": datetime(2025, 3, 14, 13, 30, tzinfo=UTC),
    "new_email": "eloise.nouvelle@example.org",
    "deadline": datetime(2025, 6, 20, 21, 59, tzinfo=UTC),
    "erase_on": datetime(2027, 9, 30, 22, 0, tzinfo=UTC),
    "applications": 2,
    "documents": [
        {"title": "Pièce d'identité", "status": "Transmise"},
        {"title": "Attestation de handicap", "status": "Non concerné"},
    ],
    "missing_documents": [
        {"title": "Relevé de notes de licence", "comment": "Le semestre 6 manque."},
        {"title": "Lettre de motivation", "comment": ""},
    ],
    "processing_type": "committee",
    "provisional": False,
    "from_waiting_list": False,
    "on_hold": False,
    "reason": "J'ai accepté une autre formation.",
    "sender_name": "Éloïse Dupré-Lefèvre",
    "sender_email": "eloise.dupre@example.org",
    "dossier_number": "C4F7K2Q9",
    "topic": "Téléversement impossible",
    "message": "Bonjour,\nje n'arrive pas à déposer mon relevé de notes.",
}


# The slot a move left: the day before, in another room.
_SAMPLE_VALUES["previous_slot"] = {
    name: value - timedelta(days=1) if isinstance(value, datetime) else value
    for name, value in _SAMPLE_VALUES["slot"].items()
} | {"place": "Bâtiment IIIA, salle E10", "video_link": ""}


def sample_context(code: str) -> dict[str, Any]:
    """A context with every documented variable of ``code`` (common variables excluded)."""
    return copy.deepcopy({name: _SAMPLE_VALUES[name] for name in MAIL_VARIABLES[MailCode(code)]})


def all_sample_values() -> dict[str, Any]:
    """Every variable any mail may receive, for checking a template whose code is not known."""
    return copy.deepcopy(_SAMPLE_VALUES)
