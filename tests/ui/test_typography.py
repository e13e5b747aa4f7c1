"""Words and typography on screen: buttons in sentence case (#17)."""

from nicegui import ui
from nicegui.testing import User

from tests.ui import test_applications_pages as offer_pages
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
