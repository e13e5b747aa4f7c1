"""/admin/jobs: administrators see every job and launch one by hand (audited); nobody else opens it."""

from nicegui.testing import User
from sqlmodel import select

from app.db import new_session
from app.models import AuditEvent, JobRun, JobStatus, StaffRole
from app.services.accounts.passwords import hash_password
from tests import factories
from tests.ui.admin_clicks import click
from tests.ui.staff_sessions import GOOD, make_staff, sign_in


async def test_an_administrator_sees_the_jobs_and_launches_one(user: User) -> None:
    make_staff("ada", StaffRole.ADMINISTRATOR)
    await sign_in(user, "ada")
    await user.open("/admin/jobs")
    await user.should_see("Tâches planifiées")
    await user.should_see("Purge des comptes jamais activés")
    await user.should_see("Planification : Tous les jours à 03:30")
    await user.should_see(marker="job-purge_unactivated_accounts-no-run")
    user.find(marker="job-purge_unactivated_accounts-run").click()
    await user.should_see("Tâche terminée")
    await user.should_see(marker="job-purge_unactivated_accounts-runs")
    with new_session() as session:
        [run] = session.exec(select(JobRun)).all()
        assert (run.job, run.status) == ("purge_unactivated_accounts", JobStatus.SUCCEEDED)
        assert run.worker.startswith("admin:")
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "job.run_requested")).one()
        assert event.after == {"job": "purge_unactivated_accounts"} and event.actor_staff_id is not None


async def test_other_staff_and_candidates_are_refused(user: User) -> None:
    await user.open("/admin/jobs")
    await user.should_see(marker="local-sign-in")  # anonymous: sent to sign in
    make_staff("gest", StaffRole.CENTRE_MANAGER)
    await sign_in(user, "gest")
    await user.open("/admin/jobs")
    await user.should_see(marker="refusal")
    await user.should_not_see("Lancer maintenant")
    await click(user, "sign-out")
    with new_session() as session:
        account = factories.account(session, email="cand@mail.example", password_hash=hash_password(GOOD))
        session.commit()
    await user.open("/connexion")
    user.find(marker="login").type(account.email)
    user.find(marker="password").type(GOOD)
    await click(user, "sign-in")
    await user.should_see(marker="candidate-name")
    await user.open("/admin/jobs")
    await user.should_see("réservée aux gestionnaires")


async def test_in_a_web_instance_the_launch_is_left_to_the_worker(user: User, monkeypatch) -> None:
    from app.config import reset_settings

    make_staff("ada", StaffRole.ADMINISTRATOR)
    await sign_in(user, "ada")
    await user.open("/admin/jobs")
    monkeypatch.setenv("ECANDIDAT_ROLE", "web")  # as a web instance behind nginx (the page is already drawn)
    reset_settings()
    try:
        user.find(marker="job-purge_unactivated_accounts-run").click()
        await user.should_see("le processus de fond lancera la tâche")  # French typography: no plain space before « : »
    finally:
        monkeypatch.delenv("ECANDIDAT_ROLE")
        reset_settings()
    with new_session() as session:
        assert session.exec(select(JobRun)).all() == []  # nothing ran in the web process
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "job.run_requested")).one()
