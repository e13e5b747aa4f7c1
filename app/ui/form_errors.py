"""A form's errors: each under its field, and every one of them listed above the form.

Quasar writes a field's message under it, but names it nowhere: here each field in error is also ``aria-invalid`` and
described (``aria-describedby``) by its line of the list, so a screen reader says the message on reaching the field
(RGAA 11.10, WCAG 3.3.1). The list is one HTML block with ``role=alert``: read out when a submission is refused.
Quasar passes these attributes to the field's native input (a select's: see app/ui/dossier_form.py).
"""

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from nicegui import run

from app.i18n import _, ngettext
from app.services.dossier import DossierInvalid
from app.services.platform import DomainError
from app.ui.text import static_block, tag, text_tag

_DESCRIBED = ("aria-invalid", "aria-describedby")
T = TypeVar("T")


class ShowsErrors(Protocol):
    """A form that clears and shows a refusal's messages (app/ui/account_form.py, app/ui/dossier_form.py)."""

    def clear_errors(self) -> None: ...

    def show(self, error: DomainError) -> None: ...


async def submitted(form: ShowsErrors, action: Callable[[], T]) -> T | None:
    """``action()`` (its own unit of work, nothing of NiceGUI inside) in a worker thread; a refusal is shown by
    ``form`` and None returned (nothing typed is cleared)."""
    form.clear_errors()
    try:
        return await run.io_bound(action)
    except DomainError as error:
        form.show(error)
        return None


def field_messages(error: DomainError) -> dict[str | None, str]:
    """Each message of a refusal by the field it belongs to (None: the form as a whole), in the reader's language."""
    if isinstance(error, DossierInvalid):
        return {name: error.field_message(name, _) for name in error.errors}
    return {error.field: error.translate(_)}


def field_label(element: Any) -> str:
    """The field's visible label, without the required star."""
    label = element.props.get("label") or getattr(element, "text", "") or ""
    return str(label).removesuffix(" *")


class ErrorSummary:
    """The list of a form's errors (marked ``marker``), hidden while there is none."""

    def __init__(self, marker: str = "form-error") -> None:
        self.block = static_block("").classes("text-negative").mark(marker)
        self.block.props["role"] = "alert"
        self.block.set_visibility(False)
        self._described: list[Any] = []

    def clear(self, fields: dict[str, Any]) -> None:
        for element in fields.values():
            element.error = None
        for element in self._described:
            for name in _DESCRIBED:
                element.props.pop(name, None)
            element.update()
        self._described = []
        self.block.set_visibility(False)

    def say(self, text: str) -> None:
        """A message about the whole form, alone."""
        self.block.content = text_tag("p", text)
        self.block.set_visibility(True)

    def show(self, fields: dict[str, Any], error: DomainError) -> None:
        """Each field's message under it and in the list (in the form's order), then what belongs to no field."""
        messages = field_messages(error)
        lines = []
        for name, element in fields.items():
            if name not in messages:
                continue
            element.error = messages[name]
            line_id = f"{element.html_id}-error"
            element.props["aria-invalid"] = "true"
            element.props["aria-describedby"] = line_id
            self._described.append(element)
            text = _("{name} : {message}").format(name=field_label(element), message=messages[name])
            lines.append(text_tag("li", text, id=line_id))
        others = "".join(text_tag("p", text) for name, text in messages.items() if name not in fields)
        listed = ""
        if lines:
            intro = ngettext(
                "Le formulaire contient {n} erreur : corrigez le champ signalé.",
                "Le formulaire contient {n} erreurs : corrigez les champs signalés.",
                len(lines),
            ).format(n=len(lines))
            listed = text_tag("p", intro) + tag("ul", "".join(lines), class_="ec-bullets")
        self.block.content = others + listed
        self.block.set_visibility(True)
