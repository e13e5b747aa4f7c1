"""The programme form's input schemas: every field checked and normalised as stored (moments in UTC)."""

from datetime import datetime
from typing import Any

from pydantic import field_validator

from app.i18n import N_
from app.models import Procedure
from app.services import calendar_rules as cal
from app.services import offer_fields as f

CHOOSE = N_("Choisissez une valeur dans la liste.")


def _choice(value: Any) -> int:
    if value in (None, ""):
        raise ValueError(CHOOSE)
    return int(value)


class CalendarIn(f.OfferSchema):
    """The calendar fields of a programme, as stored: moments in UTC, place trimmed."""

    window_opens_at: datetime | None = None
    window_closes_at: datetime | None = None
    return_by: datetime | None = None
    jury_on: datetime | None = None
    publication_on: datetime | None = None
    confirmation_by: datetime | None = None
    confirmation_delay_days: int | None = None
    waiting_list_confirmation_by: datetime | None = None
    waiting_list_confirmation_delay_days: int | None = None
    preselection_at: datetime | None = None
    preselection_place: Any = None

    @field_validator("preselection_place")
    @classmethod
    def _place(cls, value: Any) -> str | None:
        return f.text(value, 300) or None

    @field_validator(*cal.MOMENTS)
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return f.utc(value)


class ProgramIn(CalendarIn):
    centre_id: Any
    committee_id: Any
    diploma_type_id: Any
    code: Any
    label_fr: Any
    label_en: Any
    keywords: Any = ""
    info_url: Any = None
    capacity: int | None = None
    procedure: Procedure
    has_waiting_list: bool = True
    favorable_decision_type_id: int | None = None
    waiting_list_call_decision_type_id: int | None = None

    @field_validator("centre_id", "committee_id", "diploma_type_id", mode="before")
    @classmethod
    def _choice(cls, value: Any) -> int:
        return _choice(value)

    @field_validator("code")
    @classmethod
    def _code(cls, value: Any) -> str:
        return f.code(value)

    @field_validator("label_fr", "label_en")
    @classmethod
    def _label(cls, value: Any) -> str:
        return f.text(value, 300, required=True)

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, value: Any) -> str:
        return f.text(value, 500)

    @field_validator("info_url")
    @classmethod
    def _url(cls, value: Any) -> str | None:
        return f.url(value)

    @field_validator("capacity")
    @classmethod
    def _capacity(cls, value: int | None) -> int | None:
        if value is not None and value < 0:
            raise ValueError(f.NOT_NEGATIVE)
        return value
