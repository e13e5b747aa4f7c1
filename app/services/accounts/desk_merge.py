"""The account desk's merge of two accounts of one person (same INE, or same name and birth date).

The preview lists what moves to the kept account and what is dropped, and why a merge is refused; the merge moves
exactly those rows in the caller's transaction, then disables the dropped account (``deleted_at``: the row, its
dossier number and its remaining identity stay, it can no longer sign in). The counts of the merge are the
preview's, read by the same queries. Refused: two live applications to one programme (a programme belongs to one
campaign), two INE that differ, and transmitted dossiers on both sides under different birth dates.
"""

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from app import clock
from app.i18n import N_
from app.models import (
    Account,
    AccountToken,
    Address,
    Application,
    AuditEvent,
    Baccalaureate,
    Candidate,
    CandidateAnswer,
    ExportJob,
    ExternalRecord,
    InternalRecord,
    Internship,
    OutboxMail,
    Program,
    StoredFile,
    WorkExperience,
)
from app.services.accounts.candidates import get_account
from app.services.accounts.desk import AccountRow, account_row, require_desk
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.errors import DomainError
from app.services.platform.text_fold import fold_name

# What moves from the dropped candidate's dossier (label msgid, column pointing at the candidate).
CANDIDATE_ROWS: tuple[tuple[str, Any], ...] = (
    (N_("Candidatures, avec leurs pièces, réponses, avis et messages"), Application.candidate_id),
    (N_("Fichiers déposés"), StoredFile.owner_candidate_id),
    (N_("Cursus interne"), InternalRecord.candidate_id),
    (N_("Cursus externe"), ExternalRecord.candidate_id),
    (N_("Stages"), Internship.candidate_id),
    (N_("Expériences professionnelles"), WorkExperience.candidate_id),
    (N_("Événements du journal sur le dossier"), AuditEvent.candidate_id),
)
# What moves from the dropped account (label msgid, column pointing at the account).
ACCOUNT_ROWS: tuple[tuple[str, Any], ...] = (
    (N_("Mails envoyés"), OutboxMail.account_id),
    (N_("Réponses saisies par le candidat"), CandidateAnswer.by_account_id),
    (N_("Copies de ses données demandées"), ExportJob.account_id),
    (N_("Événements du journal faits par le candidat"), AuditEvent.actor_account_id),
)
# One per dossier: moved when the kept dossier has none, else the kept one stays and the dropped one is dropped.
SINGLE_ROWS: tuple[tuple[str, Any], ...] = (
    (N_("Adresse postale"), Address.candidate_id),
    (N_("Baccalauréat"), Baccalaureate.candidate_id),
)
IDENTITY = N_("Identité et compte du doublon (désactivé, gardé pour l'historique)")
TOKENS = N_("Liens envoyés au doublon et non utilisés")
INE = N_("INE (le compte gardé n'en a pas)")

NOT_DUPLICATES = N_(
    "Ces comptes ne désignent pas la même personne : ni le même INE, ni le même nom et date de naissance."
)
SAME_ACCOUNT = N_("Choisissez deux comptes différents.")
NO_DOSSIER = N_("Le compte {number} n'a pas de dossier candidat : rien à comparer.")
INE_DIFFER = N_(
    "Les deux dossiers portent des INE différents ({kept} et {dropped}) : ce ne sont pas les mêmes personnes."
)
SAME_PROGRAM = N_(
    "Les deux comptes ont une candidature en cours à la même formation ({program}) : annulez l'une d'elles."
)
TRANSMITTED = N_(
    "Les deux comptes ont transmis des dossiers sous des dates de naissance différentes : "
    "faites corriger l'identité avant de fusionner."
)


@dataclass(frozen=True)
class MergeLine:
    label: str  # French msgid
    count: int


@dataclass(frozen=True)
class MergePreview:
    kept: AccountRow
    dropped: AccountRow
    moved: list[MergeLine]
    dropped_rows: list[MergeLine]
    refusals: list[DomainError] = field(default_factory=list)


def _pair(session: Session, kept_id: int, dropped_id: int) -> tuple[Any, Any, Candidate, Candidate]:
    if kept_id == dropped_id:
        raise DomainError("same_account", SAME_ACCOUNT)
    kept, dropped = get_account(session, kept_id), get_account(session, dropped_id)
    candidates = []
    for account in (kept, dropped):
        candidate = session.exec(select(Candidate).where(Candidate.account_id == account.id)).first()
        if candidate is None:
            raise DomainError("no_dossier", NO_DOSSIER, number=account.dossier_number)
        candidates.append(candidate)
    return kept, dropped, candidates[0], candidates[1]


def _same_person(a: Candidate, b: Candidate) -> bool:
    if a.ine and b.ine and a.ine.upper() == b.ine.upper():
        return True
    names = [(fold_name(c.birth_name).strip(), " ".join(fold_name(c.first_names).split())) for c in (a, b)]
    return a.birth_date is not None and a.birth_date == b.birth_date and names[0] == names[1]


def count_rows(session: Session, column: Any, value: int) -> int:
    return session.exec(select(func.count()).select_from(column.class_).where(column == value)).one()


def _refusals(session: Session, kept: Candidate, dropped: Candidate) -> list[DomainError]:
    refusals = []
    if kept.ine and dropped.ine and kept.ine.upper() != dropped.ine.upper():
        refusals.append(DomainError("ine_differ", INE_DIFFER, kept=kept.ine, dropped=dropped.ine))
    elif not _same_person(kept, dropped):
        refusals.append(DomainError("not_duplicates", NOT_DUPLICATES))
    live = col(Application.cancelled_at).is_(None)
    theirs = select(Application.program_id).where(Application.candidate_id == dropped.id, live)
    shared = session.exec(
        select(Application.program_id).where(
            Application.candidate_id == kept.id, live, col(Application.program_id).in_(theirs)
        )
    ).first()
    if shared is not None:
        program = session.get(Program, shared)
        refusals.append(DomainError("same_program", SAME_PROGRAM, program=program.code if program else "?"))
    if _transmitted(session, kept) and _transmitted(session, dropped) and kept.birth_date != dropped.birth_date:
        refusals.append(DomainError("transmitted_conflict", TRANSMITTED))
    return refusals


def _transmitted(session: Session, candidate: Candidate) -> bool:
    query = select(Application.id).where(
        Application.candidate_id == candidate.id, col(Application.transmitted_at).is_not(None)
    )
    return session.exec(query).first() is not None


def _lines(session: Session, kept: Candidate, dropped: Candidate) -> tuple[list[MergeLine], list[MergeLine]]:
    moved = [MergeLine(label, count_rows(session, column, dropped.id or 0)) for label, column in CANDIDATE_ROWS]
    moved += [MergeLine(label, count_rows(session, column, dropped.account_id)) for label, column in ACCOUNT_ROWS]
    gone = [MergeLine(IDENTITY, 1)]
    for label, column in SINGLE_ROWS:
        theirs = count_rows(session, column, dropped.id or 0)
        (gone if count_rows(session, column, kept.id or 0) else moved).append(MergeLine(label, theirs))
    tokens = select(func.count()).select_from(AccountToken)
    unused = tokens.where(AccountToken.account_id == dropped.account_id, col(AccountToken.used_at).is_(None))
    gone.append(MergeLine(TOKENS, session.exec(unused).one()))
    if dropped.ine and not kept.ine:
        moved.append(MergeLine(INE, 1))
    return [m for m in moved if m.count], [g for g in gone if g.count]


def preview_merge(session: Session, *, actor: Actor, kept_id: int, dropped_id: int) -> MergePreview:
    """What merging ``dropped_id`` into ``kept_id`` would move and drop, and why it would be refused."""
    require_desk(session, actor)
    kept, dropped, kept_candidate, dropped_candidate = _pair(session, kept_id, dropped_id)
    moved, gone = _lines(session, kept_candidate, dropped_candidate)
    return MergePreview(
        kept=account_row(kept, kept_candidate),
        dropped=account_row(dropped, dropped_candidate),
        moved=moved,
        dropped_rows=gone,
        refusals=_refusals(session, kept_candidate, dropped_candidate),
    )


def merge_accounts(session: Session, *, actor: Actor, kept_id: int, dropped_id: int) -> MergePreview:
    """Move the dropped account's rows to the kept one and disable it; returns the preview it carried out."""
    require_desk(session, actor, write=True)
    # Both rows locked, in one order (two desks merging crosswise do not deadlock): a second « Fusionner » waits,
    # then finds the dropped account disabled and is refused.
    for account_id in sorted((kept_id, dropped_id)):
        session.exec(select(Account.id).where(Account.id == account_id).with_for_update()).first()
    preview = preview_merge(session, actor=actor, kept_id=kept_id, dropped_id=dropped_id)
    if preview.refusals:
        raise preview.refusals[0]
    kept, dropped, kept_candidate, dropped_candidate = _pair(session, kept_id, dropped_id)
    single = {label for label, _column in SINGLE_ROWS}
    moved_single = {line.label for line in preview.moved} & single
    for label, column in (*CANDIDATE_ROWS, *SINGLE_ROWS):
        if column.class_ in (Address, Baccalaureate) and label not in moved_single:
            continue
        _move(session, column, dropped_candidate.id or 0, kept_candidate.id or 0)
    for _label, column in ACCOUNT_ROWS:
        _move(session, column, dropped.id or 0, kept.id or 0)
    _carry_ine(session, kept_candidate, dropped_candidate)
    unused = col(AccountToken.used_at).is_(None)
    session.execute(sa.delete(AccountToken).where(col(AccountToken.account_id) == dropped.id, unused))
    dropped.deleted_at = clock.now()
    session.add(dropped)
    counts = {line.label: line.count for line in preview.moved}
    audit_row(
        session,
        actor,
        "desk.accounts_merged",
        kept,
        before={"dropped_account_id": dropped.id, "dropped_dossier_number": dropped.dossier_number},
        after={"moved": counts},
    )
    audit_row(session, actor, "desk.account_disabled", dropped)
    session.flush()
    return preview


def _carry_ine(session: Session, kept: Candidate, dropped: Candidate) -> None:
    """The duplicate's INE goes to the kept dossier when it has none (one INE per campaign: freed first)."""
    if not dropped.ine or kept.ine:
        return
    ine, dropped.ine = dropped.ine, None
    session.add(dropped)
    session.flush()
    kept.ine = ine
    session.add(kept)


def _move(session: Session, column: Any, old: int, new: int) -> None:
    session.execute(sa.update(column.class_).where(column == old).values({column.key: new}))
