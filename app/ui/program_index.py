"""``program_links``: the index of a staff screen's programmes (rankings, waiting lists, interviews), one link each."""

from collections.abc import Sequence

from nicegui import ui

from app.ui.text import paragraph


def program_links(links: Sequence[tuple[int, str]], path: str, marker: str, empty: str) -> None:
    """A link per programme (its id, the link's text) to ``path`` formatted with ``program_id`` and marked
    ``program-ID``, in a list marked ``marker``; ``empty`` (marked ``no-program``) when there is none."""
    if not links:
        paragraph(empty).mark("no-program")
        return
    with ui.element("ul").classes("list-disc ml-6").mark(marker):
        for program_id, text in links:
            with ui.element("li"):
                ui.link(text, path.format(program_id=program_id)).mark(f"program-{program_id}")
