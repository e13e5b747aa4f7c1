"""What an opened application's page shows, read in one worker thread (``load_page``), and what its sections ask
of the page they are drawn in (``PageActions``, ``act``)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from nicegui import run, ui

from app.db import new_session
from app.i18n import _, use_language
from app.models import Procedure
from app.services.applications import (
    ApplicationDetail,
    Readiness,
    read_my_application,
    transmission_readiness,
)
from app.services.decisions import AnswerView, answer_view, letter_available
from app.services.documents import pieces as documents
from app.services.interviews import InterviewView, interview_view
from app.services.platform import Actor, DomainError, only_reads


@dataclass
class PageData:
    """What the page shows, read in one session."""

    detail: ApplicationDetail
    answer: AnswerView | None
    has_letter: bool
    readiness: Readiness | None  # only while « Transmettre » can be shown
    pieces: dict[int, documents.Piece] = field(default_factory=dict)  # the upload widgets' pieces, by id
    interview: InterviewView | None = None  # « Entretien »: shortlisted, or a slot booked

    @property
    def editable(self) -> bool:
        return self.detail.summary.editable


def load_page(actor: Actor, application_id: int, lang: str) -> PageData | None:
    """Blocking. None when the application is another candidate's, cancelled or nonexistent (told the same way).

    The application's rows are read once: its pieces' cards and what « Transmettre » waits for are drawn from the
    ones ``read_my_application`` read."""
    with use_language(lang), new_session() as session, only_reads(session):
        try:
            detail, rows = read_my_application(session, actor=actor, application_id=application_id, lang=lang)
        except DomainError:
            return None
        answer = None
        if detail.summary.decision is not None:  # « Répondre » and the waiting list follow a published decision
            try:
                answer = answer_view(session, actor=actor, application_id=application_id)
            except DomainError:
                answer = None
        has_letter = detail.summary.decision is not None and letter_available(
            session, actor=actor, application_id=application_id
        )
        data = PageData(detail, answer, has_letter, None)
        if detail.summary.decision is not None:  # shortlisted by a published preselection
            data.interview = interview_view(session, actor=actor, application_id=application_id)
        online = detail.summary.procedure == Procedure.ONLINE
        if online and not actor.read_only:
            data.pieces = documents.list_pieces(
                session, actor=actor, application_id=application_id, lang=lang, rows=rows
            )
            if data.editable:
                data.readiness = transmission_readiness(
                    session, actor=actor, application_id=application_id, lang=lang, rows=rows
                )
        return data


def load_readiness(actor: Actor, application_id: int, lang: str) -> Readiness:
    with use_language(lang), new_session() as session:
        return transmission_readiness(session, actor=actor, application_id=application_id, lang=lang)


class PageActions(Protocol):
    """What a section's action asks of the page: say its outcome outside the redrawn sections, then redraw."""

    def announce(self, text: str) -> None: ...

    def refuse(self, text: str) -> None: ...

    async def redraw(self) -> None: ...


async def act(page: PageActions, button: ui.button, work: Callable[..., object], *args: Any, done: str) -> None:
    """``work(*args)`` in a worker thread, ``button`` disabled meanwhile (a double click acts once): a refusal is
    said and the button works again; else ``done`` is announced and the page redrawn."""
    button.disable()
    try:
        await run.io_bound(work, *args)
    except DomainError as error:
        page.refuse(error.translate(_))
        button.enable()
        return
    page.announce(done)
    await page.redraw()
