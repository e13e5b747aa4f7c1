"""Staff members and their roles: accounts (SSO or password), deactivation, roles by scope and who may grant them."""

import threading
import time
from typing import Any

import pytest
from sqlmodel import Session, select

from app.db import new_session
from app.models import AuditEvent, StaffMember, StaffRole, StaffRoleAssignment
from app.services.accounts import staff_roles as staff
from app.services.accounts.auth import authenticate
from app.services.accounts.sso import SsoIdentity, sign_in_staff
from app.services.admin import staff as admin_staff
from app.services.admin import staff_roles as admin_staff_roles
from app.services.admin.common import StaleEdit
from app.services.dossier.schemas import DossierInvalid
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError, Forbidden
from tests import factories

GOOD = "Solide-Passe-2026"


def _actor(session: Session, role: StaffRole, **scope: Any) -> Actor:
    actor = factories.staff_actor(session, role, **scope)
    session.commit()
    return actor


def _version(session: Session, staff_id: int) -> int:
    session.expire_all()
    member = session.get(StaffMember, staff_id)
    assert member is not None
    return member.version


def _create(session: Session, actor: Actor, login: str = "jmartin", **kw: Any) -> StaffMember:
    values: dict[str, Any] = dict(
        login=login, email=f"{login}@univ.example", display_name="Jeanne Martin", auth_mode="password",
        password=GOOD, password_confirm=GOOD,
    )  # fmt: skip
    member = admin_staff.save_staff(session, actor=actor, staff_id=None, expected_version=None, **(values | kw))
    session.commit()
    return member


def _refused(call: Any, code: str) -> DomainError:
    with pytest.raises(DomainError) as refused:
        call()
    assert refused.value.code == code, refused.value
    return refused.value


# --- accounts ------------------------------------------------------------------------------------------------------


def test_a_local_account_signs_in_once_it_has_a_role_and_its_hash_is_never_audited(session: Session) -> None:
    central = _actor(session, StaffRole.CENTRAL_OFFICE)
    member = _create(session, central, login="  JMartin ", email="jmartin@univ.example")
    assert member.login == "jmartin" and member.password_hash and member.password_hash.startswith("$argon2")
    assert member.sso_subject is None and member.is_active
    assert not authenticate(session, actor=Actor.anonymous("1.2.3.4"), login="jmartin", password=GOOD).principal
    centre = factories.centre(session)
    session.commit()
    admin_staff_roles.add_role(
        session, actor=central, staff_id=member.id, expected_version=_version(session, member.id),
        role=StaffRole.CENTRE_MANAGER, centre_id=centre.id,
    )  # fmt: skip
    session.commit()
    outcome = authenticate(session, actor=Actor.anonymous("1.2.3.4"), login="JMARTIN", password=GOOD)
    assert outcome.principal is not None and outcome.principal.id == member.id
    events = session.exec(select(AuditEvent).where(AuditEvent.entity_type == "staffmember")).all()
    assert {e.action for e in events} >= {"staff.created", "staff.credentials_set"}
    assert all("$argon2" not in str(e.before) + str(e.after) for e in session.exec(select(AuditEvent)).all())


def test_an_sso_account_has_no_password_and_is_linked_at_its_first_sso_sign_in(session: Session) -> None:
    central = _actor(session, StaffRole.CENTRAL_OFFICE)
    member = _create(session, central, login="pdurand", auth_mode="sso", sso_provider="cas", password="")
    assert member.password_hash is None and (member.sso_provider, member.sso_subject) == ("cas", None)
    session.add(StaffRoleAssignment(staff_id=member.id, role=StaffRole.CENTRAL_OFFICE))
    session.commit()
    outcome = sign_in_staff(
        session, actor=Actor.anonymous(), identity=SsoIdentity(provider="cas", subject="pdurand", login="pdurand")
    )
    assert outcome.principal is not None and outcome.principal.id == member.id
    # Switching a password account to SSO removes its password.
    other = _create(session, central, login="lbernard")
    switched = admin_staff.save_staff(
        session, actor=central, staff_id=other.id, expected_version=other.version, login="lbernard",
        email="lbernard@univ.example", display_name="Luc Bernard", auth_mode="sso", sso_provider="oidc",
        sso_subject="sub-42",
    )  # fmt: skip
    assert switched.password_hash is None and switched.sso_subject == "sub-42"


def test_account_fields_are_checked_next_to_each_field(session: Session) -> None:
    central = _actor(session, StaffRole.CENTRAL_OFFICE)
    with pytest.raises(DossierInvalid) as invalid:
        _create(session, central, login="a b", email="pas-une-adresse", display_name=" ", language="de")
    assert set(invalid.value.errors) == {"login", "email", "display_name", "language"}
    session.rollback()
    error = _refused(lambda: _create(session, central, password="court"), "password_length")
    assert error.field == "password"
    session.rollback()
    _refused(lambda: _create(session, central, password_confirm=GOOD + "x"), "password_mismatch")
    session.rollback()
    with pytest.raises(DossierInvalid) as provider:
        _create(session, central, auth_mode="sso", sso_provider="")
    assert set(provider.value.errors) == {"sso_provider"}
    session.rollback()
    with pytest.raises(DossierInvalid) as subject:
        _create(session, central, auth_mode="sso", sso_provider="oidc", sso_subject="x" * 256)
    assert set(subject.value.errors) == {"sso_subject"}
    session.rollback()
    _create(session, central, login="jmartin")
    with pytest.raises(DossierInvalid) as taken:
        _create(session, central, login="JMartin")
    assert set(taken.value.errors) == {"login"}
    session.rollback()
    account = factories.account(session)
    session.commit()
    with pytest.raises(DossierInvalid) as dossier:  # the sign-in form would take it for a candidate
        _create(session, central, login=account.dossier_number.lower())
    assert "numéro de dossier" in dossier.value.errors["login"]


def test_an_edit_keeps_the_password_when_left_empty_and_a_stale_edit_is_refused(session: Session) -> None:
    central = _actor(session, StaffRole.CENTRAL_OFFICE)
    member = _create(session, central)
    old_hash, version = member.password_hash, member.version
    values = dict(login="jmartin", email="jeanne.martin@univ.example", auth_mode="password", language="en")
    edited = admin_staff.save_staff(
        session, actor=central, staff_id=member.id, expected_version=version, display_name="Jeanne Martin-Roy", **values
    )
    session.commit()
    assert (edited.display_name, edited.password_hash, edited.language) == ("Jeanne Martin-Roy", old_hash, "en")
    with pytest.raises(StaleEdit):
        admin_staff.save_staff(
            session, actor=central, staff_id=member.id, expected_version=version, display_name="Écrasé", **values
        )
    session.rollback()
    assert session.get(StaffMember, member.id).display_name == "Jeanne Martin-Roy"


def test_a_deactivated_member_is_kept_cannot_sign_in_and_no_page_opens(session: Session) -> None:
    admin = _actor(session, StaffRole.ADMINISTRATOR)
    target = factories.staff_with_role(session, StaffRole.CENTRAL_OFFICE)
    member = session.get(StaffMember, target.staff_id)
    member.password_hash = factories_hash()
    session.commit()
    target_actor = Actor("staff", staff_id=member.id, role_assignment_id=target.id)
    assert staff.current_role(session, actor=target_actor).role == StaffRole.CENTRAL_OFFICE
    admin_staff.set_staff_active(
        session, actor=admin, staff_id=member.id, expected_version=member.version, active=False
    )
    session.commit()
    with pytest.raises(Forbidden):
        staff.current_role(session, actor=target_actor)  # the page guard's check
    assert authenticate(session, actor=Actor.anonymous(), login=member.login, password=GOOD).principal is None
    assert session.get(StaffMember, member.id) is not None  # kept: audit rows reference it
    reactivated = admin_staff.set_staff_active(
        session, actor=admin, staff_id=member.id, expected_version=_version(session, member.id), active=True
    )
    session.commit()
    assert reactivated.is_active
    actions = [e.action for e in session.exec(select(AuditEvent).where(AuditEvent.entity_id == member.id)).all()]
    assert actions == ["staff.deactivated", "staff.reactivated"]
    _refused(
        lambda: admin_staff.set_staff_active(
            session, actor=admin, staff_id=admin.staff_id, expected_version=_version(session, admin.staff_id),
            active=False,
        ),
        "self_deactivation",
    )  # fmt: skip


def factories_hash() -> str:
    from app.services.accounts.passwords import hash_password

    return hash_password(GOOD)


def test_the_list_searches_by_name_login_or_email(session: Session) -> None:
    central = _actor(session, StaffRole.CENTRAL_OFFICE)
    _create(session, central, login="jmartin", display_name="Jeanne Martin")
    _create(session, central, login="pdurand", display_name="Paul Durand", email="paul.durand@univ.example")
    _create(session, central, login="x_50pc", display_name="Cinquante %")
    assert [s.member.login for s in admin_staff.list_staff(session, actor=central, search="martin")] == ["jmartin"]
    assert [s.member.login for s in admin_staff.list_staff(session, actor=central, search="PAUL.DUR")] == ["pdurand"]
    assert [s.member.login for s in admin_staff.list_staff(session, actor=central, search="x_5")] == ["x_50pc"]
    assert admin_staff.list_staff(session, actor=central, search="%") != []
    assert admin_staff.list_staff(session, actor=central, search="a_b") == []  # "_" is no wildcard
    everyone = admin_staff.list_staff(session, actor=central)
    assert len(everyone) == 4 and everyone[0].member.id == central.staff_id  # "Agent …" sorts first
    assert [(r.role, r.scope_label("fr")) for r in everyone[0].roles] == [
        (StaffRole.CENTRAL_OFFICE, "Tout l'établissement")
    ]


# --- roles ---------------------------------------------------------------------------------------------------------


def test_the_central_office_grants_scoped_roles_with_one_president_per_committee(session: Session) -> None:
    central = _actor(session, StaffRole.CENTRAL_OFFICE)
    centre = factories.centre(session)
    committee = factories.committee(session, centre.id)
    session.commit()
    first, second = _create(session, central, login="first"), _create(session, central, login="second")
    manager = admin_staff_roles.add_role(
        session, actor=central, staff_id=first.id, expected_version=_version(session, first.id),
        role=StaffRole.CENTRE_MANAGER, centre_id=centre.id, read_only=True,
    )  # fmt: skip
    president = admin_staff_roles.add_role(
        session, actor=central, staff_id=first.id, expected_version=_version(session, first.id),
        role="committee_member", committee_id=committee.id, is_president=True,
    )  # fmt: skip
    session.commit()
    assert (manager.centre_id, manager.read_only, president.is_president) == (centre.id, True, True)
    with pytest.raises(DossierInvalid) as twice:
        admin_staff_roles.add_role(
            session, actor=central, staff_id=second.id, expected_version=_version(session, second.id),
            role=StaffRole.COMMITTEE_MEMBER, committee_id=committee.id, is_president=True,
        )  # fmt: skip
    assert twice.value.field_message("is_president", lambda s: s).startswith("Jeanne Martin préside déjà")
    session.rollback()
    member = admin_staff_roles.add_role(
        session, actor=central, staff_id=second.id, expected_version=_version(session, second.id),
        role=StaffRole.COMMITTEE_MEMBER, committee_id=committee.id,
    )  # fmt: skip
    session.commit()
    with pytest.raises(DossierInvalid):
        admin_staff_roles.update_role(
            session, actor=central, assignment_id=member.id, expected_version=_version(session, second.id),
            read_only=False, is_president=True,
        )  # fmt: skip
    session.rollback()
    with pytest.raises(DossierInvalid) as duplicate:
        admin_staff_roles.add_role(
            session, actor=central, staff_id=first.id, expected_version=_version(session, first.id),
            role=StaffRole.CENTRE_MANAGER, centre_id=centre.id,
        )  # fmt: skip
    assert set(duplicate.value.errors) == {"role"}
    session.rollback()
    with pytest.raises(DossierInvalid) as scope:
        admin_staff_roles.add_role(
            session, actor=central, staff_id=first.id, expected_version=_version(session, first.id),
            role=StaffRole.CENTRE_MANAGER,
        )  # fmt: skip
    assert set(scope.value.errors) == {"centre_id"}
    session.rollback()
    admin_staff_roles.update_role(
        session, actor=central, assignment_id=manager.id, expected_version=_version(session, first.id),
        read_only=False,
    )  # fmt: skip
    session.commit()
    assert session.get(StaffRoleAssignment, manager.id).read_only is False
    actions = {e.action for e in session.exec(select(AuditEvent)).all()}
    assert {"staff.role_added", "staff.role_updated"} <= actions


def test_a_removed_role_no_longer_opens_pages(session: Session) -> None:
    central = _actor(session, StaffRole.CENTRAL_OFFICE)
    centre = factories.centre(session)
    holder = factories.staff_with_role(session, StaffRole.CENTRE_MANAGER, centre_id=centre.id)
    session.commit()
    holder_actor = Actor("staff", staff_id=holder.staff_id, role_assignment_id=holder.id)
    assert staff.current_role(session, actor=holder_actor).centre_id == centre.id
    admin_staff_roles.remove_role(
        session, actor=central, assignment_id=holder.id, expected_version=_version(session, holder.staff_id)
    )
    session.commit()
    with pytest.raises(Forbidden):
        staff.current_role(session, actor=holder_actor)
    removed = session.exec(select(AuditEvent).where(AuditEvent.action == "staff.role_removed")).one()
    assert removed.before["role"] == "centre_manager" and removed.before["centre_id"] == centre.id
    with pytest.raises(StaleEdit):  # removed meanwhile by someone else
        admin_staff_roles.remove_role(
            session, actor=central, assignment_id=holder.id, expected_version=_version(session, holder.staff_id)
        )


def test_role_changes_are_version_checked_on_the_member(session: Session) -> None:
    central = _actor(session, StaffRole.CENTRAL_OFFICE)
    member = _create(session, central)
    opened = member.version
    admin_staff_roles.add_role(
        session, actor=central, staff_id=member.id, expected_version=opened, role=StaffRole.CENTRAL_OFFICE
    )
    session.commit()
    with pytest.raises(StaleEdit):  # a second editor who opened the member before that change
        admin_staff_roles.add_role(
            session, actor=central, staff_id=member.id, expected_version=opened,
            role=StaffRole.CENTRE_MANAGER, centre_id=factories.centre(session).id,
        )  # fmt: skip
    session.rollback()
    assert len(session.exec(select(StaffRoleAssignment).where(StaffRoleAssignment.staff_id == member.id)).all()) == 1


def test_only_an_administrator_grants_removes_or_edits_the_administrator_role(session: Session) -> None:
    central = _actor(session, StaffRole.CENTRAL_OFFICE)
    admin = _actor(session, StaffRole.ADMINISTRATOR)
    member = _create(session, central)
    _refused(
        lambda: admin_staff_roles.add_role(
            session, actor=central, staff_id=member.id, expected_version=_version(session, member.id),
            role=StaffRole.ADMINISTRATOR,
        ),
        "administrator_role",
    )  # fmt: skip
    session.rollback()
    granted = admin_staff_roles.add_role(
        session, actor=admin, staff_id=member.id, expected_version=_version(session, member.id),
        role=StaffRole.ADMINISTRATOR,
    )  # fmt: skip
    session.commit()
    version = _version(session, member.id)
    _refused(
        lambda: admin_staff_roles.remove_role(
            session, actor=central, assignment_id=granted.id, expected_version=version
        ),
        "administrator_role",
    )
    _refused(
        lambda: admin_staff_roles.update_role(
            session, actor=central, assignment_id=granted.id, expected_version=version, read_only=True
        ),
        "administrator_role",
    )
    # Nor may the central office touch an administrator's account (their password, their activation).
    _refused(
        lambda: admin_staff.save_staff(
            session, actor=central, staff_id=member.id, expected_version=version, login="jmartin",
            email="jmartin@univ.example", display_name="Jeanne Martin", auth_mode="password",
            password="Autre-Passe-2026!", password_confirm="Autre-Passe-2026!",
        ),
        "admin_account",
    )  # fmt: skip
    _refused(
        lambda: admin_staff.set_staff_active(
            session, actor=central, staff_id=member.id, expected_version=version, active=False
        ),
        "admin_account",
    )
    session.rollback()
    admin_staff_roles.remove_role(session, actor=admin, assignment_id=granted.id, expected_version=version)
    session.commit()


def test_nobody_removes_their_own_administrator_role_and_one_administrator_is_always_kept(session: Session) -> None:
    admin = _actor(session, StaffRole.ADMINISTRATOR)
    version = _version(session, admin.staff_id)
    own = admin.role_assignment_id
    _refused(
        lambda: admin_staff_roles.remove_role(session, actor=admin, assignment_id=own, expected_version=version),
        "own_administrator",
    )
    _refused(
        lambda: admin_staff_roles.update_role(
            session, actor=admin, assignment_id=own, expected_version=version, read_only=True
        ),
        "own_administrator",
    )
    session.rollback()
    # Acting through another role, the same person still may not drop their only administrator role.
    central_row = StaffRoleAssignment(staff_id=admin.staff_id, role=StaffRole.CENTRAL_OFFICE)
    session.add(central_row)
    session.commit()
    as_central = Actor("staff", staff_id=admin.staff_id, role_assignment_id=central_row.id)
    _refused(
        lambda: admin_staff_roles.remove_role(
            session, actor=as_central, assignment_id=own, expected_version=_version(session, admin.staff_id)
        ),
        "administrator_role",
    )
    session.rollback()
    # A second administrator may remove the first one's role, but then not their own: one is always kept.
    other = _actor(session, StaffRole.ADMINISTRATOR)
    admin_staff_roles.remove_role(
        session, actor=other, assignment_id=own, expected_version=_version(session, admin.staff_id)
    )
    session.commit()
    _refused(
        lambda: admin_staff_roles.remove_role(
            session, actor=other, assignment_id=other.role_assignment_id,
            expected_version=_version(session, other.staff_id),
        ),
        "own_administrator",
    )  # fmt: skip


@pytest.mark.parametrize("role", [StaffRole.CENTRE_MANAGER, StaffRole.COMMITTEE_MEMBER])
def test_centre_managers_and_committee_members_manage_no_staff(session: Session, role: StaffRole) -> None:
    centre = factories.centre(session)
    scope = {"centre_id": centre.id}
    if role == StaffRole.COMMITTEE_MEMBER:
        scope = {"committee_id": factories.committee(session, centre.id).id}
    actor = _actor(session, role, **scope)
    read_only_central = _actor(session, StaffRole.CENTRAL_OFFICE, read_only=True)
    with pytest.raises(Forbidden):
        admin_staff.list_staff(session, actor=actor)
    with pytest.raises(Forbidden):
        _create(session, actor, login="intrus")
    session.rollback()
    with pytest.raises(Forbidden):
        admin_staff_roles.add_role(
            session, actor=actor, staff_id=actor.staff_id, expected_version=_version(session, actor.staff_id),
            role=StaffRole.CENTRAL_OFFICE,
        )  # fmt: skip
    session.rollback()
    assert admin_staff.list_staff(session, actor=read_only_central)  # the read-only central office looks
    with pytest.raises(Forbidden):
        _create(session, read_only_central, login="intrus")


def test_a_member_cannot_remove_the_role_they_act_with(session: Session) -> None:
    central = _actor(session, StaffRole.CENTRAL_OFFICE)
    _refused(
        lambda: admin_staff_roles.remove_role(
            session, actor=central, assignment_id=central.role_assignment_id,
            expected_version=_version(session, central.staff_id),
        ),
        "current_role",
    )  # fmt: skip


def test_two_administrators_removing_each_other_at_once_keep_one(database_url: str) -> None:
    """The second removal waits for the first (row locks) and is then refused: never zero administrators."""
    if not database_url.startswith("postgresql"):
        pytest.skip("row locks are PostgreSQL's; SQLite serialises writers and refuses the stale second writer")
    with new_session() as session:
        a = factories.staff_actor(session, StaffRole.ADMINISTRATOR)
        b = factories.staff_actor(session, StaffRole.ADMINISTRATOR)
        session.commit()
    first = new_session()
    admin_staff_roles.remove_role(
        first, actor=a, assignment_id=b.role_assignment_id, expected_version=_version(first, b.staff_id)
    )  # holds the locks, not committed yet
    outcome: list[object] = []

    def second() -> None:
        with new_session() as other:
            try:
                admin_staff_roles.remove_role(
                    other, actor=b, assignment_id=a.role_assignment_id, expected_version=_version(other, a.staff_id)
                )
                other.commit()
                outcome.append("removed")
            except DomainError as error:
                other.rollback()
                outcome.append(error.code)

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(1.0)
    first.commit()
    first.close()
    thread.join(timeout=30)
    assert outcome in (["last_administrator"], ["forbidden"], ["stale_edit"])
    with new_session() as session:
        left = session.exec(select(StaffRoleAssignment).where(StaffRoleAssignment.role == StaffRole.ADMINISTRATOR))
        assert [row.staff_id for row in left] == [a.staff_id]
