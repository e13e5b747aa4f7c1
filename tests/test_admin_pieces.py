"""/admin/pieces services: scopes and rights, order, deactivate rather than delete, the template file, and what an
application then asks for."""

from typing import Any

import pytest
from sqlmodel import Session, col, select

from app import clock as app_clock
from app.models import (
    AuditEvent,
    DocumentStatus,
    DossierStatus,
    FileKind,
    RequiredDocument,
    Scope,
    StoredFile,
    SubmittedDocument,
    SubmittedDocumentFile,
)
from app.services.admin import pieces as admin_pieces
from app.services.admin.common import StaleEdit
from app.services.admin.scoped import INSTITUTION, Target, target_options
from app.services.applications.applying import apply_to_program
from app.services.applications.transmission import transmission_readiness
from app.services.applications.views import get_my_application
from app.services.dossier.schemas import DossierInvalid
from app.services.platform import file_store
from app.services.platform.errors import DomainError, Forbidden
from tests import factories
from tests.factories import image_bytes, pdf_bytes
from tests.factories_admin_offer import centre_a, offer_world, program_a


def values(**kw: Any) -> dict[str, Any]:
    return {"code": "releve", "label_fr": "Relevé de notes", "label_en": "Transcript"} | kw


def create(session: Session, actor: Any, target: Target, **kw: Any) -> RequiredDocument:
    piece = admin_pieces.save_piece(
        session, actor=actor, piece_id=None, expected_version=None, values=values(**kw), target=target
    )
    session.commit()
    return piece


# --- Scopes and rights --------------------------------------------------------------------------------------------


def test_a_piece_is_created_at_each_scope_normalised_and_audited(session: Session) -> None:
    world = offer_world(session)
    institution = create(session, world.central, INSTITUTION, code=" cv ", label_fr="  Curriculum   vitae ")
    centre = create(session, world.admin, centre_a(world), code="PJ-CTR")
    program = create(session, world.admin, program_a(world), code="PJ_PRG", help_fr="Année N-1", help_en="Last year")
    assert (institution.code, institution.label_fr, institution.scope) == ("CV", "Curriculum vitae", Scope.INSTITUTION)
    assert (institution.centre_id, institution.program_id) == (None, None)
    assert (centre.scope, centre.centre_id, centre.program_id) == (Scope.CENTRE, world.centre_a, None)
    assert (program.scope, program.centre_id, program.program_id) == (Scope.PROGRAM, None, world.program_a.id)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "required_document.created")).first()
    assert event is not None and event.after["code"] == "CV"


def test_field_errors_are_reported_together_and_a_duplicate_code_is_refused(session: Session) -> None:
    world = offer_world(session)
    with pytest.raises(DossierInvalid) as refused:
        create(session, world.admin, INSTITUTION, code="é!", label_fr=" ", label_en="")
    assert set(refused.value.errors) == {"code", "label_fr", "label_en"}
    assert refused.value.field_message("code", lambda s: s) == (
        "De 1 à 30 caractères parmi A-Z, 0-9, tiret et tiret bas."
    )
    session.rollback()
    with pytest.raises(DossierInvalid) as untranslated:
        create(session, world.admin, INSTITUTION, help_fr="Aide", help_en="")
    assert set(untranslated.value.errors) == {"help_en"}
    session.rollback()
    create(session, world.admin, INSTITUTION)
    with pytest.raises(DossierInvalid) as duplicate:
        create(session, world.admin, centre_a(world))
    assert set(duplicate.value.errors) == {"code"}


def test_centre_managers_edit_their_allowed_centre_only(session: Session) -> None:
    world = offer_world(session)
    mine = create(session, world.manager_a, centre_a(world), code="A1")
    create(session, world.manager_a, program_a(world), code="A2")
    for actor, target in [
        (world.manager_a, INSTITUTION),  # institution items are central only
        (world.manager_a, Target(Scope.CENTRE, centre_id=world.centre_b)),  # another centre
        (world.manager_a, Target(Scope.PROGRAM, program_id=world.program_b.id)),
        (world.manager_b, Target(Scope.CENTRE, centre_id=world.centre_b)),  # their centre, switch off
        (world.manager_a_read_only, centre_a(world)),
        (world.central_read_only, INSTITUTION),
        (world.committee_member, program_a(world)),
        (world.candidate, INSTITUTION),
    ]:
        with pytest.raises(Forbidden):
            create(session, actor, target, code="NO")
        session.rollback()
    # Read-only roles and a manager without the switch see, without saving.
    assert [
        r.piece.code for r in admin_pieces.list_pieces(session, actor=world.manager_a_read_only, target=centre_a(world))
    ] == ["A1"]
    assert (
        admin_pieces.list_pieces(session, actor=world.central_read_only, target=centre_a(world))[0].piece.id == mine.id
    )
    assert (
        admin_pieces.list_pieces(session, actor=world.manager_b, target=Target(Scope.CENTRE, centre_id=world.centre_b))
        == []
    )
    with pytest.raises(Forbidden):
        admin_pieces.list_pieces(session, actor=world.manager_b, target=centre_a(world))
    with pytest.raises(Forbidden):
        admin_pieces.save_piece(
            session, actor=world.manager_b, piece_id=mine.id, expected_version=mine.version, values=values(code="A1")
        )
    session.rollback()
    # The switch turned off: the same manager can no longer change their centre's piece.
    from app.models import ApplicationCentre

    centre = session.get(ApplicationCentre, world.centre_a)
    centre.managers_edit_offer = False
    session.add(centre)
    session.commit()
    with pytest.raises(Forbidden):
        admin_pieces.set_piece_active(
            session, actor=world.manager_a, piece_id=mine.id, expected_version=mine.version, active=False
        )


def test_target_options_follow_the_role(session: Session) -> None:
    world = offer_world(session)
    central = target_options(session, actor=world.central)
    assert [o.key for o in central] == [
        "etablissement",
        f"centre-{world.centre_a}",
        f"formation-{world.program_a.id}",
        f"centre-{world.centre_b}",
        f"formation-{world.program_b.id}",
    ]
    assert all(o.editable for o in central)
    mine = target_options(session, actor=world.manager_a)
    assert [(o.key, o.editable) for o in mine] == [
        ("etablissement", False),
        (f"centre-{world.centre_a}", True),
        (f"formation-{world.program_a.id}", True),
    ]
    assert not any(o.editable for o in target_options(session, actor=world.manager_b))
    assert not any(o.editable for o in target_options(session, actor=world.central_read_only))
    with pytest.raises(Forbidden):
        target_options(session, actor=world.committee_member)


def test_target_keys_parse_back() -> None:
    for target in (INSTITUTION, Target(Scope.CENTRE, centre_id=4), Target(Scope.PROGRAM, program_id=9)):
        assert Target.parse(target.key) == target
    assert Target.parse("centre-x") is None and Target.parse("") is None and Target.parse("autre-3") is None


def test_the_place_of_a_piece_never_changes_and_a_stale_edit_is_refused(session: Session) -> None:
    world = offer_world(session)
    piece = create(session, world.admin, centre_a(world))
    first = admin_pieces.save_piece(
        session,
        actor=world.central,
        piece_id=piece.id,
        expected_version=piece.version,
        values=values(label_fr="Relevé de notes de licence", scope="institution", centre_id=None),
    )
    session.commit()
    assert (first.label_fr, first.scope, first.centre_id) == (
        "Relevé de notes de licence",
        Scope.CENTRE,
        world.centre_a,
    )
    with pytest.raises(StaleEdit):  # the second editor opened it at the old version
        admin_pieces.save_piece(
            session, actor=world.admin, piece_id=piece.id, expected_version=first.version - 1, values=values()
        )
    session.rollback()
    assert session.get(RequiredDocument, piece.id).label_fr == "Relevé de notes de licence"


# --- Order --------------------------------------------------------------------------------------------------------


def test_pieces_move_up_and_down_within_their_list_without_changing_versions(session: Session) -> None:
    world = offer_world(session)
    a = create(session, world.admin, program_a(world), code="A")
    b = create(session, world.admin, program_a(world), code="B")
    c = create(session, world.admin, program_a(world), code="C")
    other = create(session, world.admin, centre_a(world), code="OTHER")  # another list: untouched
    versions = {p.id: p.version for p in (a, b, c)}
    order = admin_pieces.move_piece(session, actor=world.manager_a, piece_id=c.id, offset=-1)
    session.commit()
    assert [p.code for p in order] == ["A", "C", "B"]
    order = admin_pieces.move_piece(session, actor=world.manager_a, piece_id=a.id, offset=1)
    session.commit()
    assert [p.code for p in order] == ["C", "A", "B"]
    with pytest.raises(DomainError) as refused:
        admin_pieces.move_piece(session, actor=world.manager_a, piece_id=c.id, offset=-1)
    assert refused.value.code == "cannot_move"
    session.rollback()
    with pytest.raises(Forbidden):
        admin_pieces.move_piece(session, actor=world.manager_b, piece_id=a.id, offset=1)
    session.rollback()
    rows = {p.id: p for p in session.exec(select(RequiredDocument)).all()}
    assert {i: rows[i].version for i in versions} == versions  # an open edit form still saves
    assert rows[other.id].display_order == 10
    # What the candidate sees follows the order.
    session.expire_all()
    application = apply_to_program(session, actor=world.candidate, program_id=world.program_a.id)
    session.commit()
    readiness = transmission_readiness(session, actor=world.candidate, application_id=application.id)
    assert readiness.missing_pieces == ["Relevé de notes", "Relevé de notes", "Relevé de notes", "Relevé de notes"]
    detail = get_my_application(session, actor=world.candidate, application_id=application.id)
    ids = [p.required_document_id for p in detail.pieces]
    assert ids == [other.id, c.id, a.id, b.id]  # centre pieces first, then the programme's in their order


# --- Deactivate rather than delete; the effect on applications ----------------------------------------------------


def slots(session: Session, piece_id: int) -> dict[int, DocumentStatus]:
    rows = session.exec(select(SubmittedDocument).where(SubmittedDocument.required_document_id == piece_id)).all()
    return {row.application_id: row.status for row in rows}


def test_deactivating_a_piece_removes_it_from_open_applications_only(session: Session) -> None:
    world = offer_world(session)
    piece = create(session, world.admin, program_a(world), code="LM", label_fr="Lettre de motivation")
    kept = create(session, world.admin, program_a(world), code="CV", label_fr="CV")
    open_app = apply_to_program(session, actor=world.candidate, program_id=world.program_a.id)
    session.commit()
    # A transmitted application of another candidate, its piece given with a file.
    other = factories.complete_candidate(session)
    sent = factories.application(
        session,
        candidate_id=other.id,
        program=world.program_a,
        dossier_status=DossierStatus.RECEIVED,
        transmitted_at=app_clock.now(),
    )
    merged = factories.stored_file(session, pdf_bytes(1))
    factories.submitted_document(
        session,
        application_id=sent.id,
        required_document_id=piece.id,
        status=DocumentStatus.SUBMITTED,
        merged_file_id=merged.id,
    )
    session.commit()
    readiness = transmission_readiness(session, actor=world.candidate, application_id=open_app.id)
    assert readiness.missing_pieces == ["Lettre de motivation", "CV"]
    with pytest.raises(DomainError) as refused:
        admin_pieces.delete_piece(session, actor=world.admin, piece_id=piece.id, expected_version=piece.version)
    assert refused.value.code == "piece_in_use" and refused.value.params == {"count": 1}
    session.rollback()
    off = admin_pieces.set_piece_active(
        session, actor=world.manager_a, piece_id=piece.id, expected_version=piece.version, active=False
    )
    session.commit()
    assert not off.is_active
    readiness = transmission_readiness(session, actor=world.candidate, application_id=open_app.id)
    assert readiness.missing_pieces == ["CV"]
    detail = get_my_application(session, actor=world.candidate, application_id=open_app.id)
    assert [p.label for p in detail.pieces] == ["CV"]
    # The transmitted application keeps its piece and its file, readable.
    assert slots(session, piece.id) == {sent.id: DocumentStatus.SUBMITTED}
    assert file_store.read(session.get(StoredFile, merged.id).storage_key) == pdf_bytes(1)
    assert session.get(RequiredDocument, piece.id) is not None
    # Reactivated: asked again of the open application.
    on = admin_pieces.set_piece_active(
        session, actor=world.admin, piece_id=piece.id, expected_version=off.version, active=True
    )
    session.commit()
    assert on.is_active
    assert slots(session, piece.id) == {sent.id: DocumentStatus.SUBMITTED, open_app.id: DocumentStatus.PENDING}
    assert transmission_readiness(session, actor=world.candidate, application_id=open_app.id).missing_pieces == [
        "Lettre de motivation",
        "CV",
    ]
    assert kept.is_active


def test_a_new_piece_is_asked_of_open_applications_and_an_unused_one_is_deleted(session: Session) -> None:
    world = offer_world(session)
    open_app = apply_to_program(session, actor=world.candidate, program_id=world.program_a.id)
    session.commit()
    assert transmission_readiness(session, actor=world.candidate, application_id=open_app.id).ready
    piece = create(session, world.central, INSTITUTION, code="ID", label_fr="Pièce d'identité")
    assert slots(session, piece.id) == {open_app.id: DocumentStatus.PENDING}
    detail = get_my_application(session, actor=world.candidate, application_id=open_app.id)
    assert [p.label for p in detail.pieces] == ["Pièce d'identité"]  # the candidate can provide it
    assert transmission_readiness(session, actor=world.candidate, application_id=open_app.id).missing_pieces == [
        "Pièce d'identité"
    ]
    # Nobody gave anything for it: it can be deleted, with its empty slot.
    admin_pieces.delete_piece(session, actor=world.central, piece_id=piece.id, expected_version=piece.version)
    session.commit()
    assert session.get(RequiredDocument, piece.id) is None and slots(session, piece.id) == {}
    assert transmission_readiness(session, actor=world.candidate, application_id=open_app.id).ready
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "required_document.deleted")).first()


def test_a_piece_answered_not_applicable_cannot_be_deleted_and_becomes_due_when_made_mandatory(
    session: Session,
) -> None:
    world = offer_world(session)
    piece = create(session, world.admin, program_a(world), is_conditional=True)
    open_app = apply_to_program(session, actor=world.candidate, program_id=world.program_a.id)
    row = session.exec(select(SubmittedDocument).where(SubmittedDocument.application_id == open_app.id)).one()
    row.status = DocumentStatus.NOT_APPLICABLE
    session.add(row)
    session.commit()
    assert transmission_readiness(session, actor=world.candidate, application_id=open_app.id).ready
    with pytest.raises(DomainError):
        admin_pieces.delete_piece(session, actor=world.admin, piece_id=piece.id, expected_version=piece.version)
    session.rollback()
    mandatory = admin_pieces.save_piece(
        session,
        actor=world.admin,
        piece_id=piece.id,
        expected_version=piece.version,
        values=values(is_conditional=False),
    )
    session.commit()
    assert not mandatory.is_conditional
    assert slots(session, piece.id) == {open_app.id: DocumentStatus.PENDING}
    assert not transmission_readiness(session, actor=world.candidate, application_id=open_app.id).ready


def test_a_piece_made_shared_takes_the_file_given_for_another_application(session: Session) -> None:
    world = offer_world(session)
    piece = create(session, world.central, INSTITUTION, code="BAC", label_fr="Relevé du bac")
    first = apply_to_program(session, actor=world.candidate, program_id=world.program_a.id)
    second = apply_to_program(session, actor=world.candidate, program_id=world.program_b.id)
    upload = factories.stored_file(session, pdf_bytes(1), kind=FileKind.UPLOAD)
    merged = factories.stored_file(session, pdf_bytes(1))
    row = session.exec(select(SubmittedDocument).where(SubmittedDocument.application_id == first.id)).one()
    row.status, row.merged_file_id = DocumentStatus.SUBMITTED, merged.id
    session.add(row)
    session.add(SubmittedDocumentFile(submitted_document_id=row.id, stored_file_id=upload.id))
    session.commit()
    admin_pieces.save_piece(
        session,
        actor=world.central,
        piece_id=piece.id,
        expected_version=piece.version,
        values=values(is_shared=True, code="BAC"),
    )
    session.commit()
    assert slots(session, piece.id) == {first.id: DocumentStatus.SUBMITTED, second.id: DocumentStatus.SUBMITTED}


# --- The template file --------------------------------------------------------------------------------------------


def test_a_pdf_template_is_normalised_stored_replaced_and_downloadable(session: Session) -> None:
    world = offer_world(session)
    piece = create(session, world.manager_a, program_a(world))
    with_template = admin_pieces.set_template(
        session,
        actor=world.manager_a,
        piece_id=piece.id,
        expected_version=piece.version,
        filename="../modèle fiche.pdf",
        data=pdf_bytes(2),
    )
    session.commit()
    stored = session.get(StoredFile, with_template.template_file_id)
    assert (stored.kind, stored.page_count, stored.original_name) == (FileKind.TEMPLATE, 2, "modèle fiche.pdf")
    name, data = admin_pieces.read_template(session, required_document_id=piece.id)
    assert name == "modèle fiche.pdf" and data.startswith(b"%PDF-")
    assert admin_pieces.get_piece(session, actor=world.central_read_only, piece_id=piece.id).template_name == (
        "modèle fiche.pdf"
    )
    replaced = admin_pieces.set_template(
        session,
        actor=world.admin,
        piece_id=piece.id,
        expected_version=with_template.version,
        filename="v2.pdf",
        data=pdf_bytes(1),
    )
    session.commit()
    assert session.get(StoredFile, stored.id) is None  # the old template is gone, bytes included
    with pytest.raises(FileNotFoundError):
        file_store.read(stored.storage_key)
    removed = admin_pieces.remove_template(
        session, actor=world.admin, piece_id=piece.id, expected_version=replaced.version
    )
    session.commit()
    assert removed.template_file_id is None
    assert session.exec(select(StoredFile).where(StoredFile.kind == FileKind.TEMPLATE)).all() == []
    with pytest.raises(DomainError) as none:
        admin_pieces.read_template(session, required_document_id=piece.id)
    assert none.value.code == "no_template"


@pytest.mark.parametrize(
    ("data", "code"),
    [(image_bytes("PNG"), "template_not_pdf"), (b"PK\x03\x04 not a pdf", "file_type"), (b"", "file_empty")],
)
def test_a_template_that_is_not_a_pdf_is_refused_and_nothing_is_stored(
    session: Session, data: bytes, code: str
) -> None:
    world = offer_world(session)
    piece = create(session, world.admin, INSTITUTION)
    with pytest.raises(DomainError) as refused:
        admin_pieces.set_template(
            session, actor=world.admin, piece_id=piece.id, expected_version=piece.version, filename="x.pdf", data=data
        )
    assert refused.value.code == code
    session.rollback()
    assert session.exec(select(StoredFile)).all() == []
    assert session.get(RequiredDocument, piece.id).template_file_id is None


def test_a_template_needs_the_right_to_edit_the_piece_and_its_current_version(session: Session) -> None:
    world = offer_world(session)
    piece = create(session, world.central, INSTITUTION)
    with pytest.raises(Forbidden):
        admin_pieces.set_template(
            session,
            actor=world.manager_a,
            piece_id=piece.id,
            expected_version=piece.version,
            filename="a.pdf",
            data=pdf_bytes(1),
        )
    session.rollback()
    with pytest.raises(StaleEdit):
        admin_pieces.set_template(
            session,
            actor=world.central,
            piece_id=piece.id,
            expected_version=piece.version + 1,
            filename="a.pdf",
            data=pdf_bytes(1),
        )
    session.rollback()
    assert not session.exec(select(StoredFile).where(col(StoredFile.kind) == FileKind.TEMPLATE)).all()
