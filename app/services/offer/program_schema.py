"""The programme form's input schemas: every field checked and normalised as stored (moments in UTC)."""

from typing import Any

from pydantic import field_validator

from app.models import Procedure
from app.services.offer import fields as f

CHOOSE = f.CHOOSE


class CalendarIn(f.OfferSchema):
    """The calendar fields of a programme, as stored: moments in UTC, place trimmed."""

    window_opens_at: f.UtcMoment = None
    window_closes_at: f.UtcMoment = None
    return_by: f.UtcMoment = None
    jury_on: f.UtcMoment = None
    publication_on: f.UtcMoment = None
    confirmation_by: f.UtcMoment = None
    confirmation_delay_days: int | None = None
    waiting_list_confirmation_by: f.UtcMoment = None
    waiting_list_confirmation_delay_days: int | None = None
    preselection_at: f.UtcMoment = None
    preselection_place: Any = None

    @field_validator("preselection_place")
    @classmethod
    def _place(cls, value: Any) -> str | None:
        return f.text(value, 300) or None


class ProgramIn(CalendarIn):
    centre_id: f.Choice
    committee_id: f.Choice
    diploma_type_id: f.Choice
    code: f.Code
    label_fr: Any
    label_en: Any
    keywords: Any = ""
    info_url: f.Url = None
    capacity: int | None = None
    procedure: Procedure
    has_waiting_list: bool = True
    favorable_decision_type_id: int | None = None
    waiting_list_call_decision_type_id: int | None = None

    @field_validator("label_fr", "label_en")
    @classmethod
    def _label(cls, value: Any) -> str:
        return f.text(value, 300, required=True)

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, value: Any) -> str:
        return f.text(value, 500)

    @field_validator("capacity")
    @classmethod
    def _capacity(cls, value: int | None) -> int | None:
        if value is not None and value < 0:
            raise ValueError(f.NOT_NEGATIVE)
        return value
