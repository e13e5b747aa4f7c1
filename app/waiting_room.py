"""The waiting room: above ``ECANDIDAT_MAX_ACTIVE_CLIENTS`` page views in progress, a new visitor gets a light page.

On results day thousands of candidates open the portal in the same minute. Past what one process builds in time,
every page view only waits longer at the page gate (``app/page_gate.py``, which admitted views go through here)
until all of them are slow or time out. The national platforms answer with a waiting room; so does this pure ASGI
middleware, which runs before NiceGUI builds anything (no ``Client``, no element, no websocket): a refused visitor
costs one tiny static answer. A view admitted that gets no place at the gate in time is answered the same page.

**What is counted.** "Active clients" are the page views in progress on this process: page requests admitted and
not answered yet, i.e. waiting for a place at the gate or being built. That is what makes the next page slow: a
new view waits behind every one of them (latency ≈ views in progress ÷ views built per second), so bounding it
bounds the served pages' latency. Views already built and connected are not counted: an open page costs memory
(``bench/pages.py``: under 150 KB each) and its events, not a build; counting them would refuse newcomers while the
process is idle, and a view that never connects (a bot, the bench) would hold a place for the 20 s before it is
pruned (``app/ui/runtime_tuning.py``). The count is exact and needs no state beyond one integer per process.

**Who is never refused.**

- everything that is not one of our pages (registered with ``@page``): NiceGUI's static files and ``/_nicegui/*``,
  the socket.io websocket (not even HTTP), the API, file downloads, sign-in returns from the SSO, the bench probe;
- a browser that already holds a page here: its NiceGUI session id (the signed ``session`` cookie, read by
  NiceGUI's session middleware before this one) belongs to a page view still alive on this process, or was served
  a page in the last ``RECENT_SECONDS`` (a candidate moving from page to page, reloading, coming back from a
  download), or got a new id from a sign-in (``app/pages/session_switch.py``) while it was. Their requests still
  count as in progress, so newcomers wait a little more instead. Looking for a live view scans this process's
  views, and only for a newcomer past the limit.

A refused newcomer still goes through NiceGUI's session middlewares (they give it a session id and an empty
user storage, as any first request), which the exemptions need; nothing else of the portal runs for it.

**The waiting page.** 503 with ``Retry-After: N`` (N drawn between 10 and 20 s so that refused visitors do not all
come back in the same second), ``Cache-Control: no-store``, a page of under 1 KB in French, or in English when the
browser prefers it (``Accept-Language``; the portal's language choice lives in server-side storage this layer
does not load), which reloads itself after N seconds with ``<meta http-equiv="refresh">`` (no script). It says the
portal is busy, that it will retry by itself, and that nothing is lost. It gives no place in a queue: a rank would
need a queue shared by the instances behind the load balancer, and retries are not first come first served; it
says that many candidates are connecting at the same time, which is true. It goes through ``SecurityHeaders``
(installed outside this middleware) like any page.
"""

import random
import re
import time
from collections import OrderedDict
from collections.abc import Iterable
from functools import cache
from html import escape
from typing import Any

from nicegui import Client
from starlette.routing import compile_path

from app.config import get_settings
from app.i18n import N_, gettext
from app.page_gate import through_gate

Scope = dict[str, Any]

RETRY_SECONDS = (10, 20)  # Retry-After is drawn in this range: refused visitors come back spread over ten seconds
RECENT_SECONDS = 15 * 60.0  # a browser served a page this recently is "already in"
RECENT_MAX = 200_000  # browsers remembered at most (about 100 bytes each); the oldest are forgotten first

# Paths registered with @page (app/ui/page.py adds them); only these can be refused.
_page_paths: set[str] = set()
_compiled: tuple[int, re.Pattern[str] | None] = (0, None)


def register_page_path(path: str) -> None:
    _page_paths.add(path)


def _page_pattern() -> re.Pattern[str] | None:
    """One regular expression for every page path, rebuilt when a page is registered (tests register their own)."""
    global _compiled
    if _compiled[0] != len(_page_paths):
        # Starlette's regex of each path, its named groups unnamed (two paths may both have a {key}).
        regexes = [re.sub(r"\(\?P<\w+>", "(?:", compile_path(path)[0].pattern) for path in sorted(_page_paths)]
        _compiled = (len(_page_paths), re.compile("|".join(f"(?:{r})" for r in regexes)) if regexes else None)
    return _compiled[1]


def is_page_request(scope: Scope) -> bool:
    if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
        return False
    pattern = _page_pattern()
    return pattern is not None and pattern.match(scope.get("path", "")) is not None


def admits(in_progress: int, limit: int, already_in: bool) -> bool:
    """The admission rule: 0 switches the waiting room off; a browser already in is always served."""
    return limit <= 0 or already_in or in_progress < limit


def browser_id(scope: Scope) -> str | None:
    session = scope.get("session")
    value = session.get("id") if isinstance(session, dict) else None
    return value if isinstance(value, str) else None


def holds_page(browser: str, clients: Iterable[Client]) -> bool:
    """Whether a page view alive on this process (connected, or built and not yet pruned) was built for ``browser``."""
    for client in clients:
        request = client.request
        if request is not None and browser_id(request.scope) == browser:
            return True
    return False


class RecentBrowsers:
    """Browsers served a page lately, oldest first (refreshing one moves it to the end)."""

    def __init__(self, seconds: float = RECENT_SECONDS, most: int = RECENT_MAX) -> None:
        self.seconds = seconds
        self.most = most
        self._seen: OrderedDict[str, float] = OrderedDict()

    def remember(self, browser: str, now: float | None = None) -> None:
        self._seen[browser] = time.monotonic() if now is None else now
        self._seen.move_to_end(browser)
        while len(self._seen) > self.most:
            self._seen.popitem(last=False)

    def __contains__(self, browser: str) -> bool:
        return browser in self._seen and time.monotonic() - self._seen[browser] < self.seconds

    def forget_old(self, now: float | None = None) -> None:
        threshold = (time.monotonic() if now is None else now) - self.seconds
        while self._seen and next(iter(self._seen.values())) < threshold:
            self._seen.popitem(last=False)


def prefers_english(accept_language: str) -> bool:
    """Whether ``Accept-Language`` ranks English above French (French when neither is asked, or on a tie)."""
    best: dict[str, float] = {}
    for part in accept_language.split(","):
        tag, _, params = part.strip().partition(";")
        lang = tag.strip().lower().split("-")[0]
        if lang not in ("fr", "en"):
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        best[lang] = max(best.get(lang, 0.0), quality)
    return best.get("en", 0.0) > best.get("fr", 0.0)


# French msgids, English in app/i18n/en (the portal's catalogue); the page is rendered once per language.
TEXTS = {
    "title": N_("Affluence — eCandidat"),
    "h1": N_("Le portail est très sollicité"),
    "busy": N_(
        "De nombreux candidats se connectent en ce moment. Pour que chacun garde une page rapide, votre page "
        "s'affichera dès qu'une place se libère."
    ),
    "retry": N_("Cette page réessaie toute seule dans {n} secondes : inutile de la recharger."),
    "safe": N_("Rien n'est perdu : vos candidatures et vos pièces sont enregistrées."),
    "link": N_("Réessayer maintenant"),
}


@cache
def _texts(lang: str) -> dict[str, str]:
    return {key: escape(gettext(message, lang), quote=False) for key, message in TEXTS.items()}


def waiting_page(lang: str, seconds: int, target: str) -> bytes:
    """The waiting page: static, a few hundred bytes of text, styles inline (the CSP allows inline styles)."""
    t = _texts(lang)
    here = escape(target, quote=True)
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="{seconds}">
<title>{t["title"]}</title>
<style>body{{font-family:system-ui,sans-serif;color:#161616;background:#fff;max-width:40rem;margin:3rem auto;
padding:0 1rem;line-height:1.5}}h1{{color:#000091;font-size:1.6rem}}a{{color:#000091}}</style></head>
<body><main><h1>{t["h1"]}</h1>
<div role="status"><p>{t["busy"]}</p><p>{t["retry"].format(n=seconds)}</p></div>
<p>{t["safe"]}</p><p><a href="{here}">{t["link"]}</a></p></main></body></html>
""".encode()


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""


class WaitingRoom:
    """Pure ASGI middleware; install with ``install(app)`` before ``SecurityHeaders`` (which then wraps it)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.in_progress = 0
        self.recent = RecentBrowsers()
        self.refused = 0  # since start, for the logs and the bench

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if not is_page_request(scope):
            before = browser_id(scope) if scope["type"] == "http" else None
            await self.app(scope, receive, send)
            after = browser_id(scope) if before is not None else None
            if after is not None and after != before and before in self.recent:
                self.recent.remember(after)  # a sign-in gave the browser a new id (session_switch): still in
            return
        browser = browser_id(scope)
        limit = get_settings().max_active_clients
        if not admits(self.in_progress, limit, already_in=False):
            already_in = browser is not None and (
                browser in self.recent or holds_page(browser, list(Client.instances.values()))
            )
            if not already_in:
                self.refused += 1
                await self.refuse(scope, send)
                return
        if browser is not None:
            self.recent.remember(browser)
        self.in_progress += 1
        try:
            if not await through_gate(self.app, scope, receive, send):
                self.refused += 1  # no place at the page gate in time: the waiting page rather than an error
                await self.refuse(scope, send)
        finally:
            self.in_progress -= 1

    async def refuse(self, scope: Scope, send: Any) -> None:
        seconds = random.randint(*RETRY_SECONDS)
        lang = "en" if prefers_english(_header(scope, b"accept-language")) else "fr"
        query = scope.get("query_string", b"").decode("latin-1")
        body = waiting_page(lang, seconds, scope.get("path", "/") + (f"?{query}" if query else ""))
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", str(seconds).encode()),
                    (b"cache-control", b"no-store"),
                    (b"content-language", lang.encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b"" if scope.get("method") == "HEAD" else body})
        if self.refused % 1000 == 1:
            self.recent.forget_old()


def install(app: Any) -> None:
    """Add the waiting room once (``build_app`` runs again after each test reset, which clears the middleware)."""
    if not any(getattr(m, "cls", None) is WaitingRoom for m in app.user_middleware):
        app.add_middleware(WaitingRoom)
