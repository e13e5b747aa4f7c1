"""The dossier's « Historique » after a whole journey, as staff read it: a sentence for every event, and no ISO date,
code or Python list left anywhere, in French or in English."""

import re
from datetime import date
from typing import Any

from nicegui.testing import User
from sqlmodel import or_, select

from app import clock
from app.db import transaction
from app.models import (
    AuditEvent,
    BacSeries,
    DecisionKind,
    DocumentStatus,
    DossierStatus,
    ExternalRecord,
    Internship,
    ProcessingType,
    RecordOutcome,
    StaffRole,
    StaffRoleAssignment,
    SubmittedDocument,
    Tag,
    WorkExperience,
)
from app.services.accounts import staff_roles as staff
from app.services.applications import actions as applications
from app.services.applications import applying, question_answers
from app.services.applications.transmission import transmit_application
from app.services.decisions import answers
from app.services.decisions import staff_decisions as decisions
from app.services.decisions.waiting_list_staff import call_next_candidate
from app.services.documents import pieces as documents
from app.services.dossier import entries as dossier_entries
from app.services.dossier import tabs as dossier
from app.services.platform.actors import Actor
from app.services.platform.audit import DOSSIER_ACTIONS
from app.services.review import staff_view as staff_review
from app.ui.audit_labels import SENTENCES
from tests import factories
from tests.ui.staff_sessions import make_staff, sign_in


def _staff_actor(staff_id: int) -> Actor:
    with transaction() as s:
        assignment = s.exec(select(StaffRoleAssignment).where(StaffRoleAssignment.staff_id == staff_id)).one()
        return Actor("staff", staff_id=staff_id, role_assignment_id=assignment.id)


def _dossier(candidate: Actor) -> None:
    """The candidate fills every tab of the dossier, lists included (added, changed, removed)."""
    with transaction() as s:
        opened = dossier.open_dossier(s, actor=candidate)
    person = opened.candidate
    for name, value in dict(
        birth_name="Lefèvre",
        first_names="Hélène",
        birth_date=date(2004, 3, 12),
        birth_country="FR",
        birth_department="45",
        birth_commune_insee="45234",
        nationality="FR",
        mobile="06 12 34 56 78",
    ).items():
        setattr(person, name, value)
    with transaction() as s:
        dossier.save_personal_information(s, actor=candidate, candidate=person)
    address = opened.address
    address.line1, address.postcode, address.commune_insee, address.country = "1 rue Bannier", "45000", "45234", "FR"
    with transaction() as s:
        dossier.save_address(s, actor=candidate, address=address)
    bac = opened.baccalaureate
    bac.series, bac.year, bac.mention, bac.department = BacSeries.GENERAL, 2022, "Assez bien", "45"
    bac.specialities = ["Mathématiques", "Physique-chimie"]
    with transaction() as s:
        dossier.save_baccalaureate(s, actor=candidate, baccalaureate=bac)
    cid = person.id
    record = ExternalRecord(
        candidate_id=cid,
        academic_year=2023,
        establishment_uai=None,
        establishment_label="Université de Genève",
        country="CH",
        diploma_type="Licence",
        label="Licence d'histoire",
        outcome=RecordOutcome.IN_PROGRESS,
    )
    with transaction() as s:
        record = dossier_entries.save_entry(s, actor=candidate, entry=record)
    record.outcome = RecordOutcome.OBTAINED
    with transaction() as s:
        dossier_entries.save_entry(s, actor=candidate, entry=record)
    with transaction() as s:
        dossier_entries.delete_entry(s, actor=candidate, model=ExternalRecord, entry_id=record.id)
    job = WorkExperience(candidate_id=cid, year=2024, duration="6 mois", title="Serveuse", employer="Le Lutetia")
    stage = Internship(candidate_id=cid, year=2023, duration="2 mois", hours_per_week=35, organisation="Mairie")
    with transaction() as s:
        dossier_entries.save_entry(s, actor=candidate, entry=job)
        dossier_entries.save_entry(s, actor=candidate, entry=stage)


def journey() -> dict[str, Any]:
    """From the account to the withdrawal: the dossier, the application, its pieces, the staff's review, a
    waiting-list decision, the call, the answers, an administrator viewing as the candidate."""
    with transaction() as s:
        favorable = factories.decision_type(s, DecisionKind.FAVORABLE, label_fr="Admis", label_en="Admitted")
        waiting = factories.decision_type(
            s, DecisionKind.WAITING_LIST, label_fr="Liste d'attente", label_en="Waiting list"
        )
        program = factories.program(s, capacity=1, favorable_decision_type_id=favorable.id)
        transcript = factories.required_document(s, program_id=program.id, label_fr="Relevé de notes")
        grant = factories.required_document(
            s, program_id=program.id, label_fr="Attestation de bourse", is_conditional=True
        )
        question = factories.question(s, program_id=program.id, label_fr="Êtes-vous boursier ?")
        tag = Tag(centre_id=program.centre_id, label="Prioritaire")
        s.add(tag)
        account = factories.account(s)
        s.flush()
        ids = {"program": program.id, "question": question.id, "tag": tag.id, "waiting": waiting.id}
        ids |= {"transcript": transcript.id, "grant": grant.id, "dossier_number": account.dossier_number}
        candidate = Actor("candidate", account_id=account.id)
    anne = _staff_actor(make_staff("anne", StaffRole.CENTRE_MANAGER, "Anne Martin", centre_id=program.centre_id))
    admin = _staff_actor(make_staff("root", StaffRole.ADMINISTRATOR, "Paul Admin"))
    _dossier(candidate)
    with transaction() as s:
        application_id = applying.apply_to_program(s, actor=candidate, program_id=ids["program"]).id
    with transaction() as s:
        question_answers.answer_question(
            s, actor=candidate, application_id=application_id, question_id=ids["question"], value=True
        )
    with transaction() as s:
        pieces = {
            d.required_document_id: d.id
            for d in s.exec(select(SubmittedDocument).where(SubmittedDocument.application_id == application_id))
        }
    piece, grant_piece = pieces[ids["transcript"]], pieces[ids["grant"]]
    for name in ("releve-s1.pdf", "releve-s2.pdf"):
        with transaction() as s:
            documents.add_piece_file(
                s, actor=candidate, submitted_document_id=piece, filename=name, data=factories.pdf_bytes(1)
            )
    with transaction() as s:
        files = documents.get_piece(s, actor=candidate, submitted_document_id=piece).files
    with transaction() as s:
        documents.reorder_piece_files(
            s, actor=candidate, submitted_document_id=piece, order=[f.stored_file_id for f in reversed(files)]
        )
    with transaction() as s:
        documents.remove_piece_file(
            s, actor=candidate, submitted_document_id=piece, stored_file_id=files[1].stored_file_id
        )
    for not_applicable in (True, False, True):
        with transaction() as s:
            documents.mark_not_applicable(
                s, actor=candidate, submitted_document_id=grant_piece, not_applicable=not_applicable
            )
    with transaction() as s:
        transmit_application(s, actor=candidate, application_id=application_id)
    with transaction() as s:
        staff_review.open_application_for_staff(s, actor=anne, application_id=application_id)
        staff_review.read_piece_pdf(s, actor=anne, submitted_document_id=piece)
        staff_review.dossier_pdf_context_for_staff(s, actor=anne, application_id=application_id)
    with transaction() as s:
        staff_review.review_piece(
            s, actor=anne, submitted_document_id=piece, status=DocumentStatus.REFUSED, comment="Page 2 illisible"
        )
    for status in (DossierStatus.INCOMPLETE, DossierStatus.RECEIVED, DossierStatus.COMPLETE):
        with transaction() as s:
            staff_review.set_dossier_status(
                s, actor=anne, application_id=application_id, status=status, expected_version=None
            )
    with transaction() as s:
        staff_review.set_processing_type(
            s,
            actor=anne,
            application_id=application_id,
            processing_type=ProcessingType.UNDECIDED,
            expected_version=None,
        )
    with transaction() as s:
        staff_review.set_candidate_dates(
            s,
            actor=anne,
            application_id=application_id,
            return_by_override=clock.paris_datetime(2026, 7, 1, 23, 59, 59),
            confirmation_by_override=None,
            expected_version=None,
        )
    with transaction() as s:
        staff_review.set_tags(s, actor=anne, application_id=application_id, tag_ids=[ids["tag"]])
    with transaction() as s:
        note = staff_review.add_note(s, actor=anne, application_id=application_id, body="Dossier solide")
    with transaction() as s:
        staff_review.delete_note(s, actor=anne, note_id=note.id)
    with transaction() as s:
        entered = decisions.enter_decision(
            s, actor=anne, application_id=application_id, decision_type_id=ids["waiting"], waiting_list_rank=1
        )
    with transaction() as s:
        decisions.publish_decision(s, actor=anne, decision_id=entered.id)
    with transaction() as s:
        call_next_candidate(s, actor=anne, program_id=ids["program"], expected_application_id=application_id)
    with transaction() as s:
        answers.confirm_offer(s, actor=candidate, application_id=application_id)
    with transaction() as s:
        answers.withdraw(s, actor=candidate, application_id=application_id, reason="Admise ailleurs")
    with transaction() as s:
        account = staff.start_impersonation(s, actor=admin, dossier_number=ids["dossier_number"])
        viewing = Actor("candidate", account_id=account.id, impersonated_by_staff_id=admin.staff_id)
        staff.record_impersonated_view(s, actor=viewing, administrator=admin, path="/candidat/candidatures")
    with transaction() as s:
        candidate_id = applications.own_candidate_id(s, actor=candidate)
        actions = set(
            s.exec(
                select(AuditEvent.action).where(
                    or_(AuditEvent.application_id == application_id, AuditEvent.candidate_id == candidate_id)
                )
            ).all()
        )
    return {"application": application_id, "actions": actions}


def history(user: User) -> list[dict[str, str]]:
    with user:
        [table] = user.find(marker="history-table").elements
        return list(table.rows)  # type: ignore[attr-defined]


ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}|T\d{2}:\d{2}|[+-]\d{2}:\d{2}\b")
CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|\b[a-z_]+\.[a-z_]+\b")  # snake_case keys, dotted actions
SYNTAX = re.compile(r"[\[\]{}]|\bNone\b|\bTrue\b|\bFalse\b")
# Stored values that must read as their labels in French (English words legitimately read like some of them).
RAW_VALUES = re.compile(
    r"\b(pending|received|incomplete|complete|submitted|validated|refused|committee|undecided|favorable|"
    r"confirmed|withdrawn|candidate|staff|general|obtained|in_progress|FR|CH)\b"
)


def unreadable(rows: list[dict[str, str]], *patterns: re.Pattern[str]) -> list[str]:
    return [
        f"{text!r} ({pattern.pattern})"
        for row in rows
        for text in (row["at"], row["event"], row["details"])
        for pattern in patterns
        if pattern.search(text)
    ]


async def test_the_history_of_a_whole_journey_reads_as_sentences_without_codes(user: User) -> None:
    done = journey()
    assert len(done["actions"]) >= 30 and done["actions"] <= DOSSIER_ACTIONS
    await sign_in(user, "anne")
    await user.open(f"/gestion/candidatures/{done['application']}")
    await user.should_see(marker="history-table")
    rows = history(user)
    assert unreadable(rows, ISO_MOMENT, CODE, SYNTAX, RAW_VALUES) == []
    events = {row["event"] for row in rows}
    for action in done["actions"]:  # every action of the journey, as its sentence
        start = SENTENCES[action].split("{who}")[-1].split("{subject}")[0].strip(" .")
        assert any(start in event for event in events), action
    details = "\n".join(row["details"] for row in rows)
    for worded in (
        "Statut du dossier : Réceptionné → Incomplet",
        "Pièces manquantes : Relevé de notes (Page 2 illisible)",
        "Spécialités : — → Mathématiques, Physique-chimie",
        "Date de naissance : — → 12/03/2004",
        "Commune de naissance : — → ORLEANS (45000)",
        "Département : — → Loiret (45)",
        "Pays : Suisse",
        "Année universitaire : 2023-2024",
        "Fichiers : releve-s1.pdf → releve-s1.pdf, 1 fichier supprimé depuis",  # releve-s2.pdf was removed
        "Étiquettes : — → Prioritaire",
        "Type de décision : Liste d'attente",
        "Date limite de retour propre au candidat : — → 01/07/2026 23:59",
        "Réponse : Confirmé → Désisté",
        "Type de traitement : Examen par la commission → À décider",
    ):
        assert worded in details, worded
    assert "Le candidat a transmis le dossier." in events
    assert "Un gestionnaire (Anne Martin) a examiné la pièce « Relevé de notes »." in events
    assert "Désistement enregistré par le candidat." in events
    assert "Un gestionnaire (Paul Admin) a consulté une page de l'espace du candidat en son nom." in events

    await user.http_client.get("/langue/en")  # the frame's « EN » link
    await user.open(f"/gestion/candidatures/{done['application']}")
    await user.should_see("History")
    english = history(user)
    assert unreadable(english, ISO_MOMENT, CODE, SYNTAX) == []
    assert "The candidate submitted the dossier." in {row["event"] for row in english}
    assert "Dossier status: Received → Incomplete" in "\n".join(row["details"] for row in english)
