"""Semantic text elements (headings, paragraphs, list items): screen readers navigate by them."""

from nicegui.elements.mixins.text_element import TextElement


class Text(TextElement):
    """A text element with an HTML tag of our choice (``ui.label`` is always a ``div``)."""

    def __init__(self, text: str, tag: str = "p") -> None:
        super().__init__(tag=tag, text=text)

    def _render_markdown(self) -> str:
        return self._text or ""


def heading(text: str, level: int) -> Text:
    """``<h2>``…``<h6>``; the frame writes the page's one ``<h1>``."""
    if not 2 <= level <= 6:
        raise ValueError("the frame writes the h1; use levels 2 to 6")
    return Text(text, f"h{level}")


def paragraph(text: str) -> Text:
    return Text(text, "p")


def list_item(text: str) -> Text:
    return Text(text, "li")
