"""The administration sections, one place: the hub page lists them, each section's page links back to it."""
# ruff: noqa: E501  (one section a line reads best)

from dataclasses import dataclass

from nicegui import ui

from app.i18n import N_, _
from app.models import StaffRole
from app.ui import routes

ADMIN = (StaffRole.ADMINISTRATOR, StaffRole.CENTRAL_OFFICE)
OFFER_EDITORS = (*ADMIN, StaffRole.CENTRE_MANAGER)  # a centre manager only where the centre is allowed


@dataclass(frozen=True)
class Section:
    path: str
    label: str  # French msgid
    description: str  # French msgid
    roles: tuple[StaffRole, ...]


SECTIONS = (
    Section(routes.ADMIN_CAMPAIGNS, N_("Campagnes"), N_("Créer, activer, archiver ; passer à une nouvelle campagne."), ADMIN),
    Section(routes.ADMIN_CENTRES, N_("Centres de candidature"), N_("Contacts, alertes, nombre maximal de candidatures, calendrier par défaut."), ADMIN),
    Section(routes.ADMIN_COMMITTEES, N_("Commissions"), N_("Membres et président, adresse, signataire, lettres, alertes."), OFFER_EDITORS),
    Section(routes.ADMIN_DIPLOMA_TYPES, N_("Types de diplôme"), N_("Les types de diplôme de l'offre."), ADMIN),
    Section(routes.ADMIN_PROGRAMS, N_("Formations et calendriers"), N_("Formations, capacité, procédure, liste complémentaire ; dates de plusieurs formations à la fois."), OFFER_EDITORS),
    Section(routes.ADMIN_PIECES, N_("Pièces justificatives"), N_("Pièces de l'établissement, d'un centre ou d'une formation ; modèles, ordre."), OFFER_EDITORS),
    Section(routes.ADMIN_QUESTIONS, N_("Questions"), N_("Questions posées aux candidats."), OFFER_EDITORS),
    Section(routes.ADMIN_DECISION_TYPES, N_("Types d'avis et motifs de refus"), N_("Les avis que les commissions peuvent rendre."), ADMIN),
    Section(routes.ADMIN_TAGS, N_("Étiquettes"), N_("Les étiquettes que les gestionnaires posent sur les candidatures."), ADMIN),
    Section(routes.ADMIN_MAILS, N_("Modèles de mails"), N_("Objet et corps de chaque mail, en français et en anglais, avec aperçu."), ADMIN),
    Section(routes.ADMIN_FAILED_MAILS, N_("Courriels en échec"), N_("Courriels refusés ou en cours de relance : raison, relancer, annuler."), ADMIN),
    Section(routes.ADMIN_STAFF, N_("Gestionnaires et droits"), N_("Comptes des personnels et leurs rôles par périmètre."), ADMIN),
    Section(routes.ADMIN_LYCEES, N_("Lycées"), N_("La liste des lycées du baccalauréat : import de l'annuaire de l'Éducation nationale."), ADMIN),
    Section(routes.ADMIN_PARAMETERS, N_("Paramètres"), N_("Limites, délais, tailles de fichiers, politique de mot de passe."), ADMIN),
    Section(routes.ADMIN_MESSAGES, N_("Messages aux candidats"), N_("Bandeau d'information ou de maintenance."), ADMIN),
    Section(routes.ADMIN_FAQ, N_("Foire aux questions"), N_("Les questions fréquentes affichées aux candidats."), ADMIN),
    Section(routes.ADMIN_API, N_("Accès API"), N_("Jetons des comptes d'intégration (système d'information, décisionnel)."), ADMIN),
    Section(routes.ADMIN_JOBS, N_("Tâches planifiées"), N_("Rappels, appels de la liste complémentaire, purges."), ADMIN),
    Section(routes.ADMIN_ERASURES, N_("Demandes d'effacement"), N_("Comptes dont la suppression attend la fin de la durée de conservation."), ADMIN),
    Section(routes.ADMIN_LEASES, N_("Verrous d'édition"), N_("Dossiers en cours de modification."), ADMIN),
    Section(routes.ADMIN_PRIVACY, N_("Données personnelles"), N_("Qui a consulté ou modifié quel dossier (export CSV), registre des purges."), ADMIN),
)  # fmt: skip


def sections_for(role: StaffRole, *, centre_may_edit_offer: bool = False) -> list[Section]:
    """The sections this role may open; a centre manager sees the offer only if their centre may edit it."""
    if role in ADMIN:
        return list(SECTIONS)
    if role == StaffRole.CENTRE_MANAGER and centre_may_edit_offer:
        return [s for s in SECTIONS if role in s.roles]
    return []


def back_to_admin() -> None:
    """The link every administration page starts with."""
    ui.link(_("← Administration"), routes.ADMIN).mark("back-to-admin")
