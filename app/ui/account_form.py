"""The account forms' kit: inputs by field name with their refusals shown in place, the password field's show/hide
button, the password policy spelled out, and what a mailed link that cannot be used says.

Shared by sign-in and account creation (app/pages/auth.py), « Mon compte » and the mailed links
(app/pages/account.py), and the administrator's candidate view (app/pages/staff_home.py).
"""

from collections.abc import Callable
from typing import TypeVar

from nicegui import ui

from app.i18n import _
from app.services.accounts import TokenError
from app.services.accounts import rules as accounts_rules
from app.services.platform import DomainError
from app.ui.form_errors import ErrorSummary, submitted
from app.ui.text import list_item, paragraph

T = TypeVar("T")


class Form:
    """Inputs by field name, and a place for messages that belong to no field; nothing typed is ever cleared."""

    def __init__(self) -> None:
        self.inputs: dict[str, ui.input] = {}
        self.errors = ErrorSummary()

    def input(self, name: str, label: str, *, password: bool = False, autocomplete: str = "") -> ui.input:
        field = ui.input(label, password=password).props("outlined")
        field.classes("w-full max-w-md").mark(name)
        if autocomplete:
            field.props(f"autocomplete={autocomplete}")
        if password:
            password_toggle(field, label).mark(f"{name}-show")
        self.inputs[name] = field
        return field

    def value(self, name: str) -> str:
        return str(self.inputs[name].value or "")

    def clear_errors(self) -> None:
        self.errors.clear(self.inputs)

    def show(self, error: DomainError) -> None:
        """Each message under its field and all of them listed above the form (app/ui/form_errors.py)."""
        self.errors.show(self.inputs, error)

    def run(self, action: Callable[[], object]) -> object | None:
        """Call ``action``; a refusal is shown next to its field and None is returned."""
        self.clear_errors()
        try:
            return action()
        except DomainError as error:
            self.show(error)
            return None

    async def submit(self, action: Callable[[], T]) -> T | None:
        """Like :meth:`run`, with ``action`` (its own unit of work, nothing of NiceGUI inside: read the inputs and
        the actor before) run in a worker thread through ``run.io_bound``."""
        return await submitted(self, action)


def password_toggle(field: ui.input, label: str) -> ui.button:
    """The show/hide button of a password field: a real button, reached by Tab and named after its field (NiceGUI's
    own toggle is an icon, with no name, that only a mouse can press). Its name stays; ``aria-pressed`` says whether
    the password is shown."""

    def toggle() -> None:
        shown = field.props.get("type") == "password"
        field.props(f"type={'text' if shown else 'password'}")
        button.props(f"icon={'visibility_off' if shown else 'visibility'} aria-pressed={str(shown).lower()}")

    with field.add_slot("append"):
        button = ui.button(icon="visibility", on_click=toggle).props("flat round dense aria-pressed=false")
    button.props["aria-label"] = _("Afficher « {field} »").format(field=label)  # set directly: a label may hold quotes
    return button


def password_rules_list(rules: list[accounts_rules.PasswordRule] | None = None) -> None:
    """The password policy, spelled out on screen before the candidate types; pages pass ``rules`` read in their
    worker thread (``accounts_rules.password_rules()`` reads a parameter)."""
    paragraph(_("Votre mot de passe doit contenir :"))
    with ui.element("ul").classes("ec-bullets").mark("password-rules"):
        for rule in accounts_rules.password_rules() if rules is None else rules:
            list_item(_(rule.label).format(**rule.params))


def token_problem(error: TokenError, *, again_label: str, again_href: str) -> None:
    """Say why a link cannot be used and offer a new one."""
    paragraph(error.translate(_)).classes("text-negative").mark(error.code)
    ui.link(again_label, again_href).mark("ask-again")
