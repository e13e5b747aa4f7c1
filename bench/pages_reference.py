"""The bare reference of ``bench/pages.py``: the portal's benchmarked pages as plain HTML, without NiceGUI.

A Starlette app (one uvicorn process, like the portal) that reads the same tables through the same engine
(``app.db``, the same URL and pool settings) and the same services as the portal's pages, keeps who is signed in
in a signed session cookie, and renders with Jinja2 the same visible words: the frame (header, banners, footer),
the offer, the candidate's applications and one of them, the staff list's first page. What separates its figures
from the portal's is the page machinery (NiceGUI's element tree, its client objects and its page HTML).

Run by ``bench/pages.py``: ``python -m bench.pages_reference --port P`` with ``ECANDIDAT_DATABASE_URL`` and
``ECANDIDAT_DATA_DIR`` set as for the portal. ``GET /_bench/sign-in?login=L`` signs in a candidate (dossier number)
or a staff member (login) without a password: the reference is never exposed beyond 127.0.0.1. ``GET
/_bench/statements`` counts its SQL statements as the portal's probe does (``bench/pages_costs.py``).
"""

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import uvicorn
from jinja2 import DictLoader, Environment, select_autoescape
from sqlmodel import select
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from app.bench_probe import StatementCounter
from app.config import get_settings
from app.db import new_session, transaction
from app.i18n import _, ngettext
from app.models import Account, DossierStatus, StaffMember
from app.services.accounts import staff_roles as staff
from app.services.accounts.auth import first_role_assignment_id
from app.services.applications.actions import own_candidate_id
from app.services.applications.transmission import transmission_readiness
from app.services.applications.views import get_my_application, list_my_applications, live_program_ids
from app.services.applications.views import pieces_by_program as pieces_of
from app.services.decisions.answers import answer_view
from app.services.decisions.letters import letter_available
from app.services.documents import pieces as documents
from app.services.exports import statistics
from app.services.offer.browse import WindowState, count_programs, keep_states, list_offer
from app.services.platform import announcements, parameters
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError
from app.services.review import staff_list
from app.services.review.staff_list_columns import COLUMNS, VALUE_LABELS, ListQuery
from app.ui.dates import format_day, format_moment  # Babel only: no NiceGUI under app.ui.dates

STATUS_LABELS = {"pending": "En attente", "received": "Réceptionné", "incomplete": "Incomplet", "complete": "Complet"}
STATUS_MEANINGS = {
    "pending": "Votre dossier n'a pas encore été réceptionné par nos services.",
    "received": "Le service de scolarité a reçu votre dossier.",
    "incomplete": "Toutes les pièces demandées ne figurent pas à votre dossier ou ne sont pas recevables "
    "(non conformes, illisibles…).",
    "complete": "Votre dossier est complet. Toutes les pièces justificatives sont recevables.",
}
DOCUMENT_LABELS = {
    "pending": "En attente",
    "submitted": "Transmise",
    "validated": "Validée",
    "refused": "Refusée",
    "not_applicable": "Non concerné",
}
PROCEDURES = {"online": "Dossier dématérialisé", "paper": "Dossier papier"}

TEMPLATES = {
    "frame.html": """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ title }} – eCandidat – {{ institution }}</title>
<style>body{font-family:sans-serif;margin:0}header,footer{background:#000091;color:#fff;padding:8px 16px}
main{padding:16px}.muted{color:#555}table{border-collapse:collapse}
td,th{border-bottom:1px solid #ddd;padding:4px}</style>
</head><body>
<a href="#main">Aller au contenu</a>
<header><a href="/" aria-label="eCandidat, accueil">eCandidat</a> <span>{{ institution }}</span>
 <span aria-label="Langue">FR EN</span>
 {% if identity %}<span>{{ identity.display_name }}</span> <button>Se déconnecter</button>
 {% else %}<a href="/connexion">Se connecter</a>{% endif %}</header>
<main id="main" tabindex="-1">
{% for banner in banners %}<div role="status"><strong>{{ banner.level }} :</strong> {{ banner.text }}</div>{% endfor %}
<h1>{{ h1 or title }}</h1>
{% block body %}{% endblock %}
</main>
<footer><nav aria-label="Pied de page"><a href="/faq">Foire aux questions</a>
<a href="/accessibilite">Accessibilité : partiellement conforme</a> <a href="/mentions-legales">Mentions légales</a>
<a href="/donnees-personnelles">Données personnelles</a>
<a href="mailto:{{ assistance }}">Assistance : {{ assistance }}</a></nav>eCandidat · {{ institution }}</footer>
</body></html>""",
    "candidate_nav.html": """<nav aria-label="Mon dossier"><ul>
{% for slug, label, href in nav %}<li><a href="{{ href }}"{% if slug == current %} aria-current="page"{% endif %}>
{{ label }}</a></li>{% endfor %}</ul></nav>
<p><a href="/formations">Offre de formation</a> <button>Assistance</button></p>""",
    "program.html": """<li><h4>{{ p.label }}</h4><p class="muted">{{ p.facts }}</p>
{% if full %}<ul><li>{{ p.window }}</li>{% if p.return_by %}
<li>Date limite de retour du dossier : {{ p.return_by }}</li>
{% endif %}{% if p.jury_on %}<li>Jury : {{ p.jury_on }}</li>{% endif %}{% if p.publication_on %}
<li>Publication des résultats : {{ p.publication_on }}</li>{% endif %}</ul>
{% if p.pieces %}<details><summary>{{ p.pieces_title }}</summary><ul>{% for piece in p.pieces %}<li>{{ piece }}</li>
{% endfor %}</ul></details>{% else %}<p>Aucune pièce justificative demandée.</p>{% endif %}
{% else %}<p><span>Candidatures jusqu'au {{ p.closes }}</span> <strong>{{ p.days_left }}</strong></p>{% endif %}
{% if p.info_url %}<a href="{{ p.info_url }}" aria-label="Voir la formation : {{ p.label }}">Voir la formation</a>
{% endif %}
{% if p.action %}<p>{{ p.action }}</p>{% endif %}</li>""",
    "offer.html": """{% for centre in offer %}<section><h2>{{ centre.label }}</h2>{% for dt in centre.types %}
<h3>{{ dt.label }}</h3><ul>{% for p in dt.programs %}{% include "program.html" %}{% endfor %}</ul>
{% endfor %}</section>{% endfor %}""",
    "home.html": """{% extends "frame.html" %}{% block body %}
<p>{{ institution }} reçoit sur ce portail les candidatures à ses formations sélectives et à capacité limitée.
eCandidat vous permet de :</p><ul><li>candidater à une ou plusieurs formations ;</li>
<li>suivre l'évolution de votre candidature ;</li>
<li>confirmer votre inscription ou vous désister en cas d'admission.</li></ul>
<p>Chaque université a son propre portail eCandidat : le compte que vous créez ici ne sert qu'aux formations proposées
sur ce portail.</p><p><a href="/connexion">Se connecter ou créer un compte</a></p>
<p><a href="/formations">Toute l'offre de formation, avec les dates de chaque formation</a></p>
<form role="search"><label>Rechercher une formation <input type="search" name="q" value="{{ q }}"></label></form>
<p role="status" class="muted">{{ status }}</p>
{% set full = False %}{% include "offer.html" %}
{% if upcoming %}<section><h2>Prochainement</h2><p>Ces formations ouvriront bientôt aux candidatures.</p><ul>
{% for p in upcoming %}<li><h3>{{ p.label }}</h3><p class="muted">{{ p.where }}</p><p class="muted">{{ p.facts }}</p>
<p>Ouverture le {{ p.opens }}</p></li>{% endfor %}</ul></section>{% endif %}
{% endblock %}""",
    "formations.html": """{% extends "frame.html" %}{% block body %}
<p>Choisissez votre formation selon la composante qui la dispense et le type de diplôme. Les périodes de candidature
diffèrent d'une formation à l'autre : soyez attentif aux dates.</p>
{% if nav %}{% include "candidate_nav.html" %}{% endif %}
<form role="search"><label>Rechercher une formation <input type="search" name="q" value="{{ q }}"></label></form>
<p role="status" class="muted">{{ status }}</p>
{% set full = True %}{% include "offer.html" %}
{% endblock %}""",
    "applications.html": """{% extends "frame.html" %}{% block body %}{% include "candidate_nav.html" %}
{% if not rows %}<p>Vous n'avez pas encore de candidature.</p>
<p><a href="/formations">Consulter l'offre de formation et candidater</a></p>{% else %}
<p>{{ count }}</p><ul>{% for r in rows %}<li><h2><a href="/candidat/candidatures/{{ r.id }}"
 aria-label="Ouvrir la candidature : {{ r.label }}">{{ r.label }}</a></h2><p class="muted">{{ r.where }}</p>
<p>Statut du dossier : {{ r.status }}</p><p>{{ r.missing }}</p>{% if r.decision %}<p><b>{{ r.decision }}</b></p>
{% endif %}{% for line in r.deadlines %}<p>{{ line }}</p>{% endfor %}</li>{% endfor %}</ul>{% endif %}
<h2>Suivre l'avancement</h2><ul>{% for line in statuses %}<li>{{ line }}</li>{% endfor %}</ul>
{% endblock %}""",
    "application.html": """{% extends "frame.html" %}{% block body %}{% include "candidate_nav.html" %}
<section><h2>Informations détaillées</h2><p class="muted">{{ d.where }}</p><p><b>{{ d.status }}</b></p>
{% for line in d.lines %}<p>{{ line }}</p>{% endfor %}</section>
<section><h2>Pièces justificatives</h2><ul>{% for piece in d.pieces %}<li>{{ piece }}</li>{% endfor %}</ul></section>
<section><h2>Déposer les pièces</h2><ul>{% for f in d.files %}<li>{{ f }}</li>{% endfor %}</ul></section>
{% if d.transmit %}<section><h2>Transmettre</h2><p>{{ d.transmit }}</p></section>{% endif %}
{% if d.answer %}<section><p>{{ d.answer }}</p></section>{% endif %}
{% if d.questions %}<section><h2>Questions</h2><ul>{% for q in d.questions %}<li>{{ q }}</li>{% endfor %}</ul>
</section>{% endif %}
{% if d.decision %}<section><h2>Décision</h2>{% for line in d.decision %}<p>{{ line }}</p>{% endfor %}</section>
{% endif %}
<section><h2>Annuler</h2><p>L'annulation est possible tant qu'aucun gestionnaire n'a traité votre dossier.</p>
<button>Annuler cette candidature</button></section>
{% endblock %}""",
    "staff_list.html": """{% extends "frame.html" %}{% block body %}<p>{{ scope }}</p>
<form><label>Campagne <select>{% for c in campaigns %}<option>{{ c }}</option>{% endfor %}</select></label>
{% for key, items in filters %}<label>{{ key }} <select multiple>{% for i in items %}<option>{{ i }}</option>
{% endfor %}</select></label>{% endfor %}<button>Filtrer</button></form>
<h2>{{ total }}</h2><p>{{ selected }}</p>
<table><thead><tr><th scope="col">Sélection</th>{% for h in headers %}<th scope="col">{{ h }}</th>{% endfor %}</tr>
</thead>
<tbody>{% for r in rows %}<tr><td><input type="checkbox" aria-label="{{ r.box }}"></td>{% for c in r.cells %}
<td>{% if loop.first %}<a href="/gestion/candidatures/{{ r.id }}">{{ c or "Ouvrir" }}</a>{% else %}{{ c }}{% endif %}
</td>
{% endfor %}</tr>{% endfor %}</tbody></table>
<nav aria-label="Pagination"><button>Précédente</button> <p>{{ pager }}</p> <button>Suivante</button></nav>
{% endblock %}""",
}

env = Environment(loader=DictLoader(TEMPLATES), autoescape=select_autoescape(default=True))


def _identity(request: Request) -> dict[str, Any] | None:
    return request.session.get("identity")


def _actor(identity: dict[str, Any] | None, request: Request) -> Actor:
    host = request.client.host if request.client else None
    if identity is None:
        return Actor.anonymous(host)
    if identity["kind"] == "candidate":
        return Actor("candidate", account_id=identity["id"], client_address=host)
    return Actor("staff", staff_id=identity["id"], role_assignment_id=identity["role"], client_address=host)


def _render(name: str, request: Request, title: str, **context: Any) -> HTMLResponse:
    settings = get_settings()
    identity = _identity(request)
    banners = [
        {"level": _(announcements.LEVEL_LABELS[b.level]), "text": b.message("fr")}
        for b in announcements.current_banners(staff=identity is not None and identity["kind"] == "staff")
    ]
    html = env.get_template(name).render(
        title=title,
        institution=settings.institution_name,
        assistance=settings.assistance_email,
        identity=identity,
        banners=banners,
        **context,
    )
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


def _nav(current: str | None) -> list[tuple[str, str, str]]:
    tabs = ["informations", "adresse", "baccalaureat", "cursus-interne", "cursus-externe", "experiences", "stages"]
    labels = ["Informations personnelles", "Adresse", "Baccalauréat", "Cursus interne", "Cursus externe"]
    labels += ["Expériences professionnelles", "Stages"]
    entries = [("home", "Mon espace", "/candidat")]
    entries += [(t, label, f"/candidat/dossier/{t}") for t, label in zip(tabs, labels, strict=True)]
    return [*entries, ("candidatures", "Candidatures", "/candidat/candidatures")]


def _days_left(days: int | None) -> str:
    if days == 0:
        return "Dernier jour pour candidater"
    return ngettext("{n} jour restant", "{n} jours restants", days or 0).format(n=days or 0)


def _facts(p: Any) -> str:
    facts = [f"Code : {p.code}", PROCEDURES[p.procedure.value]]
    if p.capacity is not None:
        facts.append(
            ngettext("Capacité d'accueil : {n} place", "Capacité d'accueil : {n} places", p.capacity).format(
                n=p.capacity
            )
        )
    return " · ".join(facts)


def _window(p: Any) -> str:
    if p.state == WindowState.UPCOMING:
        opens, closes = format_moment(p.window_opens_at), format_moment(p.window_closes_at)
        return f"Candidatures du {opens} au {closes} : pas encore ouvertes."
    if p.state == WindowState.CLOSED:
        return f"Candidatures closes depuis le {format_moment(p.window_closes_at)}."
    return f"Candidatures ouvertes jusqu'au {format_moment(p.window_closes_at)} ({_days_left(p.days_left)})."


def _program(p: Any, pieces: list[Any] | None = None, action: str = "") -> dict[str, Any]:
    pieces = pieces or []
    return {
        "label": p.label,
        "facts": _facts(p),
        "window": _window(p),
        "closes": format_moment(p.window_closes_at),
        "days_left": _days_left(p.days_left),
        "return_by": format_moment(p.return_by) if p.return_by else "",
        "jury_on": format_day(p.jury_on) if p.jury_on else "",
        "publication_on": format_day(p.publication_on) if p.publication_on else "",
        "info_url": p.info_url,
        "pieces": [x.label + (" (si vous êtes concerné)" if x.is_conditional else "") for x in pieces],
        "pieces_title": ngettext("{n} pièce justificative", "{n} pièces justificatives", len(pieces)).format(
            n=len(pieces)
        ),
        "action": action,
    }


def _offer(offer: list[Any], program: Any = _program) -> list[dict[str, Any]]:
    return [
        {
            "label": c.label,
            "types": [{"label": dt.label, "programs": [program(p) for p in dt.programs]} for dt in c.diploma_types],
        }
        for c in offer
    ]


def home(request: Request) -> Response:
    q = request.query_params.get("q", "")
    institution = get_settings().institution_name
    with new_session() as session:
        offer = list_offer(session, query=q, lang="fr", states={WindowState.OPEN, WindowState.UPCOMING})
    open_offer, upcoming = keep_states(offer, {WindowState.OPEN}), keep_states(offer, {WindowState.UPCOMING})
    n = count_programs(open_offer)
    status = ngettext("{n} formation ouverte aux candidatures", "{n} formations ouvertes aux candidatures", n).format(
        n=n
    )
    soon = sorted(
        ((p, c.label, dt.label) for c in upcoming for dt in c.diploma_types for p in dt.programs),
        key=lambda e: (e[0].window_opens_at, e[0].label),
    )
    upcoming_rows = [
        {"label": p.label, "where": f"{c} · {t}", "facts": _facts(p), "opens": format_day(p.window_opens_at)}
        for p, c, t in soon
    ]
    return _render(
        "home.html",
        request,
        "Accueil",
        h1=f"{institution} : candidater à une formation",
        q=q,
        status=status,
        offer=_offer(open_offer),
        upcoming=upcoming_rows,
    )


def formations(request: Request) -> Response:
    q = request.query_params.get("q", "")
    identity = _identity(request)
    actor = _actor(identity, request)
    with new_session() as session:
        offer = list_offer(session, query=q, lang="fr")
        programs = {p.id: c.id for c in offer for p in c.programs}
        pieces = pieces_of(session, programs=programs, lang="fr") if programs else {}
        applied = live_program_ids(session, actor=actor)

    def program(p: Any) -> dict[str, Any]:
        action = ""
        if p.state == WindowState.OPEN:
            if actor.kind == "anonymous":
                action = "Se connecter pour candidater"
            elif actor.kind == "candidate":
                action = "Candidature déposée. Voir mes candidatures" if p.id in applied else "Candidater"
        return _program(p, pieces.get(p.id, []), action)

    n = count_programs(offer)
    status = ngettext("{n} formation", "{n} formations", n).format(n=n)
    if not n:
        status = f"Aucune formation ne correspond à « {q} »."
    nav = _nav(None) if actor.kind == "candidate" else None
    return _render(
        "formations.html", request, "Offre de formation", q=q, status=status, offer=_offer(offer, program), nav=nav
    )


def _require(request: Request, kind: str) -> Actor | Response:
    identity = _identity(request)
    if identity is None:
        return RedirectResponse(f"/connexion?suite={request.url.path}", status_code=303)
    if identity["kind"] != kind:
        return PlainTextResponse("Accès refusé", status_code=403)
    return _actor(identity, request)


def _deadline(label: str, moment: datetime | None, days: int | None) -> list[str]:
    if moment is None:
        return []
    if days is None:
        left = "date passée"
    elif days == 0:
        left = "aujourd'hui"
    else:
        left = ngettext("{n} jour restant", "{n} jours restants", days).format(n=days)
    return [f"{label} : {format_moment(moment)} ({left})"]


def applications(request: Request) -> Response:
    actor = _require(request, "candidate")
    if isinstance(actor, Response):
        return actor
    with new_session() as session:
        own_candidate_id(session, actor=actor)  # as the page does, for its live updates
    with new_session() as session:
        rows = list_my_applications(session, actor=actor, lang="fr")
    items = []
    for r in rows:
        missing = (
            ngettext("{n} pièce manquante : {pieces}", "{n} pièces manquantes : {pieces}", len(r.missing)).format(
                n=len(r.missing), pieces=", ".join(p.label for p in r.missing)
            )
            if r.missing
            else "Aucune pièce manquante"
        )
        items.append(
            {
                "id": r.id,
                "label": r.program_label,
                "where": f"{r.centre_label} · Code : {r.program_code}",
                "status": STATUS_LABELS[r.dossier_status.value],
                "missing": missing,
                "decision": f"Décision : {r.decision.label}" if r.decision else "",
                "deadlines": _deadline("Date de retour", r.return_by, r.return_days_left)
                + _deadline("Confirmer avant le", r.confirmation_deadline, r.confirmation_days_left),
            }
        )
    statuses = [f"{STATUS_LABELS[s.value]} : {STATUS_MEANINGS[s.value]}" for s in DossierStatus]
    count = ngettext("{n} candidature", "{n} candidatures", len(rows)).format(n=len(rows))
    return _render(
        "applications.html",
        request,
        "Mes candidatures",
        nav=_nav("candidatures"),
        current="candidatures",
        rows=items,
        count=count,
        statuses=statuses,
    )


def application(request: Request) -> Response:
    actor = _require(request, "candidate")
    if isinstance(actor, Response):
        return actor
    application_id = int(request.path_params["application_id"])
    try:
        # What the portal's page reads too: the application, its pieces with their files, what blocks
        # « Transmettre », the answer to an offer and whether a letter is there.
        with new_session() as session:
            detail = get_my_application(session, actor=actor, application_id=application_id, lang="fr")
            files = documents.list_pieces(session, actor=actor, application_id=application_id, lang="fr")
            editable = detail.summary.dossier_status.value in ("pending", "incomplete") and not detail.summary.archived
            readiness = (
                transmission_readiness(session, actor=actor, application_id=application_id, lang="fr")
                if editable
                else None
            )
            try:
                answer = answer_view(session, actor=actor, application_id=application_id)
            except DomainError:
                answer = None
            has_letter = detail.summary.decision is not None and letter_available(
                session, actor=actor, application_id=application_id
            )
    except DomainError:
        return _render("frame.html", request, "Candidature introuvable")
    s = detail.summary
    status = s.dossier_status.value
    lines = [f"Depuis le {format_moment(s.dossier_status_at)}", f"Candidature créée le {format_moment(s.created_at)}"]
    if s.transmitted_at:
        lines.append(f"Dossier transmis le {format_moment(s.transmitted_at)}")
    lines += _deadline("Date de retour", s.return_by, s.return_days_left)
    lines += _deadline("Confirmer avant le", s.confirmation_deadline, s.confirmation_days_left)
    if detail.jury_on:
        lines.append(f"Jury : {format_day(detail.jury_on)}")
    if detail.publication_on:
        lines.append(f"Publication des résultats : {format_day(detail.publication_on)}")
    lines.append(f"Commission : {detail.committee_name} ({detail.committee_email})")
    decision = []
    if s.decision is not None:
        decision = [f"Décision : {s.decision.label}", s.decision.comment, s.decision.reason]
    d = {
        "where": f"{s.centre_label} · Code : {s.program_code}",
        "status": f"{STATUS_LABELS[status]} : {STATUS_MEANINGS[status]}",
        "lines": lines,
        "pieces": [f"{p.label} : {DOCUMENT_LABELS[p.status.value]} {p.comment}" for p in detail.pieces],
        "files": [
            f"{piece.label} : " + ", ".join(f"{f.name} — {f.pages} p., {f.size // 1024} Ko" for f in piece.files)
            for piece in files.values()
        ],
        "transmit": readiness.refusal.translate(lambda m: m) if readiness and readiness.refusal else "",
        "answer": (f"Rang {answer.waiting_rank}" if answer and answer.waiting_rank else "")
        + (" Lettre (PDF)" if has_letter else ""),
        "questions": [f"{q.label} {q.text_value or ''}" for q in detail.questions],
        "decision": [line for line in decision if line],
    }
    return _render(
        "application.html",
        request,
        f"Candidature : {s.program_label}",
        nav=_nav("candidatures"),
        current="candidatures",
        d=d,
    )


def _cell(key: str, value: Any, row: dict[str, Any]) -> str:
    if value is None or value == []:
        return ""
    if key in VALUE_LABELS:
        return VALUE_LABELS[key].get(str(value), "") or str(value)
    if key == "sva":
        if value == "none":
            return "Sans alerte"
        red = parameters.effective_settings().sva_red_days
        days = row.get("sva_days", row.get("days_since_transmission"))
        return f"{value} ({days} j)" + (f" — délai de {red} jours dépassé" if value == "red" else "")
    if key == "tags":
        return ", ".join(value)
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, datetime):
        return format_day(value)
    return str(value)


def staff_applications(request: Request) -> Response:
    actor = _require(request, "staff")
    if isinstance(actor, Response):
        return actor
    with transaction() as session:  # the guard's and the header's reads, then the page's
        staff.current_role(session, actor=actor)
        staff.list_roles(session, actor=actor)
    with transaction() as session:
        role = staff.current_role(session, actor=actor)
        columns, page_size = staff_list.get_columns(session, actor=actor)
        options = staff_list.filter_options(session, actor=actor)
        campaign_list = statistics.campaign_options(session, actor=actor)
        active = next((c.id for c in campaign_list if c.is_active), None)  # as the page reads it
    filters = staff_list.filters_from_params(request.query_params)
    if "campaign" not in filters and active is not None:
        filters["campaign"] = [active]
    query = ListQuery(page_size=page_size, filters=filters, language="fr")
    with transaction() as session:
        page = staff_list.list_applications(session, actor=actor, query=query)
    pages = max(1, -(-page.total // page.page_size))
    rows = [
        {
            "id": row["id"],
            "box": f"Sélectionner le dossier {row['dossier_number']}",
            "cells": [_cell(key, row.get(key), row) for key in columns],
        }
        for row in page.rows
    ]
    return _render(
        "staff_list.html",
        request,
        "Candidatures",
        scope=f"{role.role_label} — {role.scope_label('fr')}",
        campaigns=[c.label("fr") for c in campaign_list],
        filters=[(key, [fr for _i, fr, _en in items]) for key, items in options.items()],
        total=f"{page.total} candidature(s)",
        selected="0 sélectionnée(s)",
        headers=[COLUMNS[key].label for key in columns],
        rows=rows,
        pager=f"Page {page.page} sur {pages}",
    )


def bench_sign_in(request: Request) -> Response:
    """Sign in a demo identity by its login (no password: 127.0.0.1 only, for the bench)."""
    login = request.query_params["login"]
    with new_session() as session:
        account = session.exec(select(Account).where(Account.dossier_number == login)).first()
        if account is not None:
            name = f"{account.first_name} {account.last_name}"
            request.session["identity"] = {"kind": "candidate", "id": account.id, "display_name": name}
            return PlainTextResponse("candidate")
        member = session.exec(select(StaffMember).where(StaffMember.login == login)).first()
        if member is None:
            return PlainTextResponse("unknown login", status_code=404)
        role = first_role_assignment_id(session, member.id or 0)
        identity = {"kind": "staff", "id": member.id, "role": role, "display_name": member.display_name}
        request.session["identity"] = identity
        return PlainTextResponse("staff")


counter = StatementCounter()  # as the portal's probe counts them (bench/pages_costs.py)


def bench_statements(request: Request) -> Response:
    summary = counter.summary()
    if request.query_params.get("reset") == "1":
        counter.reset()
    return JSONResponse(summary)


def build() -> Starlette:
    routes = [
        Route("/", home),
        Route("/formations", formations),
        Route("/candidat/candidatures", applications),
        Route("/candidat/candidatures/{application_id:int}", application),
        Route("/gestion/candidatures", staff_applications),
        Route("/_bench/sign-in", bench_sign_in),
        Route("/_bench/statements", bench_statements),
    ]
    counter.install()
    secret = get_settings().secret_key
    return Starlette(routes=routes, middleware=[Middleware(SessionMiddleware, secret_key=secret, max_age=3600)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(build(), host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
