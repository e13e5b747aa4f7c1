"""Semantic text elements (headings, paragraphs, list items): screen readers navigate by them."""

from collections.abc import Iterable, Sequence
from html import escape

from nicegui import ui
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


def live_paragraph(marker: str, *, alert: bool = False) -> Text:
    """An empty paragraph read out when its text is set: news (``role=status``), or a refusal (``alert``, in red)."""
    line = paragraph("").mark(marker)
    if alert:
        line.classes("text-negative")
    line.props["role"] = "alert" if alert else "status"
    return line


def list_item(text: str) -> Text:
    return Text(text, "li")


# --- Static blocks ----------------------------------------------------------------------------------------------
# Text that never changes once drawn is written as escaped HTML into one element: each NiceGUI element costs a
# Python object, its observable props/classes/style and its share of the page's JSON, and a page of static text
# drawn as dozens of them was most of a page view's cost. Every text goes through ``esc``/``attrs``: no user or
# staff text reaches the page unescaped.


def esc(text: str) -> str:
    """``text`` as HTML text content (apostrophes stay readable; ``<``, ``>``, ``&`` are escaped)."""
    return escape(text, quote=False)


def attrs(**attributes: str | None) -> str:
    """`` name="value"`` pairs, escaped; ``class_`` gives ``class``, ``aria_label`` gives ``aria-label``; None is left
    out."""
    return "".join(
        f' {name.rstrip("_").replace("_", "-")}="{escape(value, quote=True)}"'
        for name, value in attributes.items()
        if value is not None
    )


def tag(name: str, inner_html: str = "", /, **attributes: str | None) -> str:
    """``<name …>inner_html</name>``; ``inner_html`` must already be escaped (``esc``) or built by ``tag``."""
    return f"<{name}{attrs(**attributes)}>{inner_html}</{name}>"


def text_tag(name: str, text: str, /, **attributes: str | None) -> str:
    return tag(name, esc(text), **attributes)


def link_tag(text: str, href: str, /, **attributes: str | None) -> str:
    """An ``<a>`` styled as NiceGUI's links."""
    return text_tag(
        "a",
        text,
        href=href,
        class_=" ".join(filter(None, ("nicegui-link", attributes.pop("class_", None)))),
        **attributes,
    )


def text_table(caption: str, headers: Sequence[str], rows: Iterable[tuple[str, Sequence[str]]]) -> str:
    """A read-only ``ec-table``: a caption, column headers, and each row ``(data-mark, cells)`` in plain text."""
    head = tag("tr", "".join(text_tag("th", header, scope="col") for header in headers))
    body = "".join(tag("tr", "".join(text_tag("td", cell) for cell in cells), data_mark=mark) for mark, cells in rows)
    return tag("table", text_tag("caption", caption) + tag("thead", head) + tag("tbody", body), class_="ec-table")


def static_block(markup: str, wrapper: str = "div") -> ui.html:
    """One element holding ``markup`` (already escaped by the helpers above) inside ``<wrapper>``."""
    return ui.html(markup, sanitize=False, tag=wrapper)
