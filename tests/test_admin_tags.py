"""Tags administered by the central office: scopes, a label taken in its scope, stale edits, deactivation (no longer
offered on applications, kept where carried), rights."""

import pytest
from sqlmodel import Session, select

from app.models import AuditEvent, StaffRole, Tag
from app.services.admin import tags as admin_tags
from app.services.platform.errors import Forbidden, StaleEdit
from app.services.platform.form_checks import DossierInvalid
from app.services.review.staff_notes import available_tags
from tests import factories


def test_tags_by_scope_and_their_effect_on_applications(session: Session) -> None:
    program = factories.program(session)
    application = factories.application(session, candidate_id=factories.complete_candidate(session).id, program=program)
    office = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)
    session.commit()
    shared = admin_tags.save_tag(session, actor=office, tag=Tag(label="Alternance", colour="#3949AB"))
    own = admin_tags.save_tag(
        session, actor=office, tag=Tag(label="alternance", colour="#e53935", centre_id=program.centre_id)
    )  # another scope: allowed
    session.commit()
    assert shared.colour == "#3949ab"
    with pytest.raises(DossierInvalid) as refused:
        admin_tags.save_tag(session, actor=office, tag=Tag(label="ALTERNANCE", colour="#000000"))
    assert refused.value.errors == {"label": admin_tags.LABEL_TAKEN}
    with pytest.raises(DossierInvalid) as refused:
        admin_tags.save_tag(session, actor=office, tag=Tag(label="", colour="rouge"))
    assert set(refused.value.errors) == {"label", "colour"}
    assert {t.id for t in available_tags(session, application)} == {shared.id, own.id}
    admin_tags.set_tag_active(session, actor=office, tag_id=own.id or 0, expected_version=own.version, active=False)
    session.commit()
    assert {t.id for t in available_tags(session, application)} == {shared.id}
    with pytest.raises(StaleEdit):
        admin_tags.set_tag_active(session, actor=office, tag_id=own.id or 0, expected_version=1, active=True)
    actions = set(session.exec(select(AuditEvent.action).where(AuditEvent.entity_type == "tag")).all())
    assert {"tag.created", "tag.deactivated"} <= actions


@pytest.mark.parametrize("role", [StaffRole.CENTRE_MANAGER, StaffRole.COMMITTEE_MEMBER])
def test_only_the_central_office_administers_tags(session: Session, role: StaffRole) -> None:
    program = factories.program(session)
    scope = (
        {"centre_id": program.centre_id} if role == StaffRole.CENTRE_MANAGER else {"committee_id": program.committee_id}
    )
    actor = factories.staff_actor(session, role, **scope)
    session.commit()
    with pytest.raises(Forbidden):
        admin_tags.list_tags(session, actor=actor)
    with pytest.raises(Forbidden):
        admin_tags.save_tag(session, actor=actor, tag=Tag(label="X", colour="#000000", centre_id=program.centre_id))
