"""The staff screen of an application: review pieces, change the dossier status, leases, refusals; every section
redrawn from the one event a committed change announces."""

from nicegui import ui
from nicegui.testing import User
from sqlmodel import select

from app.db import new_session, transaction
from app.models import (
    Account,
    AuditEvent,
    Candidate,
    DecisionKind,
    DocumentStatus,
    DossierStatus,
    EditLease,
    OutboxMail,
    StaffMember,
    StaffRole,
    StaffRoleAssignment,
)
from app.services.accounts.passwords import hash_password
from app.services.platform.actors import Actor
from app.services.review import staff_view as staff_review
from tests import factories
from tests.ui.handler_clicks import click

GOOD = "Solide-Passe-2026"


def seed() -> dict:
    with new_session() as session:
        program = factories.program(session)
        candidate = factories.complete_candidate(session)
        application = factories.application(session, candidate_id=candidate.id, program=program)
        merged = factories.stored_file(session, factories.pdf_bytes(1), owner_candidate_id=candidate.id, page_count=1)
        first = factories.required_document(session, program_id=program.id, label_fr="Relevé de notes")
        second = factories.required_document(session, program_id=program.id, label_fr="Lettre de motivation")
        kept = factories.submitted_document(
            session,
            application_id=application.id,
            required_document_id=first.id,
            status=DocumentStatus.SUBMITTED,
            merged_file_id=merged.id,
        )
        refused = factories.submitted_document(
            session,
            application_id=application.id,
            required_document_id=second.id,
            status=DocumentStatus.SUBMITTED,
            merged_file_id=merged.id,
        )
        application.dossier_status = DossierStatus.RECEIVED
        session.add(application)
        logins = {}
        for login, name in (("anne", "Anne Martin"), ("bruno", "Bruno Petit")):
            member = StaffMember(
                login=login, email=f"{login}@univ.example", display_name=name, password_hash=hash_password(GOOD)
            )
            session.add(member)
            session.flush()
            session.add(
                StaffRoleAssignment(staff_id=member.id, role=StaffRole.CENTRE_MANAGER, centre_id=program.centre_id)
            )
            logins[login] = member.id
        account_email = session.get(Account, session.get(Candidate, candidate.id).account_id).email
        session.commit()
        return {
            "application": application.id,
            "kept": kept.id,
            "refused": refused.id,
            "email": account_email,
            "candidate_account": session.get(Candidate, candidate.id).account_id,
        }


async def sign_in(user: User, login: str) -> None:
    await user.open("/connexion")
    user.find(marker="login").type(login)
    user.find(marker="password").type(GOOD)
    user.find(marker="sign-in").click()
    await user.should_see(
        marker="current-role-text", retries=50
    )  # the sign-in: a worker thread, a new session, a redirect


async def test_a_manager_reviews_pieces_and_marks_the_dossier_incomplete(user: User) -> None:
    data = seed()
    await sign_in(user, "anne")
    await user.open(f"/gestion/candidatures/{data['application']}")
    await user.should_see(marker="pieces")
    user.find(marker=f"piece-{data['kept']}-validate").click()
    await user.should_see("Statut : Validée")
    user.find(marker=f"piece-{data['refused']}-refuse").click()
    user.find(marker="refuse-confirm").click()  # without a comment: refused next to the field
    await user.should_see(marker="refuse-error")
    user.find(marker="refuse-comment").type("Signature manquante")
    user.find(marker="refuse-confirm").click()
    await user.should_see("Commentaire : Signature manquante")
    user.find(marker="status-incomplete").click()
    await user.should_see(marker="status-received")  # Incomplet → Réceptionné is now offered
    with new_session() as session:
        mail = session.exec(select(OutboxMail).where(OutboxMail.code == "dossier_incomplete")).one()
    assert mail.to_address == data["email"]
    assert "Lettre de motivation" in mail.body_html and "Signature manquante" in mail.body_html
    assert "Relevé de notes" not in mail.body_html  # validated: not missing


async def test_a_second_manager_sees_it_read_only_with_the_holder(user: User) -> None:
    data = seed()
    with new_session() as session:  # Anne has the application open on another browser page
        anne = session.exec(select(StaffRoleAssignment).join(StaffMember).where(StaffMember.login == "anne")).one()
        actor = Actor("staff", staff_id=anne.staff_id, role_assignment_id=anne.id)
        state = staff_review.hold_lease(
            session, actor=actor, application_id=data["application"], client_id="anne-page", label="Anne Martin"
        )
        session.commit()
    assert state.held
    await sign_in(user, "bruno")
    await user.open(f"/gestion/candidatures/{data['application']}")
    await user.should_see("Anne Martin modifie ce dossier en ce moment : vous le consultez en lecture seule.")
    await user.should_see(marker=f"piece-{data['kept']}")
    await user.should_not_see(marker=f"piece-{data['kept']}-validate")
    await user.should_not_see(marker="status-incomplete")


async def test_a_candidate_is_refused_the_page(user: User) -> None:
    data = seed()
    with new_session() as session:
        account = session.get(Account, data["candidate_account"])
        account.password_hash = hash_password(GOOD)
        session.add(account)
        session.commit()
        dossier_number = account.dossier_number
    await user.open("/connexion")
    user.find(marker="login").type(dossier_number)
    user.find(marker="password").type(GOOD)
    user.find(marker="sign-in").click()
    await user.should_see(marker="signed-in-name")  # the sign-in has landed (new session, then /candidat)
    await user.open(f"/gestion/candidatures/{data['application']}")
    await user.should_see(marker="refusal")
    await user.should_not_see(marker="pieces")


async def test_the_piece_viewer_and_the_dossier_pdf_are_served_in_scope_only(user: User) -> None:
    data = seed()
    await sign_in(user, "anne")
    piece = await user.http_client.get(f"/gestion/pieces/{data['kept']}.pdf")
    assert piece.status_code == 200 and piece.content.startswith(b"%PDF")
    assert piece.headers["content-disposition"].startswith("inline")
    download = await user.http_client.get(f"/gestion/pieces/{data['kept']}.pdf?telecharger=1")
    assert download.headers["content-disposition"].startswith("attachment")
    dossier = await user.http_client.get(f"/gestion/candidatures/{data['application']}/dossier.pdf")
    assert dossier.status_code == 200 and dossier.content.startswith(b"%PDF")
    with new_session() as session:
        actions = set(session.exec(select(AuditEvent.action)).all())
    assert {"piece.viewed", "application.dossier_downloaded"} <= actions


async def test_another_centres_manager_gets_nothing(user: User) -> None:
    data = seed()
    with new_session() as session:
        other_centre = factories.centre(session)
        member = StaffMember(
            login="carla", email="c@univ.example", display_name="Carla", password_hash=hash_password(GOOD)
        )
        session.add(member)
        session.flush()
        session.add(StaffRoleAssignment(staff_id=member.id, role=StaffRole.CENTRE_MANAGER, centre_id=other_centre.id))
        session.commit()
    await sign_in(user, "carla")
    assert (await user.http_client.get(f"/gestion/pieces/{data['kept']}.pdf")).status_code == 404
    assert (await user.http_client.get(f"/gestion/candidatures/{data['application']}/dossier.pdf")).status_code == 404
    await user.open(f"/gestion/candidatures/{data['application']}")
    await user.should_see(marker="refusal")
    await user.should_not_see(marker="pieces")


async def test_an_administrator_releases_a_lease(user: User) -> None:
    data = seed()
    with new_session() as session:
        admin = StaffMember(
            login="root", email="r@univ.example", display_name="Admin", password_hash=hash_password(GOOD)
        )
        session.add(admin)
        session.flush()
        session.add(StaffRoleAssignment(staff_id=admin.id, role=StaffRole.ADMINISTRATOR))
        anne = session.exec(select(StaffRoleAssignment).join(StaffMember).where(StaffMember.login == "anne")).one()
        actor = Actor("staff", staff_id=anne.staff_id, role_assignment_id=anne.id)
        staff_review.hold_lease(
            session, actor=actor, application_id=data["application"], client_id="anne-page", label="Anne Martin"
        )
        session.commit()
        lease_id = session.exec(select(EditLease.id)).one()
    await sign_in(user, "root")
    await user.open("/admin/verrous")
    await user.should_see(marker=f"lease-{lease_id}")
    user.find(marker=f"lease-release-{lease_id}").click()
    await user.should_see(marker="no-lease")


def refusal_dialog_open(user: User) -> bool:
    with user:
        [element] = user.find(marker="refuse-comment").elements
        while element is not None and not isinstance(element, ui.dialog):
            element = element.parent_slot.parent if element.parent_slot else None
        return bool(element is not None and element.value)


def history_rows(user: User) -> list[dict]:
    with user:
        [table] = user.find(marker="history-table").elements
        return list(table.rows)  # type: ignore[attr-defined]


async def test_publishing_a_decision_redraws_every_section_without_a_reload(user: User) -> None:
    data = seed()
    with new_session() as session:
        factories.decision_type(session, DecisionKind.FAVORABLE, label_fr="Avis favorable")
        session.commit()
    await sign_in(user, "anne")
    await user.open(f"/gestion/candidatures/{data['application']}")
    await user.should_see("Aucune décision pour l'instant.")
    user.find(marker="panel-type").click()
    user.find("Avis favorable").click()
    await click(user, "panel-enter")
    await user.should_see(marker="panel-pending", retries=50)
    # Entered, not published: the « Décisions » section lists it already, from the same event as the panel.
    await user.should_see("saisie par Anne Martin", retries=50)
    await user.should_see("non validée")
    await click(user, "panel-publish")
    await user.should_see("Décision publiée : Avis favorable", retries=50)
    await user.should_see("validée par Anne Martin", retries=50)
    await user.should_not_see("Aucune décision pour l'instant.")
    await user.should_not_see("non validée")
    assert history_rows(user)[0]["event"] == "Un gestionnaire (Anne Martin) a publié la décision."
    await user.should_see("Dossier mis à jour à")  # the live region says the page changed


async def test_a_status_change_updates_the_summary_and_the_history_too(user: User) -> None:
    data = seed()
    await sign_in(user, "anne")
    await user.open(f"/gestion/candidatures/{data['application']}")
    await user.should_see("Statut du dossier : Réceptionné")  # the summary at the top
    await click(user, "status-complete")
    await user.should_see("Statut du dossier : Complet", retries=50)
    await user.should_not_see("Statut du dossier : Réceptionné, depuis")
    event = history_rows(user)[0]
    assert event["event"] == "Un gestionnaire (Anne Martin) a changé le statut du dossier."
    assert event["details"] == "Statut du dossier : Réceptionné → Complet"


async def test_a_colleagues_post_it_appears_live_and_what_the_manager_typed_stays(user: User) -> None:
    data = seed()
    await sign_in(user, "anne")
    await user.open(f"/gestion/candidatures/{data['application']}")
    await user.should_see(marker="notes")
    user.find(marker="note-body").type("Brouillon d'Anne")
    user.find(marker=f"piece-{data['refused']}-refuse").click()
    user.find(marker="refuse-comment").type("Page 2 illisible")
    with transaction() as session:  # Bruno, on another screen, adds a post-it (he needs no lease for it)
        bruno = session.exec(select(StaffRoleAssignment).join(StaffMember).where(StaffMember.login == "bruno")).one()
        staff_review.add_note(
            session,
            actor=Actor("staff", staff_id=bruno.staff_id, role_assignment_id=bruno.id),
            application_id=data["application"],
            body="Voir avec la commission",
        )
    await user.should_see("Voir avec la commission", retries=50)
    await user.should_see("Dossier mis à jour à")
    assert user.find(marker="note-body").elements.pop().value == "Brouillon d'Anne"  # type: ignore[attr-defined]
    # The refusal being typed is still open, with its text.
    assert refusal_dialog_open(user)
    assert user.find(marker="refuse-comment").elements.pop().value == "Page 2 illisible"  # type: ignore[attr-defined]
    user.find(marker="refuse-confirm").click()
    await user.should_see("Commentaire : Page 2 illisible", retries=50)


async def test_the_piece_viewer_opens_beside_the_piece_shown(user: User) -> None:
    """The viewer sat above every piece, the page scrolled away from the piece being reviewed: it now opens in the
    card of the piece « Afficher » was pressed on, under its status and review buttons, and follows the next one."""
    data = seed()
    await sign_in(user, "anne")
    await user.open(f"/gestion/candidatures/{data['application']}")
    await user.should_see(marker=f"piece-{data['kept']}-show")
    with user:
        (viewer,) = [e for e in user.client.layout.descendants() if "viewer" in e._markers]
    assert not viewer.visible  # hidden until a piece is shown
    kept = user.find(marker=f"piece-{data['kept']}").elements.pop()
    refused = user.find(marker=f"piece-{data['refused']}").elements.pop()

    user.find(marker=f"piece-{data['kept']}-show").click()
    assert user.find(marker="viewer").elements == {viewer}
    assert viewer.visible and viewer.props["src"] == f"/gestion/pieces/{data['kept']}.pdf"
    assert viewer.parent_slot.parent is kept  # in the piece's card…
    assert list(kept)[-1] is viewer  # …after its status, files and review buttons

    user.find(marker=f"piece-{data['refused']}-show").click()
    assert viewer.parent_slot.parent is refused and viewer not in kept.descendants()
    assert viewer.props["src"] == f"/gestion/pieces/{data['refused']}.pdf"
