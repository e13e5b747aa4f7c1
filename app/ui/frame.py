"""The shared frame of every page: skip link, header, the main landmark with the page's h1, footer.

Usage (NiceGUI's modularization pattern)::

    @ui.page("/somewhere")
    def somewhere() -> None:
        with frame(_("Titre de la page")):
            ...

Accessibility (RGAA 4 / WCAG 2.1 AA) handled here once for all pages: ``<html lang>`` follows the reader's
language, ``<title>`` names the page, a skip link is the first focusable element, the landmarks are real
``header``/``nav``/``main``/``footer`` elements, exactly one ``h1``, a visible focus ring and contrasted colours
(app/static/ecandidat.css).
"""

import copy
import functools
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from nicegui import context, run, ui

from app.config import get_settings
from app.i18n import LANGUAGES, _, use_language
from app.services.platform import process_cache
from app.ui import routes
from app.ui.accessibility_status import FOOTER_LABELS
from app.ui.account_menu import account_controls, account_link, load_roles
from app.ui.banner import banners
from app.ui.session import current_identity, current_language
from app.ui.text import link_tag, static_block, tag, text_tag

MAIN_ID = "contenu"
# Quasar language packs (they also drive <html lang>): British English to match the 24-hour dates.
_QUASAR_LANGUAGE = {"fr": "fr", "en": "en-GB"}
# Inlined in <head> so the skip link is hidden before any script runs.
_CSS = (Path(__file__).resolve().parents[1] / "static" / "ecandidat.css").read_text(encoding="utf-8")

FOOTER_LINKS = (
    (routes.FAQ, "footer-faq"),
    (routes.ACCESSIBILITY, "footer-accessibility"),
    (routes.LEGAL_NOTICE, "footer-legal"),
    (routes.PERSONAL_DATA, "footer-privacy"),
)


# Per route, its page settings in each language (shared by every client reading it in that language).
_served: "weakref.WeakKeyDictionary[Any, dict[str, Any]]" = weakref.WeakKeyDictionary()


def _serve_in(lang: str) -> None:
    """Serve this client the route's page settings in the reader's language.

    NiceGUI takes ``<html lang>`` and Quasar's language from the ``@ui.page`` object shared by every visitor;
    a copy per language, given to the client before the response is built, lets one route serve French and
    English readers.
    """
    client = context.client
    copies = _served.setdefault(client.page, {})
    if lang not in copies:
        page = copy.copy(client.page)
        page.language = _QUASAR_LANGUAGE[lang]  # type: ignore[assignment]
        copies[lang] = page
    client.page = copies[lang]


def _current_path() -> str:
    request = context.client.request
    if request is None:
        return context.client.page.path
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def switch_href(code: str, current_path: str) -> str:
    """The language link: ``/langue/{code}`` (app/pages/language.py) sets it, then brings the reader back."""
    return routes.LANGUAGE.format(code=code) + f"?suite={quote(current_path)}"


def language_links(current: str, here: str) -> str:
    """The FR/EN links as one labelled group (escaped HTML). Each link's name starts with its visible text, then
    says the language in its own words (« FR – Français »): a voice-control user says what they see (WCAG 2.5.3)."""
    links = "".join(
        link_tag(
            code.upper(),
            switch_href(code, here),
            aria_label=f"{code.upper()} – {name}",
            lang=code,
            hreflang=code,
            aria_current="true" if code == current else None,
            class_="ec-lang-link font-bold" if code == current else "ec-lang-link",
            data_mark=f"lang-{code}",
        )
        for code, name in LANGUAGES.items()
    )
    return tag("div", links, role="group", aria_label=_("Langue"), class_="ec-lang-group flex items-center gap-1")


def _header_links(lang: str) -> None:
    """Skip link, brand, language links and who is signed in: one element (``display: contents`` keeps the header's flex
    layout); the controls that need a handler (role switch, sign-out) follow it."""
    settings = get_settings()
    identity = current_identity()
    brand = tag(
        "div",
        link_tag("eCandidat", routes.HOME, class_="ec-brand", aria_label=_("eCandidat, accueil"))
        + text_tag("span", settings.institution_name, class_="ec-institution"),
        class_="flex flex-col",
    )
    # The skip link is the first focusable element of every page (RGAA 12.7).
    skip = link_tag(_("Aller au contenu"), f"#{MAIN_ID}", class_="ec-skip-link", data_mark="skip-link")
    markup = skip + brand + language_links(lang, _current_path()) + account_link(identity)
    block = static_block(markup).classes("contents")
    block.mark("brand", "signed-in-name" if identity is not None else "sign-in-link")


def _footer_labels(accessibility_status: str) -> dict[str, str]:
    return {
        "footer-faq": _("Foire aux questions"),
        "footer-accessibility": _(FOOTER_LABELS[accessibility_status]),
        "footer-legal": _("Mentions légales"),
        "footer-privacy": _("Données personnelles"),
    }


def footer_html(current_path: str) -> str:
    """The footer's links (the current page's marked ``aria-current``) and the institution, as escaped HTML:
    one string per language and route, shared by every page showing it (each open page keeps its own)."""
    settings = get_settings()
    return _footer_html(
        current_language(),
        current_path,
        settings.institution_name,
        settings.assistance_email,
        settings.accessibility_status,
    )


@functools.lru_cache(maxsize=256)
def _footer_html(
    lang: str, current_path: str, institution_name: str, assistance_email: str, accessibility_status: str
) -> str:
    with use_language(lang):
        return _build_footer_html(current_path, institution_name, assistance_email, accessibility_status)


def _build_footer_html(
    current_path: str, institution_name: str, assistance_email: str, accessibility_status: str
) -> str:
    labels = _footer_labels(accessibility_status)
    items = "".join(
        tag(
            "li",
            link_tag(labels[marker], href, aria_current="page" if href == current_path else None, data_mark=marker),
        )
        for href, marker in FOOTER_LINKS
    )
    items += tag(
        "li",
        link_tag(
            _("Assistance : {email}").format(email=assistance_email),
            f"mailto:{assistance_email}",
            data_mark="footer-assistance",
        ),
    )
    return tag(
        "div",
        tag("nav", tag("ul", items), aria_label=_("Pied de page")) + text_tag("p", f"eCandidat · {institution_name}"),
        class_="ec-container",
    )


async def prepare_frame() -> None:
    """Read what the frame shows from the database in a worker thread, before a page draws (see app.ui.page)."""
    await load_roles(current_identity())
    if not process_cache.all_fresh():  # the banners, the parameters: read at most every few seconds
        await run.io_bound(process_cache.warm_all)


# The h1 block of each page being drawn: what follows the heading directly may join its element.
_headings: "weakref.WeakKeyDictionary[Any, ui.html]" = weakref.WeakKeyDictionary()


def add_to_heading(markup: str) -> bool:
    """Append ``markup`` (escaped HTML) to the page's h1 block when nothing has been drawn after it yet: one
    element fewer, kept in memory for as long as the page is open. False: draw it yourself."""
    heading = _headings.get(context.client)
    children = context.slot.children
    if heading is None or not children or children[-1] is not heading:
        return False
    heading.content = _joined(heading.content, markup)
    return True


@functools.lru_cache(maxsize=512)
def _joined(first: str, second: str) -> str:
    """``first + second``, one string for the pages that show the same heading and nav."""
    return first + second


@contextmanager
def frame(title: str, *, h1: str | None = None, wide: bool = False) -> Iterator[ui.element]:
    """Draw the frame around the page body; ``title`` names the page in ``<title>`` and, unless ``h1`` says
    otherwise, in its one ``<h1>``. ``wide`` lets a page of tables (the staff list) use the window's whole width.
    Yields the main landmark's container."""
    settings = get_settings()
    lang = current_language()
    _serve_in(lang)
    ui.page_title(f"{title} – eCandidat – {settings.institution_name}")
    ui.add_head_html(f"<style>{_CSS}</style>")
    context.client.content.classes("ec-page")
    # NiceGUI wraps every page in Quasar's q-page, which renders a <main>: drawn as a plain div, it leaves one main
    # landmark per page, ours, with the header and footer outside it (RGAA 12.6).
    q_page = context.client.content.parent_slot.parent if context.client.content.parent_slot else None
    if q_page is not None and q_page.tag == "q-page":
        q_page.tag = "div"
        q_page.classes("q-page")

    # Few wrappers: every element is kept in memory for as long as the page stays open (the header's and main's
    # centring is in the stylesheet, the language group pushes itself and the account to the right).
    with ui.element("header").classes("ec-header flex flex-wrap items-center gap-x-6 gap-y-2").mark("header"):
        _header_links(lang)
        account_controls()

    # tabindex=-1 lets the skip link move the keyboard focus into the main content.
    main_classes = "ec-container ec-container-wide" if wide else "ec-container"
    with ui.element("main").props(f"id={MAIN_ID} tabindex=-1").classes(main_classes).mark("main") as container:
        banners()  # information / maintenance messages, under the header
        _headings[context.client] = static_block(text_tag("h1", h1 or title)).mark("h1")
        yield container
    static_block(footer_html(context.client.page.path), "footer").classes("ec-footer").mark("footer")
