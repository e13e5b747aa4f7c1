"""A dossier carried over to a new campaign: a draft the candidate confirms before applying again.

Accounts last across campaigns (eCandidat makes one per campaign): when a new campaign becomes active, the candidate
keeps their sign-in, their dossier number and their dossier. The dossier is then a draft for the new campaign
(``Candidate.confirmed_campaign_id`` names an earlier one): identity and baccalauréat are kept as they were, the rest
is shown to be reviewed, and « Candidater » is refused until the candidate confirms it
(``confirm_dossier_for_campaign``). Nothing is copied and the switch itself writes no candidate row: the rule reads
the two campaign ids. A dossier never confirmed for any campaign (made between two campaigns) has nothing to carry
over and asks for no confirmation. The previous campaigns' applications stay with their campaign, read-only.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.i18n import N_
from app.models import Campaign, Candidate
from app.services.dossier.tabs import candidate_for
from app.services.offer.campaigns import active_campaign
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_dossier
from app.services.platform.errors import DomainError, Forbidden
from app.services.platform.labels import label_in
from app.services.platform.notifications import notify_candidate
from app.services.platform.versions import flush_versioned

UNCONFIRMED = N_(
    "Une nouvelle campagne a commencé : vérifiez et confirmez votre dossier depuis « Mon espace candidat » avant "
    "de candidater."
)
# The dossier's tabs the candidate is asked to review (slug, French title); identity and baccalauréat are kept.
TABS_TO_REVIEW = (
    ("informations", N_("Informations personnelles : vos coordonnées (téléphone)")),
    ("adresse", N_("Adresse")),
    ("cursus-externe", N_("Cursus externe")),
    ("experiences", N_("Expériences professionnelles")),
    ("stages", N_("Stages")),
)


@dataclass(frozen=True)
class PendingConfirmation:
    """The campaign the dossier waits to be confirmed for, and the one it was last confirmed for."""

    campaign_id: int
    campaign_label: str
    previous_label: str


def pending_confirmation(session: Session, candidate: Candidate | None, lang: str = "fr") -> PendingConfirmation | None:
    """The active campaign ``candidate``'s dossier must be confirmed for; None when there is nothing to confirm."""
    if candidate is None or candidate.confirmed_campaign_id is None:
        return None
    active = active_campaign(session)
    if active is None or active.id is None or active.id == candidate.confirmed_campaign_id:
        return None
    previous = session.get(Campaign, candidate.confirmed_campaign_id)
    return PendingConfirmation(active.id, label_in(active, lang), label_in(previous, lang) if previous else "")


def carried_beyond(campaign: Campaign) -> sa.ColumnElement[bool]:
    """Candidates whose dossier was confirmed for a campaign after ``campaign``: their account and dossier are in use
    there, so erasing ``campaign``'s data (the retention job) erases its applications, never these dossiers."""
    later = select(Campaign.id).where(col(Campaign.starts_on) > campaign.starts_on)
    return col(Candidate.confirmed_campaign_id).in_(later)


def dossier_confirmation(session: Session, *, actor: Actor, lang: str = "fr") -> PendingConfirmation | None:
    """What the candidate's home shows: the campaign to confirm their dossier for, if any."""
    return pending_confirmation(session, candidate_for(session, actor=actor), lang)


def require_confirmed_for(session: Session, candidate: Candidate, campaign_id: int) -> None:
    """Refuse applying in ``campaign_id`` with a dossier last confirmed for another campaign."""
    confirmed = candidate.confirmed_campaign_id
    if confirmed is not None and confirmed != campaign_id:
        raise DomainError("dossier_unconfirmed", UNCONFIRMED)


def confirm_dossier_for_campaign(session: Session, *, actor: Actor) -> Candidate:
    """« Je confirme mon dossier »: the dossier now belongs to the active campaign (its INE too); idempotent."""
    if actor.kind != "candidate":
        raise Forbidden()
    candidate = candidate_for(session, actor=actor, write=True)
    active = active_campaign(session)
    if active is None or active.id is None:
        raise DomainError("no_active_campaign", N_("Aucune campagne n'est ouverte : il n'y a rien à confirmer."))
    if candidate.confirmed_campaign_id == active.id:
        return candidate  # a second tab, a double click: already done
    if candidate.ine:
        # The INE is unique within a campaign (a constraint): another account already confirmed with it.
        taken = session.exec(
            select(Candidate.id).where(
                Candidate.ine == candidate.ine, Candidate.campaign_id == active.id, col(Candidate.id) != candidate.id
            )
        ).first()
        if taken is not None:
            raise DomainError(
                "ine_taken",
                N_("Cet INE est déjà utilisé par un autre compte de la campagne : écrivez à l'assistance."),
                field="ine",
            )
    previous = session.get(Campaign, candidate.confirmed_campaign_id) if candidate.confirmed_campaign_id else None
    candidate.confirmed_campaign_id = active.id
    candidate.campaign_id = active.id
    session.add(candidate)
    flush_versioned(session)
    audit_dossier(
        session,
        actor,
        candidate.id,
        "dossier.confirmed_for_campaign",
        before={"campaign": previous.code if previous else None},
        after={"campaign": active.code},
    )
    assert candidate.id is not None
    notify_candidate(session, candidate.id)
    return candidate
