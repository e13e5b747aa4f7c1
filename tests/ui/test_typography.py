"""Words and typography on screen: buttons in sentence case, French spacing, English names, the staff list (#17)."""

import re

from nicegui import ui
from nicegui.testing import User

from app.i18n.typography import NBSP
from tests.ui import test_applications_pages as offer_pages
from tests.ui import test_staff_applications as staff_list
from tests.ui.static_html import page_blocks
from tests.ui.test_applications_pages import Setup, sign_in

setup = offer_pages.setup  # an open programme and a candidate who may apply to it


def _buttons_in_capitals(user: User) -> list[str]:
    """The texts of the page's buttons that Quasar would draw in capitals (no ``no-caps``)."""
    with user:
        return [
            b.text for b in user.client.layout.descendants() if isinstance(b, ui.button) and not b.props.get("no-caps")
        ]


async def test_every_button_keeps_the_case_its_label_is_written_in(user: User, setup: Setup) -> None:
    await user.open("/")
    await user.should_see("Assistance")
    assert _buttons_in_capitals(user) == []
    await user.open("/connexion")
    await user.should_see(marker="sign-in")
    assert _buttons_in_capitals(user) == []
    await sign_in(user, setup.email, f"/formations/{setup.open_program.code}")
    await user.should_see(marker=f"apply-{setup.open_program.code}", retries=20)
    assert _buttons_in_capitals(user) == []


async def test_the_english_staff_list_names_its_checkboxes_in_english(user: User) -> None:
    world = staff_list.centre_with_applications(count=2)
    await staff_list.sign_in(user)
    await user.open("/langue/en?suite=/gestion/candidatures")
    await user.should_see("2 applications")
    with user:  # the rows are the table's data; its row template labels each checkbox with the row's ``_label``
        table = user.find(marker="applications").elements.pop()
    box = next(row for row in table.rows if row["id"] == world["ids"][0])  # type: ignore[attr-defined]
    assert ':aria-label="props.row._label"' in table.slots["body"].template
    assert box["_label"].startswith("Select dossier ")


async def test_the_staff_list_uses_the_whole_width_and_its_search_box_holds_its_label(user: User) -> None:
    staff_list.centre_with_applications(count=1)
    await staff_list.sign_in(user)
    await user.open("/gestion/candidatures")
    await user.should_see("1 candidature")
    with user:
        main = user.find(marker="main").elements.pop()
        search = user.find(marker="search").elements.pop()
    assert "ec-container-wide" in main.classes  # max-width: none in ecandidat.css
    assert "ec-search" in search.classes  # at least 28rem, or the whole width on a phone
    await user.open("/")  # the other pages keep their reading width
    with user:
        assert "ec-container-wide" not in user.find(marker="main").elements.pop().classes


def _breakable_french_spaces(user: User) -> list[str]:
    """The page's texts (elements and HTML blocks) where a plain space sits before « : ; ? ! » or inside « »."""
    with user:
        elements = list(user.client.layout.descendants())
    texts = [e.text for e in elements if isinstance(getattr(e, "text", None), str)]
    texts += [e.props["label"] for e in elements if isinstance(e.props.get("label"), str)]
    texts.append(page_blocks(user).text)
    return [t for t in texts if re.search(r" [:;?!»]|« ", t)]


async def test_french_pages_keep_their_double_signs_on_the_line_of_the_word_before(user: User, setup: Setup) -> None:
    await user.open("/")
    await user.should_see("Master Chimie")
    assert f"Code{NBSP}: " in page_blocks(user).text
    assert _breakable_french_spaces(user) == []
    await user.open(f"/formations/{setup.open_program.code}")
    await user.should_see("Master Chimie")
    assert _breakable_french_spaces(user) == []
    await user.open("/connexion")
    await user.should_see(marker="sign-in")
    assert _breakable_french_spaces(user) == []
