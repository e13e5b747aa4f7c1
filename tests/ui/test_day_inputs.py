"""Days are typed and shown as jj/mm/aaaa whatever the browser's language (a native date input follows the
browser: mm/dd/yyyy in an American Chromium), and a day that does not exist is refused, saying so."""

from datetime import date

import pytest
from nicegui.testing import User

from app import clock
from app.db import new_session
from app.models import Application
from app.ui.dates import DAY_MASK, UnreadableDay, parse_typed_day, typed_day
from tests.ui import test_dossier_pages as dossier_pages
from tests.ui import test_staff_application as staff_pages
from tests.ui.handler_clicks import click
from tests.ui.test_dossier_pages import element, signed_in, stored

account_id = dossier_pages.account_id  # a candidate's account (lea@mail.example)
fixed_clock = dossier_pages.fixed_clock


@pytest.mark.parametrize(
    ("text", "day"),
    [("15/06/2026", date(2026, 6, 15)), ("29/02/2024", date(2024, 2, 29)), (" 01/01/2005 ", date(2005, 1, 1))],
)
def test_a_day_is_read_as_day_month_year(text: str, day: date) -> None:
    assert parse_typed_day(text) == day
    assert typed_day(day) == text.strip()


def test_nothing_typed_is_no_day() -> None:
    assert parse_typed_day("") is None and parse_typed_day(None) is None and typed_day(None) == ""


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("31/02/2026", "Cette date n'existe pas"),
        ("29/02/2025", "Cette date n'existe pas"),
        ("15/13/2026", "Cette date n'existe pas"),
        ("2026-06-15", "au format jj/mm/aaaa"),  # ISO, as a native date input would send it
        ("06/15", "au format jj/mm/aaaa"),  # the mask not filled in
    ],
)
def test_a_day_that_is_no_day_says_why(text: str, why: str) -> None:
    with pytest.raises(UnreadableDay) as refused:
        parse_typed_day(text)
    assert why in refused.value.message.format(value=refused.value.value)
    assert text in refused.value.message.format(value=refused.value.value)


async def test_the_birth_date_is_a_masked_text_box_showing_the_stored_day_as_jj_mm_aaaa(
    user: User, account_id: int
) -> None:
    await signed_in(user, "/candidat/dossier/informations")
    birth = element(user, "birth_date")
    assert birth.props.get("type", "text") == "text"  # not the browser's own date input
    assert birth.props["mask"] == DAY_MASK and birth.props["placeholder"] == "jj/mm/aaaa"
    user.find(marker="birth_name").clear().type("Lefèvre")
    user.find(marker="first_names").clear().type("Hélène")
    user.find(marker="birth_date").clear().type("31/02/2004")  # no such day
    await click(user, "save")
    await user.should_see("Le formulaire contient")
    assert element(user, "birth_date").error == (
        "Cette date n'existe pas : 31/02/2004. Vérifiez le jour et le mois (jj/mm/aaaa)."
    )
    assert element(user, "birth_date").value == "31/02/2004"  # what was typed stays
    assert stored(account_id).candidate.birth_date is None


async def test_a_stored_birth_date_is_shown_as_jj_mm_aaaa(user: User, account_id: int) -> None:
    from app.db import transaction
    from app.services.dossier import tabs as dossier
    from app.services.platform.actors import Actor

    with transaction() as session:
        opened = dossier.open_dossier(session, actor=Actor("candidate", account_id=account_id))
        opened.candidate.birth_date = date(2004, 3, 12)
        session.add(opened.candidate)
    await signed_in(user, "/candidat/dossier/informations")
    assert element(user, "birth_date").value == "12/03/2004"


async def test_a_managers_candidate_dates_are_typed_as_jj_mm_aaaa(user: User) -> None:
    data = staff_pages.seed()
    await staff_pages.sign_in(user, "anne")
    await user.open(f"/gestion/candidatures/{data['application']}")
    await user.should_see(marker="return-by")
    return_by = user.find(marker="return-by").elements.pop()
    assert return_by.props["mask"] == DAY_MASK and "(jj/mm/aaaa)" in return_by.props["label"]
    user.find(marker="return-by").type("31/06/2027")  # June has 30 days
    await click(user, "dates-save")
    await user.should_see("Cette date n'existe pas : 31/06/2027. Vérifiez le jour et le mois (jj/mm/aaaa).")
    user.find(marker="return-by").clear().type("30/06/2027")
    await click(user, "dates-save")
    with new_session() as session:
        saved = session.get(Application, data["application"]).return_by_override
    assert saved is not None and clock.paris(saved).date() == date(2027, 6, 30)
    await user.should_see(marker="return-by")
    assert user.find(marker="return-by").elements.pop().value == "30/06/2027"
