"""``action_button`` (app/ui/buttons.py): the browser gets the element ``ui.button`` would give it."""

from nicegui import Client, ui
from nicegui.page import page

from app.ui.buttons import action_button


def _drawn(element: ui.element) -> dict:
    drawn = element._to_dict()
    for event in drawn.get("events", []):
        event.pop("listener_id")  # a fresh id per listener
    return drawn


def test_the_light_button_is_drawn_as_ui_button_draws_it() -> None:
    clicks: list[str] = []
    client = Client(page("/essai-boutons"))
    try:
        with client:
            ui.button.default_props("no-caps")  # as app/server.py sets it for every button
            reference = ui.button("Ajouter des fichiers", icon="upload_file", on_click=lambda: clicks.append("ui"))
            light = action_button("Ajouter des fichiers", icon="upload_file", on_click=lambda: clicks.append("light"))
            plain = action_button("Se déconnecter", on_click=lambda: None)
        assert _drawn(light) == _drawn(reference)
        assert light.text == reference.text == "Ajouter des fichiers"
        assert "icon" not in plain.props and plain.props["color"] == "primary" and plain.props["no-caps"] is True
        listener = next(iter(light._event_listeners.values()))
        light._handle_event({"listener_id": listener.id, "args": None})  # as a click from the browser arrives
        assert clicks == ["light"]
    finally:
        ui.button.default_props(remove="no-caps")
        client.delete()
