"""University single sign-on: OpenID Connect (authlib) and CAS 3 (python-cas) routes, and their sign-in buttons.

Both protocols end the same way: the identity they vouch for goes to ``sso.sign_in_candidate`` or
``sso.sign_in_staff`` (the profile chosen on /connexion is kept in the signed session cookie), and a refusal
comes back to /connexion with a code the page turns into a sentence.
"""

import asyncio
import logging
from xml.etree.ElementTree import ParseError

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app, run, ui

from app.config import get_settings
from app.db import transaction
from app.i18n import N_, _
from app.pages.auth import identity_for, landing
from app.pages.session_switch import rotate
from app.services.accounts import SignInOutcome, sso
from app.services.platform import Actor
from app.ui import routes
from app.ui.session import Identity
from app.ui.text import heading, paragraph

log = logging.getLogger(__name__)

CAS_TIMEOUT_SECONDS = 10

SSO_ERRORS = {
    "sso_unknown_staff": N_(
        "Votre identité universitaire n'est associée à aucun compte de gestion. Contactez l'administrateur."
    ),
    "no_role": N_("Aucun rôle ne vous est attribué : contactez l'administrateur de l'application."),
    "sso_no_email": N_("L'ENT n'a pas transmis votre adresse e-mail : contactez l'assistance."),
    "sign_in_closed": N_("La campagne de candidatures est close : les candidats ne peuvent plus se connecter."),
}
SSO_MESSAGES = {
    "refus": N_("La connexion par l'ENT a été refusée ou annulée."),
    "echec": N_("La connexion par l'ENT a échoué (lien expiré ou invalide). Veuillez réessayer."),
    "ticket": N_(
        "Le service d'authentification de l'université n'a pas validé votre connexion (ticket expiré ou déjà "
        "utilisé). Veuillez vous reconnecter."
    ),
    "indisponible": N_("Le service d'authentification de l'université ne répond pas. Réessayez dans quelques minutes."),
}


def sso_error(code: str) -> None:
    """The sentence for a refusal code sent back to /connexion (an unknown code reads as a failure)."""
    message = SSO_MESSAGES.get(code) or SSO_ERRORS.get(code) or SSO_MESSAGES["echec"]
    paragraph(_(message)).classes("text-negative").mark("sso-error").props("role=alert")


def sso_buttons() -> None:
    """The SSO section of /connexion: one button per configured protocol and profile."""
    settings = get_settings()
    providers = [p for p, on in (("oidc", settings.oidc_issuer), ("cas", settings.cas_server_url)) if on]
    if not providers:
        return
    with ui.element("section").mark("sso"):
        heading(_("Étudiants et personnels de l'université"), 2)
        paragraph(_("Connectez-vous avec vos identifiants habituels ({sso}).").format(sso=settings.sso_label))
        for provider in providers:
            with ui.row():
                ui.button(
                    _("Étudiant : se connecter avec l'ENT"),
                    on_click=lambda p=provider: ui.navigate.to(
                        routes.SSO_SIGN_IN.format(provider=p) + "?profil=candidat"
                    ),
                ).props("no-caps").mark(f"sso-{provider}-candidate")
                ui.button(
                    _("Personnel : se connecter avec l'ENT"),
                    on_click=lambda p=provider: ui.navigate.to(
                        routes.SSO_SIGN_IN.format(provider=p) + "?profil=gestion"
                    ),
                ).props("no-caps outline").mark(f"sso-{provider}-staff")


def _back_to_sign_in(code: str) -> RedirectResponse:
    return RedirectResponse(f"{routes.SIGN_IN}?sso={code}", status_code=303)


def _sign_in(actor: Actor, identity: sso.SsoIdentity, staff: bool) -> tuple[SignInOutcome, Identity | None]:
    """Blocking (routes call it through ``run.io_bound``): the outcome, and the session identity it signs in."""
    with transaction() as session:
        if staff:
            outcome = sso.sign_in_staff(session, actor=actor, identity=identity)
        else:
            outcome = sso.sign_in_candidate(session, actor=actor, identity=identity)
    if outcome.principal is None:
        return outcome, None
    return outcome, identity_for(outcome.principal)


async def _finish(request: Request, identity: sso.SsoIdentity) -> RedirectResponse:
    """Sign the vouched-for identity in as the profile chosen before leaving for the SSO."""
    actor = Actor.anonymous(request.client.host if request.client else None)
    staff = request.session.pop("sso_profile", "candidat") == "gestion"
    checked = await run.io_bound(_sign_in, actor, identity, staff)
    if checked is None:  # the server is stopping
        return _back_to_sign_in("echec")
    outcome, signed_in = checked
    if signed_in is None:
        return _back_to_sign_in(outcome.error.code if outcome.error else "echec")
    await rotate(request, signed_in)  # signed in under a new session id (the response carries its cookie)
    return RedirectResponse(landing(signed_in), status_code=303)


def _remember_profile(request: Request, profil: str) -> None:
    request.session["sso_profile"] = "gestion" if profil == "gestion" else "candidat"


# --- OpenID Connect (authlib) ------------------------------------------------------------------------------------


def _oidc_client():
    from authlib.integrations.starlette_client import OAuth

    settings = get_settings()
    oauth = OAuth()
    oauth.register(
        "oidc",
        server_metadata_url=f"{settings.oidc_issuer.rstrip('/')}/.well-known/openid-configuration",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        client_kwargs={"scope": settings.oidc_scope},
    )
    return oauth.oidc


# --- CAS 3 (python-cas) ------------------------------------------------------------------------------------------


def _cas_client():
    """A CAS 3 client whose service URL is fixed: the ticket is only valid for the URL it was issued to."""
    import requests
    from cas import CASClient

    class TimeoutSession(requests.Session):  # python-cas passes no timeout: a silent server must not hang us
        def request(self, *args, **kwargs):  # type: ignore[no-untyped-def, override]
            kwargs.setdefault("timeout", CAS_TIMEOUT_SECONDS)
            return super().request(*args, **kwargs)

    settings = get_settings()
    return CASClient(
        version=3,
        service_url=f"{settings.base_url}/sso/cas/retour",
        server_url=settings.cas_server_url.rstrip("/") + "/",  # python-cas joins "login", "p3/serviceValidate"
        session=TimeoutSession(),
    )


def register() -> None:
    from authlib.integrations.starlette_client import OAuthError

    @app.get(routes.SSO_OIDC_SIGN_IN, include_in_schema=False)
    async def oidc_start(request: Request, profil: str = "candidat"):
        if not get_settings().oidc_issuer:
            return RedirectResponse(routes.SIGN_IN, status_code=303)
        _remember_profile(request, profil)
        return await _oidc_client().authorize_redirect(request, f"{get_settings().base_url}/sso/oidc/retour")

    @app.get(routes.SSO_OIDC_RETURN, include_in_schema=False)
    async def oidc_back(request: Request):
        if request.query_params.get("error"):  # refused consent, or the provider's own refusal
            return _back_to_sign_in("refus")
        try:
            token = await _oidc_client().authorize_access_token(request)  # checks state, nonce and the ID token
        except (OAuthError, KeyError, ValueError):
            return _back_to_sign_in("echec")
        claims = token.get("userinfo") or {}
        if not claims.get("sub"):
            return _back_to_sign_in("echec")
        return await _finish(request, sso.identity_from_oidc_claims(claims))

    @app.get(routes.SSO_CAS_SIGN_IN, include_in_schema=False)
    async def cas_start(request: Request, profil: str = "candidat"):
        if not get_settings().cas_server_url:
            return RedirectResponse(routes.SIGN_IN, status_code=303)
        _remember_profile(request, profil)
        return RedirectResponse(_cas_client().get_login_url(), status_code=302)

    @app.get(routes.SSO_CAS_RETURN, include_in_schema=False)
    async def cas_back(request: Request, ticket: str = ""):
        if not get_settings().cas_server_url:
            return RedirectResponse(routes.SIGN_IN, status_code=303)
        if not ticket:  # the CAS sends people back without a ticket when they cancel
            return _back_to_sign_in("refus")
        import requests

        try:
            user, attributes, _pgt = await asyncio.to_thread(_cas_client().verify_ticket, ticket)
        except (requests.RequestException, ParseError, IndexError) as exc:
            log.warning("CAS ticket validation failed: %s", exc)
            return _back_to_sign_in("indisponible")
        if not user:  # an authenticationFailure answer: unknown, expired or replayed ticket
            return _back_to_sign_in("ticket")
        return await _finish(request, sso.identity_from_cas(user, attributes))
