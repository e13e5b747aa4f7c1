"""/admin/lycees: the central office uploads the directory, reads what it would change, then replaces the list;
a refused file changes nothing; read-only roles and other staff cannot import.

TEST DATA ONLY: the lycées are made up by tests/test_lycees.py (« Lycée d'essai … »).
"""

import pytest
from nicegui import ui
from nicegui.testing import User
from sqlmodel import select

from app.db import new_session
from app.models import AuditEvent, SecondarySchool, StaffRole
from tests.test_lycees import ANNUAIRE
from tests.ui.admin_clicks import click
from tests.ui.staff_sessions import make_staff, sign_in


def _stored() -> set[str]:
    with new_session() as session:
        return {school.name for school in session.exec(select(SecondarySchool)).all()}


async def test_the_central_office_previews_then_replaces_the_list(user: User) -> None:
    make_staff("centrale", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "centrale")
    await user.open("/admin/lycees")
    await user.should_see(marker="no-lycee-list")
    upload = user.find(marker="lycee-upload").elements.pop()
    assert isinstance(upload, ui.upload)
    await upload.handle_uploads([ui.upload.SmallFileUpload("autre.csv", "text/csv", b"uai;nom\n0134009M;Aix\n")])
    await user.should_see("colonnes absentes")
    await upload.handle_uploads([ui.upload.SmallFileUpload("annuaire.csv", "text/csv", ANNUAIRE.encode())])
    await user.should_see("lycées retenus\u00a0: 3")
    await user.should_see("Ligne 8\u00a0: code UAI invalide")
    assert _stored() == set()  # a preview changes nothing
    await click(user, "lycee-replace")
    await user.should_see("Liste des lycées remplacée. Lycées proposés\u00a0: 3.")
    await user.should_see(marker="lycee-summary")
    assert _stored() == {"Lycée d'essai Alpha", "Lycée d'essai Bêta", "Lycée d'essai Gamma"}
    with new_session() as session:
        [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "referential.lycees_imported")).all()
        assert event.actor_staff_id is not None and event.after["listed"] == 3


@pytest.mark.parametrize(
    ("role", "read_only", "reads_the_list"),
    [(StaffRole.CENTRAL_OFFICE, True, True), (StaffRole.CENTRE_MANAGER, False, False)],
)
async def test_a_read_only_role_reads_the_list_and_a_centre_manager_not_even(
    user: User, role: StaffRole, read_only: bool, reads_the_list: bool
) -> None:
    make_staff("autre", role, read_only=read_only)
    await sign_in(user, "autre")
    await user.open("/admin/lycees")
    await (user.should_see if reads_the_list else user.should_not_see)(marker="no-lycee-list")
    await user.should_not_see(marker="lycee-upload")
