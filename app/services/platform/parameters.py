"""Parameters ("paramètres") the central office sets from the browser, overriding the ``ECANDIDAT_*`` defaults.

A ``PortalParameter`` row overrides the setting of the same name; without a row the environment's value (or the
built-in default) holds. Services read the effective value with :func:`current` (or :func:`effective_settings`
for several at once). Values are cached in the process: the cache is dropped when a save commits, and reloaded
after ``CACHE_SECONDS`` so that several instances converge without a query on every page. The central office
sets them in ``admin/portal_parameters.py``.
"""
# ruff: noqa: E501  (one parameter a line reads best)

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from app import clock
from app.config import Settings, get_settings
from app.i18n import N_
from app.models import PortalParameter
from app.services.platform.process_cache import EngineCache

CACHE_SECONDS = 30.0


@dataclass(frozen=True)
class ParameterDef:
    name: str  # the Settings attribute (ECANDIDAT_<NAME>)
    group: str  # French msgid
    label: str  # French msgid
    help: str  # French msgid
    unit: str  # French msgid
    minimum: int
    maximum: int


_LIMITS, _FILES, _ACCOUNTS, _DELAYS, _STAFF = (
    N_("Limites de candidatures"),
    N_("Fichiers déposés"),
    N_("Comptes et connexion"),
    N_("Rappels et délais"),
    N_("Travail des gestionnaires"),
)
_DAYS, _HOURS, _MINUTES, _SECONDS, _MB = N_("jours"), N_("heures"), N_("minutes"), N_("secondes"), N_("Mo")
_TIMES, _CHARS, _PAGES, _APPS, _REQS = N_("fois"), N_("caractères"), N_("pages"), N_("candidatures"), N_("demandes")
_YES_NO = N_("1 : oui, 0 : non")

DEFINITIONS: tuple[ParameterDef, ...] = (
    ParameterDef("max_applications_per_institution", _LIMITS, N_("Candidatures par candidat dans l'établissement"), N_("Nombre maximal de candidatures en cours (non annulées) d'un candidat dans la campagne, toutes composantes confondues."), _APPS, 1, 200),
    ParameterDef("max_applications_per_centre", _LIMITS, N_("Candidatures par candidat dans une composante"), N_("Nombre maximal par composante, quand la composante n'a pas fixé le sien."), _APPS, 1, 200),
    ParameterDef("max_file_mb", _FILES, N_("Taille maximale d'un fichier"), N_("Taille d'un fichier déposé par un candidat ; au-delà, l'envoi est refusé dès sa réception."), _MB, 1, 100),
    ParameterDef("max_piece_mb", _FILES, N_("Taille maximale d'une pièce"), N_("Taille de tous les fichiers d'une pièce réunis ; au moins la taille maximale d'un fichier."), _MB, 1, 500),
    ParameterDef("max_piece_pages", _FILES, N_("Pages d'une pièce"), N_("Nombre maximal de pages d'une pièce (et d'un PDF déposé)."), _PAGES, 1, 1000),
    ParameterDef("password_min_length", _ACCOUNTS, N_("Longueur minimale du mot de passe"), N_("Jamais moins de 10 caractères."), _CHARS, 10, 128),
    ParameterDef("sign_in_max_failures", _ACCOUNTS, N_("Échecs de connexion avant blocage"), N_("Après ce nombre d'échecs, le compte attend avant un nouvel essai."), _TIMES, 3, 50),
    ParameterDef("sign_in_throttle_minutes", _ACCOUNTS, N_("Durée du blocage après des échecs"), N_("Attente imposée à un compte ou une adresse bloqués."), _MINUTES, 1, 1440),
    ParameterDef("activation_days", _ACCOUNTS, N_("Validité du lien d'activation"), N_("Un compte non activé dans ce délai est supprimé."), _DAYS, 1, 60),
    ParameterDef("reset_hours", _ACCOUNTS, N_("Validité du lien de réinitialisation du mot de passe"), N_("Durée de validité du lien envoyé par « Mot de passe oublié »."), _HOURS, 1, 72),
    ParameterDef("return_reminder_days", _DELAYS, N_("Rappel avant la date de retour"), N_("Jours avant la date de retour où les candidatures non transmises reçoivent un rappel."), _DAYS, 1, 60),
    ParameterDef("confirmation_reminder_days", _DELAYS, N_("Rappel avant la date de confirmation"), N_("Jours avant la date limite de confirmation où une proposition sans réponse reçoit un rappel."), _DAYS, 1, 30),
    ParameterDef("confirmation_short_delay_from_days", _DELAYS, N_("Délai de confirmation raccourci à 3 jours"), N_("À partir de ce nombre de jours avant la fin de la campagne, une proposition publiée laisse au plus 3 jours pour confirmer (le délai de la formation s'il est plus court)."), _DAYS, 1, 365),
    ParameterDef("confirmation_last_delay_from_days", _DELAYS, N_("Délai de confirmation raccourci à 1 jour"), N_("À partir de ce nombre de jours avant la fin de la campagne, une proposition publiée laisse au plus 1 jour pour confirmer ; moins que le seuil des 3 jours."), _DAYS, 0, 364),
    ParameterDef("assistance_max_per_hour", _DELAYS, N_("Demandes d'assistance par heure"), N_("Nombre de demandes d'assistance qu'un candidat peut envoyer en une heure."), _REQS, 1, 100),
    ParameterDef("processing_type_change_resets_dossier", _STAFF, N_("Changement de type de traitement : dossier remis « En attente »"), N_("1 : un changement du type de traitement remet le dossier au statut « En attente » (le candidat en est informé et doit le transmettre de nouveau) ; 0 : le statut du dossier ne change pas."), _YES_NO, 0, 1),
    ParameterDef("sva_orange_days", _STAFF, N_("Alerte SVA : orange à partir de"), N_("Jours depuis la transmission, sans avis publié, à partir desquels la ligne passe à l'orange."), _DAYS, 1, 365),
    ParameterDef("sva_red_days", _STAFF, N_("Alerte SVA : rouge à partir de"), N_("Jours depuis la transmission à partir desquels la ligne passe au rouge ; plus que l'orange."), _DAYS, 2, 366),
    ParameterDef("edit_lease_seconds", _STAFF, N_("Durée d'un verrou d'édition"), N_("Un verrou se libère ce temps après le dernier signe de vie de la page qui le tient."), _SECONDS, 20, 3600),
)  # fmt: skip
BY_NAME = {d.name: d for d in DEFINITIONS}
GROUPS = tuple(dict.fromkeys(d.group for d in DEFINITIONS))

# --- The effective values ------------------------------------------------------------------------------------------


def _read_overrides(session: Session) -> dict[str, Any]:
    return {
        row.name: row.value.get("value") for row in session.exec(select(PortalParameter)).all() if row.name in BY_NAME
    }


_cache: EngineCache[dict[str, Any]] = EngineCache("portal parameters", _read_overrides, dict, CACHE_SECONDS)


def invalidate() -> None:
    """Forget the cached overrides (tests; a save does it when it commits)."""
    _cache.invalidate()


def invalidate_on_commit(session: Session) -> None:
    """This instance sees the new value as soon as ``session`` commits (others within ``CACHE_SECONDS``)."""
    _cache.invalidate_on_commit(session)


def _load() -> dict[str, Any]:
    return _cache.get()


def default(name: str) -> Any:
    """The value of the environment (or built-in default), without any override."""
    return getattr(get_settings(), BY_NAME[name].name)


def current(name: str) -> Any:
    """The effective value of parameter ``name``: the staff's override, else the default."""
    overrides = _load()
    return overrides[name] if name in overrides else default(name)


def peek(name: str) -> Any:
    """Like :func:`current` without touching the database: the cached override, else the default.

    For the upload route's guard, which runs before any page code on the event loop; the upload widget's page has
    just read the value through :func:`current`, so the cache is fresh there.
    """
    overrides = _cache.peek() or {}
    return overrides[name] if name in overrides else default(name)


def stage_row(session: Session, row: PortalParameter | None, name: str, value: Any, staff_id: int) -> PortalParameter:
    """Create the row of ``name`` (``row`` None) or change it, as set by ``staff_id``; added, not flushed: the
    caller flushes and audits (``admin/portal_parameters.py``, the read-only switch)."""
    if row is None:
        row = PortalParameter(name=name, value={"value": value}, updated_by_staff_id=staff_id)
    else:
        row.value = {"value": value}
        row.updated_at = clock.now()
        row.updated_by_staff_id = staff_id
    session.add(row)
    return row


def effective_settings() -> Settings:
    """The settings with every override applied (for code reading several parameters at once)."""
    overrides = _load()
    settings = get_settings()
    return settings.model_copy(update=overrides) if overrides else settings
