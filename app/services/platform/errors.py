"""The error every service raises for a refused action: a code and parameters, translated for the screen."""

from collections.abc import Callable
from typing import Any

from app.i18n import N_


class DomainError(Exception):
    """A business rule refused the action.

    ``message`` is a French msgid (the reference language) with ``{name}`` placeholders filled from
    ``params``; screens show it through ``_()`` so the user reads it in their language.
    ``field`` names the input the message belongs next to, when there is one.
    """

    def __init__(self, code: str, message: str, *, field: str | None = None, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.field = field
        self.params = params

    def translate(self, gettext: Any) -> str:
        return gettext(self.message).format(**self.params)

    def __str__(self) -> str:
        return f"{self.code}: {self.message.format(**self.params)}"


class NotFound(DomainError):
    def __init__(self, what: str = "") -> None:
        super().__init__("not_found", N_("Cette page ou cet élément n'existe pas ou plus."), what=what)


class Forbidden(DomainError):
    def __init__(self) -> None:
        super().__init__("forbidden", N_("Vous n'avez pas accès à cet élément."))


class StaleEdit(DomainError):
    """Somebody else saved the same object since it was opened: the second save is refused."""

    def __init__(self) -> None:
        super().__init__(
            "stale_edit",
            N_(
                "Quelqu'un d'autre a modifié cet élément depuis que vous l'avez ouvert. Vos changements n'ont pas "
                "été enregistrés : rechargez la page pour voir la nouvelle version, puis refaites vos changements."
            ),
        )


def passes(check: Callable[..., object], *args: Any, **kwargs: Any) -> bool:
    """Whether ``check(*args, **kwargs)`` (a ``require_…`` or a rule that raises a refusal) lets this through."""
    try:
        check(*args, **kwargs)
    except DomainError:
        return False
    return True
