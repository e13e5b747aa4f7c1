"""The HTML allow-list of mail bodies: bodies are HTML written by staff and sent to candidates.

:func:`html_problems` lists what the allow-list refuses (for the editor, at save) and :func:`clean_html` filters
every rendered body through it (``nh3``).
"""

import re
from collections.abc import Iterable
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = frozenset(nh3.ALLOWED_TAGS)
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    tag: frozenset(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()
} | {"*": frozenset({"lang", "title", "dir", "style"})}
URL_ATTRIBUTES = frozenset({"href", "src", "cite", "action", "formaction", "background", "poster", "longdesc"})
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
STYLE_PROPERTIES = frozenset(
    {
        "color", "background-color", "font-family", "font-size", "font-style", "font-weight", "line-height",
        "text-align", "text-decoration", "text-transform", "vertical-align", "white-space",
        "margin", "margin-top", "margin-right", "margin-bottom", "margin-left",
        "padding", "padding-top", "padding-right", "padding-bottom", "padding-left",
        "border", "border-top", "border-right", "border-bottom", "border-left", "border-color", "border-style",
        "border-width", "border-radius", "border-collapse", "border-spacing",
        "width", "max-width", "min-width", "height", "display",
    }
)  # fmt: skip

_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    filter_style_properties=set(STYLE_PROPERTIES),
    link_rel=None,  # links keep the markup the template wrote
    strip_comments=True,
)


def clean_html(markup: str) -> str:
    """A rendered body through the allow-list: no script, no event attribute, no ``javascript:`` link."""
    return _CLEANER.clean(markup)


_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
_JINJA = "\ue000"  # stands for a Jinja tag or expression while the HTML around it is checked


class _HtmlCheck(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def _found(self, problem: str) -> None:
        if problem not in self.problems:
            self.problems.append(problem)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if _JINJA in tag:
            return  # a tag name written by the template: clean_html filters what it renders
        if tag not in ALLOWED_TAGS:
            self._found(f"<{tag}>")
            return
        allowed = ALLOWED_ATTRIBUTES.get(tag, frozenset()) | ALLOWED_ATTRIBUTES["*"]
        for name, value in attrs:
            if _JINJA in name:
                continue
            if name not in allowed:
                self._found(name)
            elif name in URL_ATTRIBUTES and value:
                scheme = _SCHEME.match(_INVISIBLE.sub("", value).lower())
                if scheme and scheme.group(1) not in URL_SCHEMES:
                    self._found(f"{scheme.group(1)}:")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def html_problems(source: str, tokens: Iterable[tuple[int, str, str]]) -> list[str]:
    """What the HTML of a body template holds outside the allow-list: ``<script>``, ``onclick``, ``javascript:``…

    ``tokens`` are the template's Jinja tokens (``environment.lexer.tokeniter``); every Jinja tag or
    expression is replaced by a neutral character, so only the HTML the author wrote is judged.
    """
    text = "".join(value if kind == "data" else _JINJA for _line, kind, value in tokens if value)
    check = _HtmlCheck()
    check.feed(re.sub(f"{_JINJA}+", _JINJA, text))
    check.close()
    return check.problems
