"""The switch to the next campaign: the active one archived, the new one activated, the offer copied forward with
its calendars shifted (one transaction, administrators only)."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlmodel import Session, col, select

from app import clock
from app.i18n import N_
from app.models import ApplicationCentre, Campaign, Program, Question, RequiredDocument, Scope
from app.services.accounts.admin_rights import require_admin
from app.services.offer.campaign_locks import flush_campaigns, lock_campaign
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.errors import DomainError
from app.services.platform.form_checks import DossierInvalid

# Every calendar moment of a programme, shifted by a switch.
PROGRAM_MOMENTS = (
    "window_opens_at",
    "window_closes_at",
    "return_by",
    "jury_on",
    "publication_on",
    "confirmation_by",
    "waiting_list_confirmation_by",
    "preselection_at",
)
CENTRE_MOMENTS = (
    "default_window_opens_at",
    "default_window_closes_at",
    "default_return_by",
    "default_jury_on",
    "default_publication_on",
    "default_confirmation_by",
)
_NOT_COPIED = {"id", "campaign_id", "version", "created_at", "program_id", "code"}
MAX_SHIFT_DAYS = 3660
MAX_SHIFT_YEARS = 10


ShiftMode = Literal["start_dates", "days", "years"]


@dataclass(frozen=True)
class Shift:
    """How far the copied calendars move: the gap between the two start dates, or a number of days or years.

    Moments move in Paris wall-clock time: « 15 June 23:59 » becomes « 15 June 23:59 » a year later, whatever the
    summer time does.
    """

    mode: ShiftMode = "start_dates"
    amount: int = 0

    def apply(self, moment: datetime | None, *, days: int) -> datetime | None:
        if moment is None:
            return None
        local = clock.paris(moment).replace(tzinfo=None)
        shifted = _add_years(local, self.amount) if self.mode == "years" else local + timedelta(days=days)
        return shifted.replace(tzinfo=clock.PARIS).astimezone(UTC)


def _add_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February into a common year
        return moment.replace(year=moment.year + years, day=28)


@dataclass(frozen=True)
class SwitchResult:
    new_campaign: Campaign
    old_campaign: Campaign | None
    programs_copied: int
    programs_skipped: list[str]  # codes already present in the new campaign
    documents_copied: int
    questions_copied: int
    shift_days: int | None  # None when shifted by years


def _shift_days(shift: Shift, old: Campaign, new: Campaign) -> int:
    if shift.mode == "start_dates":
        return (new.starts_on - old.starts_on).days
    return shift.amount if shift.mode == "days" else 0


def check_shift(shift: Shift) -> None:
    """Refuse a shift out of bounds (the manual switch and a scheduled one alike)."""
    if shift.mode == "days" and not (1 <= shift.amount <= MAX_SHIFT_DAYS):
        raise DossierInvalid(
            {"amount": N_("Indiquez un nombre de jours entre 1 et {max}.")}, {"amount": {"max": MAX_SHIFT_DAYS}}
        )
    if shift.mode == "years" and not (1 <= shift.amount <= MAX_SHIFT_YEARS):
        raise DossierInvalid(
            {"amount": N_("Indiquez un nombre d'années entre 1 et {max}.")}, {"amount": {"max": MAX_SHIFT_YEARS}}
        )
    if shift.mode not in ("start_dates", "days", "years"):
        raise DossierInvalid({"mode": N_("Cette valeur n'est pas valide.")})


def derive_code(code: str, *, old_suffix: str, new_suffix: str, taken: set[str], limit: int = 30) -> str:
    """A new unique code for a copied piece or question: the old one with the new campaign's code at its end."""
    base = code
    old_tail = f"-{old_suffix}"
    if old_suffix and base.upper().endswith(old_tail.upper()):
        base = base[: -len(old_tail)]
    tail = f"-{new_suffix}"
    candidate = f"{base[: limit - len(tail)]}{tail}"
    n = 2
    while candidate.upper() in taken:
        numbered = f"{tail}-{n}"
        candidate = f"{base[: limit - len(numbered)]}{numbered}"
        n += 1
    taken.add(candidate.upper())
    return candidate


def switch_campaign(
    session: Session,
    *,
    actor: Actor,
    new_campaign_id: int,
    expected_version: int | None,
    shift: Shift | None = None,
) -> SwitchResult:
    """Archive the active campaign, activate ``new_campaign_id``, copy the offer forward (one transaction).

    With no active campaign (a first installation), the new one is simply activated.
    """
    require_admin(session, actor=actor, write=True)
    shift = shift or Shift()
    check_shift(shift)
    new = lock_campaign(session, new_campaign_id, expected_version)
    old = campaign_to_archive(session, new)
    _archive_and_activate(session, old, new)

    copied, skipped, documents, questions, days = 0, [], 0, 0, None
    if old is not None:
        days = _shift_days(shift, old, new)
        copied, skipped, documents, questions = _copy_offer(session, old, new, shift, days)
        _shift_centre_defaults(session, shift, days)
    audit_row(
        session,
        actor,
        "campaign.switched",
        new,
        before={"active_campaign": old.code if old else None},
        after={
            "active_campaign": new.code,
            "shift": {"mode": shift.mode, "amount": shift.amount, "days": days},
            "programs_copied": copied,
            "programs_skipped": skipped,
            "documents_copied": documents,
            "questions_copied": questions,
        },
    )
    return SwitchResult(
        new_campaign=new,
        old_campaign=old,
        programs_copied=copied,
        programs_skipped=skipped,
        documents_copied=documents,
        questions_copied=questions,
        shift_days=None if shift.mode == "years" else days,
    )


def campaign_to_archive(session: Session, new: Campaign) -> Campaign | None:
    """The active campaign, locked, if ``new`` may follow it (None on a first installation).

    The checks of a switch's target: scheduling a switch asks them too, and the scheduled switch again at its time.
    """
    if new.archived_at is not None:
        raise DomainError(
            "switch_to_archived", N_("Cette campagne est archivée : on ne revient pas à une campagne archivée.")
        )
    if new.is_active:
        raise DomainError("switch_to_active", N_("Cette campagne est déjà la campagne active."))
    old = session.exec(select(Campaign).where(col(Campaign.is_active)).with_for_update()).first()
    if old is not None and new.starts_on <= old.starts_on:
        raise DomainError(
            "switch_backwards",
            N_("La nouvelle campagne doit commencer après la campagne active (qui commence le {date})."),
            date=old.starts_on.strftime("%d/%m/%Y"),
        )
    return old


def _archive_and_activate(session: Session, old: Campaign | None, new: Campaign) -> None:
    now = clock.now()
    if old is not None:
        old.is_active = False
        old.archived_at = now
        flush_campaigns(session, old)  # the old flag goes first: the partial unique index allows one active row
    new.is_active = True
    new.activated_at = now
    new.switch_scheduled_at = None  # switched by hand before its scheduled time: nothing left to do then
    new.switch_scheduled_by_role_id = None
    new.previous_campaign_id = old.id if old is not None else new.previous_campaign_id
    flush_campaigns(session, new)


def _copy_offer(
    session: Session, old: Campaign, new: Campaign, shift: Shift, days: int
) -> tuple[int, list[str], int, int]:
    programs = session.exec(
        select(Program).where(Program.campaign_id == old.id, col(Program.is_active)).order_by(col(Program.id))
    ).all()
    present = {code.upper() for code in session.exec(select(Program.code).where(Program.campaign_id == new.id)).all()}
    doc_codes = {code.upper() for code in session.exec(select(RequiredDocument.code)).all()}
    question_codes = {code.upper() for code in session.exec(select(Question.code)).all()}
    copied, skipped, documents, questions = 0, [], 0, 0
    mapping: dict[int, int] = {}
    for program in programs:
        if program.code.upper() in present:
            skipped.append(program.code)
            continue
        values = {k: v for k, v in program.model_dump().items() if k not in _NOT_COPIED}
        for name in PROGRAM_MOMENTS:
            values[name] = shift.apply(getattr(program, name), days=days)
        copy = Program(**values, code=program.code, campaign_id=new.id or 0, created_at=clock.now())
        session.add(copy)
        session.flush()
        assert program.id is not None and copy.id is not None
        mapping[program.id] = copy.id
        copied += 1
    if mapping:
        for model, taken in ((RequiredDocument, doc_codes), (Question, question_codes)):
            rows = session.exec(
                select(model)
                .where(model.scope == Scope.PROGRAM, col(model.program_id).in_(list(mapping)), col(model.is_active))
                .order_by(col(model.id))
            ).all()
            for row in rows:
                values = {k: v for k, v in row.model_dump().items() if k not in _NOT_COPIED}
                code = derive_code(row.code, old_suffix=old.code, new_suffix=new.code, taken=taken)
                session.add(model(**values, code=code, program_id=mapping[row.program_id or 0]))
            if model is RequiredDocument:
                documents = len(rows)
            else:
                questions = len(rows)
        session.flush()
    return copied, skipped, documents, questions


def _shift_centre_defaults(session: Session, shift: Shift, days: int) -> None:
    """The centres' default calendars move with the programmes (they are proposed to new programmes)."""
    for centre in session.exec(select(ApplicationCentre)).all():
        if all(getattr(centre, name) is None for name in CENTRE_MOMENTS):
            continue
        for name in CENTRE_MOMENTS:
            setattr(centre, name, shift.apply(getattr(centre, name), days=days))
        session.add(centre)
    session.flush()
