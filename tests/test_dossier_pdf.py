"""« Télécharger mon dossier »: the dossier PDF, checked through the text pypdf extracts from it."""

import io
import re
import socket
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas
from sqlmodel import Session, select

from app.clock import paris_datetime
from app.models import (
    Address,
    Baccalaureate,
    BacSeries,
    Civility,
    DocumentStatus,
    ExternalRecord,
    InternalRecord,
    Internship,
    Procedure,
    RecordOutcome,
    StaffRole,
    SubmittedDocument,
    WorkExperience,
)
from app.services.documents import dossier_pdf, html_pdf
from app.services.platform.actors import Actor
from app.services.platform.errors import Forbidden, NotFound
from tests import factories as f

LONG_LABEL = (
    "Master Mention Informatique — Parcours Intelligence artificielle, science des données, apprentissage "
    "automatique et systèmes distribués à très grande échelle pour la recherche et l'industrie (formation "
    "initiale, continue et en alternance)"
)


def make_pdf(*pages: str) -> bytes:
    """A small PDF with one line of text on each page."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    for text in pages:
        canvas.drawString(72, 720, text)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def make_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), (200, 180, 160)).save(buffer, "PNG")
    return buffer.getvalue()


def pages_text(pdf: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def seed(session: Session, clock: Any, *, procedure: Procedure = Procedure.ONLINE, language: str = "fr") -> dict:
    """A full demo-like candidate with accents, a very long programme label, records and five pieces."""
    clock.set(paris_datetime(2026, 4, 2, 10, 30))
    campaign = f.campaign(session, label_fr="Campagne 2026-2027", label_en="2026-2027 intake")
    centre = f.centre(session, label_fr="UFR Sciences et Techniques", label_en="Faculty of Science and Technology")
    committee = f.committee(
        session,
        centre.id,
        label_fr="Commission pédagogique du Master Informatique",
        label_en="Computer Science Master's committee",
        contact_email="master-info@univ-orleans.example",
        phone="02 38 41 71 00",
        address_line1="Secrétariat pédagogique — Bâtiment IIIA, bureau 112",
        address_line2="Rue Léonard de Vinci",
        address_line3="BP 6759",
        postcode="45067",
        city="ORLÉANS CEDEX 2",
    )
    program = f.program(
        session,
        campaign_id=campaign.id,
        centre_id=centre.id,
        committee_id=committee.id,
        code="M-INFO-IA",
        label_fr=LONG_LABEL,
        label_en="Master's in Computer Science — Artificial Intelligence and Data Science",
        procedure=procedure,
        window_opens_at=paris_datetime(2026, 3, 1, 9, 0),
        window_closes_at=paris_datetime(2026, 5, 31, 23, 59),
        return_by=paris_datetime(2026, 6, 15, 12, 0),
        jury_on=paris_datetime(2026, 6, 25, 14, 0),
        publication_on=paris_datetime(2026, 7, 1, 10, 0),
    )
    account = f.account(
        session,
        dossier_number="A7K2M9QX",
        first_name="Éloïse-Marie",
        last_name="D'ALEMBERT-LÉVÊQUE",
        email="eloise.dalembert@mail.example",
        language=language,
    )
    candidate = f.candidate(
        session,
        account_id=account.id,
        civility=Civility.MS,
        birth_name="D'ALEMBERT-LÉVÊQUE",
        usage_name="",
        first_names="Éloïse-Marie Françoise",
        birth_date=date(2001, 2, 3),
        birth_place="Orléans",
        nationality="FR",
        mobile="06 12 34 56 78",
        ine="1234567890A",
    )
    session.add(
        Address(
            candidate_id=candidate.id,
            line1="12 rue de l'Évêché",
            line2="Résidence « Les Tilleuls », appartement 3",
            postcode="45000",
            city="ORLÉANS",
        )
    )
    session.add(
        Baccalaureate(
            candidate_id=candidate.id,
            series=BacSeries.GENERAL,
            year=2019,
            mention="Très bien",
            specialities=["Mathématiques", "Numérique et sciences informatiques"],
            establishment_label="Lycée Pothier",
        )
    )
    session.add_all(
        [
            InternalRecord(
                candidate_id=candidate.id,
                academic_year=2022,
                program_code="L3-INFO",
                program_label="Licence Informatique — 3e année",
                result="Admis",
                mark=Decimal("14.250"),
                mention="Bien",
            ),
            InternalRecord(
                candidate_id=candidate.id,
                academic_year=2021,
                program_code="L2-INFO",
                program_label="Licence Informatique — 2e année",
                result="Admis",
            ),
            ExternalRecord(
                candidate_id=candidate.id,
                academic_year=2023,
                establishment_label="Université de Tours",
                diploma_type="Master",
                label="Mathématiques appliquées",
                outcome=RecordOutcome.IN_PROGRESS,
            ),
            WorkExperience(
                candidate_id=candidate.id,
                year=2023,
                duration="3 mois",
                title="Développeuse",
                employer="Société Générale",
            ),
            Internship(
                candidate_id=candidate.id,
                year=2022,
                duration="8 semaines",
                hours_per_week=35,
                organisation="INRIA Saclay",
            ),
        ]
    )
    application = f.application(session, candidate_id=candidate.id, program=program)
    transcripts = f.required_document(
        session, label_fr="Relevés de notes de licence", label_en="Bachelor's transcripts", display_order=1
    )
    photo = f.required_document(session, label_fr="Photo d'identité", label_en="Identity photo", display_order=2)
    letter = f.required_document(session, label_fr="Lettre de motivation", label_en="Cover letter", display_order=3)
    internship = f.required_document(
        session,
        label_fr="Attestation de stage",
        label_en="Internship certificate",
        display_order=4,
        is_conditional=True,
    )
    cv = f.required_document(session, label_fr="Curriculum vitæ", label_en="Résumé", display_order=5)
    files = {
        "transcripts": f.stored_file(session, make_pdf("RELEVE page un", "RELEVE page deux")),
        "photo": f.stored_file(session, make_png(), media_type="image/png"),
        "letter": f.stored_file(session, make_pdf("LETTRE de motivation")),
    }
    for required, status, file, comment in (
        (transcripts, DocumentStatus.VALIDATED, files["transcripts"], ""),
        (photo, DocumentStatus.SUBMITTED, files["photo"], ""),
        (letter, DocumentStatus.REFUSED, files["letter"], "Lettre non signée : merci de la signer."),
        (internship, DocumentStatus.NOT_APPLICABLE, None, ""),
        (cv, DocumentStatus.PENDING, None, ""),
    ):
        f.submitted_document(
            session,
            application_id=application.id,
            required_document_id=required.id,
            status=status,
            comment=comment,
            merged_file_id=file.id if file else None,
        )
    session.commit()
    return {
        "actor": Actor("candidate", account_id=account.id),
        "application": application,
        "program": program,
        "committee": committee,
        "centre": centre,
        "files": files,
        "candidate": candidate,
        "documents": {"transcripts": transcripts, "cv": cv},
    }


def build(session: Session, data: dict, **kw: Any) -> tuple[str, list[str]]:
    name, pdf = dossier_pdf.build_dossier_pdf(session, actor=data["actor"], application_id=data["application"].id, **kw)
    assert pdf.startswith(b"%PDF")
    return name, pages_text(pdf)


def test_the_dossier_lists_everything_the_guide_promises(session: Session, clock: Any) -> None:
    data = seed(session, clock)
    name, pages = build(session, data)
    assert name == "dossier-A7K2M9QX-M-INFO-IA.pdf"
    text = " ".join(pages)
    for expected in (
        "Université d'Orléans",  # institution
        "Campagne 2026-2027",
        "A7K2M9QX",
        "Master Mention Informatique",
        "(formation initiale, continue et en alternance)",  # the long label wraps, nothing is lost
        "M-INFO-IA",
        "Commission pédagogique du Master Informatique",
        "UFR Sciences et Techniques",
        "Éloïse-Marie D'ALEMBERT-LÉVÊQUE",  # accents survive extraction
        "Madame",
        "3 février 2001",
        "1234567890A",
        "12 rue de l'Évêché",
        "Résidence « Les Tilleuls », appartement 3",
        "45000 ORLÉANS",
        "Baccalauréat général",
        "Très bien",
        "Numérique et sciences informatiques",
        "Lycée Pothier",
        "Licence Informatique — 3e année (L3-INFO)",
        "14.25",
        "Université de Tours",
        "Mathématiques appliquées",
        "En cours",
        "Développeuse",
        "INRIA Saclay",
        # The calendar in Paris time (stored in UTC: 21:59 and 10:00 UTC).
        "31 mai 2026 à 23:59",
        "15 juin 2026 à 12:00",
        "25 juin 2026 à 14:00",
        "master-info@univ-orleans.example",
        "02 38 41 71 00",
        "45067 ORLÉANS CEDEX 2",
        "Document édité le 2 avril 2026 à 10:30",
    ):
        assert expected in text, expected
    pieces = text[text.index("Pièces justificatives") :]
    for label, status in (
        ("Relevés de notes de licence", "Validée"),
        ("Photo d'identité", "Transmise"),
        ("Lettre de motivation", "Refusée"),
        ("Attestation de stage", "Non concerné"),
        ("Curriculum vitæ", "En attente"),
    ):
        assert re.search(re.escape(label) + r".{0,80}" + re.escape(status), pieces), (label, status)
    assert "Lettre non signée : merci de la signer." in pieces
    # Every page carries the dossier number, the candidate's name and its number.
    for number, page in enumerate(pages, start=1):
        assert "Dossier n° A7K2M9QX — Éloïse-Marie D'ALEMBERT-LÉVÊQUE" in page
        assert f"Page {number} / {len(pages)}" in page


def test_uploaded_pieces_are_appended_in_order_each_titled(session: Session, clock: Any) -> None:
    data = seed(session, clock)
    _, pages = build(session, data)
    transcripts = next(i for i, page in enumerate(pages) if "Pièce : Relevés de notes de licence" in page)
    assert "Pièce 1 sur 3" in pages[transcripts] and "2 pages jointes ci-après" in pages[transcripts]
    assert "RELEVE page un" in pages[transcripts + 1] and "RELEVE page deux" in pages[transcripts + 2]
    # The image became one A4 page titled with the piece's label.
    assert "Pièce : Photo d'identité" in pages[transcripts + 3]
    assert "Pièce : Lettre de motivation" in pages[transcripts + 4]
    assert "LETTRE de motivation" in pages[transcripts + 5]
    assert len(pages) == transcripts + 6  # nothing after the last piece for an online procedure


def test_a_thirty_page_piece_is_appended_whole(session: Session, clock: Any) -> None:
    data = seed(session, clock)
    big = f.stored_file(session, make_pdf(*(f"BULLETIN page {n}" for n in range(1, 31))))
    cv = session.exec(
        select(SubmittedDocument).where(SubmittedDocument.required_document_id == data["documents"]["cv"].id)
    ).one()
    cv.merged_file_id, cv.status = big.id, DocumentStatus.SUBMITTED
    session.commit()
    _, pages = build(session, data)
    title = next(i for i, page in enumerate(pages) if "Pièce : Curriculum vitæ" in page)
    assert "30 pages jointes ci-après" in pages[title]
    assert [f"BULLETIN page {n}" in pages[title + n] for n in range(1, 31)] == [True] * 30
    assert f"Page {len(pages)} / {len(pages)}" in pages[-1]


def test_a_paper_procedure_ends_with_the_page_to_post_it(session: Session, clock: Any) -> None:
    data = seed(session, clock, procedure=Procedure.PAPER)
    _, pages = build(session, data)
    last = pages[-1]
    assert "Envoi du dossier" in last
    for line in (
        "Commission pédagogique du Master Informatique",
        "Secrétariat pédagogique — Bâtiment IIIA, bureau 112",
        "Rue Léonard de Vinci",
        "BP 6759",
        "45067 ORLÉANS CEDEX 2",
    ):
        assert line in last, line
    for label in ("Relevés de notes de licence", "Photo d'identité", "Lettre de motivation", "Curriculum vitæ"):
        assert label in last, label
    assert "Attestation de stage" not in last  # « non concerné »: nothing to post
    assert "15 juin 2026 à 12:00" in last
    assert "Le cachet de la poste fait foi." in last
    # The appended pieces come before it.
    assert "LETTRE de motivation" in pages[-2]


def test_the_application_return_date_overrides_the_programme(session: Session, clock: Any) -> None:
    data = seed(session, clock, procedure=Procedure.PAPER)
    data["application"].return_by_override = paris_datetime(2026, 6, 30, 18, 0)
    session.add(data["application"])
    session.commit()
    _, pages = build(session, data)
    assert "30 juin 2026 à 18:00" in pages[-1] and "15 juin 2026" not in pages[-1]


def test_english_rendering_has_english_labels(session: Session, clock: Any) -> None:
    data = seed(session, clock, procedure=Procedure.PAPER, language="en")
    _, pages = build(session, data)  # the account's language
    text = " ".join(pages)
    for expected in (
        "Application dossier",
        "File number",
        "Master's in Computer Science — Artificial Intelligence and Data Science",
        "Computer Science Master's committee",
        "Personal information",
        "Date of birth",
        "3 February 2001",
        "31 May 2026 at 23:59",
        "Supporting documents",
        "Validated",
        "Document: Bachelor's transcripts",
        "Sending the dossier",
        "The postmark is proof of the date of sending.",
    ):
        assert expected in text, expected
    for french in ("Informations personnelles", "Pièces justificatives", "Validée", "Envoi du dossier"):
        assert french not in text, french
    assert "Page 1 / " in pages[0]


def test_another_candidate_or_an_unscoped_manager_is_refused(session: Session, clock: Any) -> None:
    data = seed(session, clock)
    other = f.complete_candidate(session)
    intruder = Actor("candidate", account_id=other.account_id)
    with pytest.raises(NotFound):
        dossier_pdf.dossier_pdf_context(session, actor=intruder, application_id=data["application"].id)
    with pytest.raises(Forbidden):
        dossier_pdf.dossier_pdf_context(session, actor=Actor.anonymous(), application_id=data["application"].id)
    elsewhere = f.staff_with_role(
        session, StaffRole.COMMITTEE_MEMBER, committee_id=f.committee(session, data["centre"].id).id
    )
    staff_actor = Actor("staff", staff_id=elsewhere.staff_id, role_assignment_id=elsewhere.id)
    with pytest.raises(NotFound):  # outside the role's scope: "not found", as the application itself
        dossier_pdf.dossier_pdf_context(session, actor=staff_actor, application_id=data["application"].id)
    member = f.staff_with_role(session, StaffRole.COMMITTEE_MEMBER, committee_id=data["committee"].id)
    context = dossier_pdf.dossier_pdf_context(
        session,
        actor=Actor("staff", staff_id=member.staff_id, role_assignment_id=member.id),
        application_id=data["application"].id,
    )
    assert context["dossier_number"] == "A7K2M9QX"


def test_the_staff_scope_rule_governs_the_dossier_pdf(session: Session, clock: Any) -> None:
    """Who may read the dossier PDF is who may open the application: applications/staff_scope's rule, not a copy."""
    from app.services.applications.staff_scope import require_application_in_scope

    data = seed(session, clock)
    application_id = data["application"].id
    other_centre = f.centre(session)
    outside = f.staff_with_role(session, StaffRole.CENTRE_MANAGER, centre_id=other_centre.id)
    outside_actor = Actor("staff", staff_id=outside.staff_id, role_assignment_id=outside.id)
    with pytest.raises(NotFound):
        require_application_in_scope(session, actor=outside_actor, application_id=application_id)
    with pytest.raises(NotFound):
        dossier_pdf.dossier_pdf_context(session, actor=outside_actor, application_id=application_id)
    inside = f.staff_with_role(session, StaffRole.CENTRE_MANAGER, centre_id=data["centre"].id)
    inside_actor = Actor("staff", staff_id=inside.staff_id, role_assignment_id=inside.id)
    require_application_in_scope(session, actor=inside_actor, application_id=application_id)
    context = dossier_pdf.dossier_pdf_context(session, actor=inside_actor, application_id=application_id)
    assert context["dossier_number"] == "A7K2M9QX"


def test_the_context_is_plain_data(session: Session, clock: Any) -> None:
    import pickle

    data = seed(session, clock)
    context = dossier_pdf.dossier_pdf_context(session, actor=data["actor"], application_id=data["application"].id)
    restored = pickle.loads(pickle.dumps(context))
    assert restored == context
    allowed = (str, int, float, bool, type(None), date, list, dict)

    def walk(value: Any) -> None:
        assert isinstance(value, allowed), type(value)
        for item in value.values() if isinstance(value, dict) else value if isinstance(value, list) else ():
            walk(item)

    walk(context)


def test_a_missing_file_is_reported_in_the_list_not_a_crash(session: Session, clock: Any) -> None:
    from app.services.platform import file_store

    data = seed(session, clock)
    file_store.delete(data["files"]["letter"].storage_key)
    _, pages = build(session, data)
    text = " ".join(pages)
    assert re.search(r"Lettre de motivation.{0,120}Fichier indisponible : il n'a pas pu être joint au dossier", text)
    assert "Pièce : Lettre de motivation" not in text
    assert "Pièce : Relevés de notes de licence" in text  # the others are still appended
    assert "Pièce 1 sur 3" in text  # numbered among the pieces that have a file


def test_rendering_never_fetches_remote_resources(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[Any] = []

    def no_network(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    for uri in (
        "http://169.254.169.254/latest/meta-data/",
        "https://cdn.example.com/logo.png",
        "//cdn.example.com/logo.png",
        "data:image/png;base64,AA",
        "/etc/passwd",
        "../../config.py",
    ):
        assert html_pdf.link_callback(uri, None) == html_pdf.REFUSED, uri
    assert not Path(html_pdf.REFUSED).exists()
    assert html_pdf.link_callback("dossier.html", None) == str(html_pdf.TEMPLATE_DIR / "dossier.html")
    pdf = html_pdf.html_to_pdf(
        '<html><head><style>@import url("http://example.com/x.css");</style></head><body>'
        '<p>Avant</p><img src="http://example.com/tracker.png"><img src="/etc/passwd"><p>Après</p></body></html>'
    )
    assert "Avant" in pages_text(pdf)[0] and "Après" in pages_text(pdf)[0]
    assert attempts == []  # nothing was even resolved


def test_a_two_thousand_character_word_wraps_inside_the_dossier(session: Session, clock: Any) -> None:
    data = seed(session, clock)
    experience = session.exec(select(WorkExperience)).one()
    experience.description = "W" * 2000
    refused = session.exec(select(SubmittedDocument).where(SubmittedDocument.status == DocumentStatus.REFUSED)).one()
    refused.comment = "Q" * 2000
    session.add_all([experience, refused])
    session.commit()
    _name, pdf = dossier_pdf.build_dossier_pdf(session, actor=data["actor"], application_id=data["application"].id)
    lines = [line for page in PdfReader(io.BytesIO(pdf)).pages for line in (page.extract_text() or "").splitlines()]
    for letter in "WQ":
        wrapped = [line for line in lines if letter * 5 in line]
        assert sum(line.count(letter) for line in wrapped) == 2000, letter  # every character is printed…
        assert max(len(line) for line in wrapped) < 100, letter  # …inside its cell, not on one line off the page
