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
