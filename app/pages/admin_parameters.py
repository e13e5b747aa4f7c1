"""« Paramètres » (/admin/parametres): limits, delays, file sizes and password policy, each with its bounds.

Each parameter is saved on its own (its own version, its own audit line), its error shown next to its field;
« Rétablir la valeur par défaut » drops the override so the ``ECANDIDAT_*`` default applies again.
"""

from collections.abc import Callable
from functools import partial
from typing import Any

from nicegui import ui
from sqlmodel import Session

from app.i18n import _
from app.services.admin import ParameterView, portal_parameters, read_only_switch
from app.services.dossier import DossierInvalid
from app.services.platform import Actor, DomainError, parameters, read_only
from app.ui import routes
from app.ui.admin_widgets import institution_page
from app.ui.dates import format_moment
from app.ui.offer_admin import in_transaction, load, notice, say
from app.ui.page import page
from app.ui.text import heading, paragraph


def _label(view: ParameterView) -> str:
    return _("{label} ({unit})").format(label=_(view.definition.label), unit=_(view.definition.unit))


def _hint(view: ParameterView) -> str:
    d = view.definition
    return _("{help} Entre {min} et {max} ; valeur par défaut : {default}.").format(
        help=_(d.help), min=d.minimum, max=d.maximum, default=view.default
    )


def _field(view: ParameterView, writable: bool) -> ui.number:
    """The parameter's number with its bounds and default, and who last changed it."""
    name = view.definition.name
    field = ui.number(_label(view), value=view.value, format="%d", step=1).props("outlined bottom-slots")
    field.classes("w-full max-w-lg").mark(f"param-{name}")
    field.props["hint"] = _hint(view)
    if not writable:
        field.props("readonly")
    if view.overridden:
        who = _(" par {name}").format(name=view.updated_by) if view.updated_by else ""
        changed = format_moment(view.updated_at) if view.updated_at else ""
        paragraph(_("Modifié le {moment}{who}.").format(moment=changed, who=who)).classes("text-sm").mark(
            f"changed-{name}"
        )
    return field


def _parameter(view: ParameterView, actor: Actor, writable: bool, status: ui.label, refresh: Any) -> None:
    name, label = view.definition.name, _(view.definition.label)
    with ui.element("div").classes("w-full mt-3").mark(f"row-{name}"):
        field = _field(view, writable)
        if not writable:
            return

        async def change(work: Callable[[Session], Any], message: Callable[[Any], str]) -> None:
            """``work`` off the event loop; its refusal next to the field, else ``message(result)`` and the
            parameters drawn again."""
            field.error = None
            status.set_visibility(False)
            try:
                result = await in_transaction(work)
            except DomainError as error:
                if isinstance(error, DossierInvalid) and name in error.errors:
                    field.error = error.field_message(name, _)
                else:
                    field.error = error.translate(_)
                return
            say(status, message(result))
            refresh()

        def store(session: Session, value: Any) -> Any:
            row = portal_parameters.save_parameter(
                session, actor=actor, name=name, value=value, expected_version=view.version
            )
            return row.value.get("value")

        async def save() -> None:
            value = field.value  # read here, on the event loop
            await change(
                lambda session: store(session, value),
                lambda saved: _("Paramètre enregistré : {label} = {value}.").format(label=label, value=saved),
            )

        reset = partial(
            change,
            lambda session: portal_parameters.reset_parameter(
                session, actor=actor, name=name, expected_version=view.version
            ),
            lambda _result: _("Valeur par défaut rétablie : {label} = {value}.").format(
                label=label, value=view.default
            ),
        )
        with ui.row().classes("gap-2"):
            save_button = ui.button(_("Enregistrer"), on_click=save).props("no-caps dense").mark(f"save-{name}")
            save_button.props["aria-label"] = _("Enregistrer : {label}").format(label=label)
            if view.overridden:
                reset_button = ui.button(_("Rétablir la valeur par défaut"), on_click=reset).props(
                    "no-caps dense outline"
                )
                reset_button.mark(f"reset-{name}")
                reset_button.props["aria-label"] = _("Rétablir la valeur par défaut : {label}").format(label=label)


def _mode_text(mode: read_only.ReadOnlyState) -> str:
    if not mode.on:
        return _("Le portail accepte les modifications.")
    moment = format_moment(mode.since) if mode.since else ""
    if mode.automatic:
        return _(
            "Lecture seule automatique depuis le {moment} : la base de données refuse les écritures ({reason})."
        ).format(moment=moment, reason=mode.reason)
    return _("Lecture seule activée par {name} le {moment}.").format(name=mode.by, moment=moment)


async def _read_only_section(actor: Actor, writable: bool, status: ui.label) -> None:
    """The central office's switch: candidates keep reading and answering offers, every other change waits."""

    @ui.refreshable
    async def body() -> None:
        mode = await load(lambda session: read_only_switch.current_state(session, actor=actor))
        if mode is None:
            return
        paragraph(_mode_text(mode)).mark("read-only-state")
        if not writable:
            return

        async def flip() -> None:
            status.set_visibility(False)
            try:
                await in_transaction(
                    lambda session: read_only_switch.set_read_only(session, actor=actor, on=not mode.on)
                )
            except DomainError as error:
                ui.notify(error.translate(_), type="negative")
                return
            say(
                status,
                _("Le portail est en lecture seule.")
                if not mode.on
                else _("Le portail accepte de nouveau les modifications."),
            )
            body.refresh()

        label = _("Rétablir les modifications") if mode.on else _("Passer le portail en lecture seule")
        ui.button(label, on_click=flip).props("no-caps dense").mark("read-only-switch")

    with ui.element("section").classes("w-full mt-4").mark("read-only-section"):
        heading(_("Lecture seule"), 2)
        paragraph(
            _(
                "En lecture seule, les candidats se connectent, consultent leurs candidatures et répondent aux "
                "propositions d'admission ; toute autre modification est refusée, pour tous."
            )
        )
        await body()


async def _page(actor: Actor, writable: bool) -> None:
    status = notice()
    await _read_only_section(actor, writable, status)

    @ui.refreshable
    async def body() -> None:
        views = await load(lambda session: portal_parameters.list_parameters(session, actor=actor))
        if views is None:
            return
        for group in parameters.GROUPS:
            with ui.element("section").classes("w-full mt-4").mark(f"group-{parameters.GROUPS.index(group)}"):
                heading(_(group), 2)
                for view in views:
                    if view.definition.group == group:
                        _parameter(view, actor, writable, status, body.refresh)

    await body()


def register() -> None:
    @page(routes.ADMIN_PARAMETERS)
    async def admin_parameters_page() -> Any:
        return await institution_page(
            _("Paramètres"),
            _(
                "Ces valeurs remplacent celles de la configuration du serveur. Chaque paramètre s'enregistre "
                "séparément et s'applique aussitôt sur ce serveur (en moins d'une minute sur les autres)."
            ),
            _page,
        )
