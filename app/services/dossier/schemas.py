"""Validation of the dossier's forms: non-table schemas whose errors are French msgids, field by field.

Every text goes through the one text rule (``text_rules``): control characters are refused everywhere, invisible
ones in names and address lines too, and a text longer than its column is refused with the limit, never cut.
"""

import re
import unicodedata
from datetime import date
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator

from app import clock
from app.i18n import N_
from app.models import (
    Address,
    Baccalaureate,
    BacSeries,
    Candidate,
    Civility,
    ExternalRecord,
    Internship,
    RecordOutcome,
    WorkExperience,
)
from app.services.dossier import referentials
from app.services.platform.form_checks import INVALID, REQUIRED, DossierInvalid, FieldChecks, validate
from app.services.platform.text_rules import check_text, column_limit

PHONE_RE = re.compile(r"^\+?[0-9]{6,15}$")
MENTIONS = (
    "",
    N_("Passable"),
    N_("Assez bien"),
    N_("Bien"),
    N_("Très bien"),
    N_("Très bien avec félicitations du jury"),
)

# The form helpers moved to platform/form_checks.py; their old path here stays (the administration's, the tests').
__all__ = [
    "INVALID",
    "MENTIONS",
    "REQUIRED",
    "AddressIn",
    "BaccalaureateIn",
    "DossierInvalid",
    "ExternalRecordIn",
    "FieldChecks",
    "InternshipIn",
    "PersonalInformationIn",
    "WorkExperienceIn",
    "typed_name",
    "validate",
]


def _text(value: Any) -> str:
    return re.sub(r"\s+", " ", str(value or "")).strip()


def _required(value: str) -> str:
    if not value:
        raise ValueError(REQUIRED)
    return value


def _year(value: int | None, *, required: bool = True) -> int | None:
    if value is None:
        if required:
            raise ValueError(REQUIRED)
        return None
    if not 1950 <= value <= clock.today_paris().year + 1:
        raise ValueError(N_("Indiquez une année entre 1950 et l'an prochain."))
    return value


# The year of a record, an experience or an internship: required, from 1950 to next year.
Year = Annotated[int | None, AfterValidator(_year)]


def _country(value: str) -> str:
    if not referentials.is_country(value):
        raise ValueError(N_("Choisissez un pays dans la liste."))
    return value


class _Schema(BaseModel):
    """Texts are checked by the text rule as typed, then normalised, then held to their column's length."""

    model_config = ConfigDict(str_max_length=2000)
    table: ClassVar[type[Any] | None] = None  # the table the values are written to: its column lengths are the limits
    name_fields: ClassVar[frozenset[str]] = frozenset()  # names and address lines: invisible characters refused

    @field_validator("*", mode="before")
    @classmethod
    def _strip(cls, value: Any, info: ValidationInfo) -> Any:
        names = info.field_name in cls.name_fields
        if isinstance(value, list):
            return [check_text(v, names=names) if isinstance(v, str) else v for v in value]
        if not isinstance(value, str):
            return value
        check_text(value, names=names)
        return value.strip() if info.field_name == "description" else _text(value)  # descriptions keep their lines

    @field_validator("*")
    @classmethod
    def _fits(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str) and cls.table is not None and info.field_name:
            check_text(value, max_length=column_limit(cls.table, info.field_name))
        return value


class PersonalInformationIn(_Schema):
    table = Candidate
    name_fields = frozenset({"birth_name", "usage_name", "first_names", "birth_place"})
    civility: Civility
    birth_name: str
    usage_name: str = ""
    first_names: str
    birth_date: date | None
    birth_country: str
    birth_department: str | None = None
    birth_commune_insee: str | None = None
    birth_place: str = ""
    nationality: str
    phone: str = ""
    mobile: str = ""

    @field_validator("birth_name")
    @classmethod
    def _birth_name(cls, value: str) -> str:
        return _name(_required(value), family=True)

    @field_validator("first_names")
    @classmethod
    def _first_names(cls, value: str) -> str:
        return _name(_required(value), family=False)

    @field_validator("usage_name")
    @classmethod
    def _usage(cls, value: str) -> str:
        return _name(value, family=True) if value else ""

    @field_validator("birth_date")
    @classmethod
    def _birth_date(cls, value: date | None) -> date:
        if value is None:
            raise ValueError(REQUIRED)
        today = clock.today_paris()
        if not date(today.year - 100, today.month, 1) <= value <= date(today.year - 10, today.month, 28):
            raise ValueError(N_("La date de naissance doit se situer entre il y a 100 ans et il y a 10 ans."))
        return value

    @field_validator("birth_country", "nationality")
    @classmethod
    def _countries(cls, value: str) -> str:
        return _country(_required(value))

    @field_validator("phone", "mobile")
    @classmethod
    def _phone(cls, value: str) -> str:
        if value and not PHONE_RE.fullmatch(re.sub(r"[\s.\-()]", "", value)):
            raise ValueError(N_("Saisissez un numéro de téléphone : chiffres, espaces, et + pour l'étranger."))
        return value

    @model_validator(mode="after")
    def _birth_place(self) -> "PersonalInformationIn":
        errors: dict[str, str] = {}
        if self.birth_country == "FR":
            if self.birth_department not in referentials.departments():
                errors["birth_department"] = N_("Choisissez le département de naissance.")
            commune = referentials.commune_by_insee(self.birth_commune_insee)
            if commune is None or commune.department != self.birth_department:
                errors.setdefault("birth_commune_insee", N_("Choisissez la commune de naissance dans la liste."))
            else:
                self.birth_place = commune.name
        else:
            self.birth_department = self.birth_commune_insee = None
            if not self.birth_place:
                errors["birth_place"] = N_("Indiquez la ville de naissance.")
        if errors:
            raise DossierInvalid(errors)
        return self


def typed_name(value: str, *, family: bool) -> str:
    """A name as stored: as typed, accents kept (the dossier, its PDF, the staff screens and the letters show it),
    Unicode composed, single spaces, family names in capitals. The student information system gets
    :func:`referentials.ascii_upper` of it, at the hand-off."""
    text = unicodedata.normalize("NFC", _text(value))
    return text.upper() if family else text


def _name(value: str, *, family: bool) -> str:
    """:func:`typed_name`, refused unless the student information system can take it (letters that lose their
    accents to A-Z, spaces, apostrophes, hyphens)."""
    stored = typed_name(value, family=family)
    if not re.fullmatch(r"[A-Z][A-Z '\-]*", referentials.ascii_upper(stored)):
        raise ValueError(N_("Seuls les lettres, espaces, apostrophes et tirets sont acceptés."))
    return stored


class AddressIn(_Schema):
    table = Address
    name_fields = frozenset({"line1", "line2", "line3", "city"})
    line1: str
    line2: str = ""
    line3: str = ""
    country: str
    postcode: str = ""
    commune_insee: str | None = None
    city: str = ""

    @field_validator("line1")
    @classmethod
    def _line1(cls, value: str) -> str:
        return _required(value)

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        return _country(_required(value))

    @model_validator(mode="after")
    def _place(self) -> "AddressIn":
        if self.country == "FR":
            if not re.fullmatch(r"\d{5}", self.postcode) or not referentials.communes_of_postcode(self.postcode):
                raise DossierInvalid({"postcode": N_("Saisissez un code postal français de 5 chiffres.")})
            commune = referentials.commune_in_postcode(self.postcode, self.commune_insee)
            if commune is None:
                raise DossierInvalid({"commune_insee": N_("Choisissez la commune parmi celles de ce code postal.")})
            self.city = commune.name
        else:
            self.commune_insee = None
            if not self.city:
                raise DossierInvalid({"city": N_("Indiquez la ville.")})
        return self


class BaccalaureateIn(_Schema):
    table = Baccalaureate
    series: BacSeries
    series_detail: str = ""
    year: int | None = None
    mention: str = ""
    specialities: list[str] = []
    options: str = ""
    country: str = "FR"
    department: str | None = None
    establishment_uai: str | None = None
    establishment_label: str = ""

    @field_validator("mention")
    @classmethod
    def _mention(cls, value: str) -> str:
        if value not in MENTIONS:
            raise ValueError(N_("Choisissez une mention dans la liste."))
        return value

    @model_validator(mode="after")
    def _by_series(self) -> "BaccalaureateIn":
        errors: dict[str, str] = {}
        if self.series == BacSeries.NONE:
            self.year, self.mention, self.specialities, self.series_detail = None, "", [], ""
            self.department = self.establishment_uai = None
            self.establishment_label = self.options = ""
            return self
        try:
            _year(self.year)
        except ValueError as error:
            errors["year"] = str(error.args[0])
        detailed = (BacSeries.TECHNOLOGICAL, BacSeries.FOREIGN, BacSeries.EQUIVALENCE)
        if self.series in detailed and not self.series_detail:
            errors["series_detail"] = N_("Précisez la série ou le diplôme.")
        if self.series == BacSeries.GENERAL:
            self.specialities = [_text(s) for s in self.specialities if _text(s)][:3]
        else:
            self.specialities = []
        if not referentials.is_country(self.country):
            errors["country"] = N_("Choisissez un pays dans la liste.")
        elif self.country == "FR" and self.series != BacSeries.FOREIGN:
            if self.department not in referentials.departments():
                errors["department"] = N_("Choisissez le département où vous avez obtenu le bac.")
        else:
            self.department = None
        if errors:
            raise DossierInvalid(errors)
        return self


class ExternalRecordIn(_Schema):
    table = ExternalRecord
    academic_year: Year
    establishment_uai: str | None = None
    establishment_label: str = ""
    country: str = "FR"
    diploma_type: str
    label: str
    outcome: RecordOutcome
    mention: str = ""

    @field_validator("diploma_type", "label")
    @classmethod
    def _texts(cls, value: str) -> str:
        return _required(value)

    @model_validator(mode="after")
    def _establishment(self) -> "ExternalRecordIn":
        if self.establishment_uai:
            known = referentials.establishment(self.establishment_uai)
            if known is None:
                raise DossierInvalid({"establishment_uai": N_("Choisissez un établissement dans la liste.")})
            self.establishment_label, self.country = known.name, "FR"
        elif not self.establishment_label:
            raise DossierInvalid(
                {"establishment_uai": N_("Choisissez un établissement, ou saisissez son nom s'il n'est pas listé.")}
            )
        if not referentials.is_country(self.country):
            raise DossierInvalid({"country": N_("Choisissez un pays dans la liste.")})
        if self.outcome != RecordOutcome.OBTAINED:
            self.mention = ""
        return self


class WorkExperienceIn(_Schema):
    table = WorkExperience
    year: Year
    duration: str
    title: str
    employer: str
    description: str = ""

    @field_validator("duration", "title", "employer")
    @classmethod
    def _texts(cls, value: str) -> str:
        return _required(value)


class InternshipIn(_Schema):
    table = Internship
    year: Year
    duration: str
    hours_per_week: int | None = None
    organisation: str
    description: str = ""

    @field_validator("hours_per_week")
    @classmethod
    def _hours(cls, value: int | None) -> int | None:
        if value is not None and not 0 <= value <= 80:
            raise ValueError(N_("Indiquez un nombre d'heures entre 0 et 80."))
        return value

    @field_validator("duration", "organisation")
    @classmethod
    def _texts(cls, value: str) -> str:
        return _required(value)
