"""/admin/avis services: decision types and refusal reasons, central only; deactivate rather than delete; a type a
live programme uses stays active; only active ones are offered when entering a decision."""

from typing import Any

import pytest
from sqlmodel import Session, select

from app.models import AuditEvent, DecisionKind, DecisionType, Program, RefusalReason, StaffRole
from app.services.admin import decision_types as service
from app.services.admin.common import StaleEdit
from app.services.decisions.decision_panel import decision_panel_view
from app.services.dossier.schemas import DossierInvalid
from app.services.platform.errors import DomainError, Forbidden
from tests import factories
from tests.factories_admin_offer import offer_world


def type_values(**kw: Any) -> dict[str, Any]:
    return {
        "code": "fav",
        "kind": "favorable",
        "label_fr": "Avis favorable",
        "label_en": "Offer",
        "is_final": True,
    } | kw


def new_type(session: Session, actor: Any, **kw: Any) -> DecisionType:
    row = service.save_decision_type(
        session, actor=actor, type_id=None, expected_version=None, values=type_values(**kw)
    )
    session.commit()
    return row


def new_reason(session: Session, actor: Any, **kw: Any) -> RefusalReason:
    values = {"code": "cap", "label_fr": "Capacité atteinte", "label_en": "Programme full"} | kw
    row = service.save_refusal_reason(session, actor=actor, reason_id=None, expected_version=None, values=values)
    session.commit()
    return row


def test_the_central_office_creates_types_and_reasons_checked_and_audited(session: Session) -> None:
    world = offer_world(session)
    fav = new_type(session, world.central)
    presel = new_type(session, world.admin, code="presel", kind="preselection", label_fr="Présélection", is_final=False)
    reason = new_reason(session, world.central)
    assert (fav.code, fav.kind, fav.is_final) == ("FAV", DecisionKind.FAVORABLE, True)
    assert (presel.kind, presel.is_final) == (DecisionKind.PRESELECTION, False)
    assert (reason.code, reason.label_en) == ("CAP", "Programme full")
    with pytest.raises(DossierInvalid) as refused:
        new_type(session, world.central, code="x y!", kind="other", label_fr="")
    assert set(refused.value.errors) == {"code", "kind", "label_fr"}
    assert refused.value.field_message("code", lambda s: s) == (
        "De 1 à 20 caractères parmi A-Z, 0-9, tiret et tiret bas."
    )
    session.rollback()
    with pytest.raises(DossierInvalid) as final:
        new_type(session, world.central, code="P2", kind="preselection", is_final=True)
    assert set(final.value.errors) == {"kind"}
    session.rollback()
    with pytest.raises(DossierInvalid) as duplicate:
        new_reason(session, world.central, code="CAP")
    assert set(duplicate.value.errors) == {"code"}
    session.rollback()
    actions = {e.action for e in session.exec(select(AuditEvent)).all()}
    assert {"decision_type.created", "refusal_reason.created"} <= actions


@pytest.mark.parametrize("who", ["manager_a", "central_read_only", "committee_member", "candidate"])
def test_only_the_central_office_and_administrators_change_them(session: Session, who: str) -> None:
    world = offer_world(session)
    with pytest.raises(Forbidden):
        new_type(session, getattr(world, who))
    session.rollback()
    with pytest.raises(Forbidden):
        new_reason(session, getattr(world, who))


def test_read_only_roles_see_the_lists(session: Session) -> None:
    world = offer_world(session)
    new_type(session, world.admin)
    new_reason(session, world.admin)
    assert [r.decision_type.code for r in service.list_decision_types(session, actor=world.central_read_only)] == [
        "FAV"
    ]
    assert [r.reason.code for r in service.list_refusal_reasons(session, actor=world.central_read_only)] == ["CAP"]
    with pytest.raises(Forbidden):
        service.list_decision_types(session, actor=world.manager_a)


def test_a_type_a_live_programme_uses_cannot_be_deactivated(session: Session) -> None:
    world = offer_world(session)
    fav = new_type(session, world.admin)
    call = new_type(session, world.admin, code="FAV-LC", label_fr="Appel de la liste complémentaire")
    program = session.get(Program, world.program_a.id)
    program.favorable_decision_type_id = fav.id
    session.add(program)
    other = session.get(Program, world.program_b.id)
    other.waiting_list_call_decision_type_id = call.id
    session.add(other)
    session.commit()
    for row, named in ((fav, program.code), (call, other.code)):
        with pytest.raises(DomainError) as refused:
            service.set_decision_type_active(
                session, actor=world.admin, type_id=row.id, expected_version=row.version, active=False
            )
        assert (refused.value.code, refused.value.params) == ("decision_type_in_use", {"programs": named})
        session.rollback()
        assert session.get(DecisionType, row.id).is_active
    listed = {r.decision_type.code: r.programs for r in service.list_decision_types(session, actor=world.admin)}
    assert listed == {"FAV": [program.code], "FAV-LC": [other.code]}
    # Its kind cannot change either: the programme's offers would no longer be offers.
    with pytest.raises(DossierInvalid):
        service.save_decision_type(
            session,
            actor=world.admin,
            type_id=fav.id,
            expected_version=fav.version,
            values=type_values(kind="unfavorable"),
        )
    session.rollback()
    # Once the programme is inactive, the type may go.
    program.is_active = False
    session.add(program)
    session.commit()
    off = service.set_decision_type_active(
        session, actor=world.admin, type_id=fav.id, expected_version=fav.version, active=False
    )
    session.commit()
    assert not off.is_active


def test_used_types_and_reasons_are_deactivated_not_deleted_and_no_longer_offered(session: Session) -> None:
    world = offer_world(session)
    application = factories.application(session, candidate_id=factories.candidate(session).id, program=world.program_a)
    unfavourable = new_type(session, world.admin, code="DEF", kind="unfavorable", label_fr="Avis défavorable")
    spare = new_type(session, world.admin, code="DEF2", kind="unfavorable", label_fr="Défavorable (autre)")
    reason = new_reason(session, world.admin)
    spare_reason = new_reason(session, world.admin, code="NIVEAU", label_fr="Niveau insuffisant")
    factories.decision(session, application_id=application.id, kind=DecisionKind.UNFAVORABLE)
    from app.models import Decision

    used = session.exec(select(Decision)).one()
    used.decision_type_id, used.refusal_reason_id = unfavourable.id, reason.id
    session.add(used)
    session.commit()
    manager = factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=world.centre_a)
    session.commit()
    with pytest.raises(DomainError) as refused:
        service.delete_decision_type(
            session, actor=world.admin, type_id=unfavourable.id, expected_version=unfavourable.version
        )
    assert refused.value.code == "decision_type_used"
    session.rollback()
    with pytest.raises(DomainError) as refused_reason:
        service.delete_refusal_reason(session, actor=world.admin, reason_id=reason.id, expected_version=reason.version)
    assert refused_reason.value.code == "refusal_reason_used" and refused_reason.value.params == {"count": 1}
    session.rollback()
    service.set_decision_type_active(
        session, actor=world.admin, type_id=unfavourable.id, expected_version=unfavourable.version, active=False
    )
    service.set_refusal_reason_active(
        session, actor=world.admin, reason_id=reason.id, expected_version=reason.version, active=False
    )
    session.commit()
    view = decision_panel_view(session, actor=manager, application_id=application.id)
    assert unfavourable.id not in view.types and spare.id in view.types
    assert reason.id not in view.reasons and spare_reason.id in view.reasons
    # Unused ones are deleted.
    service.delete_decision_type(session, actor=world.admin, type_id=spare.id, expected_version=spare.version)
    service.delete_refusal_reason(
        session, actor=world.admin, reason_id=spare_reason.id, expected_version=spare_reason.version
    )
    session.commit()
    assert session.get(DecisionType, spare.id) is None and session.get(RefusalReason, spare_reason.id) is None
    assert session.get(DecisionType, unfavourable.id) is not None


def test_a_stale_edit_is_refused(session: Session) -> None:
    world = offer_world(session)
    row = new_reason(session, world.admin)
    opened_at = row.version
    service.save_refusal_reason(
        session,
        actor=world.central,
        reason_id=row.id,
        expected_version=opened_at,
        values={"code": "CAP", "label_fr": "Capacité d'accueil atteinte", "label_en": "Programme full"},
    )
    session.commit()
    with pytest.raises(StaleEdit):
        service.save_refusal_reason(
            session,
            actor=world.admin,
            reason_id=row.id,
            expected_version=opened_at,
            values={"code": "CAP", "label_fr": "Autre", "label_en": "Other"},
        )
    session.rollback()
    assert session.get(RefusalReason, row.id).label_fr == "Capacité d'accueil atteinte"
