"""The demo campus's scored programme: the master Informatique's grid of three criteria, scored by two members of
its committee through the real service (each score in the dossiers' histories), so « Classements » shows a ranking
with ties broken, an unscored application last, and a proposal to make."""

from sqlmodel import Session, col, select

from app.models import Application, Committee, Program, ScoringCriterion, StaffMember, StaffRole, StaffRoleAssignment
from app.services.platform.actors import Actor
from app.services.scoring.scores import enter_scores

PROGRAM_CODE = "M-INFO-IA"
# (label in French, in English, coefficient, scale)
CRITERIA = (
    ("Dossier académique", "Academic record", 2, 20),
    ("Projet professionnel", "Career plan", 1, 20),
    ("Lettre de motivation", "Cover letter", 1, 10),
)
MEMBERS = ("pgauthier", "ecolin")  # both on the programme's committee


def _member(session: Session, login: str, committee_id: int) -> Actor:
    staff_id, assignment_id = session.exec(
        select(StaffMember.id, StaffRoleAssignment.id)
        .join(StaffRoleAssignment, col(StaffRoleAssignment.staff_id) == StaffMember.id)
        .where(
            StaffMember.login == login,
            StaffRoleAssignment.role == StaffRole.COMMITTEE_MEMBER,
            StaffRoleAssignment.committee_id == committee_id,
        )
    ).one()
    return Actor("staff", staff_id=staff_id, role_assignment_id=assignment_id)


def _value(seed: int, member: int, criterion: int, scale: int) -> str:
    """A plausible score, different per application, member and criterion, with a half point now and then."""
    tenths = (seed * 37 + member * 11 + criterion * 23) % (scale * 5) + scale * 5  # the upper half of the scale
    return f"{tenths // 10},{tenths % 10}" if tenths % 10 == 5 else str(tenths // 10)


def seed_demo_scoring(session: Session) -> int:
    """Create the grid and score the programme's transmitted open applications (all but the last; the others can
    still be cancelled by their candidate, which a score would forbid); the number scored."""
    program = session.exec(select(Program).where(Program.code == PROGRAM_CODE)).first()
    if program is None or program.id is None:
        return 0
    committee = session.get(Committee, program.committee_id)
    assert committee is not None and committee.id is not None
    criteria = [
        ScoringCriterion(program_id=program.id, label_fr=fr, label_en=en, weight=weight, scale_max=scale,
                         position=index)
        for index, (fr, en, weight, scale) in enumerate(CRITERIA, start=1)
    ]  # fmt: skip
    session.add_all(criteria)
    session.flush()
    open_ids = session.exec(
        select(Application.id)
        .where(
            Application.program_id == program.id,
            col(Application.cancelled_at).is_(None),
            col(Application.last_decision_published).is_(False),
            col(Application.transmitted_at).is_not(None),  # a committee scores a transmitted dossier
        )
        .order_by(col(Application.id))
    ).all()
    scored = [application_id for application_id in open_ids if application_id][:-1]  # one left to score
    for number, login in enumerate(MEMBERS):
        actor = _member(session, login, committee.id)
        for seed, application_id in enumerate(scored):
            values = {c.id or 0: _value(seed, number, index, c.scale_max) for index, c in enumerate(criteria)}
            enter_scores(session, actor=actor, application_id=application_id, values=values)
    return len(scored)
