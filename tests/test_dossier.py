"""The dossier's services: validation next to fields, imported fields locked, INE rules, stale saves, leases."""

import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from app.models import (
    ActorKind,
    AuditEvent,
    BacSeries,
    Candidate,
    ExternalRecord,
    InternalRecord,
    RecordOutcome,
    StaffRole,
)
from app.services.documents import dossier_pdf, dossier_pdf_render
from app.services.dossier import entries as dossier_entries
from app.services.dossier import tabs as dossier
from app.services.dossier.completeness import dossier_completeness
from app.services.dossier.schemas import DossierInvalid
from app.services.platform import leases
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError, Forbidden, NotFound
from app.services.review.staff_list import list_applications
from app.services.review.staff_list_columns import ListQuery
from tests import factories

KNOWN_INE = "1204000000C"  # Léa Moreau-Duval in the demo registry, born 2005-01-01
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock(clock):
    clock.set(NOW)
    return clock


def candidate_actor(session: Session, **kw) -> Actor:
    account = factories.account(session, **kw)
    session.commit()
    return Actor("candidate", account_id=account.id)


def opened(actor: Actor) -> dossier.Dossier:
    from app.db import transaction

    with transaction() as s:
        return dossier.open_dossier(s, actor=actor)


def fill_personal(candidate: Candidate, **kw) -> Candidate:
    values = (
        dict(
            birth_name="Lefèvre",
            first_names="Hélène Marie",
            birth_date=date(2004, 3, 12),
            birth_country="FR",
            birth_department="45",
            birth_commune_insee="45234",
            nationality="FR",
            mobile="06 12 34 56 78",
        )
        | kw
    )
    for name, value in values.items():
        setattr(candidate, name, value)
    return candidate


def save_personal(actor: Actor, candidate: Candidate) -> dossier.PersonalSaved:
    from app.db import transaction

    with transaction() as s:
        return dossier.save_personal_information(s, actor=actor, candidate=candidate)


def test_first_visit_creates_the_dossier_from_the_account(session: Session) -> None:
    actor = candidate_actor(session, last_name="Éloïse-Brûlé", first_name="Zoë")
    d = opened(actor)
    assert d.candidate.birth_name == "ÉLOÏSE-BRÛLÉ" and d.candidate.first_names == "Zoë"  # accents kept
    assert d.address.id is None and d.baccalaureate.id is None
    assert opened(actor).candidate.id == d.candidate.id  # created once


def test_personal_information_is_normalised_and_audited(session: Session) -> None:
    actor = candidate_actor(session)
    d = opened(actor)
    saved = save_personal(actor, fill_personal(d.candidate, usage_name="d'Arc"))
    assert saved.candidate.birth_name == "LEFÈVRE" and saved.candidate.first_names == "Hélène Marie"
    assert saved.candidate.usage_name == "D'ARC" and saved.candidate.birth_place == "ORLEANS"
    assert not saved.ine_unknown and not saved.imported
    session.expire_all()
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "dossier.personal_saved")).first()


def test_typed_names_keep_their_accents_on_the_dossier_its_pdf_and_the_staff_list(session: Session) -> None:
    actor = candidate_actor(session)
    d = opened(actor)
    typed = fill_personal(d.candidate, birth_name="Lefèvre", first_names="Éloïse  Zoë", usage_name="d’Arc-Lætitia")
    saved = save_personal(actor, typed).candidate
    assert (saved.birth_name, saved.first_names, saved.usage_name) == ("LEFÈVRE", "Éloïse Zoë", "D’ARC-LÆTITIA")
    assert opened(actor).candidate.first_names == "Éloïse Zoë"

    program = factories.program(session)
    application = factories.application(session, candidate_id=saved.id, program=program)
    session.commit()
    context = dossier_pdf.dossier_pdf_context(session, actor=actor, application_id=application.id)
    pdf = dossier_pdf_render.render_dossier_pdf(context, language="fr")
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Nom de naissance LEFÈVRE Nom d'usage D’ARC-LÆTITIA Prénoms Éloïse Zoë" in text

    office = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)
    session.commit()
    [row] = list_applications(session, actor=office, query=ListQuery()).rows
    assert (row["birth_name"], row["first_names"], row["usage_name"]) == ("LEFÈVRE", "Éloïse Zoë", "D’ARC-LÆTITIA")


@pytest.mark.parametrize(
    ("birth_name", "first_names", "stored"),
    [
        ("Œillet", "Lætitia", ("ŒILLET", "Lætitia")),  # ligatures: OE and AE for the student information system
        ("d’Alembert", "Jean-Noël", ("D’ALEMBERT", "Jean-Noël")),  # the typographic apostrophe of phone keyboards
        ("Nguyễn", "Thị", ("NGUYỄN", "Thị")),
    ],
)
def test_names_the_student_information_system_can_spell_are_accepted_as_typed(
    session: Session, birth_name: str, first_names: str, stored: tuple[str, str]
) -> None:
    actor = candidate_actor(session)
    saved = save_personal(actor, fill_personal(opened(actor).candidate, birth_name=birth_name, first_names=first_names))
    assert (saved.candidate.birth_name, saved.candidate.first_names) == stored


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"birth_date": date(2020, 1, 1)}, "birth_date"),  # less than 10 years ago
        ({"birth_date": date(1920, 1, 1)}, "birth_date"),  # more than 100 years ago
        ({"birth_date": None}, "birth_date"),
        ({"mobile": "06-12-AB"}, "mobile"),
        ({"birth_name": "  "}, "birth_name"),
        ({"birth_name": "R2D2"}, "birth_name"),
        ({"nationality": "XX"}, "nationality"),
        ({"birth_commune_insee": "18033"}, "birth_commune_insee"),  # Bourges is not in the Loiret
        ({"birth_country": "SN", "birth_place": ""}, "birth_place"),
        ({"ine": "1204000000D"}, "ine"),  # wrong key
    ],
)
def test_each_field_is_validated_with_its_message(session: Session, changes: dict, field: str) -> None:
    actor = candidate_actor(session)
    candidate = fill_personal(opened(actor).candidate, **changes)
    with pytest.raises(DossierInvalid) as error:
        save_personal(actor, candidate)
    assert field in error.value.errors


def test_an_unknown_valid_ine_is_kept_and_flagged(session: Session) -> None:
    actor = candidate_actor(session)
    saved = save_personal(actor, fill_personal(opened(actor).candidate, ine="1234567890 v"))
    assert saved.candidate.ine == "1234567890V"
    assert saved.ine_unknown and not saved.imported
    assert saved.candidate.locked_fields == []


def test_the_o_zero_confusion_proposes_the_valid_value(session: Session) -> None:
    actor = candidate_actor(session)
    with pytest.raises(DossierInvalid) as error:
        save_personal(actor, fill_personal(opened(actor).candidate, ine="12O4000000C"))
    assert error.value.params_of["ine"]["suggestion"] == "1204000000C"
    assert "1204000000C" in error.value.field_message("ine", lambda m: m)


def test_an_ine_is_unique_within_the_campaign(session: Session) -> None:
    camp = factories.campaign(session)
    first = candidate_actor(session, campaign_id=camp.id)
    second = candidate_actor(session, campaign_id=camp.id)
    save_personal(first, fill_personal(opened(first).candidate, ine="1234567890V"))
    with pytest.raises(DossierInvalid) as error:
        save_personal(second, fill_personal(opened(second).candidate, ine="1234567890V"))
    assert "déjà utilisé" in error.value.errors["ine"]


@pytest.mark.parametrize("active_campaign", [True, False])
def test_an_ine_is_unique_for_accounts_created_without_a_campaign(session: Session, active_campaign: bool) -> None:
    """Accounts created on the portal carry no campaign: their dossier takes the open one (or none), and the INE
    is unique all the same."""
    if active_campaign:
        factories.campaign(session, is_active=True)
        session.commit()
    first, second = candidate_actor(session), candidate_actor(session)
    saved = save_personal(first, fill_personal(opened(first).candidate, ine="1234567890V"))
    assert (saved.candidate.campaign_id is not None) is active_campaign
    with pytest.raises(DossierInvalid) as error:
        save_personal(second, fill_personal(opened(second).candidate, ine="1234567890V"))
    assert "déjà utilisé" in error.value.errors["ine"]


def test_a_known_ine_imports_and_locks_the_students_data(session: Session) -> None:
    actor = candidate_actor(session)
    candidate = fill_personal(opened(actor).candidate, ine=KNOWN_INE, birth_date=date(2005, 1, 1))
    saved = save_personal(actor, candidate)
    assert saved.imported and not saved.ine_unknown
    d = opened(actor)
    assert d.candidate.birth_name == "MOREAU-DUVAL" and d.candidate.student_number == "22300000"
    assert {"birth_name", "first_names", "birth_date", "ine", "baccalaureate"} <= set(d.candidate.locked_fields)
    assert len(d.internal_records) >= 3 and d.baccalaureate.series == BacSeries.GENERAL
    assert d.address.postcode == "45000"
    assert dossier_completeness(session, candidate_id=d.candidate.id).is_complete


def test_a_known_ine_with_another_birth_date_imports_nothing(session: Session) -> None:
    actor = candidate_actor(session)
    with pytest.raises(DossierInvalid) as error:
        save_personal(actor, fill_personal(opened(actor).candidate, ine=KNOWN_INE))
    assert "ine" in error.value.errors
    session.expire_all()
    assert session.exec(select(InternalRecord)).first() is None


def test_imported_fields_cannot_be_changed_even_by_a_forged_request(session: Session) -> None:
    actor = candidate_actor(session)
    save_personal(actor, fill_personal(opened(actor).candidate, ine=KNOWN_INE, birth_date=date(2005, 1, 1)))
    forged = opened(actor).candidate
    forged.birth_name = "SOMEONE ELSE"
    forged.locked_fields = []  # the page's copy is not trusted
    with pytest.raises(DossierInvalid) as error:
        save_personal(actor, forged)
    assert set(error.value.errors) == {"birth_name"}
    forged = opened(actor).candidate
    forged.ine = None
    with pytest.raises(DossierInvalid):
        save_personal(actor, forged)
    d = opened(actor)
    d.baccalaureate.mention = "Très bien"
    from app.db import transaction

    with pytest.raises(DomainError, match="locked_field"), transaction() as s:
        dossier.save_baccalaureate(s, actor=actor, baccalaureate=d.baccalaureate)
    # Unlocked fields still save.
    d = opened(actor)
    d.candidate.mobile = "+33 6 11 22 33 44"
    assert save_personal(actor, d.candidate).candidate.mobile == "+33 6 11 22 33 44"
    assert opened(actor).candidate.birth_name == "MOREAU-DUVAL"


def test_a_stale_copy_is_refused_and_nothing_is_overwritten(session: Session) -> None:
    actor = candidate_actor(session)
    first_tab, second_tab = opened(actor).candidate, opened(actor).candidate
    save_personal(actor, fill_personal(first_tab))
    with pytest.raises(DomainError, match="stale"):
        save_personal(actor, fill_personal(second_tab, first_names="Autre"))
    assert opened(actor).candidate.first_names == "Hélène Marie"


def test_address_in_france_and_abroad(session: Session) -> None:
    from app.db import transaction

    actor = candidate_actor(session)
    address = opened(actor).address
    address.line1, address.postcode, address.commune_insee = "3 rue des Carmes", "45160", "45999"
    with pytest.raises(DossierInvalid) as error, transaction() as s:
        dossier.save_address(s, actor=actor, address=address)
    assert "commune_insee" in error.value.errors
    address.commune_insee = "45232"
    with transaction() as s:
        saved = dossier.save_address(s, actor=actor, address=address)
    assert saved.city == "OLIVET"
    abroad = opened(actor).address
    abroad.country, abroad.postcode, abroad.commune_insee, abroad.city = "SN", "", None, ""
    with pytest.raises(DossierInvalid) as error, transaction() as s:
        dossier.save_address(s, actor=actor, address=abroad)
    assert "city" in error.value.errors
    abroad.city = "Dakar"
    with transaction() as s:
        assert dossier.save_address(s, actor=actor, address=abroad).commune_insee is None


def test_baccalaureate_rules_by_series(session: Session) -> None:
    from app.db import transaction

    actor = candidate_actor(session)
    bac = opened(actor).baccalaureate
    bac.series, bac.year = BacSeries.TECHNOLOGICAL, 2022
    bac.department = "45"
    with pytest.raises(DossierInvalid) as error, transaction() as s:
        dossier.save_baccalaureate(s, actor=actor, baccalaureate=bac)
    assert "series_detail" in error.value.errors
    bac.series = BacSeries.NONE
    with transaction() as s:
        saved = dossier.save_baccalaureate(s, actor=actor, baccalaureate=bac)
    assert saved.year is None and saved.department is None


def test_completeness_says_what_is_missing_and_why(session: Session) -> None:
    from app.db import transaction

    actor = candidate_actor(session)
    d = opened(actor)
    result = dossier_completeness(session, candidate_id=d.candidate.id)
    assert not result.is_complete and set(result.reasons) == {"personal", "address", "baccalaureate"}
    assert "Date de naissance" in result.reasons["personal"]
    save_personal(actor, fill_personal(d.candidate))
    address = d.address
    address.line1, address.postcode, address.commune_insee = "1 rue Bannier", "45000", "45234"
    with transaction() as s:
        dossier.save_address(s, actor=actor, address=address)
    session.expire_all()
    result = dossier_completeness(session, candidate_id=d.candidate.id)
    assert result.missing == ["Baccalauréat (ou « sans bac »)"]
    assert dossier_completeness(session, candidate_id=None).reasons["personal"]


def test_entries_are_added_updated_and_deleted_only_in_ones_own_dossier(session: Session) -> None:
    from app.db import transaction

    actor, other = candidate_actor(session), candidate_actor(session)
    opened(other)
    cid = opened(actor).candidate.id
    record = ExternalRecord(
        candidate_id=cid,
        academic_year=2025,
        establishment_uai="0451583X",
        establishment_label="",
        diploma_type="Licence",
        label="Licence d'histoire",
        outcome=RecordOutcome.OBTAINED,
        mention="Bien",
    )
    with pytest.raises(DossierInvalid) as error, transaction() as s:
        dossier_entries.save_entry(s, actor=actor, entry=record)
    assert "establishment_uai" in error.value.errors  # not in the national list
    record.establishment_uai, record.establishment_label = None, "Université de Genève"
    record.country = "CH"
    with transaction() as s:
        saved = dossier_entries.save_entry(s, actor=actor, entry=record)
    saved.label = "Licence d'histoire (mineure géographie)"
    with transaction() as s:
        assert dossier_entries.save_entry(s, actor=actor, entry=saved).label.endswith("géographie)")
    with pytest.raises(NotFound), transaction() as s:
        dossier_entries.delete_entry(s, actor=other, model=ExternalRecord, entry_id=saved.id)
    with transaction() as s:
        dossier_entries.delete_entry(s, actor=actor, model=ExternalRecord, entry_id=saved.id)
    assert opened(actor).external_records == []


def test_a_candidate_cannot_save_while_a_manager_holds_the_lease(session: Session) -> None:
    from app.db import transaction

    actor = candidate_actor(session)
    d = opened(actor)
    with transaction() as s:
        leases.acquire(
            s,
            resource=leases.candidate_resource(d.candidate.id),
            holder=leases.Holder(ActorKind.STAFF, 7, "Gestionnaire", "client-staff"),
        )
    with pytest.raises(leases.LeaseHeld, match="lease_held"):
        save_personal(actor, fill_personal(d.candidate))


def test_an_impersonated_view_and_strangers_cannot_save(session: Session) -> None:
    actor = candidate_actor(session)
    d = opened(actor)
    viewer = Actor("candidate", account_id=actor.account_id, impersonated_by_staff_id=1)
    with pytest.raises(DomainError, match="read_only"):
        save_personal(viewer, fill_personal(d.candidate))
    with pytest.raises(Forbidden):
        save_personal(Actor.anonymous(), d.candidate)
