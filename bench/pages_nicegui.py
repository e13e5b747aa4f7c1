"""A NiceGUI page as a browser sees it, for ``bench/pages.py``: the page's client id and elements, its socket.io
connection (``python-socketio``'s async client, the same transport and query as ``nicegui.js``), the real sign-in
flow (typed into the sign-in form, redirects followed, the final cookies kept) and N connected pages held open."""

import asyncio
import html as htmllib
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
import socketio

# A browser's headers: NiceGUI answers Markdown instead of the page to some user agents and Accept headers.
BROWSER_HEADERS = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130 Safari/537.36",
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "fr-FR,fr;q=0.9",
}
SOCKET_PATH = "/_nicegui_ws/socket.io"
_ELEMENTS = re.compile(r"parseElements\(String\.raw`(.*?)`\)", re.S)
_CLIENT_ID = re.compile(r"""['"]client_id['"]\s*:\s*['"]([0-9a-f-]{36})['"]""")
_NEXT_MESSAGE = re.compile(r"""['"]next_message_id['"]\s*:\s*(\d+)""")
_UNESCAPE = [("&lt;", "<"), ("&gt;", ">"), ("&#96;", "`"), ("&#36;", "$"), ("&amp;", "&")]
SIGN_IN_WORDS = ("Connexion avec un compte eCandidat", "Sign in with an eCandidat account")


class BenchError(RuntimeError):
    """A bench precondition failed (sign-in, a page that is not the expected one): stop with this message."""


@dataclass
class NiceGuiPage:
    client_id: str
    next_message_id: int
    elements: dict[str, Any]

    def find(self, tag: str, **props: str) -> tuple[str, dict[str, Any]]:
        for element_id, element in self.elements.items():
            if element.get("tag") == tag and all(element.get("props", {}).get(k) == v for k, v in props.items()):
                return element_id, element
        raise BenchError(f"no <{tag}> with {props} on the page")

    def listener(self, element: dict[str, Any], event_type: str) -> str:
        for event in element.get("events", []):
            if event["type"] == event_type:
                return event["listener_id"]
        raise BenchError(f"no {event_type!r} listener on <{element.get('tag')}>")

    def text(self) -> str:
        """Every text and prop value of the page's elements, decoded (the page's visible words are in there)."""
        parts: list[str] = []
        for element in self.elements.values():
            if element.get("text"):
                parts.append(str(element["text"]))
            parts.extend(str(v) for v in element.get("props", {}).values() if isinstance(v, str))
        return htmllib.unescape("\n".join(parts))  # ui.html blocks carry escaped HTML in their props


def parse_page(html: str) -> NiceGuiPage:
    match, client = _ELEMENTS.search(html), _CLIENT_ID.search(html)
    if not match or not client:
        raise BenchError("not a NiceGUI page (no elements or client id in the HTML)")
    raw = match.group(1)
    for escaped, plain in _UNESCAPE:
        raw = raw.replace(escaped, plain)
    next_message = _NEXT_MESSAGE.search(html)
    return NiceGuiPage(client.group(1), int(next_message.group(1)) if next_message else 0, json.loads(raw))


# French typography puts no-break spaces before « : ; ? ! »: the words looked for are written with plain ones.
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})


def page_words(html: str) -> str:
    """The words a reader would see: decoded from NiceGUI's elements, or the HTML itself for a plain page (no-break
    spaces read as spaces)."""
    try:
        return parse_page(html).text().translate(_SPACES)
    except (BenchError, ValueError):
        return htmllib.unescape(html).translate(_SPACES)


def cookie_header(cookies: httpx.Cookies) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


class PageSocket:
    """The socket.io connection a page opens (``nicegui.js``: websocket transport, implicit handshake)."""

    def __init__(self, base: str, page: NiceGuiPage, cookies: str, *, verify: bool = True) -> None:
        self.base, self.page, self.cookies = base, page, cookies
        self.sio = socketio.AsyncClient(reconnection=False, ssl_verify=verify)
        self.messages: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self.dropped_at: float | None = None
        self.sio.on("*", self._on_any)
        self.sio.on("disconnect", self._on_disconnect)

    async def _on_any(self, event: str, data: Any = None) -> None:
        await self.messages.put((event, data))

    async def _on_disconnect(self, *_args: Any) -> None:
        self.dropped_at = time.monotonic()

    async def connect(self, timeout: float = 30) -> None:
        query = {
            "client_id": self.page.client_id,
            "next_message_id": self.page.next_message_id,
            "implicit_handshake": "true",
            "document_id": str(uuid.uuid4()),
            "tab_id": str(uuid.uuid4()),
            "old_tab_id": "",
        }
        headers = {"User-Agent": BROWSER_HEADERS["User-Agent"], "Cookie": self.cookies}
        await self.sio.connect(
            f"{self.base}?{urlencode(query)}",
            headers=headers,
            transports=["websocket"],
            socketio_path=SOCKET_PATH,
            wait_timeout=timeout,
        )

    async def emit_event(self, element_id: str, listener_id: str, args: list[Any]) -> None:
        message = {
            "id": int(element_id),
            "client_id": self.page.client_id,
            "listener_id": listener_id,
            "args": [json.dumps(a) for a in args],
        }
        await self.sio.emit("event", message)

    async def wait_for(self, event: str, timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                name, data = await asyncio.wait_for(self.messages.get(), left)
            except TimeoutError:
                break
            if name == event:
                return data
        raise BenchError(f"no {event!r} message from the portal within {timeout} s")

    @property
    def connected(self) -> bool:
        return self.sio.connected and self.dropped_at is None

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()


async def get_page(client: httpx.AsyncClient, url: str) -> tuple[httpx.Response, str]:
    response = await client.get(url, headers=BROWSER_HEADERS, follow_redirects=True)
    return response, response.text


def check_page(url: str, response: httpx.Response, words: list[str], *, who: str) -> None:
    """Fail loudly unless ``url`` answered 200 with every one of ``words`` (and is not the sign-in page)."""
    text = page_words(response.text)
    if any(w in text for w in SIGN_IN_WORDS) and not any(w in SIGN_IN_WORDS for w in words):
        raise BenchError(
            f"{who}: {url} served the sign-in page ({response.url}) instead of the expected page: the sign-in did not "
            "take (did the sign-in flow or its session cookie change?)"
        )
    if response.status_code != 200:
        raise BenchError(f"{who}: {url} answered {response.status_code} ({response.url})")
    missing = [w for w in words if w not in text]
    if missing:
        raise BenchError(f"{who}: {url} ({response.url}) lacks {missing!r}: not the expected page")


async def sign_in(
    base: str, login: str, password: str, *, landing: str, landing_words: list[str], verify: bool = True
) -> httpx.Cookies:
    """The real sign-in: open /connexion, type the login and password, press « Se connecter » over the page's
    websocket, follow where the portal sends the browser (redirects and every Set-Cookie on the way, so a
    session rotated at sign-in is the one kept), then check that ``landing`` is served to these cookies.
    ``verify=False`` accepts a self-signed certificate (a local nginx, ``bench/scale.py``)."""
    async with httpx.AsyncClient(base_url=base, timeout=60, verify=verify) as client:
        response, html = await get_page(client, f"/connexion?suite={landing}")
        check_page("/connexion", response, [SIGN_IN_WORDS[0]], who=f"sign-in of {login}")
        page = parse_page(html)
        login_id, login_el = page.find("nicegui-input", autocomplete="username")
        password_id, password_el = page.find("nicegui-input", autocomplete="current-password")
        button_id, button_el = page.find("q-btn", label="Se connecter")
        socket = PageSocket(base, page, cookie_header(client.cookies), verify=verify)
        await socket.connect()
        try:
            await socket.emit_event(login_id, page.listener(login_el, "update:value"), [login])
            await socket.emit_event(password_id, page.listener(password_el, "update:value"), [password])
            await socket.emit_event(button_id, page.listener(button_el, "click"), [])
            try:
                opened = await socket.wait_for("open", timeout=30)
            except BenchError:
                raise BenchError(
                    f"sign-in of {login}: pressing « Se connecter » sent the browser nowhere within 30 s (credentials "
                    "refused, or the sign-in flow changed)"
                ) from None
        finally:
            await socket.close()
        target = opened.get("path") if isinstance(opened, dict) else None
        if not target:
            raise BenchError(f"sign-in of {login}: the portal sent no address to go to ({opened!r})")
        await get_page(client, target)  # the browser goes there: redirects followed, cookies updated
        response, _html = await get_page(client, landing)
        check_page(landing, response, landing_words, who=f"sign-in of {login}")
        return client.cookies


@dataclass
class HeldPages:
    connected: int = 0
    failed: list[str] = field(default_factory=list)
    dropped: int = 0
    connect_s: float = 0.0


async def open_pages(
    base: str, path: str, cookies: str, n: int, *, concurrency: int = 20
) -> tuple[list[PageSocket], HeldPages]:
    """Open ``n`` copies of ``path`` as a browser does (GET the page, then its socket.io connection)."""
    result = HeldPages()
    sockets: list[PageSocket] = []
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    started = time.monotonic()
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:

        async def one() -> None:
            async with gate:
                try:
                    response = await client.get(path, headers=BROWSER_HEADERS | {"Cookie": cookies})
                    if response.status_code != 200:
                        raise BenchError(f"{path} answered {response.status_code}")
                    socket = PageSocket(base, parse_page(response.text), cookies)
                    sockets.append(socket)
                    await socket.connect(timeout=60)
                    result.connected += 1
                except Exception as error:  # counted and reported, the others go on
                    result.failed.append(f"{type(error).__name__}: {error}"[:200])

        await asyncio.gather(*(one() for _ in range(n)))
    result.connect_s = round(time.monotonic() - started, 1)
    return sockets, result
