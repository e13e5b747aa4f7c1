"""/admin/mails: the central office lists the mails, edits one with a live preview, is refused a sandbox escape,
unsafe HTML and a template that would work for hours (while the server keeps answering), saves and restores the
default; other roles are refused."""

import asyncio
import time

from nicegui.testing import User
from sqlmodel import select

from app.db import new_session
from app.models import MailTemplate, StaffRole
from tests import factories
from tests.ui.handler_clicks import click
from tests.ui.staff_sessions import make_staff, sign_in


def _preview_html(user: User) -> str:
    [frame] = user.find(marker="preview-frame").elements
    assert frame.props["sandbox"] == ""  # inert: no script, no same-origin access
    return str(frame.props.get("srcdoc", ""))


async def _preview_shows(user: User, text: str) -> None:
    """The preview renders in a worker thread: wait for it."""
    for _attempt in range(50):
        if text in _preview_html(user):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the preview never showed {text!r}: {_preview_html(user)[:500]}")


async def test_the_central_office_edits_a_mail_with_a_live_preview(user: User) -> None:
    make_staff("scol", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "scol")
    await user.open("/admin/mails")
    await user.should_see("Modèles de mails")
    await user.should_see("AVIS_FAVORABLE")
    await user.should_see(marker="edit-decision_favorable-en")
    user.find(marker="edit-decision_favorable-fr").click()
    await user.should_see("Modèle par défaut, fourni avec l'application.")
    await user.should_see(marker="variable-account.first_name")
    await user.should_see("{{ decision.confirmation_deadline|datetime }}")
    await _preview_shows(user, "Éloïse")  # the sample data, rendered on arrival (in a worker thread)

    subject = user.find(marker="subject")
    subject.clear().type("Bonne nouvelle, {{ account.first_name }} !")
    await user.should_see("Objet : Bonne nouvelle, Éloïse !", retries=30)  # the preview follows the typing

    body = user.find(marker="body_html")
    body.clear().type("<p>{{ ''.__class__ }}</p>")
    await user.should_see(marker="preview-error", retries=30)
    await user.should_see("Aperçu impossible")
    user.find(marker="save").click()
    await user.should_see("élément interdit")
    with new_session() as session:
        assert session.exec(select(MailTemplate)).all() == []  # refused: never saved

    body.clear().type('<p onclick="steal()">Cher·e {{ account.first_name }}, <script>alert(1)</script></p>')
    user.find(marker="save").click()
    await user.should_see("HTML non autorisé : onclick, <script>", retries=30)
    with new_session() as session:
        assert session.exec(select(MailTemplate)).all() == []  # refused: never saved

    body.clear().type('<p>Cher·e {{ account.first_name }}, <a href="{{ link }}">votre candidature</a></p>')
    user.find(marker="save").click()
    await user.should_see(marker="saved", retries=30)
    await user.should_see("Modèle personnalisé, enregistré le")
    with new_session() as session:
        row = session.exec(select(MailTemplate)).one()
        assert (row.code, row.language, row.subject) == (
            "decision_favorable",
            "fr",
            "Bonne nouvelle, {{ account.first_name }} !",
        )
    await _preview_shows(user, "Cher·e Éloïse")

    user.find(marker="restore").click()
    await user.should_see(marker="restore-question")
    user.find(marker="restore-confirm").click()
    await user.should_see("Le modèle par défaut est rétabli.")
    with new_session() as session:
        assert session.exec(select(MailTemplate)).all() == []


# Two nested loops of 25 million turns in all: the server used to render them on its event loop at every pause in
# the typing and at the save (seconds each, hours with the range(99999)). The bounded sandbox refuses them
# after its budget of steps, in a worker thread.
NESTED_LOOPS = "{% for x in range(5000) %}{% for y in range(5000) %}{% endfor %}{% endfor %}"


async def test_a_template_looping_for_hours_is_refused_while_the_server_keeps_answering(user: User) -> None:
    make_staff("scol", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "scol")
    await user.open("/admin/mails/decision_favorable/fr")
    await user.should_see("Objet : Avis favorable", retries=30)

    user.find(marker="body_html").clear().type(f"<p>{NESTED_LOOPS}</p>")
    started = time.monotonic()
    user.find(marker="save").click()  # the check runs in a worker thread: the click returns at once
    response = await user.http_client.get("/api/v1/openapi.json")  # another request, answered meanwhile
    answered = time.monotonic() - started
    assert response.status_code == 200
    assert answered < 1.0, f"the server answered another request only after {answered:.1f} s"

    await user.should_see(marker="form-error", content="trop de travail", retries=50)
    await user.should_see(marker="preview-error", content="trop de travail", retries=50)
    assert time.monotonic() - started < 5.0  # refused within a bounded time
    with new_session() as session:
        assert session.exec(select(MailTemplate)).all() == []


async def test_a_stale_save_is_refused_with_a_clear_message(user: User) -> None:
    make_staff("scol", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "scol")
    await user.open("/admin/mails/password_reset/en")
    await user.should_see(marker="editor")
    with new_session() as session:  # someone else saves the same template meanwhile
        session.add(MailTemplate(code="password_reset", language="en", subject="Other", body_html="<p>x</p>"))
        session.commit()
    user.find(marker="subject").clear().type("Mine")
    user.find(marker="save").click()
    await user.should_see("Quelqu'un d'autre a modifié cet élément", retries=30)
    with new_session() as session:
        assert session.exec(select(MailTemplate.subject)).one() == "Other"


async def test_centre_managers_and_committee_members_are_refused(user: User) -> None:
    with new_session() as session:
        centre = factories.centre(session)
        committee = factories.committee(session, centre.id)
        session.commit()
    make_staff("gest", StaffRole.CENTRE_MANAGER, centre_id=centre.id)
    make_staff("juré", StaffRole.COMMITTEE_MEMBER, committee_id=committee.id)
    for login in ("gest", "juré"):
        await sign_in(user, login)
        await user.open("/admin/mails/decision_favorable/fr")
        await user.should_see(marker="refusal")
        await user.should_not_see(marker="editor")
        await click(user, "sign-out")  # signed out (a new session) before the next sign-in
