"""The REST API for integration accounts (``/api/v1``), mounted on NiceGUI's FastAPI app at start-up.

``install(app)`` adds the router and the API's own description: ``/api/v1/openapi.json`` (OpenAPI 3) and
``/api/v1/docs`` (a readable page built from it on the server: Swagger UI would load its scripts from a CDN,
and nothing here may call an outside service). The description covers the API only, not the portal's pages.
"""

from html import escape
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse

from app.api.routes import PREFIX, router

OPENAPI_PATH = f"{PREFIX}/openapi.json"
DOCS_PATH = f"{PREFIX}/docs"
VERSION = "1.0.0"
DESCRIPTION = """\
Read-only access for the university's other systems (student information system, decision support):
the offer, applications and published decisions of a scope, and the enrolment hand-off (OPI).

Authenticate with `Authorization: Bearer eca_…`: tokens are created by an administrator on /admin/api, shown once,
limited to the institution, one application centre or one committee, and expire. 401: missing, unknown, revoked or
expired token. 403: outside the token's scope. 503 with Retry-After: the portal is read-only for the moment (on
results day), reads still answer and a write is refused whole; retry it later. Moments are UTC, ISO 8601 with an
offset.
"""


def openapi_schema() -> dict[str, Any]:
    """The API's OpenAPI description (built from the router's routes)."""
    return get_openapi(title="eCandidat API", version=VERSION, description=DESCRIPTION, routes=router.routes)


def install(app: FastAPI) -> None:
    """Mount the API once (``build_app`` runs again after each test reset)."""
    if any(getattr(route, "path", "") == OPENAPI_PATH for route in app.routes):
        return
    app.include_router(router)
    schema: dict[str, Any] = {}

    @app.get(OPENAPI_PATH, include_in_schema=False)
    def api_openapi() -> JSONResponse:
        if not schema:
            schema.update(openapi_schema())
        return JSONResponse(schema)

    @app.get(DOCS_PATH, include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(docs_html(openapi_schema()))


def _parameter_rows(parameters: list[dict[str, Any]]) -> str:
    rows = []
    for parameter in parameters:
        schema = parameter.get("schema", {})
        kind = schema.get("type") or " | ".join(str(s.get("type", "")) for s in schema.get("anyOf", []))
        rows.append(
            f"<tr><td><code>{escape(parameter['name'])}</code></td><td>{escape(parameter.get('in', ''))}</td>"
            f"<td>{escape(kind)}</td><td>{'yes' if parameter.get('required') else 'no'}</td>"
            f"<td>{escape(parameter.get('description', ''))}</td></tr>"
        )
    return "".join(rows)


def docs_html(schema: dict[str, Any]) -> str:
    """The routes, their parameters and answers as plain HTML, with no script and no outside asset."""
    parts = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>eCandidat API</title>',
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "table{border-collapse:collapse}td,th{border:1px solid #888;padding:.2rem .5rem;text-align:left}</style>",
        f"</head><body><main><h1>{escape(schema['info']['title'])} {escape(schema['info']['version'])}</h1>",
        f"<p>{escape(schema['info'].get('description', '')).replace(chr(10), '<br>')}</p>",
        f'<p><a href="{OPENAPI_PATH}">OpenAPI 3 (JSON)</a></p>',
    ]
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            parts.append(f"<h2><code>{escape(method.upper())} {escape(path)}</code></h2>")
            parts.append(f"<p>{escape(operation.get('summary', ''))}</p>")
            if operation.get("description"):
                parts.append(f"<p>{escape(operation['description'])}</p>")
            if operation.get("parameters"):
                parts.append(
                    "<table><thead><tr><th scope=col>Parameter</th><th scope=col>In</th><th scope=col>Type</th>"
                    "<th scope=col>Required</th><th scope=col>Description</th></tr></thead><tbody>"
                    + _parameter_rows(operation["parameters"])
                    + "</tbody></table>"
                )
            answers = ", ".join(
                f"{escape(code)} {escape(answer.get('description', ''))}"
                for code, answer in operation.get("responses", {}).items()
            )
            parts.append(f"<p>Responses: {answers}</p>")
    parts.append("</main></body></html>")
    return "".join(parts)
