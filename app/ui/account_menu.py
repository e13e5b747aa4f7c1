"""The right side of the header: sign-in link, or who is signed in and the way out."""

from nicegui import ui

from app.i18n import _
from app.ui.session import current_identity, forget_identity


def account_menu() -> None:
    identity = current_identity()
    if identity is None:
        ui.link(_("Se connecter"), "/connexion").classes("text-white font-medium")
        return
    ui.label(identity.display_name).classes("text-white")

    def sign_out() -> None:
        forget_identity()
        ui.navigate.to("/")

    ui.button(_("Se déconnecter"), on_click=sign_out).props("flat color=white no-caps")
