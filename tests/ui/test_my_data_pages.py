"""« Télécharger mes données » on « Mon compte »: asked, followed (role=status), mailed, downloaded once by its
owner; a second use, or another account, gets a clear refusal."""

import asyncio
import io
import json
import zipfile

from nicegui.testing import User
from sqlmodel import select

from app.db import new_session
from app.models import ExportJob, ExportStatus, OutboxMail
from app.services.exports import jobs as export_jobs
from app.services.exports import my_data
from app.services.platform import Actor
from app.ui import routes
from tests.ui.handler_clicks import click
from tests.ui.test_auth_pages import GOOD, make_account, sign_in


async def wait_for_copy(account_id: int) -> ExportJob:
    for _attempt in range(150):
        with new_session() as session:
            job = session.exec(select(ExportJob).where(ExportJob.account_id == account_id)).first()
        if job is not None and job.status in (ExportStatus.DONE, ExportStatus.FAILED):
            return job
        await asyncio.sleep(0.1)
    raise AssertionError("the copy was not built in time")


def mailed_path(account_id: int) -> str:
    with new_session() as session:
        mail = session.exec(
            select(OutboxMail).where(OutboxMail.account_id == account_id, OutboxMail.code == "personal_data_ready")
        ).one()
    start = mail.body_text.index("/compte/mes-donnees/")
    return mail.body_text[start:].split()[0].rstrip(")>")


def test_the_mailed_link_is_the_route_served() -> None:
    assert my_data.DOWNLOAD_PATH == routes.MY_DATA_DOWNLOAD


async def test_a_candidate_asks_follows_and_downloads_once(user: User) -> None:
    account = make_account(email="zoe@mail.example")
    await sign_in(user, "zoe@mail.example")
    await user.open("/compte")
    await user.should_see("Mes données personnelles")
    status = user.find(marker="my-data-status").elements.pop()
    assert status.props["role"] == "status"
    await click(user, "ask-my-data")
    job = await wait_for_copy(account.id or 0)
    assert job.status == ExportStatus.DONE
    await user.should_see("Votre copie est prête", retries=40)
    path = mailed_path(account.id or 0)
    response = await user.http_client.get(path)
    assert response.status_code == 200 and "mes-donnees-" in response.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        data = json.loads(archive.read("donnees.json"))
    assert data["account"]["email"] == "zoe@mail.example"
    await user.open(path)  # the second use
    await user.should_see(marker="token_used")
    await user.should_see("Ce lien a déjà été utilisé")


async def test_another_account_cannot_use_the_link(user: User) -> None:
    owner = make_account(email="ana@mail.example")
    make_account(email="bob@mail.example")
    with new_session() as session:
        job = my_data.request_my_data(session, actor=Actor("candidate", account_id=owner.id), language="fr")
        session.commit()
    assert export_jobs.run_export_job(job.id or 0) == ExportStatus.DONE
    path = mailed_path(owner.id or 0)
    await sign_in(user, "bob@mail.example", GOOD)
    await user.open(path)
    await user.should_see(marker="not_found")
    await user.should_see(marker="back-to-account")
    with new_session() as session:  # nothing used up: the owner still can
        assert my_data.my_data_export(session, actor=Actor("candidate", account_id=owner.id)).downloaded is False


async def test_the_link_asks_to_sign_in_first(user: User) -> None:
    await user.open("/compte/mes-donnees/abc")
    await user.should_see(marker="sign-in")
