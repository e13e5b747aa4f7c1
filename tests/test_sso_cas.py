"""CAS 3 single sign-on end to end against a loopback CAS server the tests serve (http.server in a thread)."""

import itertools
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit
from xml.sax.saxutils import escape

import httpx
import pytest
from nicegui.testing import User
from sqlmodel import select

from app.config import reset_settings
from app.db import new_session
from app.models import Account, StaffMember, StaffRole, StaffRoleAssignment
from tests import factories

SUCCESS = """<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">
  <cas:authenticationSuccess>
    <cas:user>{user}</cas:user>
    <cas:attributes>{attributes}</cas:attributes>
  </cas:authenticationSuccess>
</cas:serviceResponse>"""
FAILURE = """<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">
  <cas:authenticationFailure code="INVALID_TICKET">Ticket {ticket} not recognized</cas:authenticationFailure>
</cas:serviceResponse>"""


@dataclass
class LoopbackCas:
    """A minimal CAS 3 server: /cas/login issues a single-use ticket for ``next_user``; p3/serviceValidate checks it."""

    url: str = ""
    next_user: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    tickets: dict[str, tuple[str, str, dict[str, str]]] = field(default_factory=dict)  # ticket: service, user, attrs
    validations: list[str] = field(default_factory=list)


def _handler(cas: LoopbackCas) -> type[BaseHTTPRequestHandler]:
    counter = itertools.count(1)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep the test output quiet
            pass

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/cas/login":
                ticket = f"ST-{next(counter)}-loopback"
                cas.tickets[ticket] = (query["service"], cas.next_user, dict(cas.attributes))
                self.send_response(302)
                self.send_header("Location", f"{query['service']}?{urlencode({'ticket': ticket})}")
                self.end_headers()
                return
            if url.path == "/cas/p3/serviceValidate":
                ticket = query.get("ticket", "")
                cas.validations.append(ticket)
                issued = cas.tickets.pop(ticket, None)  # single use
                if issued is None or issued[0] != query.get("service"):
                    body = FAILURE.format(ticket=escape(ticket))
                else:
                    _service, user, attributes = issued
                    attrs = "".join(f"<cas:{k}>{escape(v)}</cas:{k}>" for k, v in attributes.items())
                    body = SUCCESS.format(user=escape(user), attributes=attrs)
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            self.send_error(404)

    return Handler


@pytest.fixture
def cas_server(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[LoopbackCas]:
    cas = LoopbackCas()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(cas))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    cas.url = f"http://127.0.0.1:{server.server_port}/cas"
    monkeypatch.setenv("ECANDIDAT_CAS_SERVER_URL", cas.url)
    reset_settings()
    try:
        yield cas
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        reset_settings()


async def sign_in_through_cas(user: User, cas: LoopbackCas, login: str, profile: str = "candidat", **attributes):
    """Start at our route, "authenticate" at the CAS (it sends the browser back with a ticket), come back."""
    cas.next_user, cas.attributes = login, attributes
    response = await user.http_client.get(f"/sso/cas/connexion?profil={profile}")
    assert response.status_code == 302
    login_url = response.headers["location"]
    assert login_url.startswith(f"{cas.url}/login?service=")
    back = httpx.get(login_url, follow_redirects=False)
    assert back.status_code == 302
    callback = urlsplit(back.headers["location"])
    assert callback.path == "/sso/cas/retour"
    return await user.http_client.get(f"{callback.path}?{callback.query}")


STUDENT = dict(mail="Hugo.Blanc@etu.univ.example", givenName="Hugo", sn="Blanc", supannEtuId="22004567")


async def test_a_student_signs_in_through_cas_and_gets_an_account(cas_server: LoopbackCas, user: User) -> None:
    response = await sign_in_through_cas(user, cas_server, "hblanc", **STUDENT)
    assert response.status_code == 303 and response.headers["location"] == "/candidat"
    await user.open("/candidat")
    await user.should_see("Bonjour Hugo Blanc.")
    with new_session() as session:
        account = session.exec(select(Account).where(Account.sso_subject == "hblanc")).one()
    assert (account.sso_provider, account.email, account.student_number) == (
        "cas",
        "hugo.blanc@etu.univ.example",
        "22004567",
    )
    assert account.is_activated
    # The next sign-in finds the same account.
    response = await sign_in_through_cas(user, cas_server, "hblanc", **STUDENT)
    assert response.headers["location"] == "/candidat"
    with new_session() as session:
        assert len(session.exec(select(Account)).all()) == 1


async def test_a_bad_or_replayed_ticket_is_refused_with_a_clear_message(cas_server: LoopbackCas, user: User) -> None:
    await user.http_client.get("/sso/cas/connexion")  # chooses the candidate profile
    response = await user.http_client.get("/sso/cas/retour?ticket=ST-forged")
    assert response.headers["location"] == "/connexion?sso=ticket"
    assert cas_server.validations == ["ST-forged"]  # it was checked with the CAS, which said no
    await user.open(response.headers["location"])
    await user.should_see("n'a pas validé votre connexion (ticket expiré ou déjà utilisé)")
    # A ticket is good once: replaying the callback of a successful sign-in is refused.
    cas_server.next_user, cas_server.attributes = "hblanc", STUDENT
    back = httpx.get((await user.http_client.get("/sso/cas/connexion")).headers["location"], follow_redirects=False)
    path = urlsplit(back.headers["location"])
    assert (await user.http_client.get(f"{path.path}?{path.query}")).headers["location"] == "/candidat"
    assert (await user.http_client.get(f"{path.path}?{path.query}")).headers["location"] == "/connexion?sso=ticket"
    with new_session() as session:
        assert len(session.exec(select(Account)).all()) == 1


async def test_staff_sign_in_through_cas_links_by_login(cas_server: LoopbackCas, user: User) -> None:
    with new_session() as session:
        member = StaffMember(login="mpetit", email="m@univ.example", display_name="Marc Petit")
        session.add(member)
        session.flush()
        session.add(StaffRoleAssignment(staff_id=member.id, role=StaffRole.CENTRAL_OFFICE))
        session.commit()
    response = await sign_in_through_cas(user, cas_server, "mpetit", "gestion", mail="m@univ.example")
    assert response.headers["location"] == "/gestion"
    await user.open("/gestion")
    await user.should_see("Scolarité centrale")
    response = await sign_in_through_cas(user, cas_server, "inconnu", "gestion")
    assert response.headers["location"] == "/connexion?sso=sso_unknown_staff"


async def test_candidates_cannot_sign_in_through_cas_once_the_campaign_is_closed(
    cas_server: LoopbackCas, user: User, clock
) -> None:
    clock.set(datetime(2026, 7, 1, 8, 0, tzinfo=UTC))
    with new_session() as session:
        factories.campaign(session, sign_in_closes_at=datetime(2026, 6, 30, 21, 59, tzinfo=UTC))
        session.commit()
    response = await sign_in_through_cas(user, cas_server, "hblanc", **STUDENT)
    assert response.headers["location"] == "/connexion?sso=sign_in_closed"
    await user.open(response.headers["location"])
    await user.should_see("close depuis le 30/06/2026 23:59")
    with new_session() as session:
        assert session.exec(select(Account)).all() == []


async def test_an_unreachable_cas_says_to_retry_later(cas_server: LoopbackCas, user: User, monkeypatch) -> None:
    monkeypatch.setenv("ECANDIDAT_CAS_SERVER_URL", "http://127.0.0.1:9/cas")  # discard port: nobody answers
    reset_settings()
    response = await user.http_client.get("/sso/cas/retour?ticket=ST-1")
    assert response.headers["location"] == "/connexion?sso=indisponible"
