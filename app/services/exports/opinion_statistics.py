"""The examining committees' opinions in the statistics (« Avis des commissions »): per programme and committee, the
live applications with each opinion and those still awaiting one, within the current role's scope and campaign.

Three grouped queries (the listed committees, the live applications per programme, the opinions per programme,
committee and kind); no application row is loaded into Python.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.models import Application, Committee, CommitteeOpinion, OpinionKind, Program, ProgramCommittee
from app.services.accounts.staff_roles import current_role
from app.services.applications.staff_scope import program_scope, scope_filter
from app.services.platform.actors import Actor

KINDS = tuple(kind.value for kind in OpinionKind)


@dataclass
class OpinionStatRow:
    """One examining committee of one programme and the opinions it gave on the programme's live applications."""

    program_code: str
    program_fr: str
    program_en: str
    committee_fr: str
    committee_en: str
    role_fr: str
    role_en: str
    required: bool
    counts: dict[str, int] = field(default_factory=dict)  # by opinion kind, and « awaited »: no opinion yet

    def label(self, language: str) -> tuple[str, str, str]:
        """(programme, committee, role) in ``language`` (French when the English is empty)."""
        english = language == "en"
        return (
            (self.program_en if english and self.program_en else self.program_fr),
            (self.committee_en if english and self.committee_en else self.committee_fr),
            (self.role_en if english and self.role_en else self.role_fr),
        )


def opinions_by_committee(session: Session, *, actor: Actor, campaign_id: int | None = None) -> list[OpinionStatRow]:
    """Every examining committee of the programmes in scope (of ``campaign_id``, when given), by programme code."""
    role = current_role(session, actor=actor)
    program_where = [program_scope(role)]
    app_where = [scope_filter(role), col(Application.cancelled_at).is_(None)]
    if campaign_id is not None:
        program_where.append(col(Program.campaign_id) == campaign_id)
        app_where.append(col(Application.campaign_id) == campaign_id)
    listed = session.exec(
        select(ProgramCommittee, Program, Committee)
        .join(Program, col(Program.id) == col(ProgramCommittee.program_id))
        .join(Committee, col(Committee.id) == col(ProgramCommittee.committee_id))
        .where(*program_where)
        .order_by(col(Program.code), col(ProgramCommittee.position), col(ProgramCommittee.id))
    ).all()
    if not listed:
        return []
    live = dict(
        session.execute(
            select(col(Application.program_id), sa.func.count()).where(*app_where).group_by(col(Application.program_id))
        ).all()
    )
    given: dict[tuple[int, int], dict[str, int]] = {}
    keys = (col(Application.program_id), col(CommitteeOpinion.committee_id), col(CommitteeOpinion.opinion))
    for program_id, committee_id, kind, count in session.execute(
        select(*keys, sa.func.count())
        .join(Application, col(Application.id) == col(CommitteeOpinion.application_id))
        .where(*app_where)
        .group_by(*keys)
    ).all():
        given.setdefault((program_id, committee_id), {})[kind.value] = int(count)
    rows = []
    for listing, program, committee in listed:
        counts = {kind: given.get((program.id or 0, committee.id or 0), {}).get(kind, 0) for kind in KINDS}
        counts["awaited"] = int(live.get(program.id, 0)) - sum(counts.values())
        labels = (program.label_fr, program.label_en, committee.label_fr, committee.label_en)
        rows.append(OpinionStatRow(program.code, *labels, listing.role_fr, listing.role_en, listing.required, counts))
    return rows
