"""The offer as candidates browse it: the active campaign's programmes by centre and diploma type.

Read-only; the home page shows the open programmes, the offer page all of them with their dates.
"""

import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from app import clock
from app.models import ApplicationCentre, Campaign, DiplomaType, Procedure, Program
from app.models.base import StrEnum
from app.services.platform.labels import label_in


class WindowState(StrEnum):
    """Where ``now`` stands relative to a programme's application window."""

    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


def window_state(opens_at: datetime, closes_at: datetime, now: datetime) -> WindowState:
    """Both ends belong to the window: staff publish "until 15 June 23:59" and mean that minute too."""
    if now < opens_at:
        return WindowState.UPCOMING
    if now > closes_at:
        return WindowState.CLOSED
    return WindowState.OPEN


@dataclass(frozen=True)
class ProgramOffer:
    id: int
    code: str
    label: str  # in the requested language
    info_url: str | None
    procedure: Procedure
    capacity: int | None
    has_waiting_list: bool
    window_opens_at: datetime
    window_closes_at: datetime
    return_by: datetime | None
    jury_on: datetime | None
    publication_on: datetime | None
    state: WindowState
    # Paris calendar days until the window closes (0 = closes today); None once closed.
    days_left: int | None
    # Paris calendar days until the window opens; None once open.
    days_until_open: int | None


@dataclass(frozen=True)
class DiplomaTypeOffer:
    id: int
    code: str
    label: str
    programs: list[ProgramOffer] = field(default_factory=list)


@dataclass(frozen=True)
class CentreOffer:
    id: int
    code: str
    label: str
    info_url: str | None
    diploma_types: list[DiplomaTypeOffer] = field(default_factory=list)

    @property
    def programs(self) -> list[ProgramOffer]:
        return [p for dt in self.diploma_types for p in dt.programs]


def fold(text: str) -> str:
    """Lower-case without accents, so "ingenierie" finds « Ingénierie »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _days(later: datetime, earlier: datetime) -> int:
    return (clock.paris(later).date() - clock.paris(earlier).date()).days


def list_offer(
    session: Session,
    *,
    now: datetime | None = None,
    query: str = "",
    lang: str = "fr",
    states: Collection[WindowState] | None = None,
) -> list[CentreOffer]:
    """The active campaign's active programmes, grouped by centre then diploma type.

    ``states`` keeps only programmes whose window is in one of these states (None: all).
    ``query``: every word must occur (accents and case ignored) in the programme's code, labels (both
    languages), keywords, or its centre's or diploma type's labels. Centres and types without a
    remaining programme are left out. Ordered by centre label, diploma type order and label, programme label.
    """
    now = now or clock.now()
    words = fold(query).split()
    centres: dict[int, CentreOffer] = {}
    types: dict[tuple[int, int], DiplomaTypeOffer] = {}
    for program, centre, diploma_type in sorted(_active_programs(session), key=lambda row: _order(row, lang)):
        state = window_state(program.window_opens_at, program.window_closes_at, now)
        if states is not None and state not in states:
            continue
        if words and not _matches(words, program, centre, diploma_type):
            continue
        assert program.id is not None and centre.id is not None and diploma_type.id is not None
        centre_offer = centres.get(centre.id)
        if centre_offer is None:
            centre_offer = centres[centre.id] = CentreOffer(
                id=centre.id, code=centre.code, label=label_in(centre, lang), info_url=centre.info_url
            )
        type_offer = types.get((centre.id, diploma_type.id))
        if type_offer is None:
            type_offer = types[(centre.id, diploma_type.id)] = DiplomaTypeOffer(
                id=diploma_type.id, code=diploma_type.code, label=label_in(diploma_type, lang)
            )
            centre_offer.diploma_types.append(type_offer)
        type_offer.programs.append(_program_offer(program, state, now, lang))
    return list(centres.values())


OfferRow = tuple[Program, ApplicationCentre, DiplomaType]


def _active_programs(session: Session) -> list[OfferRow]:
    # One query: the offer is a few hundred rows at most, so filtering words and sorting labels happen in
    # Python, where accent-insensitive matching and ordering behave the same on SQLite and PostgreSQL.
    return list(
        session.exec(
            select(Program, ApplicationCentre, DiplomaType)
            .join(Campaign, Campaign.id == Program.campaign_id)
            .join(ApplicationCentre, ApplicationCentre.id == Program.centre_id)
            .join(DiplomaType, DiplomaType.id == Program.diploma_type_id)
            .where(Campaign.is_active, Program.is_active, ApplicationCentre.is_active)
        ).all()
    )


def _order(row: OfferRow, lang: str) -> tuple[str, int | None, int, str, int | None, str, str]:
    program, centre, diploma_type = row
    return (
        fold(label_in(centre, lang)),
        centre.id,
        diploma_type.display_order,
        fold(label_in(diploma_type, lang)),
        diploma_type.id,
        fold(label_in(program, lang)),
        program.code,
    )


def _matches(words: list[str], program: Program, centre: ApplicationCentre, diploma_type: DiplomaType) -> bool:
    """Every word occurs in the programme's code, labels, keywords, or its centre's or diploma type's labels."""
    haystack = fold(
        " ".join(
            (
                program.code,
                program.label_fr,
                program.label_en,
                program.keywords,
                centre.label_fr,
                centre.label_en,
                diploma_type.label_fr,
                diploma_type.label_en,
            )
        )
    )
    return all(word in haystack for word in words)


def _program_offer(program: Program, state: WindowState, now: datetime, lang: str) -> ProgramOffer:
    assert program.id is not None
    return ProgramOffer(
        id=program.id,
        code=program.code,
        label=label_in(program, lang),
        info_url=program.info_url or None,
        procedure=program.procedure,
        capacity=program.capacity,
        has_waiting_list=program.has_waiting_list,
        window_opens_at=program.window_opens_at,
        window_closes_at=program.window_closes_at,
        return_by=program.return_by,
        jury_on=program.jury_on,
        publication_on=program.publication_on,
        state=state,
        days_left=_days(program.window_closes_at, now) if state != WindowState.CLOSED else None,
        days_until_open=_days(program.window_opens_at, now) if state == WindowState.UPCOMING else None,
    )


def count_programs(offer: list[CentreOffer]) -> int:
    return sum(len(centre.programs) for centre in offer)


def keep_states(offer: list[CentreOffer], states: Collection[WindowState]) -> list[CentreOffer]:
    """The part of an already loaded offer whose programmes are in ``states`` (no query; empty groups dropped)."""
    kept: list[CentreOffer] = []
    for centre in offer:
        types = [
            DiplomaTypeOffer(id=dt.id, code=dt.code, label=dt.label, programs=programs)
            for dt in centre.diploma_types
            if (programs := [p for p in dt.programs if p.state in states])
        ]
        if types:
            kept.append(
                CentreOffer(
                    id=centre.id, code=centre.code, label=centre.label, info_url=centre.info_url, diploma_types=types
                )
            )
    return kept
