"""The information or maintenance banners at the top of every page (drawn by the frame).

Candidates and visitors see every current banner; staff only those flagged for them. Each banner is a live region
(``role=status`` for information, ``role=alert`` for maintenance) whose level is written out, not only coloured.
The announcements come from an in-process cache: no query on every page.
"""

from nicegui import ui

from app.i18n import _
from app.models import AnnouncementLevel
from app.services.platform import announcements
from app.ui.session import current_identity, current_language
from app.ui.text import Text

# Light backgrounds with dark text (contrast well above 4.5:1), and a strong left border.
_STYLES = {
    AnnouncementLevel.INFORMATION: "background:#e8edff;border-left:6px solid #000091;color:#161616",
    AnnouncementLevel.MAINTENANCE: "background:#fff4e5;border-left:6px solid #b34000;color:#161616",
}


def banners() -> None:
    """Draw the current banners for the person on this page (nothing when there is none)."""
    identity = current_identity()
    items = announcements.current_banners(staff=identity is not None and identity.kind == "staff")
    if not items:
        return
    language = current_language()
    with ui.element("div").classes("w-full flex flex-col gap-2 mt-3").mark("banners"):
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
