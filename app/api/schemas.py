"""Response and request bodies of the REST API (they make its OpenAPI description)."""

from datetime import date, datetime
from typing import Generic, TypeVar

from pydantic import BaseModel, Field

from app.models import AnswerKind, DecisionKind, DossierStatus, HandoffStatus, Procedure, ProcessingType

T = TypeVar("T")


class ErrorOut(BaseModel):
    detail: str = Field(description="Why the request was refused.")


class Page(BaseModel, Generic[T]):
    """One page of a list, ordered by id (stable between pages)."""

    page: int = Field(description="Page number, from 1.")
    page_size: int = Field(description="Items per page.")
    total: int = Field(description="Items matching the filters, on every page.")
    items: list[T]


class CampaignOut(BaseModel):
    code: str
    label_fr: str
    label_en: str
    starts_on: date
    ends_on: date


class CalendarOut(BaseModel):
    """The programme's calendar; moments are UTC (ISO 8601 with offset)."""

    window_opens_at: datetime
    window_closes_at: datetime
    return_by: datetime | None
    jury_on: datetime | None
    publication_on: datetime | None
    confirmation_by: datetime | None
    confirmation_delay_days: int | None
    waiting_list_confirmation_by: datetime | None
    waiting_list_confirmation_delay_days: int | None


class ProgramOut(BaseModel):
    id: int
    code: str
    label_fr: str
    label_en: str
    centre_code: str
    centre_label_fr: str
    committee_code: str
    diploma_type_code: str
    diploma_type_label_fr: str
    capacity: int | None
    procedure: Procedure
    has_waiting_list: bool
    info_url: str | None
    calendar: CalendarOut


class OfferOut(BaseModel):
    """The active campaign's active programmes (public information, the same for every token)."""

    campaign: CampaignOut | None
    programs: list[ProgramOut]


class CandidateOut(BaseModel):
    dossier_number: str
    ine: str | None
    student_number: str | None
    birth_name: str
    usage_name: str
    first_names: str
    birth_date: date | None
    email: str


class ApplicationOut(BaseModel):
    id: int
    campaign_code: str
    program_id: int
    program_code: str
    centre_code: str
    committee_code: str
    candidate: CandidateOut
    dossier_status: DossierStatus
    processing_type: ProcessingType
    created_at: datetime
    transmitted_at: datetime | None
    cancelled_at: datetime | None
    last_decision_kind: DecisionKind | None = Field(description="Kind of the latest decision (published or not).")
    last_decision_published: bool
    waiting_list_rank: int | None
    answer: AnswerKind | None
    answer_at: datetime | None
    confirmation_deadline: datetime | None
    updated_at: datetime = Field(description="Latest change among the application's dates and its decisions.")


class DecisionOut(BaseModel):
    """A published decision ("avis validé"); decisions not yet published are never returned."""

    id: int
    application_id: int
    dossier_number: str
    program_code: str
    kind: DecisionKind
    decision_type_code: str
    decision_type_label_fr: str
    refusal_reason_code: str | None
    comment: str
    waiting_list_rank: int | None
    is_waiting_list_call: bool
    published_at: datetime
    confirmation_deadline: datetime | None


class HandoffWishOut(BaseModel):
    handoff_id: int
    application_id: int
    status: HandoffStatus
    cancelled: bool = Field(description="True: a delivered confirmation since withdrawn, to cancel in the system.")
    campaign_code: str
    centre_code: str
    program_code: str
    program_label_fr: str
    diploma_type_code: str
    decision_published_at: datetime | None
    called_from_waiting_list: bool
    confirmed_at: datetime | None
    withdrawn_at: datetime | None
    sent_at: datetime | None
    attempts: int
    last_error: str


class HandoffCandidateOut(BaseModel):
    """One candidate to enrol: identity once, the programmes they hold, and withdrawals to deliver."""

    dossier_number: str
    ine: str | None
    student_number: str | None
    civility: str
    birth_name: str
    usage_name: str
    first_names: str
    birth_date: date | None
    birth_country: str
    birth_department: str | None
    birth_commune_insee: str | None
    birth_place: str
    nationality: str
    email: str
    phone: str
    mobile: str
    address_line1: str
    address_line2: str
    address_line3: str
    address_postcode: str
    address_commune_insee: str | None
    address_city: str
    address_country: str
    wishes: list[HandoffWishOut]
    withdrawals: list[HandoffWishOut]


class AcknowledgeIn(BaseModel):
    handoff_ids: list[int] = Field(min_length=1, max_length=1000, description="Hand-offs imported by the system.")


class AcknowledgeOut(BaseModel):
    acknowledged: int = Field(description="Hand-offs recorded as delivered (others were not owed).")
