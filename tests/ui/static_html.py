"""Read what pages draw as escaped HTML blocks (``app.ui.text.static_block``) in screen tests.

NiceGUI's simulated user finds elements and their text; text drawn inside one HTML block is found by
``user.should_see`` too, but its structure (headings, marked items, links) is read here: the block's markup is
parsed, and ``data-mark`` attributes play the part of markers.
"""

import asyncio
from dataclasses import dataclass, field
from html.parser import HTMLParser

from nicegui import ui
from nicegui.testing import User

from app.ui.text import Text

_VOID = {"br", "hr", "img", "input", "meta", "link", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list["Node | str"] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def walk(self) -> "list[Node]":
        found = [self]
        for child in self.children:
            if isinstance(child, Node):
                found += child.walk()
        return found

    def find(self, tag: str | None = None, **attrs: str) -> "list[Node]":
        return [
            n
            for n in self.walk()
            if (tag is None or n.tag == tag) and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(markup: str) -> Node:
    builder = _Builder()
    builder.feed(markup)
    builder.close()
    return builder.root


def page_blocks(user: User) -> Node:
    """Every HTML block of the page, in document order, under one root."""
    root = Node("#page")
    with user:
        for element in user.client.layout.descendants():
            if isinstance(element, ui.html):
                root.children += parse(element.content).children
    return root


def marked(user: User, mark: str) -> Node | None:
    found = page_blocks(user).find(data_mark=mark)
    return found[0] if found else None


def headings(user: User, level: int) -> list[str]:
    """The page's ``<hN>`` texts in document order, whether drawn as elements or inside HTML blocks."""
    texts: list[str] = []
    with user:
        for element in user.client.layout.descendants():
            if isinstance(element, Text) and element.tag == f"h{level}":
                texts.append(element.text)
            elif isinstance(element, ui.html):
                texts += [n.text for n in parse(element.content).find(f"h{level}")]
    return texts


async def should_see_marked(
    user: User, mark: str, *, retries: int = 3, timeout: float | None = None, containing: str | None = None
) -> Node:
    """Like ``user.should_see(marker=…)`` for an item of an HTML block (``data-mark``), waiting as it does.

    ``timeout``: for an item that no handler of the test's own waits for (a live update, drawn when a change
    committed elsewhere has been announced and read again in a worker thread), look until it appears, for up to
    that many seconds however busy the machine is, instead of ``retries`` looks 0.1 s apart.
    ``containing``: the item must also read this text (an item already drawn that a live update redraws)."""
    loop = asyncio.get_running_loop()
    deadline = None if timeout is None else loop.time() + timeout
    looks = 0
    node = None
    while True:
        node = marked(user, mark)
        if node is not None and (containing is None or containing in node.text):
            return node
        looks += 1
        if (looks >= retries) if deadline is None else (loop.time() >= deadline):
            break
        await asyncio.sleep(0.1)
    if node is not None:
        raise AssertionError(f"the item marked {mark!r} reads {node.text!r}, expected it to contain {containing!r}")
    raise AssertionError(f"expected to see an item marked {mark!r} in the page's HTML blocks")


def follow_marked(user: User, mark: str) -> None:
    """Click the link marked ``mark`` in the page's HTML blocks, as ``user.find(...).click()`` does a ``ui.link``."""
    node = marked(user, mark)
    assert node is not None and node.tag == "a", f"no link marked {mark!r} in the page's HTML blocks"
    with user.client:
        user.navigate.to(node.attrs["href"])
