"""The further committees examining a programme (« commissions d'examen »), as the scope, the decision and the
mails read them.

A programme's own committee (``Program.committee_id``, copied on each application) enters the decision and signs
the letters. A programme may list further committees (``ProgramCommittee``): each reads the applications and gives
its opinion; one of them may be the final committee, which may also enter the decision (without waiting for the
required opinions) and then signs the letters. A committee member's reach over an application is one of:

- ``DECIDE``: the programme's own committee, or its final committee: reads, writes, enters the decision;
- ``EXAMINE``: a listed committee: reads, gives its committee's opinion, nothing else;
- ``None``: outside.
"""

from enum import StrEnum
from typing import Any

from sqlmodel import Session, col, select

from app.models import ProgramCommittee
from app.services.platform.transaction_memo import forget, memo

_LISTED = "examining.listed"  # the transaction's memo: program id -> its examining committees


class Reach(StrEnum):
    DECIDE = "decide"
    EXAMINE = "examine"


def examined_program_ids(committee_id: int | None) -> Any:
    """A subquery: the programmes listing ``committee_id`` among their examining committees."""
    return select(ProgramCommittee.program_id).where(ProgramCommittee.committee_id == committee_id)


def examining_committees(session: Session, program_id: int) -> list[ProgramCommittee]:
    """The programme's examining committees, in their order (read once a transaction: a selection of a thousand
    applications asks it for each row)."""
    known = memo(session, _LISTED)
    if program_id not in known:
        known[program_id] = tuple(
            session.exec(
                select(ProgramCommittee)
                .where(ProgramCommittee.program_id == program_id)
                .order_by(col(ProgramCommittee.position), col(ProgramCommittee.id))
            ).all()
        )
    return list(known[program_id])


def forget_examining_committees(session: Session) -> None:
    """After a change to a programme's list in this transaction (its save)."""
    forget(session, _LISTED)


def final_committee_id(session: Session, program_id: int) -> int | None:
    return next((row.committee_id for row in examining_committees(session, program_id) if row.is_final), None)


def signing_committee_id(session: Session, program_id: int, own_committee_id: int) -> int:
    """The committee that signs the programme's letters: its final committee when designated, else its own."""
    return final_committee_id(session, program_id) or own_committee_id


def committee_reach(session: Session, committee_id: int | None, program_id: int, own_committee_id: int) -> Reach | None:
    """What a member of ``committee_id`` may do on the applications of ``program_id`` (see the module)."""
    if committee_id is None:
        return None
    if committee_id == own_committee_id:
        return Reach.DECIDE
    listed = next((row for row in examining_committees(session, program_id) if row.committee_id == committee_id), None)
    if listed is None:
        return None
    return Reach.DECIDE if listed.is_final else Reach.EXAMINE
