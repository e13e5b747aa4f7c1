"""Every path the application serves, one place: ``@page`` registrations and links name these constants.

A parametrised path is filled with ``str.format`` (``routes.STAFF_APPLICATION.format(application_id=42)``). Pages and
the screen kit import this module (it imports nothing); services build the links of their mails from their own
constants, kept equal to these by ``tests/ui/test_links.py``.
"""

HOME = "/"
FAQ = "/faq"
ACCESSIBILITY = "/accessibilite"
LEGAL_NOTICE = "/mentions-legales"
PERSONAL_DATA = "/donnees-personnelles"
LANGUAGE = "/langue/{code}"
SESSION_SWITCH = "/session/changer"
OFFER = "/formations"
OFFER_PROGRAM = "/formations/{code}"

# Signing in and the account
SIGN_IN = "/connexion"
ACCOUNT = "/compte"
ACCOUNT_CREATE = "/compte/creer"
ACCOUNT_ERASED = "/compte/supprime"
ACCOUNT_ACTIVATE = "/compte/activer/{token}"
ACTIVATION_REQUEST = "/compte/activation"
FORGOTTEN_PASSWORD = "/compte/mot-de-passe-oublie"
FORGOTTEN_NUMBER = "/compte/numero-oublie"
PASSWORD_RESET = "/compte/mot-de-passe/{token}"
EMAIL_CHANGE = "/compte/email/{token}"
MY_DATA_DOWNLOAD = "/compte/mes-donnees/{token}"  # the mailed single-use link to a candidate's copy of their data
SSO_SIGN_IN = "/sso/{provider}/connexion"
SSO_OIDC_SIGN_IN = "/sso/oidc/connexion"
SSO_OIDC_RETURN = "/sso/oidc/retour"
SSO_CAS_SIGN_IN = "/sso/cas/connexion"
SSO_CAS_RETURN = "/sso/cas/retour"

# The candidate
CANDIDATE_HOME = "/candidat"
DOSSIER_TAB = "/candidat/dossier/{tab}"
APPLICATIONS = "/candidat/candidatures"
APPLICATION = "/candidat/candidatures/{application_id}"
APPLICATION_LETTER = "/candidat/candidatures/{application_id}/lettre.pdf"
APPLICATION_DOSSIER_PDF = "/candidat/candidatures/{application_id}/dossier.pdf"
PIECE_PDF = "/candidat/pieces/{submitted_document_id}.pdf"
MESSAGES = "/candidat/messages"

# Staff
STAFF_HOME = "/gestion"
STAFF_APPLICATIONS = "/gestion/candidatures"
STAFF_APPLICATION = "/gestion/candidatures/{application_id}"
STAFF_APPLICATION_DOSSIER_PDF = "/gestion/candidatures/{application_id}/dossier.pdf"
STAFF_PIECE_PDF = "/gestion/pieces/{submitted_document_id}.pdf"
WAITING_LISTS = "/gestion/liste-complementaire"
WAITING_LIST = "/gestion/liste-complementaire/{program_id}"
INTERVIEWS = "/gestion/entretiens"
INTERVIEW_PROGRAM = "/gestion/entretiens/{program_id}"
INTERVIEW_PLANNING_PDF = "/gestion/entretiens/{program_id}/planning.pdf"
STATISTICS = "/gestion/statistiques"
EXPORTS = "/gestion/exports"
EXPORT_FILE = "/gestion/exports/{job_id}/fichier"
HANDOFF = "/gestion/transfert-inscriptions"
RANKINGS = "/gestion/classements"  # ranking by the scoring grids' combined score
RANKING = "/gestion/classements/{program_id}"
ACCOUNT_DESK = "/gestion/comptes"  # « Gestionnaire de candidats »: candidate accounts

# The administration
ADMIN = "/admin"
ADMIN_CAMPAIGNS = "/admin/campagnes"
ADMIN_CENTRES = "/admin/centres"
ADMIN_COMMITTEES = "/admin/commissions"
ADMIN_COMMITTEE_EDIT = "/admin/commissions/edition"
ADMIN_DIPLOMA_TYPES = "/admin/types-diplome"
ADMIN_TAGS = "/admin/etiquettes"
ADMIN_PROGRAMS = "/admin/formations"
ADMIN_PROGRAM_EDIT = "/admin/formations/edition"
ADMIN_PIECES = "/admin/pieces"
ADMIN_QUESTIONS = "/admin/questions"
ADMIN_DECISION_TYPES = "/admin/avis"
ADMIN_DECISION_TYPE = "/admin/avis/types/{key}"
ADMIN_REFUSAL_REASON = "/admin/avis/motifs/{key}"
ADMIN_MAILS = "/admin/mails"
ADMIN_FAILED_MAILS = "/admin/courriels-en-echec"
ADMIN_MAIL = "/admin/mails/{code}/{language}"
ADMIN_STAFF = "/admin/gestionnaires"
ADMIN_STAFF_NEW = "/admin/gestionnaires/nouveau"
ADMIN_STAFF_MEMBER = "/admin/gestionnaires/fiche/{staff_id}"
ADMIN_PARAMETERS = "/admin/parametres"
ADMIN_LYCEES = "/admin/lycees"
ADMIN_MESSAGES = "/admin/messages"
ADMIN_FAQ = "/admin/faq"
ADMIN_API = "/admin/api"
ADMIN_JOBS = "/admin/jobs"
ADMIN_LEASES = "/admin/verrous"
ADMIN_PRIVACY = "/admin/donnees-personnelles"
ADMIN_ERASURES = "/admin/effacements"

# Development only (ECANDIDAT_DEV_MAILBOX)
DEV_MAILBOX = "/dev/mailbox"
DEV_MAILBOX_ATTACHMENT = "/dev/mailbox/{mail_id}/attachments/{index}"
