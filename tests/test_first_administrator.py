"""A new installation's first administrator, made on the server: ``python -m app.manage create-administrator``."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session, select

from app.models import AuditEvent, StaffMember, StaffRole, StaffRoleAssignment
from app.services.accounts.auth import authenticate
from app.services.admin.first_administrator import create_first_administrator, has_active_administrator
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError

GOOD = "Solide-Passe-2026"
ROOT = Path(__file__).resolve().parents[1]


def _create(session: Session, login: str = "admin", **kw: object) -> StaffMember:
    values: dict = dict(login=login, email=f"{login.strip()}@univ.example", display_name="Alice Admin")
    member = create_first_administrator(session, **(values | {"password": GOOD, "password_confirm": GOOD} | kw))
    session.commit()
    return member


def test_the_first_administrator_signs_in_with_the_password_and_is_audited(session: Session) -> None:
    assert not has_active_administrator(session)
    member = _create(session, login=" Admin ")
    assert member.login == "admin" and member.password_hash and member.password_hash.startswith("$argon2")
    role = session.exec(select(StaffRoleAssignment).where(StaffRoleAssignment.staff_id == member.id)).one()
    assert role.role == StaffRole.ADMINISTRATOR and role.centre_id is None and not role.read_only
    outcome = authenticate(session, actor=Actor.anonymous("1.2.3.4"), login="admin", password=GOOD)
    assert outcome.principal is not None and outcome.principal.id == member.id
    actions = {e.action for e in session.exec(select(AuditEvent)).all()}
    assert {"staff.created", "staff.role_added"} <= actions
    assert all("$argon2" not in str(e.after) for e in session.exec(select(AuditEvent)).all())


def test_a_second_one_is_refused_while_an_active_administrator_exists(session: Session) -> None:
    first = _create(session)
    with pytest.raises(DomainError) as refused:
        _create(session, login="other")
    assert refused.value.code == "administrator_exists"
    first.is_active = False  # the only administrator left: a new one may be made to get back in
    session.add(first)
    session.commit()
    assert _create(session, login="other").login == "other"


def test_an_sso_administrator_has_no_password(session: Session) -> None:
    member = create_first_administrator(
        session, login="adm", email="adm@univ.example", display_name="Adam Min", sso_provider="cas", sso_subject=None
    )
    assert member.password_hash is None and (member.sso_provider, member.sso_subject) == ("cas", None)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"password": "court", "password_confirm": "court"}, "password"),
        ({"password_confirm": GOOD + "x"}, "password_confirm"),
        ({"email": "pas-une-adresse"}, "email"),
        ({"login": ""}, "login"),
    ],
)
def test_a_bad_value_is_refused_by_field_and_nothing_is_written(session: Session, values: dict, field: str) -> None:
    with pytest.raises(DomainError) as refused:
        _create(session, **values)
    session.rollback()
    assert refused.value.field == field
    assert session.exec(select(StaffMember)).all() == []


def _manage(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = os.environ | {"PYTHONPATH": str(ROOT), "LANG": "fr_FR.UTF-8"}
    done = subprocess.run(
        [sys.executable, "-m", "app.manage", *args], input=stdin, capture_output=True, text=True, env=env, timeout=120
    )
    # French typography puts no-break spaces inside « » and before a colon.
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.replace("\xa0", " "), done.stderr.replace("\xa0", " ")
    )


def test_the_command_makes_one_administrator_then_refuses_a_second_in_french(database_url: str) -> None:
    args = ("create-administrator", "--login", "dsi", "--email", "dsi@univ.example", "--name", "Service DSI")
    weak = _manage(
        "create-administrator", "--login", "x", "--email", "bad", "--name", "X", "--password-stdin", stdin=GOOD + "\n"
    )
    assert weak.returncode == 2 and "email:" in weak.stderr
    made = _manage(*args, "--password-stdin", stdin=GOOD + "\n")
    assert made.returncode == 0, made.stderr
    assert "Administrateur « dsi » créé" in made.stdout
    again = _manage(*args[:2], "dsi2", *args[3:], "--password-stdin", stdin=GOOD + "\n")
    assert again.returncode == 2 and "Un administrateur actif existe déjà" in again.stderr
