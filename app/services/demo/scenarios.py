"""Demo scenarios: each demo application written in the state its scenario names, with its pieces,
answers to questions, decisions and the candidate's answer, consistent with the mirror columns.

The one declared exception to the lifecycles' machines (``applications/dossier_status.py``,
``applications/piece_status.py``, ``decisions/decision_status.py``, ``decisions/answer_status.py``): a scenario is a
fixture, written directly in its final state with past dates, never a sequence of moves;
``tests/test_lifecycles.py`` allows ``app/services/demo/`` and no other module."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from app import clock
from app.models import (
    AnswerKind,
    Application,
    ApplicationTag,
    CandidateAnswer,
    Decision,
    DecisionKind,
    DecisionType,
    DocumentStatus,
    DossierStatus,
    Note,
    Program,
    QuestionAnswer,
    QuestionKind,
    SubmittedDocument,
)
from app.services.demo import data as d

if TYPE_CHECKING:
    from app.services.demo.campus import Seeder

PRESELECTION_PLACE = "Polytech Orléans, site Léonard de Vinci, 8 rue Léonard de Vinci, 45100 Orléans — salle E-104"


@dataclass(frozen=True)
class Calendar:
    opens: datetime
    closes: datetime
    return_by: datetime
    jury: datetime
    publication: datetime
    confirmation_by: datetime | None = None
    confirmation_days: int | None = None
    waiting_list_days: int | None = 3
    preselection_at: datetime | None = None


def end_of_day(moment: datetime, days: int) -> datetime:
    """23:59 in Paris, ``days`` after the Paris day of ``moment`` (how deadlines read in letters)."""
    day = clock.paris(moment).date() + timedelta(days=days)
    return clock.paris_datetime(day.year, day.month, day.day, 23, 59)


# Dossier status and piece pattern of each scenario; every other scenario is a complete dossier with a decision.
_DOSSIERS: dict[str, tuple[DossierStatus, str]] = {
    "missing": (DossierStatus.PENDING, "missing"),
    "ready": (DossierStatus.PENDING, "submitted"),
    "received": (DossierStatus.RECEIVED, "received"),
    "incomplete": (DossierStatus.INCOMPLETE, "refused"),
    "refused_incomplete": (DossierStatus.INCOMPLETE, "refused"),
    "cancelled": (DossierStatus.PENDING, "missing"),
    "paper_pending": (DossierStatus.PENDING, "none"),
    "paper_received": (DossierStatus.RECEIVED, "received"),
}
_TEXT_ANSWERS = {
    "Q-IA-PARCOURS": "Un stage en traitement automatique des langues, idéalement dans un laboratoire public.",
    "Q-DROIT-PROJET": "Devenir délégué·e à la protection des données dans une collectivité territoriale.",
}
_REFUSAL_COMMENTS = {
    "RELEVES": "Il manque le relevé de notes du dernier semestre : merci de le déposer.",
    "CV": "Le CV déposé est illisible (scan flou) : merci de déposer un PDF net et complet.",
}


class Scenario:
    """Writes one application in the state a scenario names, with its pieces, answers and decisions."""

    def __init__(
        self, seeder: "Seeder", i: int, key: str, app: Application, program: Program, data: d.ProgramData, cal: Calendar
    ) -> None:
        self.z, self.i, self.app, self.program, self.cal = seeder, i, app, program, cal
        self.person = d.PEOPLE_BY_KEY[key]
        self.account_id = seeder.accounts[key].id
        self.manager = seeder.staff[seeder.manager_of[data.centre]].id
        self.member = seeder.staff[seeder.member_of[data.committee]].id
        self.sent = app.created_at + timedelta(days=2, hours=1 + i % 5)
        self.reviewed = self.sent + timedelta(days=3, hours=2)
        self.completed = self.sent + timedelta(days=5, hours=4)
        self.rows: list[Any] = []  # pieces, answers, decisions...: given the application's id once it is inserted

    def play(self, scenario: str) -> None:
        app, z = self.app, self.z
        status, pieces = _DOSSIERS.get(scenario, (DossierStatus.COMPLETE, "validated"))
        app.dossier_status = status
        if status != DossierStatus.PENDING:
            app.received_at = app.dossier_status_at = self.sent
            if not scenario.startswith("paper"):  # a paper dossier arrives by post: nothing is transmitted online
                app.transmitted_at = self.sent
        if status == DossierStatus.INCOMPLETE:
            app.dossier_status_at = self.reviewed
            self.rows.append(
                Note(
                    author_staff_id=self.manager,
                    created_at=self.reviewed,
                    body="Pièce refusée : relance envoyée au candidat, à revoir dès le nouveau dépôt.",
                )
            )
        if status == DossierStatus.COMPLETE:
            app.complete_at = app.dossier_status_at = self.completed
        if scenario == "cancelled":
            app.cancelled_at = app.created_at + timedelta(days=1)
        self.pieces(pieces)
        if pieces not in {"missing", "none"}:
            self.answers()
        if scenario == "complete" and self.program.centre_id == z.ids["UFR-ST"].id:
            self.rows.append(ApplicationTag(tag_id=z.tags[1].id))
        if scenario == "received" and self.i % 2 == 0:
            self.rows.append(ApplicationTag(tag_id=z.tags[0].id))
        self.decisions(scenario)

    def pieces(self, pattern: str) -> None:
        needs = {"MDPH"} if "mdph" in self.person.extras else set()
        needs |= {"LANGUE-LLSH"} if "lang" in self.person.extras else set()
        documents = self.z.applicable(self.z.documents, self.program)
        refused = "RELEVES" if self.i % 2 == 0 else f"CV-{self.program.code}"
        submitted_at = self.app.created_at + timedelta(hours=20)
        for doc in documents:
            status, at, comment = DocumentStatus.SUBMITTED, submitted_at, ""
            if doc.is_conditional and doc.code not in needs:
                status = DocumentStatus.PENDING if pattern in {"missing", "none"} else DocumentStatus.NOT_APPLICABLE
            elif pattern == "none" or (pattern == "missing" and doc.code in {"RELEVES", f"CV-{self.program.code}"}):
                status, at = DocumentStatus.PENDING, self.app.created_at
            elif pattern == "received" and doc.code == "ID":
                status, at = DocumentStatus.VALIDATED, self.reviewed
            elif pattern == "refused" and doc.code == refused:
                status, at = DocumentStatus.REFUSED, self.reviewed
                comment = _REFUSAL_COMMENTS[refused.split("-")[0]]
            elif pattern in {"refused", "validated"}:
                status, at = DocumentStatus.VALIDATED, self.reviewed
            reviewer = self.manager if status in {DocumentStatus.VALIDATED, DocumentStatus.REFUSED} else None
            self.rows.append(
                SubmittedDocument(
                    required_document_id=doc.id,
                    status=status,
                    status_at=at,
                    comment=comment,
                    reviewed_by_staff_id=reviewer,
                )
            )

    def answers(self) -> None:
        for q in self.z.applicable(self.z.questions, self.program):
            yes_no = q.kind == QuestionKind.YES_NO
            self.rows.append(
                QuestionAnswer(
                    question_id=q.id,
                    answered_at=self.app.created_at,
                    bool_value=self.i % 3 != 0 if yes_no else None,
                    text_value=None if yes_no else _TEXT_ANSWERS[q.code],
                )
            )

    def decide(
        self,
        type_code: str,
        *,
        published: datetime | None,
        entered: datetime | None = None,
        reason: str | None = None,
        rank: int | None = None,
        call: bool = False,
    ) -> Decision:
        """Add a decision and mirror it on the application, as the decision service does."""
        z, app, cal = self.z, self.app, self.cal
        dtype: DecisionType = z.ids[type_code]
        deadline = None
        if dtype.kind == DecisionKind.FAVORABLE and published is not None:
            if call:
                deadline = end_of_day(published, cal.waiting_list_days or 0)
            else:
                deadline = cal.confirmation_by or end_of_day(published, cal.confirmation_days or 0)
        presel = dtype.kind == DecisionKind.PRESELECTION
        decision = Decision(
            decision_type_id=dtype.id,
            kind=dtype.kind,
            refusal_reason_id=z.ids[reason].id if reason else None,
            waiting_list_rank=rank,
            preselection_at=self.program.preselection_at if presel else None,
            preselection_place=self.program.preselection_place if presel else None,
            is_waiting_list_call=call,
            entered_by_staff_id=None if call else self.member,  # a call is made by the waiting-list service
            entered_at=entered or cal.jury,
            published_by_staff_id=None if published is None or call else self.manager,
            published_at=published,
            confirmation_deadline=deadline,
        )
        self.rows.append(decision)
        app.last_decision_kind = dtype.kind
        app.last_decision_published = published is not None
        app.waiting_list_rank = rank
        app.confirmation_deadline = deadline
        return decision

    def answer(self, kind: AnswerKind, at: datetime, reason: str = "") -> None:
        self.rows.append(CandidateAnswer(kind=kind, at=at, by_account_id=self.account_id, reason=reason))
        self.app.answer, self.app.answer_at = kind, at

    def decisions(self, scenario: str) -> None:
        published = self.cal.publication if self.cal.publication <= self.z.now else None
        withdrawn_at = self.z.at(-2, 9, 30)  # the withdrawal that freed a place, then the call
        match scenario:
            case "entered_favorable":
                self.decide("FAV", published=None)
            case "entered_unfavorable":
                self.decide("DEF", published=None, reason="PREREQUIS")
            case "entered_waiting_1" | "entered_waiting_2":
                self.decide("LC", published=None, rank=int(scenario[-1]))
            case "entered_on_hold":
                self.decide("LA", published=None)
            case "on_hold":  # « liste d'attente »: no rank, the committee decides later
                self.decide("LA", published=published)
            case "entered_preselection":
                self.decide("PRESEL", published=None, entered=self.z.at(-6, 11, 0))
            case "preselected":
                self.decide("PRESEL", published=self.z.at(-5, 10, 0), entered=self.z.at(-6, 11, 0))
            case "offer":
                self.decide("FAV", published=published)
            case "confirmed":
                self.decide("FAV", published=published)
                assert published is not None
                self.answer(AnswerKind.CONFIRMED, published + timedelta(days=1, hours=self.i % 9))
            case "withdrawn":
                self.decide("FAV", published=published)
                self.answer(AnswerKind.WITHDRAWN, withdrawn_at, "J'ai accepté une autre proposition d'admission.")
            case "called":
                self.decide("LC", published=published, rank=1)
                call_at = withdrawn_at + timedelta(minutes=2)
                self.decide("FAV-LC", published=call_at, entered=call_at, call=True)
                self.app.called_from_waiting_list_at = call_at
            case "waiting_1" | "waiting_2":
                # Ranked 2nd and 3rd by the committee; the call of the 1st moved them up (the mirror is the live rank).
                self.decide("LC", published=published, rank=int(scenario[-1]) + 1)
                self.app.waiting_list_rank = int(scenario[-1])
            case "refused":
                reason = {"M-BIOMC": "PREREQUIS", "LP-ABF": "PROJET"}.get(self.program.code, "ADEQUATION")
                self.decide(
                    "DEF",
                    published=published or self.z.at(-5, 10, 0),
                    reason=reason,
                    entered=None if published else self.z.at(-6, 11, 0),
                )
            case "refused_incomplete":
                self.decide("DEF", published=published, reason="INCOMPLET")
