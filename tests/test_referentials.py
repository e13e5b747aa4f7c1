"""Embedded referentials: communes by postcode, establishments (accent-insensitive, no IUT, no closed), countries."""

from app.services.dossier import referentials as r


def test_communes_of_a_postcode() -> None:
    names = [c.name for c in r.communes_of_postcode("45160")]
    assert names == ["ARDON", "OLIVET", "ST HILAIRE ST MESMIN"]
    assert r.communes_of_postcode("99999") == [] and r.communes_of_postcode("") == []
    assert r.commune_in_postcode("45000", "45234").name == "ORLEANS"
    assert r.commune_in_postcode("45000", "45232") is None


def test_departments_include_corsica_and_overseas() -> None:
    deps = r.departments()
    assert deps["45"] == "Loiret" and "2A" in deps and "2B" in deps and "974" in deps and "20" not in deps
    assert r.commune_by_insee("2A004").department == "2A"
    assert {c.department for c in r.communes_of_department("45")} == {"45"}


def test_establishment_search_ignores_accents_and_case() -> None:
    assert [e.uai for e in r.search_establishments("universite d'ORLEANS")] == ["0450855K"]
    assert r.search_establishments("orléans") == r.search_establishments("ORLEANS")
    assert all("IUT" not in e.name.split() for e in r.search_establishments(""))
    assert r.establishment("0450855K").name == "Université d'Orléans"


def test_closed_establishments_are_left_out() -> None:
    assert r.search_establishments("Itescia") == []


def test_countries_are_named_in_french() -> None:
    assert r.country_name("DE") == "Allemagne" and r.country_name("SN") == "Sénégal"
    assert r.country_name("DE", "en") == "Germany"
    assert r.is_country("FR") and not r.is_country("XX") and not r.is_country(None)
    names = list(r.countries().values())
    assert names.index("Afghanistan") < names.index("Égypte") < names.index("Zimbabwe")


def test_names_for_the_student_information_system() -> None:
    assert r.ascii_upper("  Hélène   Marie-Noël ") == "HELENE MARIE-NOEL"
    assert r.fold("Université d'Orléans") == "universite d orleans"


def test_ligatures_and_the_typographic_apostrophe_are_spelled_out() -> None:
    # NFKD leaves « œ », « æ » and « ’ » alone: a search for « oeuvre » must find « Œuvre », and the student
    # information system takes D'ARC-OEILLET, not D’ARC-ŒILLET.
    assert r.fold("Œuvre de Lætitia") == "oeuvre de laetitia"
    assert r.ascii_upper("d’Arc-Œillet Lætitia") == "D'ARC-OEILLET LAETITIA"
