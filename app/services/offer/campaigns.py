"""Campaigns ("campagnes"): create, edit, archive, and switch to the next one.

Only one campaign is active (a partial unique index says so). The switch, in one transaction, archives the active
campaign, activates the next one, and copies the old campaign's active programmes forward with every calendar
moment shifted, together with their programme-scoped pieces and questions. Nothing is ever deleted: the old
campaign's applications stay, readable by staff and by their candidates, and no candidate can change them any
more (``require_open_campaign``).
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, field_validator, model_validator
from sqlmodel import Session, col, func, select

from app import clock
from app.i18n import N_
from app.models import Application, ApplicationCentre, Campaign, Program, Question, RequiredDocument, Scope
from app.services.accounts.admin_rights import require_admin
from app.services.platform.actors import Actor
from app.services.platform.audit import audit
from app.services.platform.errors import DomainError, NotFound, StaleEdit
from app.services.platform.form_checks import REQUIRED, DossierInvalid, validate
from app.services.platform.versioned_save import load_for_edit, save_entity, snapshot
from app.services.platform.versions import flush_versioned

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
EDITABLE_FIELDS = ("code", "label_fr", "label_en", "starts_on", "ends_on", "sign_in_closes_at", "definitive_acceptance")
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


# --- Reading -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignLine:
    """One campaign as the list shows it."""

    campaign: Campaign
    programs: int
    applications: int

    @property
    def state(self) -> str:
        return campaign_state(self.campaign)


def campaign_state(campaign: Campaign) -> str:
    """« active », « archived » or « prepared » (created, never activated)."""
    if campaign.is_active:
        return "active"
    if campaign.archived_at is not None:
        return "archived"
    return "prepared"


STATE_LABELS = {
    "active": N_("Active"),
    "archived": N_("Archivée"),
    "prepared": N_("En préparation"),
}


def list_campaigns(session: Session, *, actor: Actor) -> list[CampaignLine]:
    """Every campaign, newest first, with how many programmes and live applications it holds."""
    require_admin(session, actor=actor)
    campaigns = session.exec(select(Campaign).order_by(col(Campaign.starts_on).desc(), col(Campaign.id).desc())).all()
    programs = dict(
        session.exec(select(Program.campaign_id, func.count()).group_by(col(Program.campaign_id))).all()  # type: ignore[arg-type]
    )
    applications = dict(
        session.exec(
            select(Application.campaign_id, func.count())  # type: ignore[arg-type]
            .where(col(Application.cancelled_at).is_(None))
            .group_by(col(Application.campaign_id))
        ).all()
    )
    return [CampaignLine(c, programs.get(c.id, 0), applications.get(c.id, 0)) for c in campaigns]


def active_campaign(session: Session) -> Campaign | None:
    """The campaign open now (at most one: a partial unique index), or None between two campaigns."""
    return session.exec(select(Campaign).where(col(Campaign.is_active))).first()


def active_campaign_id(session: Session) -> int | None:
    return session.exec(select(Campaign.id).where(col(Campaign.is_active))).first()


def is_archived(session: Session, campaign_id: int) -> bool:
    archived = session.exec(select(Campaign.archived_at).where(Campaign.id == campaign_id)).first()
    return archived is not None


def require_open_campaign(session: Session, campaign_id: int) -> None:
    """Refuse a change to an application of an archived campaign, by a candidate or staff (it stays readable)."""
    if is_archived(session, campaign_id):
        raise DomainError(
            "campaign_archived",
            N_(
                "Cette candidature appartient à une campagne archivée : vous pouvez la consulter, "
                "mais plus la modifier."
            ),
        )


# --- Creating and editing ------------------------------------------------------------------------------------------


class CampaignSchema(BaseModel):
    code: str
    label_fr: str
    label_en: str
    starts_on: date | None
    ends_on: date | None
    sign_in_closes_at: datetime | None = None
    definitive_acceptance: bool = False

    @field_validator("code", "label_fr", "label_en", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> str:
        return re.sub(r"\s+", " ", str(value or "")).strip()

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not value:
            raise ValueError(REQUIRED)
        if len(value) > 20 or not CODE_RE.match(value):
            raise ValueError(
                N_("Le code compte 20 caractères au plus : lettres, chiffres, tirets, sans espace ni accent.")
            )
        return value.upper()

    @field_validator("label_fr", "label_en")
    @classmethod
    def _label(cls, value: str) -> str:
        if not value:
            raise ValueError(REQUIRED)
        if len(value) > 200:
            raise ValueError(N_("Ce texte est trop long."))
        return value

    @field_validator("starts_on", "ends_on")
    @classmethod
    def _day(cls, value: date | None) -> date:
        if value is None:
            raise ValueError(REQUIRED)
        return value

    @field_validator("sign_in_closes_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        return (value if value.tzinfo is not None else value.replace(tzinfo=clock.PARIS)).astimezone(UTC)

    @model_validator(mode="after")
    def _ordered(self) -> "CampaignSchema":
        errors: dict[str, str] = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = N_("La fin de la campagne doit suivre son début.")
        closes = self.sign_in_closes_at
        if closes is not None and self.starts_on is not None and clock.paris(closes).date() < self.starts_on:
            errors["sign_in_closes_at"] = N_("La fermeture des connexions doit suivre le début de la campagne.")
        if errors:
            raise DossierInvalid(errors)
        return self


def _validated(values: dict[str, Any]) -> dict[str, Any]:
    return validate(CampaignSchema, values).model_dump()


def save_campaign(
    session: Session,
    *,
    actor: Actor,
    campaign_id: int | None,
    expected_version: int | None,
    values: dict[str, Any],
) -> Campaign:
    """Create a campaign (prepared, not active) or edit one; an archived campaign is no longer edited."""
    require_admin(session, actor=actor, write=True)
    clean = _validated({name: values.get(name) for name in EDITABLE_FIELDS})
    if campaign_id is not None:
        current = load_for_edit(session, Campaign, campaign_id, expected_version)
        if current.archived_at is not None:
            raise DomainError("campaign_archived_edit", N_("Une campagne archivée ne se modifie plus."))
    try:
        return save_entity(
            session,
            actor=actor,
            model=Campaign,
            entity_id=campaign_id,
            expected_version=expected_version,
            values=clean,
            action="campaign.created" if campaign_id is None else "campaign.updated",
        )
    except DossierInvalid as error:
        if "code" in error.errors:
            raise DossierInvalid({"code": N_("Une autre campagne porte déjà ce code.")}) from None
        raise


def archive_campaign(session: Session, *, actor: Actor, campaign_id: int, expected_version: int | None) -> Campaign:
    """Close a campaign without a successor: candidates can no longer apply; nothing is deleted."""
    require_admin(session, actor=actor, write=True)
    campaign = _locked(session, campaign_id, expected_version)
    if campaign.archived_at is not None:
        raise DomainError("campaign_already_archived", N_("Cette campagne est déjà archivée."))
    before = snapshot(campaign, ("is_active", "archived_at"))
    campaign.is_active = False
    campaign.archived_at = clock.now()
    _flush(session, campaign)
    audit(
        session,
        actor=actor,
        action="campaign.archived",
        entity_type="campaign",
        entity_id=campaign.id,
        before=before,
        after=snapshot(campaign, ("is_active", "archived_at")),
    )
    return campaign


def _locked(session: Session, campaign_id: int, expected_version: int | None) -> Campaign:
    campaign = session.exec(select(Campaign).where(Campaign.id == campaign_id).with_for_update()).first()
    if campaign is None:
        raise NotFound("campaign")
    if expected_version is not None and campaign.version != expected_version:
        raise StaleEdit()
    return campaign


def _flush(session: Session, *rows: Any) -> None:
    from sqlalchemy.exc import IntegrityError

    session.add_all(rows)
    try:
        flush_versioned(session)
    except IntegrityError:
        # The partial unique index: another campaign was activated meanwhile.
        raise DomainError(
            "second_active_campaign",
            N_("Une autre campagne est déjà active : une seule campagne peut l'être à la fois."),
        ) from None


# --- The switch ----------------------------------------------------------------------------------------------------

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


def _check_shift(shift: Shift) -> None:
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
    _check_shift(shift)
    new = _locked(session, new_campaign_id, expected_version)
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
    now = clock.now()
    if old is not None:
        old.is_active = False
        old.archived_at = now
        _flush(session, old)  # the old flag goes first: the partial unique index allows one active row
    new.is_active = True
    new.activated_at = now
    new.previous_campaign_id = old.id if old is not None else new.previous_campaign_id
    _flush(session, new)

    copied, skipped, documents, questions, days = 0, [], 0, 0, None
    if old is not None:
        days = _shift_days(shift, old, new)
        copied, skipped, documents, questions = _copy_offer(session, old, new, shift, days)
        _shift_centre_defaults(session, shift, days)
    audit(
        session,
        actor=actor,
        action="campaign.switched",
        entity_type="campaign",
        entity_id=new.id,
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
