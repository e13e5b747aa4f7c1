"""The information or maintenance banners at the top of every page (drawn by the frame).

Candidates and visitors see every current banner; staff only those flagged for them. Each banner is a live region
(``role=status`` for information, ``role=alert`` for maintenance) whose level is written out, not only coloured.
The announcements come from an in-process cache: no query on every page.
"""

from nicegui import ui

from app.i18n import _
from app.models import AnnouncementLevel
from app.services.platform import announcements, read_only
from app.ui.dates import format_moment
from app.ui.session import current_identity, current_language
from app.ui.text import Text

# Light backgrounds with dark text (contrast well above 4.5:1), and a strong left border.
_STYLES = {
    AnnouncementLevel.INFORMATION: "background:#e8edff;border-left:6px solid #000091;color:#161616",
    AnnouncementLevel.MAINTENANCE: "background:#fff4e5;border-left:6px solid #b34000;color:#161616",
}
_READ_ONLY_STYLE = "background:#ffe9e6;border-left:6px solid #ce0500;color:#161616"


def _read_only_banner(staff: bool) -> None:
    """The read-only mode, to everyone; staff also read who switched it and when, or why it switched itself."""
    mode = read_only.state()
    if not mode.on:
        return
    with ui.element("div").classes("w-full px-4 py-3 rounded").style(_READ_ONLY_STYLE).mark("banner-read-only") as box:
        box.props["role"] = "alert"
        Text(_("Lecture seule :"), "strong").classes("mr-1")
        Text(_(read_only.BANNER), "span").mark("banner-text")
        if not staff:
            return
        moment = format_moment(mode.since) if mode.since else ""
        if mode.automatic:
            detail = _(
                "Passage automatique le {moment} : la base de données refuse les écritures ({reason}). "
                "Le portail revient à la normale dès qu'une écriture réussit."
            ).format(moment=moment, reason=mode.reason)
        else:
            detail = _("Activée par {name} le {moment}, depuis « Paramètres ».").format(name=mode.by, moment=moment)
        Text(detail, "p").classes("text-sm mt-1").mark("read-only-detail")


def banners() -> None:
    """Draw the current banners for the person on this page (nothing when there is none)."""
    identity = current_identity()
    staff = identity is not None and identity.kind == "staff"
    items = announcements.current_banners(staff=staff)
    if not items and not read_only.state().on:
        return
    language = current_language()
    with ui.element("div").classes("w-full flex flex-col gap-2 mt-3").mark("banners"):
        _read_only_banner(staff)
        for item in items:
            with (
                ui.element("div")
                .classes("w-full px-4 py-3 rounded")
                .style(_STYLES[item.level])
                .mark(f"banner-{item.level.value}") as box
            ):
                box.props["role"] = "alert" if item.level == AnnouncementLevel.MAINTENANCE else "status"
                Text(_("{level} :").format(level=_(announcements.LEVEL_LABELS[item.level])), "strong").classes("mr-1")
                Text(item.message(language), "span").mark("banner-text")
