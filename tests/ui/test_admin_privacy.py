"""/admin/donnees-personnelles: the central office searches the audit trail (accessible table), pages through it,
exports it as CSV through « Mes exports », and reads the register of purges; a programme's manager is refused."""

import asyncio
import csv
import io
from datetime import timedelta

from nicegui.testing import User
from sqlmodel import select

from app import clock
from app.db import new_session
from app.models import ActorKind, AuditEvent, ExportJob, ExportStatus, StaffRole
from app.services.platform.jobs import run_job
from tests import factories
from tests.ui.handler_clicks import click
from tests.ui.staff_sessions import make_staff, sign_in


def trail() -> dict[str, int]:
    """Anne viewed Zoé's dossier; sixty older sign-ins of another candidate fill more than one page."""
    with new_session() as session:
        zoe = factories.candidate(session, birth_name="LÉGER", first_names="ZOÉ")
        other = factories.candidate(session, birth_name="ONEIL", first_names="MAX")
        application = factories.application(session, candidate_id=zoe.id, program=factories.program(session))
        anne = factories.staff_member(session, display_name="Anne Martin", login="amartin")
        now = clock.now()
        viewed = AuditEvent(
            action="application.viewed", entity_type="application", entity_id=application.id, at=now,
            actor_kind=ActorKind.STAFF, actor_staff_id=anne.id, candidate_id=zoe.id, application_id=application.id,
        )  # fmt: skip
        session.add(viewed)
        for minutes in range(1, 61):
            session.add(
                AuditEvent(
                    action="account.signed_in",
                    entity_type="account",
                    entity_id=other.account_id,
                    at=now - timedelta(minutes=minutes),
                    actor_kind=ActorKind.CANDIDATE,
                    actor_account_id=other.account_id,
                )
            )
        session.commit()
        return {"viewed": viewed.id or 0}


def table_text(user: User, marker: str) -> str:
    [element] = user.find(marker=marker).elements
    return element.content


async def test_the_central_office_searches_pages_and_exports(user: User) -> None:
    ids = trail()
    staff_id = make_staff("dpo", StaffRole.CENTRAL_OFFICE, "Déléguée Protection")
    await sign_in(user, "dpo")
    await user.open("/admin/donnees-personnelles")
    await user.should_see("Journal des consultations et des modifications")
    await user.should_see("62 événements trouvés — page 1 sur 2.")  # and the DPO's own sign-in
    html = table_text(user, "audit-results")
    assert "<caption>" in html and '<th scope="col">Date et heure</th>' in html
    assert "Un gestionnaire (Anne Martin (amartin)) a consulté le dossier." in html
    assert user.find(marker="audit-status").elements.pop().props["role"] == "status"
    await click(user, "next-page")
    await user.should_see("page 2 sur 2")
    user.find(marker="candidate").type("leger")
    await click(user, "search")
    await user.should_see("1 événement trouvé — page 1 sur 1.")
    assert f'data-mark="event-{ids["viewed"]}"' in table_text(user, "audit-results")
    await click(user, "export-csv")
    await user.should_see("Export demandé")
    for _attempt in range(100):
        with new_session() as session:
            job = session.exec(select(ExportJob).where(ExportJob.staff_id == staff_id)).first()
        if job is not None and job.status == ExportStatus.DONE:
            break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError("the CSV was not built in time")
    response = await user.http_client.get(f"/gestion/exports/{job.id}/fichier")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [r[1] for r in rows[1:]] == ["application.viewed"] and rows[1][5] == "LÉGER ZOÉ"


async def test_a_bad_day_is_refused_in_words_and_the_register_lists_purges(user: User) -> None:
    make_staff("ada", StaffRole.ADMINISTRATOR)
    assert run_job("purge_expired_data") is not None
    await sign_in(user, "ada")
    await user.open("/admin/donnees-personnelles")
    await user.should_see("Registre des purges")
    assert "Purge des données périmées" in table_text(user, "purge-register")
    user.find(marker="date-from").clear().type("31/02/2026")
    await click(user, "search")
    await user.should_see("Vérifiez le jour et le mois")
    assert user.find(marker="audit-error").elements.pop().props["role"] == "alert"


async def test_the_screen_reads_in_english(user: User) -> None:
    make_staff("dpo", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "dpo")
    await user.open("/langue/en?suite=/admin/donnees-personnelles")
    await user.should_see("Log of views and changes")
    await user.should_see("Register of purges")
    assert '<th scope="col">Date and time</th>' in table_text(user, "audit-results")


async def test_a_programme_manager_is_refused(user: User) -> None:
    make_staff("gest", StaffRole.CENTRE_MANAGER)
    await sign_in(user, "gest")
    await user.open("/admin/donnees-personnelles")
    await user.should_see(marker="refusal")
    await user.should_not_see("Registre des purges")
