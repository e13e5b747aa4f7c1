"""The demo's programme examined by several committees (issue #22 item 1): the master Informatique (M-INFO-IA),
decided by its own committee, is also examined by its teaching team (« Examen pédagogique », optional) and by the head
of department (« Avis du directeur », required). The committees and their members (lmercier, rdumas) are in
``demo/data.py``; this module lists them on the programme and enters some opinions through the real services: two
applications have the required one (their committee was mailed), another only the optional one, so the staff list's
« Avis des commissions » filter, the decision's wait and the ranking's « Avis des commissions attendus » show."""

from sqlmodel import Session, col, select

from app.models import Account, Application, Candidate, Committee, Program, StaffMember, StaffRole, StaffRoleAssignment
from app.services.admin.program_committees import ExaminingRow, program_committees, save_program_committees
from app.services.decisions.opinions import enter_opinion
from app.services.demo import data as d
from app.services.platform.actors import Actor

PROGRAM = "M-INFO-IA"
CENTRAL_OFFICE = "nperrin"
# (committee code, role in French, role in English, its demo member, required): the director's opinion is required,
# so the ranking of the scored master (demo/scoring.py) proposes only the applications that have it
EXAMINING = (
    ("COM-INFO-PEDA", "Examen pédagogique", "Teaching review", "lmercier", False),
    ("COM-INFO-DIR", "Avis du directeur", "Head of department's opinion", "rdumas", True),
)
# (candidate's demo key, committee code, opinion, comment)
OPINIONS = (
    ("c05", "COM-INFO-PEDA", "favourable", "Très bon parcours en apprentissage automatique."),
    ("c05", "COM-INFO-DIR", "reserved", "Projet professionnel à préciser à l'entretien."),
    ("c03", "COM-INFO-PEDA", "favourable", ""),
    ("c04", "COM-INFO-DIR", "favourable", ""),
)


def _actor(session: Session, login: str, role: StaffRole) -> Actor:
    staff_id, assignment_id = session.exec(
        select(StaffMember.id, StaffRoleAssignment.id)
        .join(StaffRoleAssignment, col(StaffRoleAssignment.staff_id) == StaffMember.id)
        .where(StaffMember.login == login, StaffRoleAssignment.role == role)
    ).one()
    return Actor("staff", staff_id=staff_id, role_assignment_id=assignment_id)


def _application_id(session: Session, program: Program, person: str) -> int:
    return (
        session.exec(
            select(Application.id)
            .join(Candidate, col(Candidate.id) == Application.candidate_id)
            .join(Account, col(Account.id) == Candidate.account_id)
            .where(
                Application.program_id == program.id,
                Account.dossier_number == d.DOSSIER_NUMBERS[person],
                col(Application.cancelled_at).is_(None),
            )
        ).one()
        or 0
    )


def seed_examining_committees(session: Session) -> int:
    """List the examining committees on the demo programme (as the central office) and enter the demo opinions
    (as each committee's member); how many opinions were entered."""
    program = session.exec(select(Program).where(Program.code == PROGRAM)).one()
    committee_ids = {
        code: session.exec(select(Committee.id).where(Committee.code == code)).one() or 0 for code, *_rest in EXAMINING
    }
    office = _actor(session, CENTRAL_OFFICE, StaffRole.CENTRAL_OFFICE)
    stamp = program_committees(session, actor=office, program_id=program.id or 0).stamp
    rows = [
        ExaminingRow(committee_ids[code], role_fr, role_en, required=required)
        for code, role_fr, role_en, _login, required in EXAMINING
    ]
    save_program_committees(session, actor=office, program_id=program.id or 0, rows=rows, stamp=stamp)
    members = {code: _actor(session, login, StaffRole.COMMITTEE_MEMBER) for code, _fr, _en, login, _req in EXAMINING}
    for person, code, opinion, comment in OPINIONS:
        application_id = _application_id(session, program, person)
        enter_opinion(session, actor=members[code], application_id=application_id, opinion=opinion, comment=comment)
    return len(OPINIONS)
