"""The head of the offer's lists by centre (committees, programmes): who may edit which centre, the centre filter,
the « Nouvelle … pour CENTRE » links and the read-only note."""

from collections.abc import Sequence
from typing import Any

from nicegui import ui
from sqlmodel import Session

from app.i18n import _
from app.services.offer import rights as offer_rights
from app.services.platform import Actor
from app.ui.offer_admin import label_of
from app.ui.text import paragraph


def centre_rights(session: Session, actor: Actor) -> tuple[list[Any], dict[int, bool]]:
    """The centres the actor sees and, for each id, whether the actor may edit its offer."""
    centres = offer_rights.centres_of(session, actor=actor)
    return centres, {c.id or 0: offer_rights.may_edit(session, actor=actor, centre_id=c.id or 0) for c in centres}


def centre_filter(centres: Sequence[Any], centre_id: int | None, path: str) -> None:
    """« Composante » (when there is more than one): choosing one opens ``path?composante=ID``."""
    if len(centres) <= 1:
        return
    ui.select(
        {0: _("Toutes les composantes"), **{c.id: f"{c.code} – {label_of(c)}" for c in centres}},
        label=_("Composante"),
        value=centre_id or 0,
        on_change=lambda e: ui.navigate.to(f"{path}?composante={e.value}" if e.value else path),
    ).props("outlined").classes("w-full max-w-lg").mark("centre-filter")


def creatable(centres: Sequence[Any], editable: dict[int, bool], centre_id: int | None) -> list[Any]:
    """The active centres shown (all, or the one chosen) where the actor may add to the offer."""
    return [c for c in centres if editable.get(c.id or 0) and c.is_active and centre_id in (None, c.id)]


def new_links(centres: Sequence[Any], text: str, path: str, marker: str) -> None:
    """One « Nouvelle … pour CENTRE » link a centre (``text`` holds ``{centre}``), to ``path?composante=ID``."""
    for centre in centres:
        ui.link(text.format(centre=centre.code), f"{path}?composante={centre.id}").mark(f"{marker}-{centre.code}")


def read_only_offer_note() -> None:
    paragraph(_("Lecture seule : la scolarité centrale n'a pas autorisé votre composante à modifier son offre.")).mark(
        "read-only-note"
    )
