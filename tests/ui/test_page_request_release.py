"""A connected page lets go of the HTTP request it was built from (app/ui/runtime_tuning.py, lever 4) and still
reads what it needs from it: the address, the headers, the session and the reader's storage."""

from nicegui import app, context, ui
from nicegui.testing import User
from starlette.requests import empty_receive

from app.ui.page import page


async def test_a_connected_page_keeps_reading_its_request_after_releasing_its_call_chain(user: User) -> None:
    seen: list[str] = []

    @page("/essai-requete")
    async def request_page() -> None:
        app.storage.user["essai"] = "gardé"

        def read() -> None:
            request = context.client.request
            seen.append(request.url.path)
            seen.append(str("host" in request.headers))
            seen.append(str("id" in request.session))
            seen.append(app.storage.user["essai"])  # the storage is found through the listener's request
            ui.label("lu").mark("read-done")

        ui.button("Lire", on_click=read).mark("read")

    await user.open("/essai-requete")
    request = user.client.request
    assert request._receive is empty_receive  # released when the page connected
    assert not any(key.startswith("fastapi_") for key in request.scope)
    listeners = [
        listener for element in user.client.elements.values() for listener in element._event_listeners.values()
    ]
    assert listeners and all(listener.request._receive is empty_receive for listener in listeners)
    user.find(marker="read").click()
    await user.should_see(marker="read-done")
    assert seen == ["/essai-requete", "True", "True", "gardé"]
