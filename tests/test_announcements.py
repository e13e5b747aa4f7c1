"""The banner (information / maintenance) and the FAQ: windows, audiences, cache, validation, rights (services)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from app.db import get_engine
from app.models import Announcement, AnnouncementLevel, AuditEvent, FaqEntry, StaffRole
from app.services.admin import portal_announcements
from app.services.admin.common import StaleEdit
from app.services.dossier.schemas import DossierInvalid
from app.services.offer import faq
from app.services.offer.faq_guide import GUIDE_FAQ
from app.services.platform import announcements
from app.services.platform.actors import Actor
from app.services.platform.errors import Forbidden
from tests import factories

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def admin(session: Session, clock) -> Actor:
    clock.set(NOW)
    assignment = factories.staff_with_role(session, StaffRole.CENTRAL_OFFICE)
    session.commit()
    return Actor("staff", staff_id=assignment.staff_id, role_assignment_id=assignment.id)


def banner_values(**kw) -> dict:
    base = {
        "level": AnnouncementLevel.MAINTENANCE,
        "message_fr": "Maintenance le 12 mars de 7 h à 9 h.",
        "message_en": "Maintenance on 12 March from 7 to 9 am.",
        "starts_at": NOW + timedelta(hours=1),
        "ends_at": NOW + timedelta(hours=3),
        "show_to_staff": False,
        "is_active": True,
    }
    return base | kw


def add_banner(session: Session, actor: Actor, **kw) -> Announcement:
    row = portal_announcements.save_announcement(
        session, actor=actor, announcement_id=None, expected_version=None, values=banner_values(**kw)
    )
    session.commit()
    return row


def shown(*, staff: bool = False) -> list[str]:
    return [b.message_fr for b in announcements.current_banners(staff=staff)]


# --- The banner ----------------------------------------------------------------------------------------------------


def test_a_banner_is_shown_only_inside_its_window(session: Session, admin: Actor, clock) -> None:
    add_banner(session, admin)
    assert shown() == []  # not yet
    clock.set(NOW + timedelta(hours=1))
    assert shown() == ["Maintenance le 12 mars de 7 h à 9 h."]
    clock.set(NOW + timedelta(hours=2, minutes=59))
    assert shown() == ["Maintenance le 12 mars de 7 h à 9 h."]
    clock.set(NOW + timedelta(hours=3))
    assert shown() == []  # over


def test_audiences_levels_and_languages(session: Session, admin: Actor) -> None:
    add_banner(session, admin, starts_at=None, ends_at=None, level=AnnouncementLevel.INFORMATION, message_fr="Info")
    add_banner(session, admin, starts_at=None, ends_at=None, show_to_staff=True, message_fr="Coupure")
    add_banner(session, admin, starts_at=None, ends_at=None, is_active=False, message_fr="Brouillon")
    assert shown() == ["Coupure", "Info"]  # maintenance first
    assert shown(staff=True) == ["Coupure"]
    [first, _second] = announcements.current_banners(staff=False)
    assert first.message("en") == "Maintenance on 12 March from 7 to 9 am." and first.message("fr") == "Coupure"


def test_pages_do_not_query_the_database_for_the_banner(session: Session, admin: Actor) -> None:
    add_banner(session, admin, starts_at=None, ends_at=None)
    assert len(shown()) == 1  # loads the cache
    statements: list[str] = []

    def count(*args) -> None:
        statements.append(args[2])

    event.listen(get_engine(), "before_cursor_execute", count)
    try:
        for _ in range(20):
            assert len(shown()) == 1
    finally:
        event.remove(get_engine(), "before_cursor_execute", count)
    assert statements == []


def test_a_saved_change_shows_at_once(session: Session, admin: Actor) -> None:
    row = add_banner(session, admin, starts_at=None, ends_at=None)
    assert len(shown()) == 1
    portal_announcements.save_announcement(
        session,
        actor=admin,
        announcement_id=row.id,
        expected_version=row.version,
        values=banner_values(starts_at=None, ends_at=None, is_active=False),
    )
    assert len(shown()) == 1  # not committed yet
    session.commit()
    assert shown() == []
    event_row = session.exec(select(AuditEvent).where(AuditEvent.action == "announcement.updated")).one()
    assert event_row.before == {"is_active": True} and event_row.after == {"is_active": False}


def test_banner_fields_are_checked(session: Session, admin: Actor) -> None:
    with pytest.raises(DossierInvalid) as refused:
        portal_announcements.save_announcement(
            session,
            actor=admin,
            announcement_id=None,
            expected_version=None,
            values=banner_values(message_fr="  ", message_en="x" * 1001, level=None),
        )
    assert set(refused.value.errors) == {"message_fr", "message_en", "level"}
    with pytest.raises(DossierInvalid) as refused:
        portal_announcements.save_announcement(
            session,
            actor=admin,
            announcement_id=None,
            expected_version=None,
            values=banner_values(ends_at=NOW),
        )
    assert refused.value.errors == {"ends_at": "La fin de l'affichage doit suivre son début."}


def test_a_stale_banner_edit_is_refused(session: Session, admin: Actor) -> None:
    row = add_banner(session, admin)
    opened = row.version
    portal_announcements.save_announcement(
        session, actor=admin, announcement_id=row.id, expected_version=opened, values=banner_values(message_fr="A")
    )
    session.commit()
    with pytest.raises(StaleEdit):
        portal_announcements.save_announcement(
            session, actor=admin, announcement_id=row.id, expected_version=opened, values=banner_values(message_fr="B")
        )
    session.rollback()
    with pytest.raises(StaleEdit):
        portal_announcements.delete_announcement(session, actor=admin, announcement_id=row.id, expected_version=opened)
    session.rollback()
    portal_announcements.delete_announcement(session, actor=admin, announcement_id=row.id, expected_version=opened + 1)
    session.commit()
    assert session.exec(select(Announcement)).all() == []


@pytest.mark.parametrize("role", [StaffRole.CENTRE_MANAGER, StaffRole.COMMITTEE_MEMBER])
def test_only_the_central_office_and_administrators_edit_messages(
    session: Session, admin: Actor, role: StaffRole
) -> None:
    centre = factories.centre(session)
    scope = {"centre_id": centre.id}
    if role == StaffRole.COMMITTEE_MEMBER:
        scope = {"committee_id": factories.committee(session, centre.id).id}
    other = factories.staff_with_role(session, role, **scope)
    actor = Actor("staff", staff_id=other.staff_id, role_assignment_id=other.id)
    for call in (
        lambda: portal_announcements.list_announcements(session, actor=actor),
        lambda: portal_announcements.save_announcement(
            session, actor=actor, announcement_id=None, expected_version=None, values=banner_values()
        ),
        lambda: faq.list_entries(session, actor=actor),
        lambda: faq.save_entry(session, actor=actor, entry_id=None, expected_version=None, values=faq_values()),
    ):
        with pytest.raises(Forbidden):
            call()


# --- The FAQ -------------------------------------------------------------------------------------------------------


def faq_values(**kw) -> dict:
    base = {
        "question_fr": "Puis-je candidater à plusieurs formations ?",
        "question_en": "May I apply to several programmes?",
        "answer_fr": "Oui, dans la limite fixée par l'université.",
        "answer_en": "Yes, within the limit set by the university.",
        "display_order": 5,
        "is_active": True,
    }
    return base | kw


def test_the_guide_seeds_an_empty_faq_only(session: Session) -> None:
    assert faq.seed_guide_faq(session) == len(GUIDE_FAQ) >= 15
    assert faq.seed_guide_faq(session) == 0
    session.commit()
    items = faq.public_faq(session, language="fr")
    assert len(items) == len(GUIDE_FAQ)
    assert items[0].question == "Comment créer mon compte ?"
    assert faq.public_faq(session, language="en")[0].question == "How do I create my account?"
    assert all(q_fr and a_fr and q_en and a_en for q_fr, a_fr, q_en, a_en in GUIDE_FAQ)


def test_entries_are_edited_ordered_deactivated_and_checked(session: Session, admin: Actor) -> None:
    faq.seed_guide_faq(session)
    entry = faq.save_entry(session, actor=admin, entry_id=None, expected_version=None, values=faq_values())
    session.commit()
    assert faq.public_faq(session, language="fr")[0].question == "Puis-je candidater à plusieurs formations ?"
    faq.save_entry(
        session, actor=admin, entry_id=entry.id, expected_version=entry.version, values=faq_values(is_active=False)
    )
    session.commit()
    assert "Puis-je candidater à plusieurs formations ?" not in [
        i.question for i in faq.public_faq(session, language="fr")
    ]
    with pytest.raises(StaleEdit):
        faq.save_entry(session, actor=admin, entry_id=entry.id, expected_version=1, values=faq_values())
    session.rollback()
    with pytest.raises(DossierInvalid) as refused:
        faq.save_entry(
            session,
            actor=admin,
            entry_id=None,
            expected_version=None,
            values=faq_values(question_en="", answer_fr=" ", display_order=10_000),
        )
    assert set(refused.value.errors) == {"question_en", "answer_fr", "display_order"}
    assert faq.next_order(session) == len(GUIDE_FAQ) * 10 + 10
    faq.delete_entry(session, actor=admin, entry_id=entry.id, expected_version=2)
    session.commit()
    assert session.get(FaqEntry, entry.id) is None
    actions = set(session.exec(select(AuditEvent.action)).all())
    assert {"faq.created", "faq.updated", "faq.deleted"} <= actions
