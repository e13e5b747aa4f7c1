"""Statuses: one colour per status on every screen, each colour readable (WCAG 2.1 AA), never the colour alone."""

from collections import defaultdict

import pytest
from nicegui import app
from nicegui.testing import User

from app.models import DocumentStatus
from app.ui.statuses import ALL_LOOKS, BRAND_COLOURS, DOSSIER_LOOKS, PIECE_LOOKS, SECTION_COMPLETE, Tone
from tests.ui import test_applications_pages as application_pages
from tests.ui.static_html import Node, page_blocks, should_see_marked
from tests.ui.test_applications_pages import Setup, apply, sign_in

setup = application_pages.setup  # a candidate with a complete dossier, an open programme asking for one piece

WHITE = "#ffffff"
# The light backgrounds a status may be written on: white, the footer's and cards' blue-white, a table row hovered.
BACKGROUNDS = (WHITE, "#f5f5fe", "#f3f3f9")


def _luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of ``#rrggbb``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_contrast_formula_matches_known_ratios() -> None:
    assert contrast("#000000", WHITE) == pytest.approx(21)
    assert contrast("#21ba45", WHITE) == pytest.approx(2.56, abs=0.02)  # Quasar's « positive », which failed


@pytest.mark.parametrize("look", ALL_LOOKS, ids=lambda look: look.label)
def test_every_status_colour_passes_aa_as_text_and_behind_white_text(look) -> None:
    for background in BACKGROUNDS:
        assert contrast(look.colour, background) >= 4.5, (look.label, background)


@pytest.mark.parametrize("name", ["positive", "negative", "info"])
def test_quasar_brand_colours_written_white_on_or_on_white_pass_aa(name: str) -> None:
    assert contrast(BRAND_COLOURS[name], WHITE) >= 4.5


def test_warning_stays_light_for_the_dark_text_quasar_writes_on_it() -> None:
    assert contrast(BRAND_COLOURS["warning"], "#1d1d1d") >= 4.5


def test_one_status_has_one_colour_wherever_it_is_shown() -> None:
    colours: dict[str, set[str]] = defaultdict(set)
    for look in ALL_LOOKS:
        colours[look.label].add(look.colour)
    assert {label: found for label, found in colours.items() if len(found) > 1} == {}
    assert PIECE_LOOKS[DocumentStatus.PENDING].colour != PIECE_LOOKS[DocumentStatus.VALIDATED].colour
    # Within one kind of status, each has a colour of its own.
    assert len({look.tone for look in PIECE_LOOKS.values()}) == len(PIECE_LOOKS)
    assert len({look.tone for look in DOSSIER_LOOKS.values()}) == len(DOSSIER_LOOKS)


async def test_the_portal_gives_quasar_the_status_colours(user: User) -> None:
    await user.open("/")
    brand = app.config.quasar_config["brand"]
    assert brand["positive"] == Tone.DONE.value and brand["negative"] == Tone.REFUSED.value
    assert brand["info"] == Tone.IN_PROGRESS.value and brand["primary"] == "#000091"


async def test_a_pending_piece_has_the_same_colour_in_its_card_and_in_the_list(user: User, setup: Setup) -> None:
    """« En attente » was a blue badge (like « Validée ») in the piece's card and red in the list of pieces."""
    application = apply(setup)
    await sign_in(user, setup.email, f"/candidat/candidatures/{application.id}")
    pending = PIECE_LOOKS[DocumentStatus.PENDING]
    badge = await should_see_marked(user, "piece-status")
    assert "q-badge" in badge.attrs["class"] and badge.text == "En attente"
    assert badge.attrs["style"] == f"background-color: {pending.colour}; color: #fff"
    listed = [node for node in (await _piece_items(user)) if "Curriculum vitae" in node.text]
    assert len(listed) == 1
    (strong,) = listed[0].find("strong")
    assert strong.text == "En attente" and strong.attrs["style"] == f"color: {pending.colour}"


async def _piece_items(user: User) -> list[Node]:
    await should_see_marked(user, "missing-count")
    return [li for li in page_blocks(user).find("li") if li.attrs.get("data-mark", "").startswith("piece-")]


async def test_a_complete_section_of_the_dossier_is_written_in_the_complete_colour(user: User, setup: Setup) -> None:
    await sign_in(user, setup.email, "/candidat")
    await user.should_see(marker="personal-complete")
    label = user.find(marker="personal-complete").elements.pop()
    assert label.text == "Complet" and label.style["color"] == SECTION_COMPLETE.colour
