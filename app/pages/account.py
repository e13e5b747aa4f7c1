"""« Mon compte »: the candidate's account (e-mail and password changes), and the mailed reset and change links.

Every read and every save runs in a worker thread (``run.io_bound``), never on the event loop.
"""

from collections.abc import Callable

from nicegui import run, ui

from app.config import get_settings
from app.db import transaction
from app.i18n import _
from app.models import Account, TokenPurpose
from app.pages.account_data import load_my_data, my_data_section
from app.pages.account_erasure import erasure_section
from app.pages.account_language import language_section
from app.services.accounts import ErasureOutcome, TokenError, check_token, pending_erasure
from app.services.accounts import candidates as accounts
from app.services.accounts import credentials as accounts_credentials
from app.services.accounts import rules as accounts_rules
from app.services.exports import MyDataExport
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.account_form import Form, password_rules_list, token_problem
from app.ui.candidate_nav import candidate_nav
from app.ui.email_bounce import candidate_notice
from app.ui.frame import frame
from app.ui.guards import as_candidate
from app.ui.page import page
from app.ui.session import actor_of, current_identity
from app.ui.text import heading, link_tag, paragraph, static_block, tag


def _load_account(actor: Actor) -> tuple[Account, list[accounts_rules.PasswordRule], ErasureOutcome | None]:
    """Blocking: the candidate's account, the password policy the forms spell out, a recorded erasure request."""
    with transaction() as session:
        account = accounts.get_own_account(session, actor=actor)
        pending = pending_erasure(session, actor=actor)
    return account, accounts_rules.password_rules(), pending


def _check_reset_token(token: str) -> list[accounts_rules.PasswordRule]:
    """Blocking: raises TokenError when the link cannot be used; else the password policy."""
    with transaction() as session:
        check_token(session, secret=token, purpose=TokenPurpose.PASSWORD_RESET)
    return accounts_rules.password_rules()


def _confirm_email(token: str) -> Account:
    """Blocking: the account with its new address, or TokenError / DomainError."""
    with transaction() as session:
        return accounts_credentials.confirm_email_change(session, actor=actor_of(None), token=token)


def _account_sections(
    actor: Actor,
    account: Account,
    rules: list[accounts_rules.PasswordRule],
    pending: ErasureOutcome | None,
    data_copy: MyDataExport | None,
) -> None:
    """The account's details, then what the candidate may change (not in an administrator's read-only view), their
    copy of their data, and the deletion of their account last."""
    _account_details(account)
    if not actor.read_only:
        _email_change_section()
        if account.password_hash:
            _password_change_section(rules)
        language_section(actor, account)
    my_data_section(actor, data_copy)
    if not actor.read_only:
        erasure_section(actor, pending)


async def _my_account(actor: Actor) -> None:
    account, rules, pending = await run.io_bound(_load_account, actor)
    data_copy = await run.io_bound(load_my_data, actor)
    with frame(_("Mon compte")):
        candidate_nav(None, actor=actor)  # the candidate's menu, as on their other pages
        candidate_notice(account, on_account_page=True)
        _account_sections(actor, account, rules, pending, data_copy)
        back = link_tag(_("Retour à mon espace"), routes.CANDIDATE_HOME, data_mark="back-to-space")
        static_block(tag("p", back, class_="mt-6"))


def register() -> None:
    @page(routes.ACCOUNT)
    async def my_account():
        return await as_candidate(_my_account)

    @page(routes.PASSWORD_RESET)
    async def reset_page(token: str) -> None:
        try:
            rules = await run.io_bound(_check_reset_token, token)
            problem = None
        except TokenError as error:
            rules, problem = [], error
        with frame(_("Nouveau mot de passe")):
            if problem is not None:
                token_problem(problem, again_label=_("Demander un nouveau lien"), again_href=routes.FORGOTTEN_PASSWORD)
                return
            body = ui.column().classes("w-full")
            with body:
                _reset_form(body, token, rules)

    @page(routes.EMAIL_CHANGE)
    async def confirm_email_page(token: str) -> None:
        account: Account | None = None
        problem: DomainError | None = None
        try:
            account = await run.io_bound(_confirm_email, token)
        except DomainError as error:  # TokenError included
            problem = error
        with frame(_("Confirmation de l'adresse e-mail")):
            if isinstance(problem, TokenError):
                again = routes.ACCOUNT if current_identity() else f"{routes.SIGN_IN}?suite={routes.ACCOUNT}"
                token_problem(
                    problem, again_label=_("Demander un nouveau lien depuis « Mon compte »"), again_href=again
                )
                return
            if problem is not None:
                paragraph(problem.translate(_)).classes("text-negative").mark(problem.code)
                return
            assert account is not None
            paragraph(_("Votre adresse e-mail est désormais {email}.").format(email=account.email)).mark(
                "email-changed"
            )
            ui.link(_("Mon compte"), routes.ACCOUNT)


def _account_details(account: Account) -> None:
    with ui.element("dl").mark("account-details"):
        for term, value, marker in (
            (_("Numéro de dossier"), account.dossier_number, "dossier-number"),
            (_("Nom"), account.last_name, "last-name"),
            (_("Prénom"), account.first_name, "first-name"),
            (_("Adresse e-mail"), account.email, "email"),
        ):
            with ui.element("dt").classes("font-bold"):
                ui.label(term)
            with ui.element("dd"):
                ui.label(value).mark(marker)


def _reset_form(body: ui.column, token: str, rules: list[accounts_rules.PasswordRule]) -> None:
    """The new password's form behind a mailed link; ``body`` then says it is changed, or that the link expired."""
    form = Form()
    password_rules_list(rules)
    form.input("password", _("Nouveau mot de passe"), password=True, autocomplete="new-password")
    form.input("password_confirm", _("Confirmez le mot de passe"), password=True, autocomplete="new-password")

    async def submit() -> None:
        password, password_confirm = form.value("password"), form.value("password_confirm")

        def act() -> bool:
            with transaction() as session:
                accounts_credentials.reset_password(
                    session,
                    actor=actor_of(None),
                    token=token,
                    password=password,
                    password_confirm=password_confirm,
                )
            return True

        try:
            done = await form.submit(act)
        except TokenError as error:  # the link was used or expired while the form was open
            body.clear()
            with body:
                token_problem(
                    error,
                    again_label=_("Demander un nouveau lien"),
                    again_href=routes.FORGOTTEN_PASSWORD,
                )
            return
        if done:
            body.clear()
            with body:
                paragraph(_("Votre mot de passe a été changé. Vous pouvez vous connecter.")).mark("password-reset-done")
                ui.link(_("Se connecter"), routes.SIGN_IN)

    ui.button(_("Enregistrer le mot de passe"), on_click=submit).props("no-caps").mark("save")


async def _submit(form: Form, service: Callable[..., object]) -> bool:
    """``service(session, actor=..., <field>=<value>...)`` with every field of ``form``, read here on the event loop
    and saved in a worker thread; a refusal is shown next to its field."""
    actor = actor_of(current_identity())
    values = {name: form.value(name) for name in form.inputs}

    def act() -> bool:
        with transaction() as session:
            service(session, actor=actor, **values)
        return True

    return bool(await form.submit(act))


def _email_change_section() -> None:
    with ui.element("section").classes("w-full mt-6").mark("email-change"):
        heading(_("Changer d'adresse e-mail"), 2)
        paragraph(
            _(
                "Un lien de confirmation sera envoyé à la nouvelle adresse ; le changement ne s'appliquera "
                "qu'une fois ce lien cliqué (valable {hours} heures)."
            ).format(hours=get_settings().email_change_hours)
        )
        form = Form()
        form.input("new_email", _("Nouvelle adresse e-mail"), autocomplete="email")
        form.input("new_email_confirm", _("Confirmez la nouvelle adresse e-mail"), autocomplete="email")
        form.input("current_password", _("Mot de passe actuel"), password=True, autocomplete="current-password")
        done = ui.label("").mark("email-change-sent")
        done.set_visibility(False)

        async def submit() -> None:
            done.set_visibility(False)
            new_email = form.value("new_email")
            if await _submit(form, accounts_credentials.request_email_change):
                done.text = _("Un lien de confirmation a été envoyé à {email}.").format(email=new_email)
                done.set_visibility(True)
                form.inputs["current_password"].value = ""

        ui.button(_("Changer d'adresse"), on_click=submit).props("no-caps").mark("change-email")


def _password_change_section(rules: list[accounts_rules.PasswordRule]) -> None:
    with ui.element("section").classes("w-full mt-6").mark("password-change"):
        heading(_("Changer de mot de passe"), 2)
        form = Form()
        form.input("current_password", _("Mot de passe actuel"), password=True, autocomplete="current-password")
        password_rules_list(rules)
        form.input("password", _("Nouveau mot de passe"), password=True, autocomplete="new-password")
        form.input("password_confirm", _("Confirmez le mot de passe"), password=True, autocomplete="new-password")
        done = ui.label(_("Votre mot de passe a été changé.")).mark("password-changed")
        done.set_visibility(False)

        async def submit() -> None:
            done.set_visibility(False)
            if await _submit(form, accounts_credentials.change_password):
                for name in ("current_password", "password", "password_confirm"):
                    form.inputs[name].value = ""
                done.set_visibility(True)

        ui.button(_("Changer de mot de passe"), on_click=submit).props("no-caps").mark("change-password")
