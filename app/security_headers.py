"""Security headers on every HTTP response: pages, the API, downloads and NiceGUI's own files.

Pages (HTML) get a Content-Security-Policy as strict as NiceGUI allows (see ``page_policy``); everything else
(PDFs, exports, JSON, scripts) a policy that allows nothing, except being framed by the portal's own pages (the
staff piece viewer shows a PDF in an iframe). Every response says ``nosniff`` and ``Referrer-Policy: same-origin``;
an HTTPS portal (``ECANDIDAT_BASE_URL``) adds ``Strict-Transport-Security``.
"""

from typing import Any
from urllib.parse import urlsplit

from app.config import get_settings
from app.plain_middleware import HttpMiddleware

Scope = dict[str, Any]
Message = dict[str, Any]

HSTS = "max-age=31536000"  # one year; no includeSubDomains: the university's other hosts are not ours to decide


def page_policy(base_url: str) -> str:
    """The CSP of HTML pages. NiceGUI forces three relaxations, nothing else is allowed:

    - ``script-src 'unsafe-inline'``: each page starts from inline scripts (the import map, the page's elements
      and Vue app in a ``<script type="module">``) that NiceGUI writes anew for every page, with no nonce;
    - ``script-src 'unsafe-eval'``: Vue compiles the templates of NiceGUI's components in the browser
      (``new Function``);
    - ``style-src 'unsafe-inline'``: NiceGUI's inline ``<style>`` blocks, the styles Tailwind and Quasar write at
      run time, and ``style=`` attributes;
    - ``img-src data:``: the favicon (an emoji drawn as an SVG ``data:`` URL) and the committee signature preview.

    The websocket goes back to the portal (``connect-src``); frames only show the portal's own files or ``srcdoc``
    previews; no plugin, no ``<base>``, no form posted elsewhere, and no other site may frame a page.
    """
    parts = urlsplit(base_url)
    websocket = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}" if parts.netloc else ""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            f"connect-src 'self' {websocket}".rstrip(),
            "frame-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


# Not a page: nothing may run or load from it; only the portal's own pages may frame it (the PDF viewer).
FILE_POLICY = "default-src 'none'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"


class SecurityHeaders(HttpMiddleware):
    """Pure ASGI middleware (nothing buffered); install with ``app.add_middleware(SecurityHeaders)``."""

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        settings = get_settings()
        self.page_policy = page_policy(settings.base_url).encode()
        self.https = settings.uses_https

    async def http(self, scope: Scope, receive: Any, send: Any) -> None:

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = self.headers(list(message.get("headers", [])))
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def headers(self, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
        page = content_type.split(b";")[0].strip().lower() == b"text/html"
        ours = {
            b"content-security-policy": self.page_policy if page else FILE_POLICY.encode(),
            b"x-content-type-options": b"nosniff",
            b"referrer-policy": b"same-origin",
            b"x-frame-options": b"DENY" if page else b"SAMEORIGIN",  # browsers older than frame-ancestors
        }
        if self.https:
            ours[b"strict-transport-security"] = HSTS.encode()
        return [(k, v) for k, v in headers if k.lower() not in ours] + list(ours.items())
