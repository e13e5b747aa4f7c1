"""Sign-in, account creation and activation, and the forgotten-password / dossier-number / activation requests.

What a page shows is read in a worker thread before it draws, and every submission (password checks and hashes
included) runs in a worker thread through ``run.io_bound``: the event loop never waits for the database.
"""

import asyncio
from collections.abc import Callable

from nicegui import run, ui

from app import clock
from app.config import get_settings
from app.db import transaction
from app.i18n import N_, _, use_language
from app.services.accounts import (
    SignInClosing,
    SignInOutcome,
    TokenError,
    authenticate,
    candidate_sign_in_closing,
    sign_in_delay,
)
from app.services.accounts import candidates as accounts
from app.services.accounts import credentials as accounts_credentials
from app.services.accounts import rules as accounts_rules
from app.services.platform import Actor, DomainError, parameters
from app.ui import routes
from app.ui.account_form import Form, password_rules_list, token_problem
from app.ui.frame import frame
from app.ui.guards import safe_next
from app.ui.page import page
from app.ui.session import Identity, actor_of, current_identity, current_language, pop_session_expired
from app.ui.session_switch import identity_for, landing, switch_to
from app.ui.text import heading, paragraph

# --- Sign-in -----------------------------------------------------------------------------------------------------


def _sign_in_delay(actor: Actor) -> int:
    with transaction() as session:
        return sign_in_delay(session, actor=actor)


async def _sign_in(form: Form, login: str, password: str, suite: str | None) -> None:
    """Check the credentials now, or, from an address with many failures, after its delay (waited without holding
    the event loop)."""
    form.clear_errors()
    actor = actor_of(None)
    delay = await run.io_bound(_sign_in_delay, actor)
    if delay:
        form.errors.say(
            _(
                "De nombreuses connexions ont échoué depuis votre réseau : "
                "la vérification de votre mot de passe est retardée de {seconds} s."
            ).format(seconds=delay)
        )
        await asyncio.sleep(delay)
    await _check_credentials(form, actor, login, password, suite)


def _authenticate(actor: Actor, login: str, password: str) -> tuple[SignInOutcome, Identity | None]:
    """Blocking (the password hash is checked): the outcome, and the session identity when it signs someone in."""
    with transaction() as session:  # committed even on failure: the failure counters must stick
        outcome = authenticate(session, actor=actor, login=login, password=password)
    if outcome.error is not None or outcome.principal is None:
        return outcome, None
    return outcome, identity_for(outcome.principal)


async def _check_credentials(form: Form, actor: Actor, login: str, password: str, suite: str | None) -> None:
    form.clear_errors()
    checked = await run.io_bound(_authenticate, actor, login, password)
    if checked is None:  # NiceGUI cancelled the call: the page or the server is going away
        return
    outcome, identity = checked
    if identity is None:
        form.show(outcome.error or DomainError("bad_credentials", ""))  # listed above the form too
        return
    switch_to(identity, safe_next(suite, landing(identity)))  # signed in under a new session id


def _closing_notice(closing: SignInClosing | None) -> None:
    """Candidates read, before typing anything, until when they may sign in, or that they no longer may."""
    if closing is None:
        return
    date = clock.paris(closing.closes_at).strftime("%d/%m/%Y %H:%M")
    if closing.closed:
        text = _(
            "La campagne de candidatures est close depuis le {date} : les candidats ne peuvent plus se connecter. "
            "Les personnels de l'université peuvent toujours se connecter."
        )
        paragraph(text.format(date=date)).classes("text-negative font-bold").mark("sign-in-closed").props("role=alert")
    else:
        paragraph(_("Les candidats peuvent se connecter jusqu'au {date}.").format(date=date)).mark("sign-in-closes")


def _demo_identities(suite: str | None) -> None:
    if not get_settings().demo:
        return
    from app.services.demo import DEMO_IDENTITIES

    english = current_language() == "en"
    with ui.element("section").mark("demo-identities"):
        heading(_("Démonstration : connexion en un clic"), 2)
        paragraph(_("Ces comptes fictifs n'existent que dans la démonstration."))
        form = Form()
        with ui.element("ul").classes("ec-bullets"):
            for demo in DEMO_IDENTITIES:
                with ui.element("li"):
                    label = demo.label_en if english else demo.label_fr
                    name = getattr(demo, "name", "")
                    text = f"{name} — {label}" if name else label
                    ui.button(text, on_click=lambda d=demo: _sign_in(form, d.login, d.password, suite)).props(
                        "flat no-caps align=left"
                    ).mark(f"demo-{demo.login}")


def _closing() -> SignInClosing | None:
    with transaction() as session:
        return candidate_sign_in_closing(session)


def _session_notices(sso: str | None, echec: str | None) -> None:
    """Why the reader is back on the sign-in page: a single sign-on refused, a session ended, a switch that failed."""
    from app.pages.sso import sso_error

    if sso:
        sso_error(sso)
    expired = pop_session_expired()
    if expired == "idle":
        paragraph(_("Votre session a expiré après une période d'inactivité. Reconnectez-vous.")).mark("session-expired")
    elif expired == "max":
        paragraph(
            _("Votre session a atteint sa durée maximale de {hours} heures. Reconnectez-vous.").format(
                hours=get_settings().session_max_hours
            )
        ).mark("session-expired")
    if echec:
        paragraph(
            _(
                "La connexion n'a pas pu aboutir : le délai est dépassé ou la page a été rouverte. "
                "Veuillez vous reconnecter."
            )
        ).classes("text-negative").mark("session-switch-failed").props("role=alert")


def _local_sign_in(suite: str | None) -> None:
    """The form for an eCandidat account, and the links to create one or to recover what was forgotten."""
    with ui.element("section").mark("local-sign-in"):
        heading(_("Connexion avec un compte eCandidat"), 2)
        form = Form()
        login = form.input("login", _("Numéro de dossier ou adresse e-mail"), autocomplete="username")
        password = form.input("password", _("Mot de passe"), password=True, autocomplete="current-password")

        async def submit() -> None:
            await _sign_in(form, str(login.value or ""), str(password.value or ""), suite)

        password.on("keydown.enter", submit)
        ui.button(_("Se connecter"), on_click=submit).props("no-caps").mark("sign-in")
        with ui.column().classes("gap-1 mt-4"):
            ui.link(_("Créer un compte"), routes.ACCOUNT_CREATE).mark("create-account")
            ui.link(_("Mot de passe oublié"), routes.FORGOTTEN_PASSWORD).mark("forgot-password")
            ui.link(_("Numéro de dossier oublié"), routes.FORGOTTEN_NUMBER).mark("forgot-number")
            ui.link(_("Renvoyer le mail d'activation"), routes.ACTIVATION_REQUEST).mark("resend-activation")


def _create_account_form(body: ui.column, rules: list[accounts_rules.PasswordRule]) -> None:
    """The account creation form; once created, ``body`` shows the dossier number instead."""
    form = Form()
    form.input("last_name", _("Nom"), autocomplete="family-name")
    form.input("first_name", _("Prénom"), autocomplete="given-name")
    form.input("email", _("Adresse e-mail"), autocomplete="email")
    form.input("email_confirm", _("Confirmez l'adresse e-mail"), autocomplete="email")
    password_rules_list(rules)
    form.input("password", _("Mot de passe"), password=True, autocomplete="new-password")
    form.input("password_confirm", _("Confirmez le mot de passe"), password=True, autocomplete="new-password")

    async def submit() -> None:
        actor, language = actor_of(None), current_language()
        fields = ("last_name", "first_name", "email", "email_confirm", "password", "password_confirm")
        values = {name: form.value(name) for name in fields}

        def act() -> tuple[accounts.AccountCreated, int]:
            with use_language(language), transaction() as session:
                created = accounts.create_account(session, actor=actor, language=language, **values)
            return created, parameters.effective_settings().activation_days

        result = await form.submit(act)
        if result is not None:
            body.clear()
            with body:
                _created(*result)

    ui.button(_("Créer mon compte"), on_click=submit).props("no-caps").mark("create")


def register() -> None:
    @page(routes.SIGN_IN)
    async def sign_in_page(suite: str | None = None, sso: str | None = None, echec: str | None = None) -> None:
        from app.pages.sso import sso_buttons

        identity = current_identity()
        closing = await run.io_bound(_closing)
        with frame(_("Connexion")):
            _closing_notice(closing)
            _session_notices(sso, echec)
            if identity is not None:
                paragraph(_("Vous êtes connecté en tant que {name}.").format(name=identity.display_name))
                ui.link(_("Continuer"), landing(identity))
            sso_buttons()
            _local_sign_in(suite)
            _demo_identities(suite)

    @page(routes.ACCOUNT_CREATE)
    async def create_account_page() -> None:
        rules = await run.io_bound(accounts_rules.password_rules)
        with frame(_("Créer un compte")):
            paragraph(
                _(
                    "Si vous êtes étudiant de l'université, connectez-vous plutôt avec l'ENT : "
                    "vos informations seront reprises automatiquement."
                )
            )
            body = ui.column().classes("w-full")
            with body:
                _create_account_form(body, rules)

    @page(routes.ACCOUNT_ACTIVATE)
    async def activate_page(token: str) -> None:
        problem: TokenError | None = None
        try:
            await run.io_bound(_activate, actor_of(None), token)
        except TokenError as error:
            problem = error
        with frame(_("Activation du compte")):
            if problem is not None:
                token_problem(
                    problem,
                    again_label=_("Recevoir un nouveau mail d'activation"),
                    again_href=routes.ACTIVATION_REQUEST,
                )
                ui.link(_("Se connecter"), routes.SIGN_IN)
                return
            paragraph(_("Votre compte est activé. Vous pouvez maintenant vous connecter.")).mark("activated")
            ui.link(_("Se connecter"), routes.SIGN_IN).mark("go-sign-in")

    _register_requests()


def _register_requests() -> None:
    """The three one-field requests: a new password, the dossier number, the activation mail."""
    _request_page(
        routes.FORGOTTEN_PASSWORD,
        N_("Mot de passe oublié"),
        "login",
        N_("Numéro de dossier ou adresse e-mail"),
        lambda session, actor, value: accounts_credentials.request_password_reset(session, actor=actor, login=value),
        lambda: _(
            "Si un compte correspond, un mail contenant un lien pour choisir un nouveau mot de passe vient d'être "
            "envoyé. Ce lien est valable {hours} heures."
        ).format(hours=parameters.current("reset_hours")),
    )
    _request_page(
        routes.FORGOTTEN_NUMBER,
        N_("Numéro de dossier oublié"),
        "email",
        N_("Adresse e-mail"),
        lambda session, actor, value: accounts.send_dossier_number_reminder(session, actor=actor, email=value),
        lambda: _("Si un compte correspond à cette adresse, votre numéro de dossier vient de vous être envoyé."),
    )
    _request_page(
        routes.ACTIVATION_REQUEST,
        N_("Renvoyer le mail d'activation"),
        "email",
        N_("Adresse e-mail"),
        lambda session, actor, value: accounts.resend_activation(session, actor=actor, email=value),
        lambda: _(
            "Si un compte non activé correspond à cette adresse, un nouveau mail d'activation vient d'être envoyé. "
            "Pensez à vérifier vos courriers indésirables."
        ),
    )


def _activate(actor: Actor, token: str) -> None:
    with transaction() as session:
        accounts.activate_account(session, actor=actor, token=token)


def _created(created: accounts.AccountCreated, activation_days: int) -> None:
    paragraph(_("Votre compte a été créé.")).mark("account-created")
    paragraph(_("Votre numéro de dossier :"))
    ui.label(created.dossier_number).classes("text-2xl font-mono font-bold").mark("dossier-number")
    paragraph(_("Notez-le : il vous identifie dans toutes vos démarches."))
    paragraph(
        _(
            "Un mail d'activation a été envoyé à {email}. Cliquez sur le lien qu'il contient dans les {days} jours "
            "pour activer votre compte ; sans cela vous ne pourrez pas vous connecter. "
            "Pensez à vérifier vos courriers indésirables."
        ).format(email=created.email, days=activation_days)
    )


def _request_page(path: str, title: str, field: str, label: str, service: Callable, done: Callable[[], str]) -> None:
    """A one-field request whose answer never says whether an account exists. ``service`` and ``done`` (which may
    read a parameter) run in a worker thread, in the reader's language."""

    @page(path)
    def request_page() -> None:
        with frame(_(title)):
            body = ui.column().classes("w-full")
            with body:
                form = Form()
                form.input(field, _(label), autocomplete="username" if field == "login" else "email")

                async def submit() -> None:
                    value = form.value(field).strip()
                    if not value:
                        form.show(DomainError("required", N_("Ce champ est obligatoire."), field=field))
                        return
                    actor, lang = actor_of(None), current_language()

                    def act() -> str:
                        with use_language(lang):
                            with transaction() as session:
                                service(session, actor, value)
                            return done()

                    text = await form.submit(act)
                    if text is not None:
                        body.clear()
                        with body:
                            paragraph(text).mark("request-done")
                            ui.link(_("Retour à la connexion"), routes.SIGN_IN)

                ui.button(_("Envoyer"), on_click=submit).props("no-caps").mark("send")
