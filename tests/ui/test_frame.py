"""The shared frame: landmarks, skip link, one h1, page title and <html lang> in the reader's language."""

import html
import re

import pytest
from nicegui import ui
from nicegui.testing import User

from app.ui.frame import MAIN_ID
from tests.ui.static_html import follow_marked, headings, marked, page_blocks


def _headings(user: User, level: int) -> list[str]:
    return headings(user, level)


async def test_skip_link_comes_first_and_targets_the_main_landmark(user: User) -> None:
    await user.open("/")
    skip = marked(user, "skip-link")
    assert skip is not None and skip.tag == "a"
    assert skip.text == "Aller au contenu"
    assert skip.attrs["href"] == f"#{MAIN_ID}"
    assert page_blocks(user).find("a")[0].attrs.get("data-mark") == "skip-link"  # the first link of the HTML
    main = user.find(marker="main").elements.pop()
    assert main.tag == "main"
    assert main.props["id"] == MAIN_ID
    # No focusable element precedes the block that holds the skip link.
    with user:
        elements = list(user.client.layout.descendants())
    block = user.find(marker="brand").elements.pop()
    focusable = [e for e in elements if isinstance(e, ui.link | ui.button | ui.input)]
    assert all(elements.index(e) > elements.index(block) for e in focusable)


async def test_landmarks_and_footer_links(user: User) -> None:
    await user.open("/")
    with user:
        tags = [e.props.get("tag") if isinstance(e, ui.html) else e.tag for e in user.client.layout.descendants()]
    assert {"header", "main", "footer"} <= set(tags)
    footer = page_blocks(user).find(data_mark="footer-faq")
    assert footer, "the footer's links are drawn"
    assert page_blocks(user).find("nav", aria_label="Pied de page")
    # Quasar's q-page renders a <main> of its own: it is drawn as a div, so the page has one main landmark.
    assert tags.count("main") == 1 and "q-page" not in tags
    await user.should_see("Université d'Orléans")  # the institution, from the settings
    await user.should_see("Accessibilité : partiellement conforme")
    await user.should_see("Mentions légales")
    await user.should_see("Données personnelles")
    assistance = marked(user, "footer-assistance")
    assert assistance is not None
    assert assistance.attrs["href"] == "mailto:assistance-ecandidat@univ-orleans.example"


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/", "Université d'Orléans : candidater à une formation"),
        ("/accessibilite", "Déclaration d'accessibilité"),
        ("/mentions-legales", "Mentions légales"),
        ("/donnees-personnelles", "Données personnelles"),
    ],
)
async def test_every_page_has_one_h1_and_its_own_title(user: User, path: str, title: str) -> None:
    await user.open(path)
    assert _headings(user, 1) == [title]
    page = html.unescape((await user.http_client.get(path)).text)
    assert re.search(r"<title>[^<]+ – eCandidat – Université d'Orléans</title>", page)
    assert '<html lang="fr"' in page


async def test_footer_pages_open(user: User) -> None:
    await user.open("/")
    link = marked(user, "footer-accessibility")
    assert link is not None and "aria-current" not in link.attrs
    await user.open(link.attrs["href"])
    await user.should_see("Voies de recours")
    await user.should_see("Défenseur des droits", retries=1)
    current = marked(user, "footer-accessibility")
    assert current is not None and current.attrs["aria-current"] == "page"
    await user.open("/mentions-legales")
    await user.should_see("Hébergement")
    await user.open("/donnees-personnelles")
    await user.should_see("le journal des connexions et des consultations de votre dossier est conservé 365 jours")
    await user.should_see("effacée 30 jours après leur envoi")


async def test_switching_to_english_changes_text_title_and_html_lang(user: User) -> None:
    await user.open("/accessibilite")
    follow_marked(user, "lang-en")
    await user.should_see("Accessibility statement", retries=20)  # the link reloads the page in the new language
    await user.should_see("Skip to content")
    await user.should_see("Accessibility: partially compliant")
    assert _headings(user, 1) == ["Accessibility statement"]
    response = await user.http_client.get("/accessibilite")
    assert '<html lang="en-GB"' in response.text
    assert "<title>Accessibility statement – eCandidat" in response.text

    follow_marked(user, "lang-fr")
    await user.should_see("Déclaration d'accessibilité", retries=20)  # the link reloads the page in the new language
    response = await user.http_client.get("/accessibilite")
    assert '<html lang="fr"' in response.text


async def test_the_legal_notice_names_the_configured_publisher_and_host(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.config import reset_settings

    monkeypatch.setenv("ECANDIDAT_LEGAL_PUBLISHER_ADDRESS", "Château de la Source, 45100 Orléans")
    monkeypatch.setenv("ECANDIDAT_LEGAL_PUBLICATION_DIRECTOR", "Le président de l'université")
    monkeypatch.setenv("ECANDIDAT_LEGAL_HOST", "Direction du numérique, rue de Chartres, 45100 Orléans")
    reset_settings()
    await user.open("/mentions-legales")
    await user.should_see("Adresse : Château de la Source, 45100 Orléans")
    await user.should_see("Le président de l'université")
    await user.should_see("Hébergeur : Direction du numérique, rue de Chartres, 45100 Orléans")
    await user.should_not_see("ou par le prestataire qu'elle a désigné")


@pytest.mark.parametrize("path", ["/", "/accessibilite"])
async def test_language_links_names_start_with_their_visible_text(user: User, path: str) -> None:
    """Voice-control users say what they see: « FR » must be the start of the link's name (WCAG 2.5.3)."""
    await user.open(path)
    for code, own_name in (("fr", "Français"), ("en", "English")):
        link = marked(user, f"lang-{code}")
        assert link is not None
        visible = link.text.strip()
        assert visible == code.upper()
        assert link.attrs["aria-label"] == f"{visible} – {own_name}"
        assert link.attrs["lang"] == code and link.attrs["hreflang"] == code
