"""The database itself holds the invariants: one live application per programme, checked enums,
one active campaign, and migrations that match the models on SQLite and PostgreSQL."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import Session, SQLModel, select

from app import clock
from app.db import make_engine
from app.models import Application, Campaign, StaffMember, StaffRole, StaffRoleAssignment
from app.services.platform.migrations import alembic_config, upgrade_database
from tests import factories as f


def test_second_live_application_to_one_programme_is_refused(session: Session) -> None:
    prog = f.program(session)
    cand = f.candidate(session)
    f.application(session, candidate_id=cand.id, program=prog)
    session.commit()
    with pytest.raises(IntegrityError):
        f.application(session, candidate_id=cand.id, program=prog)
    session.rollback()


def test_a_cancelled_application_does_not_block_a_new_one(session: Session) -> None:
    prog = f.program(session)
    cand = f.candidate(session)
    f.application(session, candidate_id=cand.id, program=prog, cancelled_at=clock.now())
    f.application(session, candidate_id=cand.id, program=prog)
    session.commit()
    assert len(session.exec(Application.__table__.select()).all()) == 2


def test_unknown_enum_value_is_refused(session: Session) -> None:
    prog = f.program(session)
    cand = f.candidate(session)
    session.commit()
    with pytest.raises((IntegrityError, StatementError, LookupError)):
        f.application(session, candidate_id=cand.id, program=prog, dossier_status="lost")
    session.rollback()


def test_only_one_campaign_is_active(session: Session) -> None:
    f.campaign(session, is_active=True)
    session.commit()
    with pytest.raises(IntegrityError):
        f.campaign(session, is_active=True)
    session.rollback()
    f.campaign(session, is_active=False)
    f.campaign(session, is_active=False)
    session.commit()
    assert len(session.exec(select(Campaign)).all()) == 3


def test_staff_role_scope_must_match_the_role(session: Session) -> None:
    staff = StaffMember(login="g.martin", email="g.martin@univ.example", display_name="G. Martin")
    session.add(staff)
    session.flush()
    session.add(StaffRoleAssignment(staff_id=staff.id, role=StaffRole.CENTRE_MANAGER))  # no centre
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_dossier_numbers_and_emails_are_unique(session: Session) -> None:
    f.account(session, dossier_number="AB12CD34", email="a@mail.example")
    session.commit()
    with pytest.raises(IntegrityError):
        f.account(session, dossier_number="AB12CD34")
    session.rollback()
    with pytest.raises(IntegrityError):
        f.account(session, email="a@mail.example")
    session.rollback()


def test_timestamps_come_back_timezone_aware(session: Session) -> None:
    prog = f.program(session)
    session.commit()
    session.expire_all()
    assert session.get(type(prog), prog.id).window_opens_at.tzinfo is not None


def test_migrations_build_exactly_the_models_schema(empty_database_url: str) -> None:
    upgrade_database(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
            tables = set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert diff == [], "a model changed without its migration: alembic revision --autogenerate -m '...'"
    assert set(SQLModel.metadata.tables) <= tables
    upgrade_database(empty_database_url)  # a second start finds nothing to do


def test_an_edited_processing_type_mail_is_copied_to_the_three_new_codes(empty_database_url: str) -> None:
    config = alembic_config(empty_database_url)
    command.upgrade(config, "7b3e9d41c2a6")
    engine = make_engine(empty_database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO mailtemplate (code, language, subject, body_html, updated_at, version) "
                    "VALUES ('processing_type_changed', 'fr', 'Sujet maison', '<p>Corps maison</p>', "
                    "CURRENT_TIMESTAMP, 3)"
                )
            )
        command.upgrade(config, "9c4d2e7a1b35")
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT code, subject, version FROM mailtemplate ORDER BY code")).all()
        assert [tuple(row) for row in rows] == [
            ("processing_type_committee", "Sujet maison", 3),
            ("processing_type_direct_admission", "Sujet maison", 3),
            ("processing_type_undecided", "Sujet maison", 3),
        ]
        command.downgrade(config, "7b3e9d41c2a6")
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT code, subject FROM mailtemplate")).all()
        assert [tuple(row) for row in rows] == [("processing_type_changed", "Sujet maison")]
    finally:
        engine.dispose()


def test_the_on_hold_decision_kind_is_accepted_after_its_migration(empty_database_url: str) -> None:
    config = alembic_config(empty_database_url)
    command.upgrade(config, "9c4d2e7a1b35")
    engine = make_engine(empty_database_url)
    insert = text(
        "INSERT INTO decisiontype (code, kind, label_fr, label_en, is_final, is_active, version) "
        "VALUES (:code, :kind, 'x', 'x', true, true, 1)"
    )
    try:
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(insert, {"code": "LA0", "kind": "on_hold"})
        command.upgrade(config, "a5f81c3e6d20")
        with engine.begin() as conn:
            conn.execute(insert, {"code": "LA", "kind": "on_hold"})
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(insert, {"code": "XX", "kind": "nonsense"})  # still checked
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM decisiontype"))
        command.downgrade(config, "9c4d2e7a1b35")
    finally:
        engine.dispose()
