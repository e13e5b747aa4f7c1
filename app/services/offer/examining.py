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


class Reach(StrEnum):
    DECIDE = "decide"
    EXAMINE = "examine"


def examined_program_ids(committee_id: int | None) -> Any:
    """A subquery: the programmes listing ``committee_id`` among their examining committees."""
    return select(ProgramCommittee.program_id).where(ProgramCommittee.committee_id == committee_id)


def examining_committees(session: Session, program_id: int) -> list[ProgramCommittee]:
    """The programme's examining committees, in their order."""
    return list(
        session.exec(
            select(ProgramCommittee)
            .where(ProgramCommittee.program_id == program_id)
            .order_by(col(ProgramCommittee.position), col(ProgramCommittee.id))
        ).all()
    )


def final_committee_id(session: Session, program_id: int) -> int | None:
    return session.exec(
        select(ProgramCommittee.committee_id).where(
            ProgramCommittee.program_id == program_id, col(ProgramCommittee.is_final)
        )
    ).first()


def signing_committee_id(session: Session, program_id: int, own_committee_id: int) -> int:
    """The committee that signs the programme's letters: its final committee when designated, else its own."""
    return final_committee_id(session, program_id) or own_committee_id


def committee_reach(session: Session, committee_id: int | None, program_id: int, own_committee_id: int) -> Reach | None:
    """What a member of ``committee_id`` may do on the applications of ``program_id`` (see the module)."""
    if committee_id is None:
        return None
    if committee_id == own_committee_id:
        return Reach.DECIDE
    listed = session.exec(
        select(ProgramCommittee).where(
            ProgramCommittee.program_id == program_id, ProgramCommittee.committee_id == committee_id
        )
    ).first()
    if listed is None:
        return None
    return Reach.DECIDE if listed.is_final else Reach.EXAMINE
