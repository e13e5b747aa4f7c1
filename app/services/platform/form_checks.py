"""A form's values checked field by field: every field in error named at once, each with its French msgid.

What every form of the application shares (the dossier's tabs, the administration, the parameters, the banner):
:func:`validate` runs a pydantic schema, :class:`FieldChecks` runs plain checks one after the other, and both
refuse with one :class:`DossierInvalid` (a ``DomainError``; the name is the dossier's, which used it first).
"""

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from app.i18n import N_
from app.services.platform.errors import DomainError
from app.services.platform.text_rules import TOO_LONG

T = TypeVar("T")
REQUIRED = N_("Ce champ est obligatoire.")
INVALID = N_("Cette valeur n'est pas valide.")


class DossierInvalid(DomainError):
    """One message per field in error; the form shows each next to its input and keeps what was typed."""

    def __init__(self, errors: dict[str, str], params: dict[str, dict[str, Any]] | None = None) -> None:
        first_field, first_message = next(iter(errors.items()))
        self.params_of = params or {}
        super().__init__("dossier_invalid", first_message, field=first_field, **self.params_of.get(first_field, {}))
        self.errors = errors

    def field_message(self, name: str, gettext: Any) -> str:
        """The message for one field, in the reader's language."""
        return gettext(self.errors[name]).format(**self.params_of.get(name, {}))


class FieldChecks:
    """Run a submission's checks one after the other, then refuse it once, naming every field in error: the form
    lists them all, not only the first. A single refusal is raised as it came (its code and field)."""

    def __init__(self) -> None:
        self.refusals: list[DomainError] = []

    def __call__(self, check: Callable[..., T], /, *args: Any, **kwargs: Any) -> T | None:
        """``check(*args, **kwargs)``; None when it refused a field (a refusal of the whole form is raised)."""
        try:
            return check(*args, **kwargs)
        except DomainError as refusal:
            if refusal.field is None:
                raise
            self.refusals.append(refusal)
            return None

    def raise_refusals(self) -> None:
        if len(self.refusals) == 1:
            raise self.refusals[0]
        if self.refusals:
            errors: dict[str, str] = {}
            params: dict[str, dict[str, Any]] = {}
            for refusal in self.refusals:
                assert refusal.field is not None
                errors.setdefault(refusal.field, refusal.message)
                params.setdefault(refusal.field, refusal.params)
            raise DossierInvalid(errors, params)


def validate(schema: type[BaseModel], values: dict[str, Any]) -> BaseModel:
    """``schema(**values)``, or a :class:`DossierInvalid` naming every field in error."""
    try:
        return schema(**values)
    except ValidationError as error:
        errors: dict[str, str] = {}
        params: dict[str, dict[str, Any]] = {}
        for item in error.errors():
            name = str(item["loc"][0]) if item["loc"] else "__all__"
            if name in errors:
                continue
            ctx = item.get("ctx") or {}
            cause = ctx.get("error")
            if isinstance(cause, DomainError):  # the text rule: its message and parameters
                errors[name], params[name] = cause.message, cause.params
            elif isinstance(cause, ValueError) and cause.args:
                errors[name] = str(cause.args[0])
            elif item["type"] in ("missing", "string_too_short"):
                errors[name] = REQUIRED
            elif item["type"] == "string_too_long":
                errors[name], params[name] = TOO_LONG, {"max": ctx.get("max_length")}
            else:
                errors[name] = INVALID
        raise DossierInvalid(errors, params) from None
