"""The calendar of a programme (and a centre's default calendar): labels and the consistency rule.

The dates follow one another: window start < window end ≤ return date ≤ jury ≤ publication ≤ confirmation.
A missing optional date is skipped: each present date is compared with the latest date before it in that order,
and a violation is reported on the later field, naming the date it conflicts with. Confirmation (and the
confirmation after a waiting-list call) is either a fixed date or a delay in days, never both.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.clock import paris
from app.i18n import N_, gettext

# The ordered chain; the first pair alone is strict (a window must last).
CHAIN = ("window_opens_at", "window_closes_at", "return_by", "jury_on", "publication_on", "confirmation_by")
REQUIRED_FOR_PROGRAM = ("window_opens_at", "window_closes_at")
MOMENTS = (*CHAIN, "waiting_list_confirmation_by", "preselection_at")
DELAYS = ("confirmation_delay_days", "waiting_list_confirmation_delay_days")
FIELDS = (*MOMENTS, *DELAYS, "preselection_place")
MAX_DELAY_DAYS = 365

LABELS: dict[str, str] = {
    "window_opens_at": N_("Ouverture des candidatures"),
    "window_closes_at": N_("Fermeture des candidatures"),
    "return_by": N_("Date limite de retour des dossiers"),
    "jury_on": N_("Date du jury"),
    "publication_on": N_("Date de publication des résultats"),
    "confirmation_by": N_("Date limite de confirmation"),
    "confirmation_delay_days": N_("Délai de confirmation (jours)"),
    "waiting_list_confirmation_by": N_("Date limite de confirmation après appel de la liste complémentaire"),
    "waiting_list_confirmation_delay_days": N_("Délai de confirmation après appel de la liste complémentaire (jours)"),
    "preselection_at": N_("Présélection : date et heure"),
    "preselection_place": N_("Présélection : lieu"),
}

REQUIRED = N_("Ce champ est obligatoire.")
AFTER = N_("Cette date doit être postérieure à « {other} » ({moment}).")
NOT_BEFORE = N_("Cette date ne peut pas être antérieure à « {other} » ({moment}).")
ONE_OF = N_("Indiquez soit une date limite, soit un délai en jours, pas les deux.")
DELAY_RANGE = N_("Indiquez un nombre de jours entre 0 et {max}.")
PLACE_WITHOUT_MOMENT = N_("Indiquez aussi la date et l'heure de la présélection.")


class Label:
    """A msgid translated only when formatted: a service builds the message, the screen reads it in its language."""

    def __init__(self, msgid: str) -> None:
        self.msgid = msgid

    def __str__(self) -> str:
        return gettext(self.msgid)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Label) and other.msgid == self.msgid

    def __hash__(self) -> int:
        return hash(self.msgid)


def moment_text(moment: datetime) -> str:
    """A moment as staff type it: Paris time, numeric (reads the same in French and English)."""
    return paris(moment).strftime("%d/%m/%Y %H:%M")


@dataclass
class Issues:
    """Messages (French msgids) and their parameters, by field; empty when the calendar is consistent."""

    errors: dict[str, str] = field(default_factory=dict)
    params: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, name: str, message: str, **params: Any) -> None:
        if name not in self.errors:  # the first problem of a field is the one to fix first
            self.errors[name] = message
            self.params[name] = params

    def merge(self, other: "Issues") -> None:
        for name, message in other.errors.items():
            self.add(name, message, **other.params.get(name, {}))

    def __bool__(self) -> bool:
        return bool(self.errors)


def _order(values: Mapping[str, Any], issues: Issues, labels: Mapping[str, str]) -> None:
    latest: tuple[str, datetime] | None = None  # the latest present date before the current one
    for name in CHAIN:
        moment = values.get(name)
        if moment is None:
            continue
        if latest is not None:
            other, before = latest
            strict = other == "window_opens_at" and name == "window_closes_at"
            if moment < before or (strict and moment == before):
                issues.add(
                    name, AFTER if strict else NOT_BEFORE, other=Label(labels[other]), moment=moment_text(before)
                )
        if latest is None or moment >= latest[1]:
            latest = (name, moment)


def check_calendar(
    values: Mapping[str, Any], *, required: tuple[str, ...] = (), labels: Mapping[str, str] = LABELS
) -> Issues:
    """Every inconsistency of the calendar in ``values`` (field name → value; absent or None = not set)."""
    issues = Issues()
    for name in required:
        if values.get(name) is None:
            issues.add(name, REQUIRED)
    _order(values, issues, labels)
    for moment_name, delay_name in (
        ("confirmation_by", "confirmation_delay_days"),
        ("waiting_list_confirmation_by", "waiting_list_confirmation_delay_days"),
    ):
        delay = values.get(delay_name)
        if delay is not None and not 0 <= delay <= MAX_DELAY_DAYS:
            issues.add(delay_name, DELAY_RANGE, max=MAX_DELAY_DAYS)
        if values.get(moment_name) is not None and delay is not None:
            issues.add(delay_name, ONE_OF)
    # A waiting-list call comes after the results: its deadline cannot precede their publication.
    publication, called_by = values.get("publication_on"), values.get("waiting_list_confirmation_by")
    if publication is not None and called_by is not None and called_by < publication:
        issues.add(
            "waiting_list_confirmation_by",
            NOT_BEFORE,
            other=Label(labels["publication_on"]),
            moment=moment_text(publication),
        )
    if (values.get("preselection_place") or "").strip() and values.get("preselection_at") is None:
        issues.add("preselection_at", PLACE_WITHOUT_MOMENT)
    return issues


# --- A centre's default calendar: the same chain on the ``default_`` columns ------------------------------------

DEFAULT_PREFIX = "default_"
DEFAULT_FIELDS = tuple(DEFAULT_PREFIX + name for name in CHAIN)


def check_default_calendar(values: Mapping[str, Any]) -> Issues:
    """The centre's default calendar (every date optional), errors reported on the ``default_…`` fields."""
    plain = check_calendar({name: values.get(DEFAULT_PREFIX + name) for name in CHAIN})
    issues = Issues()
    for name, message in plain.errors.items():
        issues.add(DEFAULT_PREFIX + name, message, **plain.params.get(name, {}))
    return issues


def defaults_of(centre: Any) -> dict[str, datetime | None]:
    """The programme calendar a new programme of ``centre`` starts from."""
    return {name: getattr(centre, DEFAULT_PREFIX + name) for name in CHAIN}


# --- Changing the calendar of a programme that already has applications ------------------------------------------

OPENING_PASSED = N_(
    "Des candidatures existent déjà et l'ouverture du {moment} est passée : elle ne peut plus être reculée "
    "(les candidatures déjà créées sortiraient de la période de dépôt). Vous pouvez seulement l'avancer."
)
WARN_CLOSES_NOW = N_(
    "La fermeture des candidatures passe à une date déjà passée : plus aucun candidat ne pourra candidater."
)
WARN_WINDOW_SHORTENED = N_(
    "La période de dépôt est raccourcie alors que des candidatures existent déjà ({count}) : les candidats qui "
    "n'ont pas encore candidaté auront moins de temps."
)
WARN_RETURN_EARLIER = N_(
    "La date limite de retour des dossiers est avancée alors que des candidatures existent déjà ({count}) : "
    "les candidats auront moins de temps pour compléter et transmettre leur dossier."
)
WARN_ANNOUNCED_CHANGED = N_(
    "« {field} » change alors que des candidatures existent déjà ({count}) : les candidats ont pu lire l'ancienne date "
    "({moment}). Prévenez-les si nécessaire."
)


def check_change(
    old: Mapping[str, Any], new: Mapping[str, Any], *, applications: int, now: datetime
) -> tuple[Issues, list[tuple[str, dict[str, Any]]]]:
    """What a calendar change does to a programme with ``applications``: refusals, and warnings to acknowledge.

    Refused: moving a passed opening later (existing applications would predate the window).
    Warned, then allowed: closing the window in the past, shortening it, bringing the return date forward,
    moving the jury, publication or confirmation dates candidates may already have read.
    """
    issues = Issues()
    warnings: list[tuple[str, dict[str, Any]]] = []
    if applications <= 0:
        return issues, warnings
    opened, opens = old.get("window_opens_at"), new.get("window_opens_at")
    if opened is not None and opens is not None and opened <= now and opens > opened:
        issues.add("window_opens_at", OPENING_PASSED, moment=moment_text(opened))
    closed, closes = old.get("window_closes_at"), new.get("window_closes_at")
    if closed is not None and closes is not None and closes < closed:
        if closes <= now < closed:
            warnings.append((WARN_CLOSES_NOW, {}))
        else:
            warnings.append((WARN_WINDOW_SHORTENED, {"count": applications}))
    returned, returns = old.get("return_by"), new.get("return_by")
    if returned is not None and (returns is None or returns < returned):
        warnings.append((WARN_RETURN_EARLIER, {"count": applications}))
    for name in ("jury_on", "publication_on", "confirmation_by", "waiting_list_confirmation_by"):
        before, after = old.get(name), new.get(name)
        if before is not None and before != after:
            params = {"field": Label(LABELS[name]), "count": applications, "moment": moment_text(before)}
            warnings.append((WARN_ANNOUNCED_CHANGED, params))
    return issues, warnings
