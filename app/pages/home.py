"""Home page (temporary minimal version, replaced by the shared frame and the offer listing)."""

from nicegui import ui


def register() -> None:
    @ui.page("/")
    def home() -> None:
        ui.label("eCandidat")
