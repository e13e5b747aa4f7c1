"""One look per status on every screen: its words and its colour, from the one table below.

A status is always written out: its colour only repeats it (RGAA 3.1), and one status keeps one colour wherever it
is shown (« En attente » is not red in one list and blue in the next). Every colour passes WCAG 2.1 AA (4.5:1) both
as text on the site's light backgrounds and behind white text (badges); Quasar's brand colours (app/server.py)
come from here too, so ``text-positive``, ``color=negative`` and the notifications agree with the statuses.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

from nicegui import ui

from app.i18n import N_, _
from app.models import DocumentStatus, DossierStatus
from app.services.applications import DOSSIER_STATUS_LABELS, PIECE_STATUS_LABELS
from app.ui.text import text_tag

S = TypeVar("S", bound=Enum)


class Tone(Enum):
    """What a status asks of the reader, and its colour (contrast on white in the comment)."""

    DONE = "#18753c"  # green, 5.8:1: validated, complete
    TO_DO = "#b34000"  # dark orange, 5.8:1: the candidate still has something to give
    REFUSED = "#ce0500"  # red, 5.8:1: refused, incomplete
    IN_PROGRESS = "#0063cb"  # blue, 5.8:1: in the staff's hands
    NEUTRAL = "#595959"  # grey, 7:1: not concerned, informative badges


# Quasar's brand colours (its defaults: « positive » #21ba45 is 2.6:1, « info » #31ccec 1.9:1 behind white text).
# « warning » stays light: Quasar writes dark text on it (notifications, buttons given text-color=black).
BRAND_COLOURS = {
    "positive": Tone.DONE.value,
    "negative": Tone.REFUSED.value,
    "info": Tone.IN_PROGRESS.value,
    "warning": "#f2c037",
}


@dataclass(frozen=True)
class Look:
    label: str  # a msgid, translated when drawn
    tone: Tone

    @property
    def colour(self) -> str:
        return self.tone.value


def _looks(labels: Mapping[S, str], tones: dict[S, Tone]) -> dict[S, Look]:
    """Each status's look: its words from the services' table, its tone from the one here."""
    return {status: Look(labels[status], tone) for status, tone in tones.items()}


PIECE_LOOKS: dict[DocumentStatus, Look] = _looks(
    PIECE_STATUS_LABELS,
    {
        DocumentStatus.PENDING: Tone.TO_DO,
        DocumentStatus.SUBMITTED: Tone.IN_PROGRESS,
        DocumentStatus.VALIDATED: Tone.DONE,
        DocumentStatus.REFUSED: Tone.REFUSED,
        DocumentStatus.NOT_APPLICABLE: Tone.NEUTRAL,
    },
)
# A piece with files while its application awaits « Transmettre »: the committee has nothing yet, so it is not
# « Transmise »; the words change, the status and its colour do not.
DEPOSITED = Look(N_("Déposée"), PIECE_LOOKS[DocumentStatus.SUBMITTED].tone)


def piece_look(status: DocumentStatus, awaiting_transmission: bool) -> Look:
    """The look of a piece shown to its candidate: « Déposée » rather than « Transmise » until they transmit."""
    if status == DocumentStatus.SUBMITTED and awaiting_transmission:
        return DEPOSITED
    return PIECE_LOOKS[status]


DOSSIER_LOOKS: dict[DossierStatus, Look] = _looks(
    DOSSIER_STATUS_LABELS,
    {
        DossierStatus.PENDING: Tone.TO_DO,
        DossierStatus.RECEIVED: Tone.IN_PROGRESS,
        DossierStatus.INCOMPLETE: Tone.REFUSED,
        DossierStatus.COMPLETE: Tone.DONE,
    },
)
# A section of the candidate's dossier (« Mon espace candidat »).
SECTION_COMPLETE = Look(N_("Complet"), Tone.DONE)
SECTION_MISSING = Look(N_("À compléter"), Tone.TO_DO)
# A piece shared by the candidate's applications: a fact, not a status.
SHARED_PIECE = Look(N_("Commune à vos candidatures"), Tone.NEUTRAL)
# A candidate's address refused for good by its mail server (app.services.mail.bounces).
EMAIL_BOUNCING = Look(N_("Adresse électronique en échec"), Tone.REFUSED)

ALL_LOOKS: tuple[Look, ...] = (
    *PIECE_LOOKS.values(),
    DEPOSITED,
    *DOSSIER_LOOKS.values(),
    SECTION_COMPLETE,
    SECTION_MISSING,
    SHARED_PIECE,
    EMAIL_BOUNCING,
)


def status_html(look: Look, name: str = "strong", /, **attributes: str | None) -> str:
    """The status's words in its colour, as escaped HTML (for static blocks)."""
    return text_tag(name, _(look.label), style=f"color: {look.colour}", **attributes)


def badge_html(look: Look, /, **attributes: str | None) -> str:
    """``status_badge`` as escaped HTML (for static blocks): Quasar's badge classes, the status's colour."""
    return text_tag(
        "span",
        _(look.label),
        class_="q-badge flex inline items-center no-wrap q-badge--single-line",
        style=f"background-color: {look.colour}; color: #fff",
        **attributes,
    )


def status_label(look: Look) -> ui.label:
    """The status's words in its colour, bold, as an element."""
    return ui.label(_(look.label)).classes("font-bold").style(f"color: {look.colour}")


def status_badge(look: Look) -> ui.badge:
    """A badge: white words on the status's colour."""
    return ui.badge(_(look.label)).style(f"background-color: {look.colour}; color: #fff")
