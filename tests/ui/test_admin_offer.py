"""The offer's administration screens: centres, diploma types, committees, programmes and their dates."""

from datetime import timedelta

import pytest
from nicegui import ui
from nicegui.testing import User
from sqlmodel import select

from app import clock as app_clock
from app.db import new_session
from app.models import ApplicationCentre, Committee, DiplomaType, Program, StaffRole, StaffRoleAssignment, Tag
from tests import factories
from tests.ui.admin_clicks import click
from tests.ui.staff_sessions import make_staff, sign_in

NOW = app_clock.paris_datetime(2026, 3, 10, 10)


@pytest.fixture(autouse=True)
def fixed_clock(clock):
    clock.set(NOW)
    return clock


def element(user: User, marker: str):
    return user.find(marker=marker).elements.pop()


def choose(user: User, marker: str, label: str) -> None:
    select = element(user, marker)
    assert isinstance(select, ui.select)
    select.value = next(k for k, v in select.options.items() if v == label)


def offer() -> dict:
    with new_session() as session:
        campaign = factories.campaign(session)
        centre = factories.centre(session, code="UFR-ST", label_fr="UFR Sciences", label_en="Faculty of Science")
        committee = factories.committee(session, centre.id, code="JURY-INFO", label_fr="Jury informatique")
        diploma = factories.diploma_type(session, code="MASTER", label_fr="Master", label_en="Master's degree")
        program = factories.program(
            session,
            campaign_id=campaign.id,
            centre_id=centre.id,
            committee_id=committee.id,
            diploma_type_id=diploma.id,
            code="M1-INFO",
            label_fr="Master 1 Informatique",
            window_opens_at=NOW + timedelta(days=5),
            window_closes_at=NOW + timedelta(days=30),
            return_by=NOW + timedelta(days=35),
        )
        session.commit()
        return {"campaign": campaign, "centre": centre, "committee": committee, "diploma": diploma, "program": program}


async def test_the_central_office_creates_a_centre_and_sees_errors_next_to_fields(user: User) -> None:
    make_staff("office", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "office")
    await user.open("/admin/centres")
    await user.should_see(marker="no-centre")
    user.find(marker="new-centre").click()
    user.find(marker="code").type("ufr-lettres")
    user.find(marker="label_fr").type("UFR Lettres")
    user.find(marker="label_en").type("Faculty of Arts")
    user.find(marker="contact_email").type("pas-une-adresse")
    user.find(marker="default_window_opens_at").type("2026-04-10T09:00")
    user.find(marker="default_window_closes_at").type("2026-04-01T09:00")
    await click(user, "save")
    assert element(user, "contact_email").error.startswith("Saisissez une adresse électronique valide")
    assert "Ouverture des candidatures" in element(user, "default_window_closes_at").error
    assert element(user, "label_fr").value == "UFR Lettres"  # nothing typed is lost
    user.find(marker="contact_email").clear().type("lettres@univ.example")
    user.find(marker="default_window_closes_at").clear().type("2026-05-01T17:00")
    user.find(marker="managers_edit_offer").click()
    await click(user, "save")
    await user.should_see("Composante « UFR-LETTRES » enregistrée.")
    await user.should_see(marker="centre-UFR-LETTRES")
    with new_session() as session:
        centre = session.exec(select(ApplicationCentre)).one()
        assert centre.managers_edit_offer is True
        assert centre.default_window_closes_at == app_clock.paris_datetime(2026, 5, 1, 17)


async def test_diploma_types_are_listed_created_and_deactivated(user: User) -> None:
    make_staff("office", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "office")
    await user.open("/admin/types-diplome")
    user.find(marker="new-diploma-type").click()
    user.find(marker="code").type("du")
    user.find(marker="label_fr").type("Diplôme d'université")
    await click(user, "save")
    assert element(user, "label_en").error == "Ce champ est obligatoire."
    user.find(marker="label_en").type("University diploma")
    await click(user, "save")
    await user.should_see("Type de diplôme « DU » enregistré.")
    await click(user, "deactivate")
    await user.should_see("Type de diplôme désactivé.")
    with new_session() as session:
        assert session.exec(select(DiplomaType)).one().is_active is False


async def test_centre_managers_cannot_open_centres_or_diploma_types(user: User) -> None:
    data = offer()
    make_staff("gest", StaffRole.CENTRE_MANAGER, centre_id=data["centre"].id)
    await sign_in(user, "gest")
    for path in ("/admin/centres", "/admin/types-diplome"):
        await user.open(path)
        await user.should_see(marker="refusal")
        await user.should_not_see(marker="save")


async def test_a_new_programme_is_prefilled_checked_and_saved(user: User) -> None:
    data = offer()
    with new_session() as session:
        centre = session.get(ApplicationCentre, data["centre"].id)
        centre.default_window_opens_at = app_clock.paris_datetime(2026, 4, 1, 9)
        centre.default_window_closes_at = app_clock.paris_datetime(2026, 5, 15, 17)
        centre.default_jury_on = app_clock.paris_datetime(2026, 6, 10, 14)
        session.add(centre)
        session.commit()
    make_staff("office", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "office")
    await user.open("/admin/formations")
    await user.should_see(marker="program-M1-INFO")
    user.find(marker="new-program-UFR-ST").click()
    await user.should_see(marker="label_fr")
    assert element(user, "window_opens_at").value == "2026-04-01T09:00"  # the centre's default calendar
    assert element(user, "jury_on").value == "2026-06-10T14:00"
    assert element(user, "committee_id").value == data["committee"].id  # the centre's only committee
    choose(user, "diploma_type_id", "MASTER – Master")
    user.find(marker="code").type("m2-ia")
    user.find(marker="label_fr").type("Master 2 Intelligence artificielle")
    user.find(marker="label_en").type("Master 2 Artificial Intelligence")
    user.find(marker="return_by").type("2026-05-01T12:00")
    await click(user, "save")
    error = element(user, "return_by").error
    assert error.startswith("Cette date ne peut pas être antérieure à « Fermeture des candidatures »")
    assert element(user, "label_fr").value == "Master 2 Intelligence artificielle"
    user.find(marker="return_by").clear().type("2026-05-20T12:00")
    await click(user, "save")
    await user.should_see(marker="back-to-programs")
    await user.should_see("Master 2 Intelligence artificielle")
    with new_session() as session:
        program = session.exec(select(Program).where(Program.code == "M2-IA")).one()
        assert program.return_by == app_clock.paris_datetime(2026, 5, 20, 12)


async def test_a_calendar_change_with_applications_is_warned_before_it_is_saved(user: User) -> None:
    data = offer()
    with new_session() as session:
        program = session.get(Program, data["program"].id)
        program.window_opens_at = NOW - timedelta(days=3)
        session.add(program)
        candidate = factories.candidate(session)
        factories.application(session, candidate_id=candidate.id, program=program)
        session.commit()
    make_staff("office", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "office")
    await user.open(f"/admin/formations/edition?formation={data['program'].id}")
    await user.should_see(marker="applications-note")
    user.find(marker="window_opens_at").clear().type("2026-03-09T10:00")  # later than the passed opening
    await click(user, "save")
    assert "ne peut plus être reculée" in element(user, "window_opens_at").error
    user.find(marker="window_opens_at").clear().type("2026-03-01T10:00")
    user.find(marker="window_closes_at").clear().type("2026-03-20T10:00")  # shortened
    await click(user, "save")
    await user.should_see(marker="warnings")
    await user.should_see("La période de dépôt est raccourcie alors que des candidatures existent déjà (1)")
    with new_session() as session:
        assert session.get(Program, data["program"].id).window_closes_at == NOW + timedelta(days=30)
    await click(user, "save-anyway")
    await user.should_see("Formation enregistrée.")
    with new_session() as session:
        assert session.get(Program, data["program"].id).window_closes_at == app_clock.paris_datetime(2026, 3, 20, 10)


async def test_dates_of_several_programmes_are_previewed_then_applied(user: User) -> None:
    data = offer()
    with new_session() as session:
        for code in ("L3-MATHS", "M1-PHYS"):
            factories.program(
                session,
                campaign_id=data["campaign"].id,
                centre_id=data["centre"].id,
                committee_id=data["committee"].id,
                diploma_type_id=data["diploma"].id,
                code=code,
                window_opens_at=NOW + timedelta(days=5),
                window_closes_at=NOW + timedelta(days=30),
                return_by=NOW + timedelta(days=50) if code == "M1-PHYS" else NOW + timedelta(days=35),
            )
        session.commit()
    make_staff("office", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "office")
    await user.open("/admin/formations")
    user.find(marker="select-all-UFR-ST").click()
    user.find(marker="bulk-set-jury_on").click()
    user.find(marker="bulk-jury_on").type("2026-04-20T14:00")  # before M1-PHYS's return date
    await click(user, "bulk-preview-button")
    await user.should_see(marker="bulk-refused-M1-PHYS")
    await user.should_see(marker="bulk-refused-count")
    await user.should_not_see(marker="bulk-apply")
    user.find(marker="select-M1-PHYS").click()  # take it out of the selection
    await click(user, "bulk-preview-button")
    await user.should_see(marker="bulk-apply")
    await click(user, "bulk-apply")
    await user.should_see("Dates enregistrées pour 2 formations.")
    with new_session() as session:
        juries = {p.code: p.jury_on for p in session.exec(select(Program)).all()}
    assert juries["M1-INFO"] == juries["L3-MATHS"] == app_clock.paris_datetime(2026, 4, 20, 14)
    assert juries["M1-PHYS"] is None


async def test_a_centre_manager_reads_only_without_the_switch_and_committee_members_are_refused(user: User) -> None:
    data = offer()
    make_staff("gest", StaffRole.CENTRE_MANAGER, centre_id=data["centre"].id)
    make_staff("jury", StaffRole.COMMITTEE_MEMBER, committee_id=data["committee"].id)
    await sign_in(user, "gest")
    await user.open("/admin/formations")
    await user.should_see(marker="read-only-note")
    await user.should_not_see(marker="select-M1-INFO")
    await user.should_not_see(marker="new-program-UFR-ST")
    await user.open(f"/admin/formations/edition?formation={data['program'].id}")
    await user.should_see(marker="read-only-note")
    await user.should_not_see(marker="save")
    with new_session() as session:
        centre = session.get(ApplicationCentre, data["centre"].id)
        centre.managers_edit_offer = True
        session.add(centre)
        session.commit()
    await user.open(f"/admin/formations/edition?formation={data['program'].id}")
    user.find(marker="capacity").clear().type("25")
    await click(user, "save")
    await user.should_see("Formation enregistrée.")
    await click(user, "sign-out")
    await sign_in(user, "jury")
    for path in (
        "/admin/formations",
        "/admin/commissions",
        f"/admin/formations/edition?formation={data['program'].id}",
    ):
        await user.open(path)
        await user.should_see(marker="refusal")


async def test_a_committee_with_its_signature_and_members(user: User) -> None:
    data = offer()
    with new_session() as session:
        centre = session.get(ApplicationCentre, data["centre"].id)
        centre.managers_edit_offer = True
        session.add(centre)
        session.commit()
    make_staff("gest", StaffRole.CENTRE_MANAGER, centre_id=data["centre"].id)
    make_staff("marie", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "gest")
    await user.open("/admin/commissions")
    await user.should_see(marker="committee-JURY-INFO")
    user.find(marker="new-committee-UFR-ST").click()
    await user.should_see(marker="signatory_name")
    user.find(marker="code").type("jury-maths")
    user.find(marker="label_fr").type("Jury mathématiques")
    user.find(marker="label_en").type("Mathematics board")
    user.find(marker="signatory_name").type("Sophie Germain")
    await click(user, "save")
    await user.should_see(marker="no-signature")
    upload = user.find(marker="signature-upload").elements.pop()
    await upload.handle_uploads([ui.upload.SmallFileUpload("signature.pdf", "image/png", factories.pdf_bytes())])
    await user.should_see("La signature doit être une image PNG ou JPEG.")
    image = factories.image_bytes("PNG", (240, 90))
    await upload.handle_uploads([ui.upload.SmallFileUpload("signature.png", "image/png", image)])
    await user.should_see(marker="signature-preview")
    choose(user, "staff_id", "Marie (marie)")
    user.find(marker="is_president").click()
    await click(user, "add-member")
    await user.should_see(marker="member-marie")
    with new_session() as session:
        committee = session.exec(select(Committee).where(Committee.code == "JURY-MATHS")).one()
        assert committee.signatory_name == "Sophie Germain" and committee.signature_file_id is not None
        [assignment] = session.exec(
            select(StaffRoleAssignment).where(StaffRoleAssignment.committee_id == committee.id)
        ).all()
        assert assignment.is_president is True
    # The form still saves after the signature changed the committee's version.
    user.find(marker="signatory_title").type("Présidente du jury")
    await click(user, "save")
    await user.should_see("Commission enregistrée.")


async def test_a_programme_saved_meanwhile_by_someone_else_is_not_overwritten(user: User) -> None:
    data = offer()
    make_staff("office", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "office")
    await user.open(f"/admin/formations/edition?formation={data['program'].id}")
    await user.should_see(marker="capacity")
    with new_session() as session:  # another editor saves first
        program = session.get(Program, data["program"].id)
        program.label_fr = "Master 1 Informatique et société"
        session.add(program)
        session.commit()
    user.find(marker="capacity").clear().type("35")
    await click(user, "save")
    await user.should_see("Quelqu'un d'autre a modifié cet élément depuis que vous l'avez ouvert.")
    assert element(user, "capacity").value == 35  # what was typed stays on screen
    with new_session() as session:
        program = session.get(Program, data["program"].id)
        assert (program.label_fr, program.capacity) == ("Master 1 Informatique et société", 20)


async def test_a_member_added_with_alert_copies_then_stopped(user: User) -> None:
    data = offer()
    make_staff("office", StaffRole.CENTRAL_OFFICE)
    make_staff("marie", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "office")
    await user.open(f"/admin/commissions/edition?commission={data['committee'].id}")
    await user.should_see(marker="add-member")
    choose(user, "staff_id", "Marie (marie)")
    user.find(marker="receives_alerts").click()
    await click(user, "add-member")
    await user.should_see(marker="alerts-marie")
    await user.should_see("Ne plus envoyer les alertes")

    def copies() -> list[bool]:
        with new_session() as session:
            return list(
                session.exec(
                    select(StaffRoleAssignment.receives_alerts).where(
                        StaffRoleAssignment.committee_id == data["committee"].id
                    )
                ).all()
            )

    assert copies() == [True]
    await click(user, "alerts-marie")
    await user.should_see("Envoyer les alertes en copie")
    assert copies() == [False]


async def test_tags_are_created_for_a_centre_refused_when_taken_and_deactivated(user: User) -> None:
    data = offer()
    with new_session() as session:
        session.add(Tag(label="À revoir", colour="#e53935"))
        session.commit()
    make_staff("office", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "office")
    await user.open("/admin/etiquettes")
    await user.should_see("À revoir")
    user.find(marker="new-tag").click()
    user.find(marker="label").type("à REVOIR")  # the institution's label, in other capitals
    user.find(marker="colour").clear().type("bleu")
    await click(user, "save")
    assert element(user, "colour").error == "Indiquez une couleur au format #RRVVBB, par exemple #3949ab."
    user.find(marker="colour").clear().type("#1E88E5")
    await click(user, "save")
    assert element(user, "label").error == "Une étiquette porte déjà ce nom pour cette portée."
    choose(user, "centre_id", f"{data['centre'].code} — {data['centre'].label_fr}")
    await click(user, "save")
    await user.should_see(marker="saved")
    assert "à REVOIR" in element(user, "saved").text and "enregistrée" in element(user, "saved").text
    with new_session() as session:
        tag = session.exec(select(Tag).where(Tag.centre_id == data["centre"].id)).one()
        assert (tag.label, tag.colour) == ("à REVOIR", "#1e88e5")
    await click(user, "deactivate")
    await user.should_see("Étiquette désactivée.")
    with new_session() as session:
        assert session.exec(select(Tag).where(Tag.centre_id == data["centre"].id)).one().is_active is False


async def test_centre_managers_cannot_open_the_tags(user: User) -> None:
    data = offer()
    make_staff("gest", StaffRole.CENTRE_MANAGER, centre_id=data["centre"].id)
    await sign_in(user, "gest")
    await user.open("/admin/etiquettes")
    await user.should_see(marker="refusal")
    await user.should_not_see(marker="new-tag")
