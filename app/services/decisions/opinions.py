"""The opinions of the committees examining a programme (« avis des commissions »), and the gate they put on the
programme's decision.

A committee listed on a programme (``ProgramCommittee``, ``applications/examining.py``) gives one opinion per
application (``CommitteeOpinion``: favourable, réservé, défavorable, a comment), entered and changed by its members
while no decision is published; each change is in the application's history. Everyone who reads the application
reads every opinion. The programme's decision (one entry or a selection) is refused while a required opinion is
missing, naming the committees awaited, except for a member of the final committee, who may decide without
waiting, and for a direct admission (no examination). The last required opinion mails the committees that decide.
"""

from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session, col, select

from app import clock
from app.i18n import N_, gettext
from app.models import (
    Application,
    Committee,
    CommitteeOpinion,
    OpinionKind,
    ProcessingType,
    ProgramCommittee,
    StaffMember,
    StaffRole,
)
from app.services.accounts.staff_roles import RoleView, current_role
from app.services.applications import mails
from app.services.applications.staff_scope import require_application_in_scope
from app.services.decisions.waiting_list import lock_application
from app.services.offer.campaigns import require_open_campaign
from app.services.offer.examining import Reach, committee_reach, examining_committees
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_application
from app.services.platform.errors import DomainError, Forbidden
from app.services.platform.labels import label_in
from app.services.platform.notifications import notify_candidate
from app.services.platform.text_rules import check_text, column_limit
from app.services.platform.versions import flush_versioned

# French msgids, also the staff list's (``VALUE_LABELS["opinion"]``, review/staff_list_columns).
OPINION_LABELS: dict[OpinionKind, str] = {
    OpinionKind.FAVOURABLE: N_("Favorable"),
    OpinionKind.RESERVED: N_("Réservé"),
    OpinionKind.UNFAVOURABLE: N_("Défavorable"),
}
NOT_EXAMINING = N_("Votre commission n'examine pas cette formation : elle ne donne pas d'avis sur cette candidature.")
OPINION_REQUIRED = N_("Choisissez un avis : favorable, réservé ou défavorable.")
OPINION_CLOSED = N_("Une décision est publiée sur cette candidature : l'avis des commissions ne peut plus changer.")
OPINION_CANCELLED = N_("Cette candidature a été annulée : aucun avis ne peut plus être saisi.")
OPINION_STALE = N_("Un autre membre de votre commission a enregistré un avis entre-temps : rechargez la page.")
OPINION_ONLY = N_(
    "Votre commission donne son avis sur cette candidature ; la décision revient à la commission de la formation."
)
OPINIONS_MISSING = N_("Avis requis manquants : {committees}. La décision sera saisie une fois ces avis donnés.")


@dataclass(frozen=True)
class OpinionLine:
    """One examining committee of the programme and its opinion on the application (None: not given yet)."""

    committee_id: int
    committee: str  # the committee's label, in the reader's language
    role: str  # its role on the programme (« Examen pédagogique »)
    required: bool
    is_final: bool
    opinion: OpinionKind | None
    comment: str
    entered_by: str  # the staff member's name
    entered_at: datetime | None
    version: int  # 0: no opinion yet (what « Enregistrer » sends back)


@dataclass(frozen=True)
class OpinionsView:
    lines: list[OpinionLine]
    own_committee_id: int | None  # the reader's committee, when it is listed here (its form is shown)
    may_enter: bool  # the reader may enter their committee's opinion now
    closed: bool  # a decision is published: opinions are frozen
    missing: list[str]  # the labels of the committees whose required opinion is missing
    final_committee: str | None  # the label of the final committee, when one is designated


def opinion_lines(session: Session, application: Application, lang: str) -> list[OpinionLine]:
    """The programme's examining committees with the application's opinions, in their order."""
    listed = examining_committees(session, application.program_id)
    if not listed:
        return []
    given = {
        row.committee_id: row
        for row in session.exec(select(CommitteeOpinion).where(CommitteeOpinion.application_id == application.id)).all()
    }
    lines = []
    for row in listed:
        committee = session.get(Committee, row.committee_id)
        opinion = given.get(row.committee_id)
        author = (
            session.get(StaffMember, opinion.entered_by_staff_id) if opinion and opinion.entered_by_staff_id else None
        )
        lines.append(
            OpinionLine(
                committee_id=row.committee_id,
                committee=label_in(committee, lang) if committee else "?",
                role=row.role_en if lang == "en" and row.role_en else row.role_fr,
                required=row.required,
                is_final=row.is_final,
                opinion=opinion.opinion if opinion else None,
                comment=opinion.comment if opinion else "",
                entered_by=author.display_name if author else "",
                entered_at=opinion.entered_at if opinion else None,
                version=opinion.version if opinion else 0,
            )
        )
    return lines


def missing_required(lines: list[OpinionLine]) -> list[str]:
    return [line.committee for line in lines if line.required and line.opinion is None]


def awaited_opinions(session: Session, applications: list[Application], lang: str) -> dict[int, list[str]]:
    """For many applications of one programme at once: the required committees whose opinion each still awaits.

    An application absent from the answer awaits none; a direct admission never does (:func:`decision_refusal`)."""
    if not applications:
        return {}
    required = [row for row in examining_committees(session, applications[0].program_id) if row.required]
    if not required:
        return {}
    names = {row.committee_id: session.get(Committee, row.committee_id) for row in required}
    ids = [application.id for application in applications]
    given = set(
        session.exec(
            select(CommitteeOpinion.application_id, CommitteeOpinion.committee_id).where(
                col(CommitteeOpinion.application_id).in_(ids)
            )
        ).all()
    )
    awaited = {}
    for application in applications:
        if application.processing_type == ProcessingType.DIRECT_ADMISSION:
            continue
        missing = [row.committee_id for row in required if (application.id, row.committee_id) not in given]
        if missing:
            awaited[application.id or 0] = [label_in(names[c], lang) if names[c] else "?" for c in missing]
    return awaited


def opinions_view(session: Session, *, actor: Actor, application_id: int, lang: str = "fr") -> OpinionsView:
    """The opinions of one application in the actor's scope, and whether they may enter their committee's."""
    application, role = require_application_in_scope(session, actor=actor, application_id=application_id)
    lines = opinion_lines(session, application, lang)
    listed = {line.committee_id for line in lines}
    own = role.committee_id if role.role == StaffRole.COMMITTEE_MEMBER and role.committee_id in listed else None
    closed = application.last_decision_published
    writable = not role.read_only and not actor.read_only and application.cancelled_at is None
    final = next((line.committee for line in lines if line.is_final), None)
    return OpinionsView(lines, own, own is not None and writable and not closed, closed, missing_required(lines), final)


def enter_opinion(
    session: Session,
    *,
    actor: Actor,
    application_id: int,
    opinion: str,
    comment: str = "",
    expected_version: int = 0,
) -> CommitteeOpinion:
    """Enter or change the actor's committee's opinion on one application (``expected_version``: the opinion's
    version the page read, 0 when it read none); the same values again change nothing."""
    application, role = require_application_in_scope(session, actor=actor, application_id=application_id)
    listed = _listed_committee(session, role, application)
    if role.read_only or actor.read_only:
        raise Forbidden()
    require_open_campaign(session, application.campaign_id)
    kind = _opinion_kind(opinion)
    comment = check_text((comment or "").strip(), field="comment", max_length=column_limit(CommitteeOpinion, "comment"))
    application = lock_application(session, application_id)  # against a publication, a colleague's opinion
    if application.cancelled_at is not None:
        raise DomainError("cancelled", OPINION_CANCELLED)
    if application.last_decision_published:
        raise DomainError("opinion_closed", OPINION_CLOSED)
    row = session.exec(
        select(CommitteeOpinion)
        .where(CommitteeOpinion.application_id == application_id, CommitteeOpinion.committee_id == listed.committee_id)
        .execution_options(populate_existing=True)
    ).first()
    if (row.version if row else 0) != expected_version:
        if row is not None and row.opinion == kind and row.comment == comment:
            return row  # a double click: the first one saved exactly this
        raise DomainError("stale", OPINION_STALE)
    if row is not None and row.opinion == kind and row.comment == comment:
        return row
    missing_before = bool(missing_required(opinion_lines(session, application, "fr")))
    before = {"opinion": row.opinion.value, "comment": row.comment} if row else {}
    row = row or CommitteeOpinion(application_id=application_id, committee_id=listed.committee_id, opinion=kind)
    row.opinion, row.comment, row.entered_by_staff_id = kind, comment, actor.staff_id
    row.entered_at = clock.now()
    session.add(row)
    flush_versioned(session, DomainError("stale", OPINION_STALE))
    after = {"committee_id": listed.committee_id, "role": listed.role_fr, "opinion": kind.value, "comment": comment}
    action = "opinion.changed" if before else "opinion.entered"
    audit_application(session, actor, application, action, before, after, entity=("committeeopinion", row.id))
    notify_candidate(session, application.candidate_id, staff_only=True)  # staff pages only
    if missing_before:
        _mail_when_complete(session, application)
    return row


def _listed_committee(session: Session, role: RoleView, application: Application) -> ProgramCommittee:
    """The actor's committee as listed on the application's programme; refused otherwise."""
    if role.role != StaffRole.COMMITTEE_MEMBER or role.committee_id is None:
        raise DomainError("not_examining", NOT_EXAMINING)
    listed = session.exec(
        select(ProgramCommittee).where(
            ProgramCommittee.program_id == application.program_id, ProgramCommittee.committee_id == role.committee_id
        )
    ).first()
    if listed is None:
        raise DomainError("not_examining", NOT_EXAMINING)
    return listed


def _opinion_kind(value: str) -> OpinionKind:
    try:
        return OpinionKind(value)
    except ValueError:
        raise DomainError("opinion_required", OPINION_REQUIRED, field="opinion") from None


def decision_refusal(session: Session, role: RoleView, application: Application) -> DomainError | None:
    """Why the programme's decision may not be entered on ``application`` yet (None: it may).

    A member of a committee that only examines the programme never enters it. Required opinions missing refuse
    it, naming the committees, unless the role is a member of the final committee, or the application is a direct
    admission (nothing to examine)."""
    if role.role == StaffRole.COMMITTEE_MEMBER and role.committee_id != application.committee_id:
        reach = committee_reach(session, role.committee_id, application.program_id, application.committee_id)
        if reach == Reach.EXAMINE:
            return DomainError("opinion_only", OPINION_ONLY)  # a selection may hold what the member only examines
        if reach == Reach.DECIDE:
            return None  # the final committee decides without waiting
    if application.processing_type == ProcessingType.DIRECT_ADMISSION:
        return None
    missing = missing_required(opinion_lines(session, application, "fr"))
    if not missing:
        return None
    return DomainError("opinions_missing", OPINIONS_MISSING, committees=", ".join(missing))


def require_opinions_in(session: Session, *, actor: Actor, application: Application) -> None:
    """Refuse entering the decision of ``application`` while :func:`decision_refusal` says so."""
    refusal = decision_refusal(session, current_role(session, actor=actor), application)
    if refusal is not None:
        raise refusal


def _mail_when_complete(session: Session, application: Application) -> None:
    """The last required opinion is in: mail the committees that decide (the own one, the final one)."""
    lines = opinion_lines(session, application, "fr")
    if missing_required(lines) or not any(line.required for line in lines):
        return
    opinions = [
        {
            "committee": line.committee,
            "role": line.role,
            "opinion": gettext(OPINION_LABELS[line.opinion], "fr") if line.opinion else "",
            "comment": line.comment,
        }
        for line in lines
        if line.opinion is not None
    ]
    parties = mails.mail_parties(session, application)
    deciding = [application.committee_id] + [line.committee_id for line in lines if line.is_final]
    extra = {"link": mails.staff_link(application), "opinions": opinions}
    for committee_id in dict.fromkeys(deciding):
        committee = session.get(Committee, committee_id)
        if committee is not None and committee.is_active:
            mails.mail_committee(session, replace(parties, committee=committee), "committee_opinions_complete", extra)
