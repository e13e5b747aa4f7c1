"""The administration sections, one place: the hub page lists them, each section's page links back to it."""
# ruff: noqa: E501  (one section a line reads best)

from dataclasses import dataclass

from nicegui import ui

from app.i18n import N_, _
from app.models import StaffRole

ADMIN = (StaffRole.ADMINISTRATOR, StaffRole.CENTRAL_OFFICE)
OFFER_EDITORS = (*ADMIN, StaffRole.CENTRE_MANAGER)  # a centre manager only where the centre is allowed


@dataclass(frozen=True)
class Section:
    path: str
    label: str  # French msgid
    description: str  # French msgid
    roles: tuple[StaffRole, ...]


SECTIONS = (
    Section("/admin/campagnes", N_("Campagnes"), N_("Créer, activer, archiver ; passer à une nouvelle campagne."), ADMIN),
    Section("/admin/centres", N_("Centres de candidature"), N_("Contacts, alertes, nombre maximal de candidatures, calendrier par défaut."), ADMIN),
    Section("/admin/commissions", N_("Commissions"), N_("Membres et président, adresse, signataire, lettres, alertes."), OFFER_EDITORS),
    Section("/admin/types-diplome", N_("Types de diplôme"), N_("Les types de diplôme de l'offre."), ADMIN),
    Section("/admin/formations", N_("Formations et calendriers"), N_("Formations, capacité, procédure, liste complémentaire ; dates de plusieurs formations à la fois."), OFFER_EDITORS),
    Section("/admin/pieces", N_("Pièces justificatives"), N_("Pièces de l'établissement, d'un centre ou d'une formation ; modèles, ordre."), OFFER_EDITORS),
    Section("/admin/questions", N_("Questions"), N_("Questions posées aux candidats."), OFFER_EDITORS),
    Section("/admin/avis", N_("Types d'avis et motifs de refus"), N_("Les avis que les commissions peuvent rendre."), ADMIN),
    Section("/admin/mails", N_("Modèles de mails"), N_("Objet et corps de chaque mail, en français et en anglais, avec aperçu."), ADMIN),
    Section("/admin/gestionnaires", N_("Gestionnaires et droits"), N_("Comptes des personnels et leurs rôles par périmètre."), ADMIN),
    Section("/admin/parametres", N_("Paramètres"), N_("Limites, délais, tailles de fichiers, politique de mot de passe."), ADMIN),
    Section("/admin/messages", N_("Messages aux candidats"), N_("Bandeau d'information ou de maintenance."), ADMIN),
    Section("/admin/faq", N_("Foire aux questions"), N_("Les questions fréquentes affichées aux candidats."), ADMIN),
    Section("/admin/api", N_("Accès API"), N_("Jetons des comptes d'intégration (système d'information, décisionnel)."), ADMIN),
    Section("/admin/jobs", N_("Tâches planifiées"), N_("Rappels, appels de la liste complémentaire, purges."), ADMIN),
    Section("/admin/leases", N_("Verrous d'édition"), N_("Dossiers en cours de modification."), ADMIN),
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
    ui.link(_("← Administration"), "/admin").mark("back-to-admin")
