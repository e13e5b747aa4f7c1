"""The data protection officer's audit search (#21 item 4): who viewed or changed which dossier, and when.

For the central office and administrators (their role reaches the whole institution): the audit trail filtered by
Paris calendar days, by the kind of event (an access — sign-in, view, download — or a change), by the actor (a
member of staff's name, login or e-mail; or only candidates, staff, the portal) and by the candidate (dossier
number, name or e-mail: the folded search columns the staff list reads). Newest first, a page at a time;
``audit_batch`` walks the same result by id ranges for the CSV export (built by the export worker).

Reading the log is itself an access to personal data: each search is audited (``privacy.audit.viewed``, part of
the access log and purged with it).
"""

from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from app import clock
from app.i18n import N_
from app.models import Account, ActorKind, Application, AuditEvent, Candidate, StaffMember, StaffRole
from app.services.accounts.staff_roles import require_role
from app.services.platform.actors import Actor
from app.services.platform.audit import audit
from app.services.platform.errors import DomainError
from app.services.platform.retention import is_access
from app.services.platform.text_fold import fold_name, folded

DPO_ROLES = (StaffRole.ADMINISTRATOR, StaffRole.CENTRAL_OFFICE)
KINDS = {"all": N_("Tous les événements"), "access": N_("Consultations"), "change": N_("Modifications")}
ACTOR_KINDS = {
    "": N_("Tous"),
    ActorKind.STAFF.value: N_("Gestionnaires"),
    ActorKind.CANDIDATE.value: N_("Candidats"),
    ActorKind.SYSTEM.value: N_("Le portail (tâches)"),
}
MAX_PAGE_SIZE = 200
MAX_DAYS = 3660  # a range of at most ten years


@dataclass(frozen=True)
class AuditQuery:
    date_from: date | None = None  # Paris calendar days, both included
    date_to: date | None = None
    kind: str = "all"  # a key of KINDS
    actor_kind: str = ""  # a key of ACTOR_KINDS
    actor: str = ""  # a staff member's name, login or e-mail (part of)
    candidate: str = ""  # dossier number, name or e-mail (part of)
    page: int = 1
    page_size: int = 50

    def payload(self) -> dict[str, Any]:
        data = asdict(self)
        data["date_from"] = self.date_from.isoformat() if self.date_from else None
        data["date_to"] = self.date_to.isoformat() if self.date_to else None
        return data

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> "AuditQuery":
        days = {k: date.fromisoformat(data[k]) if data.get(k) else None for k in ("date_from", "date_to")}
        keep = {k: data[k] for k in ("kind", "actor_kind", "actor", "candidate") if k in data}
        return cls(**days, **keep)


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    action: str
    actor_kind: ActorKind
    actor_name: str  # the staff member's name and login, the candidate's dossier number, or ""
    dossier_number: str
    candidate_name: str
    application_id: int | None
    entity: str  # "type #id"
    client_address: str


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    page: int
    page_size: int


def check_query(query: AuditQuery) -> None:
    """Refuse a query the screen could not have meant, with the field it concerns."""
    if query.kind not in KINDS:
        raise DomainError("bad_filter", N_("Type d'événement inconnu."), field="kind")
    if query.actor_kind not in ACTOR_KINDS:
        raise DomainError("bad_filter", N_("Type d'auteur inconnu."), field="actor_kind")
    if query.date_from and query.date_to and query.date_from > query.date_to:
        raise DomainError("bad_dates", N_("La date de début est postérieure à la date de fin."), field="date_to")
    if query.date_from and query.date_to and (query.date_to - query.date_from).days > MAX_DAYS:
        raise DomainError("bad_dates", N_("Choisissez une période de dix ans au plus."), field="date_from")
    if len(query.actor) > 200 or len(query.candidate) > 200:
        raise DomainError("bad_filter", N_("Texte recherché trop long (200 caractères au plus)."))


def _paris_midnight(day: date) -> datetime:
    return clock.paris_datetime(day.year, day.month, day.day)


def _conditions(query: AuditQuery) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = []
    if query.date_from:
        where.append(col(AuditEvent.at) >= _paris_midnight(query.date_from))
    if query.date_to:
        where.append(col(AuditEvent.at) < _paris_midnight(query.date_to + timedelta(days=1)))
    if query.kind == "access":
        where.append(is_access())
    elif query.kind == "change":
        where.append(sa.not_(is_access()))
    if query.actor_kind:
        where.append(col(AuditEvent.actor_kind) == ActorKind(query.actor_kind))
    if word := fold_name(query.actor.strip()):
        staff = select(StaffMember.id).where(sa.or_(*(folded(c).contains(word, autoescape=True) for c in _STAFF_TEXT)))
        where.append(col(AuditEvent.actor_staff_id).in_(staff))
    if word := fold_name(query.candidate.strip()):
        where.append(_about_candidates(word))
    return where


_STAFF_TEXT = (col(StaffMember.display_name), col(StaffMember.login), col(StaffMember.email))


def _about_candidates(word: str) -> sa.ColumnElement[bool]:
    """Events about a matching candidate: their dossier, their applications, or their own account's acts."""
    accounts = select(Account.id).where(col(Account.search_text).contains(word, autoescape=True))
    candidates = select(Candidate.id).where(
        sa.or_(col(Candidate.search_text).contains(word, autoescape=True), col(Candidate.account_id).in_(accounts))
    )
    applications = select(Application.id).where(col(Application.candidate_id).in_(candidates))
    their_accounts = select(Candidate.account_id).where(col(Candidate.id).in_(candidates))
    return sa.or_(
        col(AuditEvent.candidate_id).in_(candidates),
        col(AuditEvent.application_id).in_(applications),
        col(AuditEvent.actor_account_id).in_(accounts),
        col(AuditEvent.actor_account_id).in_(their_accounts),
    )


@dataclass(frozen=True)
class _People:
    """The names a page of events mentions, read in four look-ups whatever the page's length."""

    staff: dict[int, str]  # staff id → "Name (login)"
    numbers: dict[int, str]  # account id → dossier number
    candidates: dict[int, tuple[str, str]]  # candidate id → (dossier number, name)
    owners: dict[int, int]  # application id → candidate id, for events that name only the application

    @classmethod
    def read(cls, session: Session, events: list[AuditEvent]) -> "_People":
        staff_ids = {e.actor_staff_id for e in events if e.actor_staff_id}
        members = session.exec(select(StaffMember).where(col(StaffMember.id).in_(staff_ids))).all()
        app_ids = {e.application_id for e in events if e.application_id and not e.candidate_id}
        owners = select(Application.id, Application.candidate_id).where(col(Application.id).in_(app_ids))
        owner_of = {a: c for a, c in session.exec(owners).all()}
        candidate_ids = {e.candidate_id or owner_of.get(e.application_id or 0) for e in events} - {None}
        people = session.exec(
            select(Candidate, Account)
            .join(Account, col(Account.id) == Candidate.account_id)
            .where(col(Candidate.id).in_(candidate_ids))
        ).all()
        account_ids = {e.actor_account_id for e in events if e.actor_account_id}
        numbers = select(Account.id, Account.dossier_number).where(col(Account.id).in_(account_ids))
        return cls(
            staff={m.id or 0: f"{m.display_name} ({m.login})" for m in members},
            numbers={a: n for a, n in session.exec(numbers).all()},
            candidates={
                c.id or 0: (a.dossier_number, f"{c.usage_name or c.birth_name} {c.first_names}".strip())
                for c, a in people
            },
            owners=owner_of,
        )

    def row(self, e: AuditEvent) -> AuditRow:
        number, name = self.candidates.get(e.candidate_id or self.owners.get(e.application_id or 0, 0), ("", ""))
        own = self.numbers.get(e.actor_account_id or 0, "")  # an account's own act (sign-in, request)
        return AuditRow(
            id=e.id or 0,
            at=e.at,
            action=e.action,
            actor_kind=e.actor_kind,
            actor_name=self.staff.get(e.actor_staff_id or 0, own),
            dossier_number=number or own,
            candidate_name=name,
            application_id=e.application_id,
            entity=f"{e.entity_type} #{e.entity_id}" if e.entity_id is not None else e.entity_type,
            client_address=e.client_address or "",
        )


def _rows(session: Session, events: list[AuditEvent]) -> list[AuditRow]:
    people = _People.read(session, events)
    return [people.row(e) for e in events]


def search_audit(session: Session, *, actor: Actor, query: AuditQuery) -> AuditPage:
    """One page of the audit trail matching ``query``, newest first; audited as an access."""
    require_role(session, actor=actor, roles=DPO_ROLES)
    check_query(query)
    size = min(max(query.page_size, 1), MAX_PAGE_SIZE)
    page = max(query.page, 1)
    where = _conditions(query)
    total = session.exec(select(func.count()).select_from(AuditEvent).where(*where)).one()
    events = session.exec(
        select(AuditEvent)
        .where(*where)
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
        .offset((page - 1) * size)
        .limit(size)
    ).all()
    rows = _rows(session, list(events))
    summary = replace(query, page=page, page_size=size).payload() | {"total": total}
    audit(session, actor=actor, action="privacy.audit.viewed", entity_type="auditevent", entity_id=None, after=summary)
    return AuditPage(rows=rows, total=total, page=page, page_size=size)


def audit_batch(session: Session, *, query: AuditQuery, before_id: int | None, size: int = 1000) -> list[AuditRow]:
    """The next ``size`` matching events below id ``before_id`` (all when None), newest recorded first: the CSV
    export walks the result by id ranges, each batch its own short read (no offset walks the table).

    The caller has checked the actor (the export job was asked under a DPO role, re-checked by the worker)."""
    bound = [col(AuditEvent.id) < before_id] if before_id is not None else []
    events = session.exec(
        select(AuditEvent).where(*_conditions(query), *bound).order_by(col(AuditEvent.id).desc()).limit(size)
    ).all()
    return _rows(session, list(events))


def count_matching(session: Session, *, actor: Actor, query: AuditQuery) -> int:
    require_role(session, actor=actor, roles=DPO_ROLES)
    check_query(query)
    return session.exec(select(func.count()).select_from(AuditEvent).where(*_conditions(query))).one()
