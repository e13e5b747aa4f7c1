"""Small builders of valid rows for tests; each takes overrides as keyword arguments."""

import itertools
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from app import clock
from app.models import (
    Account,
    Application,
    ApplicationCentre,
    Campaign,
    Candidate,
    Committee,
    DiplomaType,
    Program,
)

_seq = itertools.count(1)


def _add(session: Session, row: Any) -> Any:
    session.add(row)
    session.flush()
    return row


def campaign(session: Session, **kw: Any) -> Campaign:
    today = clock.today_paris()
    n = next(_seq)
    values = dict(
        code=f"C{n}",
        label_fr=f"Campagne {n}",
        label_en=f"Campaign {n}",
        starts_on=today - timedelta(days=60),
        ends_on=today + timedelta(days=200),
        is_active=True,
    )
    return _add(session, Campaign(**(values | kw)))


def centre(session: Session, **kw: Any) -> ApplicationCentre:
    n = next(_seq)
    values = dict(code=f"CTR{n}", label_fr=f"UFR {n}", label_en=f"Faculty {n}", contact_email=f"ufr{n}@univ.example")
    return _add(session, ApplicationCentre(**(values | kw)))


def committee(session: Session, centre_id: int, **kw: Any) -> Committee:
    n = next(_seq)
    values = dict(
        centre_id=centre_id,
        code=f"COM{n}",
        label_fr=f"Commission {n}",
        label_en=f"Committee {n}",
        contact_email=f"commission{n}@univ.example",
    )
    return _add(session, Committee(**(values | kw)))


def diploma_type(session: Session, **kw: Any) -> DiplomaType:
    n = next(_seq)
    return _add(session, DiplomaType(**(dict(code=f"DT{n}", label_fr=f"Master {n}", label_en=f"Master {n}") | kw)))


def program(session: Session, **kw: Any) -> Program:
    """A programme whose window is open now, with its campaign, centre, committee and type made as needed."""
    now = clock.now()
    camp_id = kw.pop("campaign_id", None) or campaign(session).id
    ctr_id = kw.pop("centre_id", None) or centre(session).id
    com_id = kw.pop("committee_id", None) or committee(session, ctr_id).id
    dt_id = kw.pop("diploma_type_id", None) or diploma_type(session).id
    n = next(_seq)
    values = dict(
        campaign_id=camp_id,
        centre_id=ctr_id,
        committee_id=com_id,
        diploma_type_id=dt_id,
        code=f"P{n}",
        label_fr=f"Formation {n}",
        label_en=f"Programme {n}",
        capacity=20,
        window_opens_at=now - timedelta(days=10),
        window_closes_at=now + timedelta(days=10),
        return_by=now + timedelta(days=15),
    )
    return _add(session, Program(**(values | kw)))


def account(session: Session, **kw: Any) -> Account:
    n = next(_seq)
    values = dict(
        dossier_number=f"T{n:07d}",
        email=f"candidat{n}@mail.example",
        last_name=f"NOM{n}",
        first_name=f"Prénom{n}",
        activated_at=clock.now(),
    )
    return _add(session, Account(**(values | kw)))


def candidate(session: Session, **kw: Any) -> Candidate:
    acc_id = kw.pop("account_id", None) or account(session).id
    values = dict(account_id=acc_id, birth_name="DUPONT", first_names="JEAN")
    return _add(session, Candidate(**(values | kw)))


def application(session: Session, *, candidate_id: int, program: Program, **kw: Any) -> Application:
    values = dict(
        candidate_id=candidate_id,
        program_id=program.id,
        committee_id=program.committee_id,
        centre_id=program.centre_id,
        campaign_id=program.campaign_id,
    )
    return _add(session, Application(**(values | kw)))


# --- Applications (issue 6) ---------------------------------------------------------------------------------------


def complete_candidate(session: Session, **kw: Any) -> Candidate:
    """A candidate whose dossier is complete enough to apply (identity, address, baccalauréat)."""
    from datetime import date

    from app.models import Address, Baccalaureate, BacSeries

    values = dict(
        birth_date=date(2003, 5, 17),
        birth_country="FR",
        birth_department="45",
        birth_commune_insee="45234",
        birth_place="ORLEANS",
        nationality="FR",
    )
    row = candidate(session, **(values | kw))
    _add(
        session,
        Address(
            candidate_id=row.id,
            line1="1 rue de Bourgogne",
            postcode="45000",
            commune_insee="45234",
            city="ORLEANS",
            country="FR",
        ),
    )
    _add(session, Baccalaureate(candidate_id=row.id, series=BacSeries.GENERAL, year=2021))
    return row


def required_document(session: Session, **kw: Any) -> Any:
    """A required piece; institution-wide unless ``centre_id`` or ``program_id`` is given."""
    from app.models import RequiredDocument, Scope

    n = next(_seq)
    scope = Scope.PROGRAM if kw.get("program_id") else Scope.CENTRE if kw.get("centre_id") else Scope.INSTITUTION
    values = dict(code=f"PJ{n}", scope=scope, label_fr=f"Pièce {n}", label_en=f"Document {n}")
    return _add(session, RequiredDocument(**(values | kw)))


def question(session: Session, **kw: Any) -> Any:
    """A question; institution-wide unless ``centre_id`` or ``program_id`` is given; yes/no unless ``kind``."""
    from app.models import Question, QuestionKind, Scope

    n = next(_seq)
    scope = Scope.PROGRAM if kw.get("program_id") else Scope.CENTRE if kw.get("centre_id") else Scope.INSTITUTION
    values = dict(
        code=f"Q{n}", scope=scope, kind=QuestionKind.YES_NO, label_fr=f"Question {n} ?", label_en=f"Question {n}?"
    )
    return _add(session, Question(**(values | kw)))


def decision(session: Session, *, application_id: int, **kw: Any) -> Any:
    """A decision (favourable unless ``kind``), with a decision type of that kind; unpublished unless told."""
    from app.models import Decision, DecisionKind, DecisionType

    kind = kw.pop("kind", DecisionKind.FAVORABLE)
    n = next(_seq)
    labels = {DecisionKind.FAVORABLE: "Avis favorable", DecisionKind.UNFAVORABLE: "Avis défavorable"}
    dtype = _add(
        session,
        DecisionType(code=f"DT{n}", kind=kind, label_fr=labels.get(kind, f"Avis {n}"), label_en=f"Decision {n}"),
    )
    return _add(session, Decision(**(dict(application_id=application_id, decision_type_id=dtype.id, kind=kind) | kw)))


def staff_member(session: Session, **kw: Any) -> Any:
    from app.models import StaffMember

    n = next(_seq)
    values = dict(login=f"gest{n}", email=f"gest{n}@univ.example", display_name=f"Gestionnaire {n}")
    return _add(session, StaffMember(**(values | kw)))


# --- Dossier PDF (issue 7) ----------------------------------------------------------------------------------------


def stored_file(session: Session, data: bytes, *, media_type: str = "application/pdf", **kw: Any) -> Any:
    """Bytes put in the file store (the test's data directory) with their StoredFile row; merged unless ``kind``."""
    import hashlib

    from app.models import FileKind, StoredFile
    from app.services.platform import file_store

    key, sha256 = file_store.put(data, suffix=".pdf" if media_type == "application/pdf" else "")
    values = dict(storage_key=key, sha256=sha256, size=len(data), media_type=media_type, kind=FileKind.MERGED)
    assert sha256 == hashlib.sha256(data).hexdigest()
    return _add(session, StoredFile(**(values | kw)))


def staff_with_role(session: Session, role: Any, **kw: Any) -> Any:
    """A staff member holding ``role`` (scoped by ``centre_id`` / ``committee_id``); returns the assignment."""
    from app.models import StaffMember, StaffRoleAssignment

    n = next(_seq)
    member = _add(session, StaffMember(login=f"agent{n}", email=f"agent{n}@univ.example", display_name=f"Agent {n}"))
    return _add(session, StaffRoleAssignment(staff_id=member.id, role=role, **kw))


# --- Pieces and files (issue 7) -----------------------------------------------------------------------------------


def pdf_bytes(pages: int = 1, *, width: float = 595, height: float = 842, text: str = "") -> bytes:
    """A small valid PDF; each page gets a content stream naming its number (``text`` prefixes it)."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    for number in range(1, pages + 1):
        page = writer.add_blank_page(width, height)
        stream = DecodedStreamObject()
        stream.set_data(f"% {text}page {number}\n".encode())
        page[NameObject("/Contents")] = writer._add_object(stream)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (300, 200), mode: str = "RGB", **save: Any) -> bytes:
    """A small image of one colour, encoded as ``fmt`` (PNG or JPEG)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new(mode, size, "navy" if mode == "RGB" else 0).save(buffer, fmt, **save)
    return buffer.getvalue()


def submitted_document(session: Session, *, application_id: int, required_document_id: int, **kw: Any) -> Any:
    """The row of one piece of an application (En attente unless ``status``)."""
    from app.models import SubmittedDocument

    values = dict(application_id=application_id, required_document_id=required_document_id)
    return _add(session, SubmittedDocument(**(values | kw)))


# --- The staff application list (issue 8) --------------------------------------------------------------------------


def list_world(session: Session, *, per_centre: int = 150, seed: int = 8) -> dict[str, Any]:
    """Two centres (one committee, two programmes each) and ``per_centre`` applications in each, with varied
    names, baccalauréats (some missing), statuses, decisions, answers, transmission dates, notes and tags."""
    import random

    from app.models import (
        AnswerKind,
        ApplicationTag,
        Baccalaureate,
        BacSeries,
        DecisionKind,
        DossierStatus,
        Note,
        ProcessingType,
        Tag,
    )

    rng = random.Random(seed)
    now = clock.now()
    camp = campaign(session)
    author = staff_member(session)
    centres, programs, tags = [], [], []
    for _c in range(2):
        ctr = centre(session)
        com = committee(session, ctr.id)
        centres.append(ctr)
        programs += [program(session, campaign_id=camp.id, centre_id=ctr.id, committee_id=com.id) for _ in range(2)]
        tags += [_add(session, Tag(centre_id=ctr.id, label=f"T{ctr.id}-{i}")) for i in range(2)]
    # Row by row in memory, then one flush per table: a few hundred rows in well under a second.
    count = per_centre * 2
    numbers = [next(_seq) for _ in range(count)]
    accounts = [
        Account(dossier_number=f"L{n:07d}", email=f"liste{n}@mail.example", last_name=f"NOM{n}", first_name="A")
        for n in numbers
    ]
    session.add_all(accounts)
    session.flush()
    candidates = [
        Candidate(
            account_id=acc.id,
            birth_name=f"NOM{rng.randrange(60):03d}",
            first_names=f"PRENOM{n}",
            ine=f"{n:010d}X" if rng.random() < 0.7 else None,
            nationality=rng.choice(["FR", "FR", "IT", "MA"]),
        )
        for acc, n in zip(accounts, numbers, strict=True)
    ]
    session.add_all(candidates)
    session.flush()
    session.add_all(
        Baccalaureate(candidate_id=cand.id, series=rng.choice(list(BacSeries)), year=rng.choice([2020, 2021, 2022]))
        for cand in candidates
        if rng.random() < 0.8
    )
    applications = []
    for index, cand in enumerate(candidates):
        ctr_index = index % 2
        prog = programs[ctr_index * 2 + rng.randrange(2)]
        transmitted = now - timedelta(days=rng.randrange(90), hours=rng.randrange(24)) if rng.random() < 0.8 else None
        kind = rng.choice([None, None, *DecisionKind])
        applications.append(
            Application(
                candidate_id=cand.id,
                program_id=prog.id,
                committee_id=prog.committee_id,
                centre_id=prog.centre_id,
                campaign_id=prog.campaign_id,
                dossier_status=rng.choice(list(DossierStatus)),
                processing_type=rng.choice(list(ProcessingType)),
                transmitted_at=transmitted,
                last_decision_kind=kind,
                last_decision_published=kind is not None and rng.random() < 0.5,
                waiting_list_rank=rng.randrange(1, 50) if kind == DecisionKind.WAITING_LIST else None,
                answer=rng.choice([None, *AnswerKind]) if kind == DecisionKind.FAVORABLE else None,
                cancelled_at=now if rng.random() < 0.03 else None,
            )
        )
    session.add_all(applications)
    session.flush()
    for index, app_row in enumerate(applications):
        session.add_all(
            Note(application_id=app_row.id, author_staff_id=author.id, body="note")
            for _n in range(rng.choice([0, 0, 1, 2]))
        )
        if rng.random() < 0.3:
            session.add(ApplicationTag(application_id=app_row.id, tag_id=tags[(index % 2) * 2 + rng.randrange(2)].id))
    session.flush()
    return {"centres": centres, "programs": programs, "tags": tags, "applications": applications}


# --- Decisions, answers and the waiting list (issue 9) ------------------------------------------------------------


def decision_type(session: Session, kind: Any = None, **kw: Any) -> Any:
    """An active decision type of ``kind`` (favourable unless told)."""
    from app.models import DecisionKind, DecisionType

    n = next(_seq)
    kind = kind or DecisionKind.FAVORABLE
    values = dict(code=f"AV{n}", kind=kind, label_fr=f"Avis {kind.value} {n}", label_en=f"Decision {kind.value} {n}")
    return _add(session, DecisionType(**(values | kw)))


def refusal_reason(session: Session, **kw: Any) -> Any:
    from app.models import RefusalReason

    n = next(_seq)
    values = dict(code=f"MR{n}", label_fr=f"Capacité atteinte {n}", label_en=f"Capacity reached {n}")
    return _add(session, RefusalReason(**(values | kw)))


def published_decision(
    session: Session, *, application: Application, kind: Any = None, rank: int | None = None, **kw: Any
) -> Any:
    """A decision published now, with the application's mirror columns set as publication sets them."""
    from app.models import Decision, DecisionKind

    kind = kind or DecisionKind.FAVORABLE
    dtype = decision_type(session, kind)
    now = clock.now()
    values = dict(
        application_id=application.id,
        decision_type_id=dtype.id,
        kind=kind,
        waiting_list_rank=rank,
        entered_at=now,
        published_at=now,
    )
    row = _add(session, Decision(**(values | kw)))
    application.last_decision_kind = kind
    application.last_decision_published = True
    application.confirmation_deadline = row.confirmation_deadline
    application.waiting_list_rank = rank
    _add(session, application)
    return row


def candidate_actor(session: Session, candidate_row: Candidate) -> Any:
    """The Actor of ``candidate_row``'s account."""
    from app.services.platform.actors import Actor

    return Actor("candidate", account_id=candidate_row.account_id)


def staff_actor(session: Session, role: Any, **scope: Any) -> Any:
    """A staff Actor holding ``role`` (scoped by ``centre_id`` / ``committee_id``)."""
    from app.services.platform.actors import Actor

    assignment = staff_with_role(session, role, **scope)
    return Actor("staff", staff_id=assignment.staff_id, role_assignment_id=assignment.id)
