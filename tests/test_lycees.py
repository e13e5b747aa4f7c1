"""The lycées a baccalauréat is chosen from: the UAI's check letter, the directory file read for its lycées, the
import that replaces the list (all or nothing, named lycées kept), and the « Baccalauréat » tab's checks.

TEST DATA ONLY: the files below are written by the tests, with made-up names (« Lycée d'essai … ») and UAIs whose
only truth is their check letter. They are not real establishments and are never seeded anywhere.
"""

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from app import manage
from app.db import transaction
from app.i18n import gettext
from app.models import AuditEvent, BacSeries, SecondarySchool
from app.services.documents import dossier_pdf, dossier_pdf_render
from app.services.dossier import tabs as dossier
from app.services.dossier.lycee_file import department_code, is_uai, read_lycee_file, uai_check_letter
from app.services.dossier.lycees import CHOOSE_OR_TYPE, UNKNOWN_LYCEE, import_lycees, lycees_of_department
from app.services.dossier.referentials import ESTABLISHMENTS_CSV
from app.services.dossier.schemas import DossierInvalid
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError
from app.services.review.staff_history import application_history
from tests import factories

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


def uai(seven: str) -> str:
    """A made-up UAI with its right check letter (test data)."""
    return seven + uai_check_letter(seven)


A, B, C, D = uai("0459991"), uai("0459992"), uai("0189993"), uai("0459994")
COLLEGE, SECTION, CLOSED = uai("0459995"), uai("0459996"), uai("0459997")

# « Annuaire de l'éducation » exported with labels as headers (a few of its ~70 columns; the others are ignored).
ANNUAIRE = (
    "Identifiant_de_l_etablissement;Nom_etablissement;Type_etablissement;Statut_public_prive;Code postal;"
    "Nom_commune;Code_departement;Libelle_departement;Libelle_academie;etat;code_nature;libelle_nature\n"
    f"{A};Lycée d'essai Alpha;Lycée;Public;45000;Orléans;045;Loiret;Orléans-Tours;OUVERT;300;"
    "LYCEE ENSEIGNT GENERAL ET TECHNOLOGIQUE\n"
    f"{B};Lycée d'essai Bêta;Lycée;Privé;45200;Montargis;045;Loiret;Orléans-Tours;OUVERT;320;LYCEE PROFESSIONNEL\n"
    f"{C};Lycée d'essai Gamma;Lycée;Public;18000;Bourges;018;Cher;Orléans-Tours;OUVERT;306;LYCEE POLYVALENT\n"
    f"{COLLEGE};Collège d'essai;Collège;Public;45000;Orléans;045;Loiret;Orléans-Tours;OUVERT;340;COLLEGE\n"
    f"{SECTION};Lycée d'essai Alpha;Lycée;Public;45000;Orléans;045;Loiret;Orléans-Tours;OUVERT;334;"
    "SECTION D ENSEIGNEMENT PROFESSIONNEL\n"
    f"{CLOSED};Lycée d'essai fermé;Lycée;Public;45000;Orléans;045;Loiret;Orléans-Tours;FERME;300;"
    "LYCEE ENSEIGNT GENERAL ET TECHNOLOGIQUE\n"
    "0459998Z;Lycée d'essai mal codé;Lycée;Public;45000;Orléans;045;Loiret;Orléans-Tours;OUVERT;302;"
    "LYCEE D ENSEIGNEMENT GENERAL\n"
    f"{A};Lycée d'essai Alpha;Lycée;Public;45000;Orléans;045;Loiret;Orléans-Tours;OUVERT;300;"
    "LYCEE ENSEIGNT GENERAL ET TECHNOLOGIQUE\n"
)

# « Adresse et géolocalisation des établissements… »: its own lower-case names, a closing date in this export.
GEOLOCATION = (
    "numero_uai;appellation_officielle;denomination_principale;libelle_commune;nature_uai;nature_uai_libe;"
    "etat_etablissement;etat_etablissement_libe;code_departement;libelle_academie;date_ouverture;date_fermeture\n"
    f"{A};Lycée d'essai Alpha;LYCEE GENERAL;Orléans;300;LYCEE ENSEIGNT GENERAL ET TECHNOLOGIQUE;1;OUVERT;045;"
    "Orléans-Tours;1965-05-01;\n"
    f"{D};Lycée d'essai Delta;LYCEE AGRICOLE;Saint-Jean-de-Braye;307;LYCEE ENS GENERAL TECHNO PROF AGRICOLE;2;"
    "A FERMER;045;Orléans-Tours;1970-09-01;2026-06-30\n"
)


@pytest.fixture(autouse=True)
def fixed_clock(clock):
    clock.set(NOW)
    return clock


def test_the_check_letter_holds_on_every_uai_of_the_embedded_higher_education_list() -> None:
    with ESTABLISHMENTS_CSV.open(encoding="utf-8", newline="") as handle:
        codes = [row["uai"] for row in csv.DictReader(handle) if row["uai"]]
    assert len(codes) > 200 and all(is_uai(code) for code in codes)
    assert uai_check_letter("0134009") == "M"  # Aix-Marseille Université, 0134009M
    assert not is_uai("0134009N") and not is_uai("013400M") and not is_uai("0134009m") and not is_uai(None)


def test_a_department_is_coded_as_the_forms_code_it() -> None:
    assert [department_code(c) for c in ("045", "02A", "02B", "971", "45")] == ["45", "2A", "2B", "971", "45"]


def test_the_directory_file_keeps_its_lycees_once_and_says_what_it_left_out() -> None:
    read = read_lycee_file(ANNUAIRE.encode("utf-8-sig"))
    assert [s.uai for s in read.schools] == [A, B, C]
    alpha = read.schools[0]
    assert (alpha.name, alpha.commune, alpha.department, alpha.academy, alpha.nature) == (
        "Lycée d'essai Alpha",
        "Orléans",
        "45",
        "Orléans-Tours",
        "300",
    )
    assert (read.rows, read.other_kinds, read.closed, read.duplicates, read.refused) == (8, 2, 1, 1, 1)
    assert read.problems == [(8, "code UAI invalide (7 chiffres et la lettre qui leur correspond)")]


def test_the_geolocation_file_and_its_closing_date_are_read_too() -> None:
    read = read_lycee_file(GEOLOCATION.encode("cp1252"))  # the older exports were not in UTF-8
    assert [(s.uai, s.commune, s.closed_on) for s in read.schools] == [
        (A, "Orléans", None),
        (D, "Saint-Jean-de-Braye", date(2026, 6, 30)),
    ]


def test_a_file_that_is_not_the_directory_or_holds_no_lycee_is_refused_whole() -> None:
    with pytest.raises(DomainError) as refused:
        read_lycee_file(b"uai;name\n0134009M;Aix\n")
    assert refused.value.code == "lycee_file_refused"
    assert "code_departement" in refused.value.translate(lambda m: m)
    english = refused.value.translate(lambda m: gettext(m, lang="en"))
    assert english.startswith("This file is not the expected directory of schools")
    only_colleges = ANNUAIRE.split("\n")[0] + "\n" + ANNUAIRE.split("\n")[4] + "\n"
    with pytest.raises(DomainError) as empty:
        read_lycee_file(only_colleges.encode())
    assert empty.value.code == "lycee_file_empty"


def _candidate(session: Session) -> Actor:
    account = factories.account(session)
    session.commit()
    return Actor("candidate", account_id=account.id)


def _save(actor: Actor, school: str | None, label: str = "", **values: object) -> dossier.Baccalaureate:
    """Save the candidate's bac naming ``school`` (a UAI) or ``label`` (typed), in the Loiret by default."""
    with transaction() as s:
        bac = dossier.open_dossier(s, actor=actor).baccalaureate
    bac.series, bac.year, bac.department = BacSeries.GENERAL, 2024, "45"
    bac.establishment_uai, bac.establishment_label = school, label
    for name, value in values.items():
        setattr(bac, name, value)
    with transaction() as s:
        return dossier.save_baccalaureate(s, actor=actor, baccalaureate=bac)


def _bac_naming(session: Session, school: str | None, label: str = "") -> dossier.Baccalaureate:
    return _save(_candidate(session), school, label)


def test_an_import_replaces_the_list_atomically_keeping_the_lycees_dossiers_name(session: Session) -> None:
    with transaction() as s:
        first = import_lycees(s, actor=Actor.system(), data=ANNUAIRE.encode())
    assert (first.listed, first.added, first.updated, first.removed) == (3, 3, 0, 0)
    saved = _bac_naming(session, B)
    assert (saved.establishment_uai, saved.establishment_label) == (B, "Lycée d'essai Bêta (Montargis)")
    with transaction() as s:
        again = import_lycees(s, actor=Actor.system(), data=GEOLOCATION.encode())
    assert (again.listed, again.added, again.updated, again.removed, again.kept_unlisted) == (2, 1, 1, 1, 1)
    with transaction() as s:
        rows = {r.uai: r for r in s.exec(select(SecondarySchool)).all()}
        assert set(rows) == {A, B, D} and not rows[B].listed and rows[A].listed
        assert lycees_of_department(s, "45") == {A: "Lycée d'essai Alpha (Orléans)"}  # Delta closed on 30 June
        assert lycees_of_department(s, "45", keep=B)[B] == "Lycée d'essai Bêta (Montargis)"
        imports = select(AuditEvent).where(AuditEvent.action == "referential.lycees_imported")
        event = s.exec(imports.order_by(AuditEvent.id)).all()[-1]  # the last import (no order: any of them)
        assert event.after["kept_unlisted"] == 1 and event.after["removed"] == 1
    with pytest.raises(DomainError), transaction() as s:
        import_lycees(s, actor=Actor.system(), data=b"numero_uai;appellation_officielle\n")
    with transaction() as s:
        assert len(s.exec(select(SecondarySchool)).all()) == 3  # a refused file changed nothing


def test_only_the_central_office_or_an_administrator_imports_from_a_screen(session: Session) -> None:
    candidate = factories.account(session)
    session.commit()
    with pytest.raises(DomainError), transaction() as s:
        import_lycees(s, actor=Actor("candidate", account_id=candidate.id), data=ANNUAIRE.encode())
    with transaction() as s:
        assert s.exec(select(SecondarySchool)).first() is None


def test_the_bac_names_a_listed_lycee_or_a_typed_one_and_refuses_an_unknown_uai(session: Session) -> None:
    with transaction() as s:
        import_lycees(s, actor=Actor.system(), data=ANNUAIRE.encode())
    chosen = _bac_naming(session, C.lower())
    assert (chosen.establishment_uai, chosen.department) == (C, "18")  # the lycée's département, not the typed one
    assert _bac_naming(session, None, "Lycée français de Dakar").establishment_uai is None
    for school, label, message in ((uai("0459990"), "", UNKNOWN_LYCEE), (None, "", CHOOSE_OR_TYPE)):
        with pytest.raises(DossierInvalid) as refused:
            _bac_naming(session, school, label)
        assert refused.value.errors == {"establishment_uai": message}
    assert "Mon lycée n'est pas dans la liste" in gettext(UNKNOWN_LYCEE, lang="fr")
    assert gettext(UNKNOWN_LYCEE, lang="en").startswith("This lycée is not in the list")
    assert gettext(CHOOSE_OR_TYPE, lang="en").startswith("Choose your lycée from the list")


def test_a_lycee_that_closed_stays_with_the_dossier_that_names_it_but_is_not_chosen_anew(
    session: Session, clock
) -> None:
    with transaction() as s:
        import_lycees(s, actor=Actor.system(), data=GEOLOCATION.encode())
    clock.set(datetime(2026, 5, 1, tzinfo=UTC))
    actor = _candidate(session)
    assert _save(actor, D).establishment_uai == D
    clock.set(NOW)  # Delta closed on 30 June 2026
    kept = _save(actor, D, mention="Bien")
    assert (kept.establishment_uai, kept.mention) == (D, "Bien")
    with pytest.raises(DossierInvalid):
        _bac_naming(session, D)


def test_without_a_list_the_lycee_stays_free_text(session: Session) -> None:
    saved = _bac_naming(session, None, "")
    assert (saved.establishment_uai, saved.establishment_label) == (None, "")
    with pytest.raises(DossierInvalid) as refused:
        _bac_naming(session, A)
    assert refused.value.errors == {"establishment_uai": UNKNOWN_LYCEE}


def test_the_command_previews_then_replaces_the_list(
    session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "fr-en-annuaire-education.csv"
    path.write_text(ANNUAIRE, encoding="utf-8")
    assert manage.main(["import-lycees", str(path), "--dry-run"]) == 0
    assert "Essai : rien n'a été enregistré." in capsys.readouterr().out.replace("\xa0", " ")
    with transaction() as s:
        assert s.exec(select(SecondarySchool)).first() is None
    assert manage.main(["import-lycees", str(path)]) == 0
    out, err = (text.replace("\xa0", " ") for text in capsys.readouterr())
    assert "lycées retenus : 3" in out and "Ligne 8 : code UAI invalide" in err
    with transaction() as s:
        assert len(s.exec(select(SecondarySchool)).all()) == 3
    (tmp_path / "other.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    assert manage.main(["import-lycees", str(tmp_path / "other.csv")]) == 2
    assert "colonnes absentes" in capsys.readouterr().err.replace("\xa0", " ")


def test_the_staff_history_and_the_dossier_pdf_name_the_lycee_a_dossier_chose(session: Session) -> None:
    with transaction() as s:
        import_lycees(s, actor=Actor.system(), data=ANNUAIRE.encode())
    actor = _candidate(session)
    saved = _save(actor, A)
    program = factories.program(session)
    application = factories.application(session, candidate_id=saved.candidate_id, program=program)
    session.commit()
    history = application_history(session, application, saved.candidate_id, {}, "fr")
    bac_event = next(line for line in history if line.action == "dossier.baccalaureate_saved")
    assert bac_event.after["establishment_uai"] == "Lycée d'essai Alpha (Orléans)"
    assert bac_event.after["establishment_label"] == "Lycée d'essai Alpha (Orléans)"
    context = dossier_pdf.dossier_pdf_context(session, actor=actor, application_id=application.id or 0)
    assert context["baccalaureate"]["establishment"] == "Lycée d'essai Alpha (Orléans)"
    pdf = dossier_pdf_render.render_dossier_pdf(context, language="fr")
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Lycée d'essai Alpha (Orléans)" in text
