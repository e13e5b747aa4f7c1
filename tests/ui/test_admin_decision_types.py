"""/admin/avis: the central office creates a decision type; deactivating one a live programme uses is refused with
the programme named; centre managers are refused."""

from nicegui.testing import User
from sqlmodel import select

from app.db import new_session
from app.models import DecisionKind, DecisionType, StaffRole
from tests import factories
from tests.ui.admin_clicks import click
from tests.ui.staff_sessions import make_staff, sign_in


async def test_create_a_type_then_deactivation_refused_while_a_programme_uses_it(user: User) -> None:
    make_staff("centrale", StaffRole.CENTRAL_OFFICE)
    with new_session() as session:
        used = factories.decision_type(session, DecisionKind.FAVORABLE, code="FAV", label_fr="Avis favorable")
        factories.program(session, code="M2-DROIT", favorable_decision_type_id=used.id)
        session.commit()
    await sign_in(user, "centrale")
    await user.open("/admin/avis")
    await user.should_see("Avis favorable")
    await user.should_see("M2-DROIT")
    user.find(marker="add-type").click()
    await user.should_see("Nouveau type d'avis")
    user.find(marker="code").type("presel")
    user.find(marker="label_fr").type("Présélection")
    user.find(marker="label_en").type("Shortlisted")
    user.find(marker="kind").click()
    user.find("Présélection").click()
    await click(user, "save")
    await user.should_see("Une présélection ne clôt pas l'examen")  # « Avis définitif » is ticked by default
    user.find(marker="is_final").click()
    await click(user, "save")
    await user.should_see(marker="state-section")
    with new_session() as session:
        created = session.exec(select(DecisionType).where(DecisionType.code == "PRESEL")).one()
    assert (created.kind, created.is_final) == (DecisionKind.PRESELECTION, False)
    await user.open(f"/admin/avis/types/{used.id}")
    await click(user, "deactivate")
    await user.should_see("M2-DROIT. Choisissez-leur d'abord un autre type d'avis.")
    with new_session() as session:
        assert session.get(DecisionType, used.id).is_active


async def test_a_centre_manager_is_refused(user: User) -> None:
    with new_session() as session:
        centre = factories.centre(session, managers_edit_offer=True)
        session.commit()
    make_staff("gest", StaffRole.CENTRE_MANAGER, centre_id=centre.id)
    await sign_in(user, "gest")
    await user.open("/admin/avis")
    await user.should_see(marker="refusal")
    await user.should_not_see(marker="add-type")
