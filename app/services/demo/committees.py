"""The demo's programme examined by several committees (issue #22 item 1): the master Informatique (M-INFO-IA),
decided by its own committee, is also examined by the teaching team (« Examen pédagogique ») and by the head of
department (« Avis du directeur »), both required; each has a demo member who signs in with the staff password.
Some opinions are entered through the real service: one application has both (its committee was mailed), another
one only, so the staff list's « Avis des commissions » filter and the decision's wait show on screen."""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.models import (
    Account,
    Application,
    Candidate,
    Committee,
    Program,
    StaffMember,
    StaffRole,
    StaffRoleAssignment,
)
from app.services.admin.program_committees import ExaminingRow, program_committees, save_program_committees
from app.services.decisions.opinions import enter_opinion
from app.services.demo import data as d
from app.services.demo.people import mail_part
from app.services.platform.actors import Actor

PROGRAM = "M-INFO-IA"
CENTRAL_OFFICE = "nperrin"


@dataclass(frozen=True)
class ExaminingData:
    code: str
    label_fr: str
    label_en: str
    role_fr: str
    role_en: str
    member: tuple[str, str, str]  # login, first name, last name


EXAMINING = (
    ExaminingData(
        "COM-INFO-PEDA",
        "Équipe pédagogique du master Informatique",
        "Computer Science master's teaching team",
        "Examen pédagogique",
        "Teaching review",
        ("lmercier", "Louise", "Mercier"),
    ),
    ExaminingData(
        "COM-INFO-DIR",
        "Direction du département Informatique",
        "Head of the Computer Science department",
        "Avis du directeur",
        "Head of department's opinion",
        ("rdumas", "Romain", "Dumas"),
    ),
)
# (candidate's demo key, committee code, opinion, comment)
OPINIONS = (
    ("c05", "COM-INFO-PEDA", "favourable", "Très bon parcours en apprentissage automatique."),
    ("c05", "COM-INFO-DIR", "reserved", "Projet professionnel à préciser à l'entretien."),
    ("c03", "COM-INFO-PEDA", "favourable", ""),
)


def _actor(session: Session, login: str, role: StaffRole) -> Actor:
    staff_id, assignment_id = session.exec(
        select(StaffMember.id, StaffRoleAssignment.id)
        .join(StaffRoleAssignment, col(StaffRoleAssignment.staff_id) == StaffMember.id)
        .where(StaffMember.login == login, StaffRoleAssignment.role == role)
    ).one()
    return Actor("staff", staff_id=staff_id, role_assignment_id=assignment_id)


def _committee_and_member(session: Session, program: Program, row: ExaminingData, password_hash: str) -> Committee:
    committee = Committee(
        centre_id=program.centre_id,
        code=row.code,
        label_fr=row.label_fr,
        label_en=row.label_en,
        contact_email=f"{row.code.lower()}@{d.MAIL_DOMAIN}",
        alert_on_new_application=True,
    )
    login, first, last = row.member
    member = StaffMember(
        login=login,
        email=f"{mail_part(first)}.{mail_part(last)}@{d.MAIL_DOMAIN}",
        display_name=f"{first} {last}",
        password_hash=password_hash,
    )
    session.add_all([committee, member])
    session.flush()
    session.add(StaffRoleAssignment(staff_id=member.id, role=StaffRole.COMMITTEE_MEMBER, committee_id=committee.id))
    return committee


def seed_examining_committees(session: Session) -> int:
    """List the examining committees on the demo programme and enter the demo opinions; how many were entered."""
    program = session.exec(select(Program).where(Program.code == PROGRAM)).one()
    password_hash = session.exec(select(StaffMember.password_hash).where(StaffMember.login == CENTRAL_OFFICE)).one()
    committees = {row.code: _committee_and_member(session, program, row, password_hash or "") for row in EXAMINING}
    session.flush()
    office = _actor(session, CENTRAL_OFFICE, StaffRole.CENTRAL_OFFICE)
    stamp = program_committees(session, actor=office, program_id=program.id or 0).stamp
    rows = [ExaminingRow(committees[row.code].id or 0, row.role_fr, row.role_en) for row in EXAMINING]
    save_program_committees(session, actor=office, program_id=program.id or 0, rows=rows, stamp=stamp)
    members = {row.code: _actor(session, row.member[0], StaffRole.COMMITTEE_MEMBER) for row in EXAMINING}
    for person, code, opinion, comment in OPINIONS:
        application_id = session.exec(
            select(Application.id)
            .join(Candidate, col(Candidate.id) == Application.candidate_id)
            .join(Account, col(Account.id) == Candidate.account_id)
            .where(
                Application.program_id == program.id,
                Account.dossier_number == d.DOSSIER_NUMBERS[person],
                col(Application.cancelled_at).is_(None),
            )
        ).one()
        enter_opinion(
            session, actor=members[code], application_id=application_id or 0, opinion=opinion, comment=comment
        )
    return len(OPINIONS)
