"""The dossier as staff see it: scope matrix, review actions, status transitions and their mails, audit, leases."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app import clock as app_clock
from app.models import (
    ActorKind,
    Application,
    ApplicationTag,
    AuditEvent,
    Decision,
    DecisionKind,
    DocumentStatus,
    DossierStatus,
    EditLease,
    Note,
    OutboxMail,
    ProcessingType,
    StaffRole,
    SubmittedDocument,
    Tag,
)
from app.services.platform import leases
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError, Forbidden, NotFound
from app.services.review import staff_view as staff_review
from tests import factories


def staff(session: Session, role: StaffRole, *, read_only: bool = False, **scope: int) -> Actor:
    assignment = factories.staff_with_role(session, role, read_only=read_only, **scope)
    return Actor("staff", staff_id=assignment.staff_id, role_assignment_id=assignment.id)


@pytest.fixture
def world(session: Session) -> dict:
    """Two centres, each with a committee, a programme and one application with two pieces (one with a file)."""
    campaign = factories.campaign(session)
    centres, committees, applications, pieces = [], [], [], []
    for _ in range(2):
        centre = factories.centre(session)
        committee = factories.committee(session, centre.id)
        program = factories.program(session, campaign_id=campaign.id, centre_id=centre.id, committee_id=committee.id)
        candidate = factories.complete_candidate(session)
        application = factories.application(session, candidate_id=candidate.id, program=program)
        merged = factories.stored_file(session, factories.pdf_bytes(2), owner_candidate_id=candidate.id, page_count=2)
        required = [factories.required_document(session, program_id=program.id) for _ in range(2)]
        docs = [
            factories.submitted_document(
                session,
                application_id=application.id,
                required_document_id=required[0].id,
                status=DocumentStatus.SUBMITTED,
                merged_file_id=merged.id,
            ),
            factories.submitted_document(session, application_id=application.id, required_document_id=required[1].id),
        ]
        centres.append(centre)
        committees.append(committee)
        applications.append(application)
        pieces.append(docs)
    session.commit()
    return {"centres": centres, "committees": committees, "applications": applications, "pieces": pieces}


def actor_for(session: Session, world: dict, role: StaffRole, scope: str, read_only: bool = False) -> Actor:
    index = 0 if scope == "own" else 1
    kwargs: dict = {}
    if role == StaffRole.CENTRE_MANAGER:
        kwargs["centre_id"] = world["centres"][index].id
    elif role == StaffRole.COMMITTEE_MEMBER:
        kwargs["committee_id"] = world["committees"][index].id
    actor = staff(session, role, read_only=read_only, **kwargs)
    session.commit()
    return actor


OK, HIDDEN, REFUSED = "ok", "not_found", "refused"
MATRIX = [
    # role, scope, read_only, read, act
    (StaffRole.ADMINISTRATOR, "own", False, OK, OK),
    (StaffRole.CENTRAL_OFFICE, "own", False, OK, OK),
    (StaffRole.CENTRE_MANAGER, "own", False, OK, OK),
    (StaffRole.CENTRE_MANAGER, "other", False, HIDDEN, HIDDEN),
    (StaffRole.CENTRE_MANAGER, "own", True, OK, REFUSED),
    (StaffRole.COMMITTEE_MEMBER, "own", False, OK, REFUSED),
    (StaffRole.COMMITTEE_MEMBER, "other", False, HIDDEN, HIDDEN),
]


def outcome(call) -> str:
    try:
        call()
    except NotFound:
        return HIDDEN
    except (Forbidden, DomainError) as error:
        assert error.code in {"read_only_role", "forbidden"}, error
        return REFUSED
    return OK


@pytest.mark.parametrize(("role", "scope", "read_only", "read", "act"), MATRIX)
def test_scope_matrix(session: Session, world: dict, role, scope, read_only, read, act) -> None:
    actor = actor_for(session, world, role, scope, read_only)
    application = world["applications"][0]
    piece = world["pieces"][0][0]
    assert (
        outcome(lambda: staff_review.open_application_for_staff(session, actor=actor, application_id=application.id))
        == read
    )
    assert outcome(lambda: staff_review.read_piece_pdf(session, actor=actor, submitted_document_id=piece.id)) == read
    session.rollback()
    assert (
        outcome(
            lambda: staff_review.review_piece(
                session, actor=actor, submitted_document_id=piece.id, status=DocumentStatus.VALIDATED
            )
        )
        == act
    )
    session.rollback()
    assert (
        outcome(
            lambda: staff_review.set_dossier_status(
                session,
                actor=actor,
                application_id=application.id,
                status=DossierStatus.RECEIVED,
                expected_version=None,
            )
        )
        == act
    )
    session.rollback()


def test_forged_ids_are_not_found(session: Session, world: dict) -> None:
    actor = actor_for(session, world, StaffRole.CENTRE_MANAGER, "own")
    with pytest.raises(NotFound):
        staff_review.open_application_for_staff(session, actor=actor, application_id=999_999)
    with pytest.raises(NotFound):
        staff_review.review_piece(
            session, actor=actor, submitted_document_id=world["pieces"][1][0].id, status=DocumentStatus.VALIDATED
        )
    with pytest.raises(NotFound):
        staff_review.add_note(session, actor=actor, application_id=world["applications"][1].id, body="Hors champ")
    with pytest.raises(Forbidden):
        staff_review.open_application_for_staff(
            session, actor=Actor("candidate", account_id=1), application_id=world["applications"][0].id
        )


def test_the_view_is_complete_and_audited(session: Session, world: dict) -> None:
    actor = actor_for(session, world, StaffRole.CENTRE_MANAGER, "own")
    application = world["applications"][0]
    factories.decision(session, application_id=application.id, entered_by_staff_id=actor.staff_id)
    session.commit()
    view = staff_review.open_application_for_staff(session, actor=actor, application_id=application.id)
    session.commit()
    assert view.can_review and [p.status for p in view.pieces] == [DocumentStatus.SUBMITTED, DocumentStatus.PENDING]
    assert view.pieces[0].merged_pages == 2 and view.dossier.candidate.id == application.candidate_id
    assert len(view.decisions) == 1 and view.decisions[0].published_at is None  # drafts are shown to staff
    assert view.transitions == (DossierStatus.RECEIVED,)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "application.viewed")).one()
    assert (event.actor_staff_id, event.application_id) == (actor.staff_id, application.id)


def test_review_piece_refusal_needs_a_comment_and_is_audited(session: Session, world: dict) -> None:
    actor = actor_for(session, world, StaffRole.CENTRE_MANAGER, "own")
    piece = world["pieces"][0][0]
    with pytest.raises(DomainError) as error:
        staff_review.review_piece(session, actor=actor, submitted_document_id=piece.id, status=DocumentStatus.REFUSED)
    assert error.value.code == "comment_required"
    session.rollback()
    with pytest.raises(DomainError) as error:  # nothing to validate: no file
        staff_review.review_piece(
            session, actor=actor, submitted_document_id=world["pieces"][0][1].id, status=DocumentStatus.VALIDATED
        )
    assert error.value.code == "no_file"
    session.rollback()
    staff_review.review_piece(
        session, actor=actor, submitted_document_id=piece.id, status=DocumentStatus.REFUSED, comment="Illisible"
    )
    session.commit()
    row = session.get(SubmittedDocument, piece.id)
    assert (row.status, row.comment, row.reviewed_by_staff_id) == (DocumentStatus.REFUSED, "Illisible", actor.staff_id)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "piece.reviewed")).one()
    assert event.before == {"status": "submitted", "comment": ""}
    assert event.after == {"status": "refused", "comment": "Illisible"}


def test_a_stale_piece_version_is_refused(session: Session, world: dict) -> None:
    first = actor_for(session, world, StaffRole.CENTRE_MANAGER, "own")
    second = actor_for(session, world, StaffRole.CENTRAL_OFFICE, "own")
    piece = world["pieces"][0][0]
    seen = piece.version
    staff_review.review_piece(
        session, actor=first, submitted_document_id=piece.id, status=DocumentStatus.VALIDATED, expected_version=seen
    )
    session.commit()
    with pytest.raises(DomainError) as error:
        staff_review.review_piece(
            session,
            actor=second,
            submitted_document_id=piece.id,
            status=DocumentStatus.REFUSED,
            comment="Non",
            expected_version=seen,
        )
    assert error.value.code == "stale" and "rechargez la page" in error.value.message
    session.rollback()
    assert session.get(SubmittedDocument, piece.id).status == DocumentStatus.VALIDATED


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ([DossierStatus.RECEIVED, DossierStatus.INCOMPLETE, DossierStatus.RECEIVED, DossierStatus.COMPLETE], True),
        ([DossierStatus.RECEIVED, DossierStatus.COMPLETE, DossierStatus.INCOMPLETE, DossierStatus.PENDING], True),
        ([DossierStatus.COMPLETE], False),
        ([DossierStatus.INCOMPLETE], False),
        ([DossierStatus.RECEIVED, DossierStatus.RECEIVED], False),
        ([DossierStatus.RECEIVED, DossierStatus.COMPLETE, DossierStatus.RECEIVED], False),
    ],
)
def test_transitions(session: Session, world: dict, path, allowed) -> None:
    actor = actor_for(session, world, StaffRole.CENTRE_MANAGER, "own")
    application_id = world["applications"][0].id
    try:
        for status in path:
            version = session.get(Application, application_id).version
            staff_review.set_dossier_status(
                session, actor=actor, application_id=application_id, status=status, expected_version=version
            )
            session.commit()
    except DomainError as error:
        assert not allowed and error.code == "transition_refused"
        session.rollback()
    else:
        assert allowed


def test_status_changes_are_mailed_with_the_missing_pieces(session: Session, world: dict, clock) -> None:
    now = clock.set(app_clock.now())
    actor = actor_for(session, world, StaffRole.CENTRE_MANAGER, "own")
    application = world["applications"][0]
    refused, _missing = world["pieces"][0]
    staff_review.review_piece(
        session,
        actor=actor,
        submitted_document_id=refused.id,
        status=DocumentStatus.REFUSED,
        comment="Page 2 manquante",
    )
    for status in (DossierStatus.RECEIVED, DossierStatus.INCOMPLETE):
        staff_review.set_dossier_status(
            session, actor=actor, application_id=application.id, status=status, expected_version=None
        )
    session.commit()
    row = session.get(Application, application.id)
    assert row.dossier_status == DossierStatus.INCOMPLETE and row.dossier_status_at == now and row.received_at == now
    codes = [m.code for m in session.exec(select(OutboxMail).order_by(OutboxMail.id)).all()]
    assert codes == ["dossier_received", "dossier_incomplete"]
    mail = session.exec(select(OutboxMail).where(OutboxMail.code == "dossier_incomplete")).one()
    assert "Page 2 manquante" in mail.body_html
    labels = {piece.label_fr for piece in _required(session, application)}
    assert all(label in mail.body_html for label in labels)  # the refused piece and the one never uploaded
    event = session.exec(
        select(AuditEvent).where(AuditEvent.action == "application.dossier_status_changed").order_by(AuditEvent.id)
    ).all()[-1]
    assert event.before == {"dossier_status": "received"} and event.after["dossier_status"] == "incomplete"
    assert [m["comment"] for m in event.after["missing"]] == ["Page 2 manquante", ""]
    staff_review.set_dossier_status(
        session, actor=actor, application_id=application.id, status=DossierStatus.COMPLETE, expected_version=None
    )
    session.commit()
    assert session.exec(select(OutboxMail).where(OutboxMail.code == "dossier_complete")).one()
    assert session.get(Application, application.id).complete_at == now


def _required(session: Session, application: Application) -> list:
    from app.models import RequiredDocument

    return list(session.exec(select(RequiredDocument).where(RequiredDocument.program_id == application.program_id)))


def test_a_stale_application_version_is_refused(session: Session, world: dict) -> None:
    actor = actor_for(session, world, StaffRole.CENTRE_MANAGER, "own")
    application_id = world["applications"][0].id
    seen = session.get(Application, application_id).version
    staff_review.set_dossier_status(
        session, actor=actor, application_id=application_id, status=DossierStatus.RECEIVED, expected_version=seen
    )
    session.commit()
    with pytest.raises(DomainError) as error:
        staff_review.set_processing_type(
            session,
            actor=actor,
            application_id=application_id,
            processing_type=ProcessingType.DIRECT_ADMISSION,
            expected_version=seen,
        )
    assert error.value.code == "stale"


def test_notes_tags_dates_and_processing_type(session: Session, world: dict) -> None:
    actor = actor_for(session, world, StaffRole.CENTRE_MANAGER, "own")
    other = actor_for(session, world, StaffRole.COMMITTEE_MEMBER, "own")
    application = world["applications"][0]
    note = staff_review.add_note(session, actor=actor, application_id=application.id, body="  Appeler le candidat ")
    juror_note = staff_review.add_note(session, actor=other, application_id=application.id, body="Bon profil")
    session.commit()
    assert note.body == "Appeler le candidat"
    with pytest.raises(DomainError) as error:
        staff_review.delete_note(session, actor=actor, note_id=juror_note.id)
    assert error.value.code == "not_your_note"
    staff_review.delete_note(session, actor=actor, note_id=note.id)
    session.commit()
    assert [n.id for n in session.exec(select(Note)).all()] == [juror_note.id]

    mine = Tag(centre_id=world["centres"][0].id, label="Prioritaire")
    shared = Tag(label="Boursier")
    foreign = Tag(centre_id=world["centres"][1].id, label="Ailleurs")
    session.add_all([mine, shared, foreign])
    session.commit()
    assert staff_review.set_tags(session, actor=actor, application_id=application.id, tag_ids=[mine.id, shared.id])
    session.commit()
    with pytest.raises(DomainError):
        staff_review.set_tags(session, actor=actor, application_id=application.id, tag_ids=[foreign.id])
    session.rollback()
    staff_review.set_tags(session, actor=actor, application_id=application.id, tag_ids=[shared.id])
    session.commit()
    assert session.exec(select(ApplicationTag.tag_id)).all() == [shared.id]

    later = app_clock.now() + timedelta(days=30)
    staff_review.set_candidate_dates(
        session,
        actor=actor,
        application_id=application.id,
        return_by_override=later,
        confirmation_by_override=None,
        expected_version=None,
    )
    staff_review.set_processing_type(
        session,
        actor=actor,
        application_id=application.id,
        processing_type=ProcessingType.DIRECT_ADMISSION,
        expected_version=None,
    )
    session.commit()
    row = session.get(Application, application.id)
    assert row.return_by_override == later and row.processing_type == ProcessingType.DIRECT_ADMISSION
    assert session.exec(select(OutboxMail).where(OutboxMail.code == "processing_type_direct_admission")).one()
    actions = {e.action: e for e in session.exec(select(AuditEvent)).all()}
    assert {"note.added", "note.deleted", "application.tags_changed", "application.dates_changed"} <= set(actions)
    assert actions["application.processing_type_changed"].before == {"processing_type": "committee"}
    assert actions["application.processing_type_changed"].after == {"processing_type": "direct_admission"}
    with pytest.raises(DomainError):  # a committee member does not change the processing type
        staff_review.set_processing_type(
            session,
            actor=other,
            application_id=application.id,
            processing_type=ProcessingType.COMMITTEE,
            expected_version=None,
        )


def test_leases_two_managers_and_the_candidate(session: Session, world: dict) -> None:
    first = actor_for(session, world, StaffRole.CENTRE_MANAGER, "own")
    second = actor_for(session, world, StaffRole.CENTRAL_OFFICE, "own")
    juror = actor_for(session, world, StaffRole.COMMITTEE_MEMBER, "own")
    application = world["applications"][0]
    state = staff_review.hold_lease(session, actor=first, application_id=application.id, client_id="a", label="Anne")
    session.commit()
    assert state.held
    state = staff_review.hold_lease(session, actor=second, application_id=application.id, client_id="b", label="Bob")
    assert not state.held and state.lease.holder_label == "Anne"
    with pytest.raises(leases.LeaseHeld):  # the server refuses the second manager's change as well
        staff_review.set_dossier_status(
            session, actor=second, application_id=application.id, status=DossierStatus.RECEIVED, expected_version=None
        )
    session.rollback()
    state = staff_review.hold_lease(session, actor=juror, application_id=application.id, client_id="c", label="Jo")
    assert not state.held  # committee members only read: they never take the lease
    view = staff_review.open_application_for_staff(session, actor=second, application_id=application.id)
    assert view.lease is not None and view.lease.holder_label == "Anne"
    session.commit()
    leases.release(session, resource=leases.candidate_resource(application.candidate_id), client_id="a")
    session.commit()
    assert staff_review.hold_lease(
        session, actor=second, application_id=application.id, client_id="b", label="Bob"
    ).held


def test_administrators_list_and_release_stale_leases(session: Session, world: dict, clock) -> None:
    admin = actor_for(session, world, StaffRole.ADMINISTRATOR, "own")
    manager = actor_for(session, world, StaffRole.CENTRE_MANAGER, "own")
    start = clock.set(app_clock.now())
    leases.acquire(
        session,
        resource=leases.candidate_resource(world["applications"][0].candidate_id),
        holder=leases.Holder(ActorKind.CANDIDATE, 1, "Candidat", "x"),
    )
    session.commit()
    assert staff_review.list_stale_leases(session, actor=admin) == []
    clock.set(start + timedelta(hours=25))
    stale = staff_review.list_stale_leases(session, actor=admin)
    assert [line.holder_label for line in stale] == ["Candidat"]
    with pytest.raises(Forbidden):
        staff_review.list_leases(session, actor=manager)
    staff_review.release_lease(session, actor=admin, lease_id=stale[0].id)
    session.commit()
    assert session.exec(select(EditLease)).all() == []
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "lease.released")).one()
    assert event.before["holder"] == "Candidat"


def _to_complete(session: Session, actor: Actor, application_id: int) -> None:
    for status in (DossierStatus.RECEIVED, DossierStatus.COMPLETE):
        staff_review.set_dossier_status(
            session, actor=actor, application_id=application_id, status=status, expected_version=None
        )
    session.commit()


def test_direct_admission_enters_the_favourable_decision_once_the_dossier_is_complete(
    session: Session, world: dict
) -> None:
    actor = actor_for(session, world, StaffRole.CENTRE_MANAGER, "own")
    favourable = factories.decision_type(session, DecisionKind.FAVORABLE)
    session.commit()
    application = world["applications"][0]
    staff_review.set_processing_type(
        session,
        actor=actor,
        application_id=application.id,
        processing_type=ProcessingType.DIRECT_ADMISSION,
        expected_version=None,
    )
    session.commit()
    assert session.exec(select(Decision)).all() == []  # not complete yet: nothing decided

    _to_complete(session, actor, application.id)
    decision = session.exec(select(Decision).where(Decision.application_id == application.id)).one()
    assert (decision.kind, decision.decision_type_id, decision.published_at) == (
        DecisionKind.FAVORABLE,
        favourable.id,
        None,
    )
    assert decision.comment == staff_review.ADMITTED_BY_RIGHT
    # Validating again (Incomplet, then Complet) does not enter a second decision.
    staff_review.set_dossier_status(
        session, actor=actor, application_id=application.id, status=DossierStatus.INCOMPLETE, expected_version=None
    )
    staff_review.set_dossier_status(
        session, actor=actor, application_id=application.id, status=DossierStatus.COMPLETE, expected_version=None
    )
    session.commit()
    assert len(session.exec(select(Decision)).all()) == 1


def test_a_committee_examined_complete_dossier_gets_no_automatic_decision(session: Session, world: dict) -> None:
    actor = actor_for(session, world, StaffRole.CENTRE_MANAGER, "own")
    factories.decision_type(session, DecisionKind.FAVORABLE)
    session.commit()
    _to_complete(session, actor, world["applications"][0].id)
    assert session.exec(select(Decision)).all() == []
