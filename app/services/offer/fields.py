"""Field rules shared by the offer's administration (centres, committees, diploma types, programmes).

Each validator raises ``ValueError(msgid)``; :func:`check` turns a schema's errors and any calendar issues into
one :class:`DossierInvalid` so that every field in error is shown at once, next to its input.
"""

import re
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

from app.i18n import N_
from app.services.accounts.rules import EMAIL_RE
from app.services.offer.calendar_rules import Issues
from app.services.platform.form_checks import DossierInvalid, validate

S = TypeVar("S", bound=BaseModel)

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_.\-]*$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
PHONE_RE = re.compile(r"^\+?[0-9]{6,15}$")

REQUIRED = N_("Ce champ est obligatoire.")
BAD_CODE = N_("Le code ne peut contenir que des lettres sans accent, des chiffres, « - », « _ » et « . ».")
CODE_TOO_LONG = N_("Ce code est trop long.")
TOO_LONG = N_("Ce texte est trop long.")
BAD_EMAIL = N_("Saisissez une adresse électronique valide, par exemple scolarite@univ.example.")
BAD_URL = N_("Saisissez une adresse web complète, commençant par https:// ou http://.")
BAD_PHONE = N_("Saisissez un numéro de téléphone : chiffres, espaces, et + pour l'étranger.")
NOT_NEGATIVE = N_("Indiquez un nombre positif ou nul.")
AT_LEAST_ONE = N_("Indiquez un nombre supérieur ou égal à 1, ou laissez vide.")
CHOOSE = N_("Choisissez une valeur dans la liste.")


def code(value: Any, max_length: int = 20) -> str:
    text = re.sub(r"\s+", "", str(value or "")).upper()
    if not text:
        raise ValueError(REQUIRED)
    if len(text) > max_length:
        raise ValueError(CODE_TOO_LONG)
    if not CODE_RE.fullmatch(text):
        raise ValueError(BAD_CODE)
    return text


def text(value: Any, max_length: int, *, required: bool = False) -> str:
    cleaned = re.sub(r"\s+", " ", str(value or "")).strip()
    if required and not cleaned:
        raise ValueError(REQUIRED)
    if len(cleaned) > max_length:
        raise ValueError(TOO_LONG)
    return cleaned


def email(value: Any, *, required: bool = True) -> str:
    cleaned = str(value or "").strip().lower()
    if not cleaned:
        if required:
            raise ValueError(REQUIRED)
        return ""
    if len(cleaned) > 254 or not EMAIL_RE.match(cleaned):
        raise ValueError(BAD_EMAIL)
    return cleaned


def url(value: Any) -> str | None:
    cleaned = str(value or "").strip()
    if not cleaned:
        return None
    if len(cleaned) > 500 or not URL_RE.match(cleaned):
        raise ValueError(BAD_URL)
    return cleaned


def phone(value: Any) -> str | None:
    cleaned = re.sub(r"\s+", " ", str(value or "")).strip()
    if not cleaned:
        return None
    if not PHONE_RE.fullmatch(re.sub(r"[\s.\-()]", "", cleaned)) or len(cleaned) > 30:
        raise ValueError(BAD_PHONE)
    return cleaned


def utc(moment: datetime | None) -> datetime | None:
    """Moments typed in Paris time are stored (and compared in the audit) in UTC."""
    return moment.astimezone(UTC) if moment is not None else None


def label(value: Any) -> str:
    """A required data label (``label_fr``, ``label_en``) of up to 200 characters."""
    return text(value, 200, required=True)


def choice(value: Any) -> int:
    """The id picked in a select list (required)."""
    if value in (None, ""):
        raise ValueError(CHOOSE)
    return int(value)


# Field types of the offer's schemas: each checks and normalises its value as stored.
Code = Annotated[Any, AfterValidator(code)]
Label = Annotated[Any, AfterValidator(label)]
Email = Annotated[Any, AfterValidator(email)]
Url = Annotated[Any, AfterValidator(url)]
Choice = Annotated[Any, BeforeValidator(choice)]
UtcMoment = Annotated[datetime | None, AfterValidator(utc)]


class OfferSchema(BaseModel):
    """Base of the offer's input schemas: fields of the entity that the schema does not check are ignored."""

    model_config = ConfigDict(extra="ignore")


def check(schema: type[S], values: dict[str, Any], extra: Issues | None = None) -> S:
    """``schema(**values)``; every error of the schema and of ``extra`` raised together as one DossierInvalid."""
    errors: dict[str, str] = {}
    params: dict[str, dict[str, Any]] = {}
    result: S | None = None
    try:
        result = validate(schema, values)  # type: ignore[assignment]
    except DossierInvalid as invalid:
        errors.update(invalid.errors)
        params.update(invalid.params_of)
    if extra:
        for name, message in extra.errors.items():
            if name not in errors:
                errors[name] = message
                params[name] = extra.params.get(name, {})
    if errors:
        raise DossierInvalid(errors, params)
    assert result is not None
    return result
