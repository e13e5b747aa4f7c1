"""Messages the demo campus's managers sent to a selection (« Envoyer un message »), through the real service: each
candidate concerned finds a mail in the development mailbox, the message on their « Messages » page, and the send in
the history of each dossier."""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.models import Application, Program, StaffMember, StaffRole, StaffRoleAssignment
from app.services.platform.actors import Actor
from app.services.review.staff_messages import MessageDraft, send_message


@dataclass(frozen=True)
class DemoMessage:
    login: str  # the centre manager who sends it
    program_code: str  # to every live application of this programme
    draft: MessageDraft


MESSAGES = (
    DemoMessage(
        "jroussel",
        "M-INFO-IA",
        MessageDraft(
            "Réunion d'information du master Informatique",
            "<p>Bonjour {{ account.first_name }},</p><p>Une réunion d'information sur le <strong>{{ program.title }}"
            "</strong> a lieu en visioconférence jeudi à 17 h. Le lien vous sera envoyé la veille.</p>"
            "<p>Pensez à déposer les pièces qui manquent encore à votre dossier.</p><p>{{ program.centre_name }}</p>",
            "Information meeting about the Master's in Computer Science",
            "<p>Dear {{ account.first_name }},</p><p>An online information meeting about the "
            "<strong>{{ program.title }}</strong> takes place on Thursday at 5 pm. "
            "The link will be sent the day before.</p>"
            "<p>Please upload the documents still missing from your file.</p><p>{{ program.centre_name }}</p>",
        ),
    ),
    DemoMessage(
        "tbouvier",
        "ING-GC",
        MessageDraft(
            "Entretiens de Génie civil : venir à Polytech",
            "<p>Bonjour {{ account.first_name }},</p><p>Pour les entretiens du {{ program.title }}, présentez-vous "
            "à l'accueil du bâtiment Galilée un quart d'heure avant l'heure indiquée, avec une pièce d'identité.</p>",
        ),
    ),
)


def seed_demo_messages(session: Session) -> int:
    """Send the demo messages; the number of candidates they reached."""
    reached = 0
    for number, message in enumerate(MESSAGES, start=1):
        staff_id, assignment_id = session.exec(
            select(StaffMember.id, StaffRoleAssignment.id)
            .join(StaffRoleAssignment, col(StaffRoleAssignment.staff_id) == StaffMember.id)
            .where(StaffMember.login == message.login, StaffRoleAssignment.role == StaffRole.CENTRE_MANAGER)
        ).one()
        ids = set(
            session.exec(
                select(Application.id)
                .join(Program, col(Program.id) == Application.program_id)
                .where(Program.code == message.program_code, col(Application.cancelled_at).is_(None))
            ).all()
        )
        actor = Actor("staff", staff_id=staff_id, role_assignment_id=assignment_id)
        sent = send_message(
            session, actor=actor, application_ids={i for i in ids if i}, draft=message.draft,
            idempotency_key=f"demo-message-{number}",
        )  # fmt: skip
        reached += sent.recipients
    return reached
