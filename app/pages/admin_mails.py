"""« Modèles de mails » (/admin/mails): every mail, and an editor per mail and language with a live preview.

The preview is rendered on the server in the mail sandbox with sample data, and shown inside an
``<iframe sandbox srcdoc=…>``: the template's output never becomes part of this page (no script runs, no
same-origin access), and the subject is shown as plain text. The preview and the save render a template staff
wrote: both run in a worker thread (``run.io_bound``), never on the event loop, and the bounded sandbox refuses a
template that would work too long, so every other page keeps answering meanwhile. The list and the editor's template
are read in a worker thread too, before they draw.
"""

import time
from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import run, ui

from app.db import transaction
from app.i18n import LANGUAGES, _
from app.services.accounts import staff_roles as staff
from app.services.admin import CATEGORIES, code_info, sample_text, template_variables
from app.services.admin import mail_templates as templates
from app.services.mail import MailCode
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.admin_widgets import admin_page
from app.ui.dates import format_moment
from app.ui.dossier_form import EntityForm, saved_notice
from app.ui.guards import done_or_refusal
from app.ui.offer_admin import alert
from app.ui.page import page
from app.ui.tables import scroll_region
from app.ui.text import Text, heading, paragraph

PREVIEW_QUIET_SECONDS = 0.5  # the preview is redrawn once typing pauses this long


def _cell(text: str, tag: str = "td", **props: str) -> Text:
    cell = Text(text, tag)
    for name, value in props.items():
        cell.props[name] = value
    return cell


def _status_text(status: templates.TemplateStatus) -> str:
    if not status.customised or status.updated_at is None:
        return _("modèle par défaut")
    return _("personnalisé le {date}").format(date=format_moment(status.updated_at))


def _list_templates(actor: Actor) -> list[templates.TemplateRow]:
    """Blocking: pages call it through ``run.io_bound``."""
    with transaction() as session:
        return templates.list_templates(session, actor=actor)


async def _list_page(actor: Actor) -> None:
    try:
        rows = await run.io_bound(_list_templates, actor)
    except DomainError as error:
        paragraph(error.translate(_)).mark("refusal")
        return
    paragraph(
        _(
            "Chaque mail existe en français et en anglais. Un modèle personnalisé remplace le modèle fourni avec "
            "l'application ; « Rétablir le modèle par défaut » revient à celui-ci."
        )
    )
    for category in CATEGORIES:
        in_category = [row for row in rows if row.info.category == category]
        if not in_category:
            continue
        heading(_(category), 2)
        marker = f"mails-{CATEGORIES.index(category)}"
        with scroll_region(_(category)).classes("mb-4"), ui.element("table").classes("ec-table").mark(marker):
            with ui.element("thead"), ui.element("tr"):
                for label in (_("Mail"), _("Envoi"), _("Code eCandidat"), *LANGUAGES.values()):
                    _cell(label, "th", scope="col")
            with ui.element("tbody"):
                for row in in_category:
                    code = row.info.code.value
                    with ui.element("tr").mark(f"mail-{code}"):
                        _cell(_(row.info.label), "th", scope="row")
                        _cell(_(row.info.description))
                        _cell(row.info.legacy_code or "—")
                        for language, name in LANGUAGES.items():
                            status = row.statuses[language]
                            with ui.element("td"):
                                link = ui.link(
                                    _status_text(status), routes.ADMIN_MAIL.format(code=code, language=language)
                                )
                                link.props["aria-label"] = _("Modifier « {mail} » en {language}").format(
                                    mail=_(row.info.label), language=name
                                )
                                link.mark(f"edit-{code}-{language}")


def _variables(code: str, language: str) -> None:
    heading(_("Variables disponibles"), 2)
    paragraph(
        _(
            "Écrivez une variable entre doubles accolades. Les dates se mettent en forme avec « |date », "
            "« |datetime » ou « |time » (heure de Paris, dans la langue du mail) ; une partie facultative s'écrit "
            "« {% if decision.comment %}…{% endif %} ». Toute autre variable est refusée."
        )
    )
    with scroll_region(_("Variables disponibles")), ui.element("table").classes("ec-table").mark("variables"):
        with ui.element("thead"), ui.element("tr"):
            for label in (_("Variable"), _("Signification"), _("Exemple (aperçu)")):
                _cell(label, "th", scope="col")
        with ui.element("tbody"):
            for doc in template_variables(code, language):
                with ui.element("tr").mark(f"variable-{doc.name}"):
                    with ui.element("th").props("scope=row"):
                        Text(doc.usage, "code")
                    _cell(_(doc.label) + (" " + _("(commune à tous les mails)") if doc.common else ""))
                    _cell(sample_text(doc.sample, language))


Preview = templates.RenderedMail | DomainError  # what rendering a preview gives: the mail, or why not


def _render_preview(**kw: Any) -> Preview:
    """Blocking (a staff-written template is rendered): pages call it through ``run.io_bound``."""
    return done_or_refusal(templates.preview_template, **kw)


def _show_preview(
    frame_element: ui.element,
    subject_label: ui.label,
    error_label: ui.label,
    mail: Preview,
) -> None:
    """Show the subject as text and the mail inside a sandboxed iframe, or the error."""
    if isinstance(mail, DomainError):
        error_label.text = _("Aperçu impossible : {error}").format(error=mail.translate(_))
        error_label.set_visibility(True)
        return
    error_label.set_visibility(False)
    subject_label.text = _("Objet : {subject}").format(subject=mail.subject)
    frame_element.props["srcdoc"] = mail.html  # an attribute value: the browser never parses it into this page
    frame_element.update()


def _open_editor(actor: Actor, code: str, language: str) -> tuple[templates.TemplateDraft, bool]:
    """Blocking (pages call it through ``run.io_bound``): the template's draft, and whether the role may save."""
    with transaction() as session:
        draft = templates.open_template(session, actor=actor, code=code, language=language)
        return draft, not staff.current_role(session, actor=actor).read_only


def _editor_header(code: str, language: str) -> Text:
    """The way back, what the mail is for, its languages; the status line (returned) that saves rewrite."""
    ui.link(_("← Tous les modèles de mails"), routes.ADMIN_MAILS).mark("back-to-mails")
    paragraph(_(code_info(MailCode(code)).description)).mark("mail-description")
    _language_nav(code, language)
    return paragraph("").mark("template-status")


def _language_nav(code: str, language: str) -> None:
    """The template's languages, the one being edited marked as the current page."""
    with ui.element("nav").classes("flex gap-4 my-2") as nav:
        nav.props["aria-label"] = _("Langue du modèle")
        for other, name in LANGUAGES.items():
            link = ui.link(name, routes.ADMIN_MAIL.format(code=code, language=other)).mark(f"language-{other}")
            if other == language:
                link.props('aria-current="page"').classes("font-bold")


def _preview_section() -> tuple[ui.element, ui.label, ui.label]:
    """The preview's section: (the sandboxed frame, the subject, the error), filled by ``_show_preview``."""
    with ui.element("section").classes("flex-1 min-w-[320px]").mark("preview"):
        heading(_("Aperçu"), 2)
        paragraph(_("Rendu avec des données d'exemple, comme le recevrait un candidat.")).classes("text-sm")
        error_label = alert("preview-error")
        subject_label = ui.label("").classes("font-bold").mark("preview-subject")
        subject_label.props["aria-live"] = "polite"
        frame_element = ui.element("iframe").classes("w-full border").style("height: 32rem").mark("preview-frame")
        frame_element.props["sandbox"] = ""  # no scripts, no forms, no same-origin: the mail is inert
        frame_element.props["title"] = _("Aperçu du mail")
        frame_element.props["referrerpolicy"] = "no-referrer"
    return frame_element, subject_label, error_label


def _store(
    actor: Actor, code: str, language: str, subject: str, body_html: str, version: int | None
) -> tuple[Any, str]:
    """Blocking (the template is checked by rendering it): called through ``run.io_bound``."""
    with transaction() as session:
        saved = templates.save_template(
            session, actor=actor, code=code, language=language, subject=subject, body_html=body_html,
            expected_version=version,
        )  # fmt: skip
    with transaction() as session:
        author = templates.open_template(session, actor=actor, code=code, language=language).updated_by
    return saved, author


def _restore_default(actor: Actor, code: str, language: str, version: int | None) -> templates.TemplateDraft:
    """Blocking: the shipped default back in place of the customised template; the draft as it now reads."""
    with transaction() as session:
        templates.restore_default(session, actor=actor, code=code, language=language, expected_version=version)
    with transaction() as session:
        return templates.open_template(session, actor=actor, code=code, language=language)


def _status_text(draft: templates.TemplateDraft) -> str:
    if draft.customised and draft.updated_at is not None:
        return _("Modèle personnalisé, enregistré le {date} par {name}.").format(
            date=format_moment(draft.updated_at), name=draft.updated_by or "—"
        )
    return _("Modèle par défaut, fourni avec l'application.")


def _live_preview(
    actor: Actor,
    code: str,
    language: str,
    draft: templates.TemplateDraft,
    inputs: tuple[ui.input, ...],
    preview: tuple[ui.element, ui.label, ui.label],
) -> Callable[[], Awaitable[None]]:
    """Redraw the preview once typing in ``inputs`` has paused, and at once on opening; the redraw, for a save."""
    frame_element, subject_label, error_label = preview
    asked = {"count": 0}  # previews asked for: only the latest one asked is shown

    async def render() -> None:
        asked["count"] += 1
        mine = asked["count"]
        mail = await run.io_bound(
            _render_preview, actor=actor, code=code, language=language, subject=draft.subject,
            body_html=draft.body_html,
        )  # fmt: skip
        if mine == asked["count"]:  # an older rendering that finished late does not replace a newer one
            _show_preview(frame_element, subject_label, error_label, mail)

    typed: dict[str, float | None] = {"at": None}

    def changed(_event: Any = None) -> None:
        typed["at"] = time.monotonic()

    async def tick() -> None:
        # Debounce on the server: redraw once typing has paused, not at every keystroke.
        if typed["at"] is not None and time.monotonic() - typed["at"] >= PREVIEW_QUIET_SECONDS:
            typed["at"] = None
            await render()

    for element in inputs:
        element.on_value_change(changed)
    ui.timer(0.25, tick)
    ui.timer(0, render, once=True)
    return render


def _confirm_restore(restore: Callable[[], Awaitable[None]]) -> ui.dialog:
    with ui.dialog() as confirm, ui.card():
        paragraph(_("Rétablir le modèle par défaut ? Le modèle personnalisé sera supprimé.")).mark("restore-question")
        with ui.row():
            ui.button(_("Rétablir"), on_click=restore).props("no-caps").mark("restore-confirm")
            ui.button(_("Annuler"), on_click=lambda: confirm.close()).props("no-caps flat").mark("restore-cancel")
    return confirm


def _editor_section(
    draft: templates.TemplateDraft,
    writable: bool,
    language: str,
    *,
    on_save: Callable[[], Any],
    on_restore: Callable[[], Any],
) -> tuple[EntityForm, tuple[ui.input, ...], Any, ui.button | None]:
    """The template's form: (the form, its subject and body inputs, the saved notice, the restore button)."""
    restore_button: ui.button | None = None
    with ui.element("section").classes("flex-1 min-w-[320px]").mark("editor"):
        heading(_("Modèle ({language})").format(language=LANGUAGES[language]), 2)
        form = EntityForm(draft, read_only=not writable)
        subject_input = form.text("subject", _("Objet"), required=True)
        body_input = form.text(
            "body_html", _("Corps du mail (HTML)"), required=True, textarea=True,
            hint=_("Le pied de page commun (établissement, assistance) est ajouté à chaque mail."),
        )  # fmt: skip
        body_input.props("rows=18 input-style='font-family: monospace'").classes("max-w-none")
        subject_input.classes("max-w-none")
        notice = saved_notice(_("Le modèle est enregistré : il sert dès maintenant aux mails envoyés."))
        if writable:
            with ui.row().classes("gap-2 mt-2"):
                ui.button(_("Enregistrer"), on_click=on_save).props("no-caps").mark("save")
                restore_button = (
                    ui.button(_("Rétablir le modèle par défaut"), on_click=on_restore)
                    .props("no-caps outline")
                    .mark("restore")
                )
                restore_button.set_visibility(draft.customised)
    return form, (subject_input, body_input), notice, restore_button


async def _editor(actor: Actor, code: str, language: str) -> None:
    try:
        draft, writable = await run.io_bound(_open_editor, actor, code, language)
    except DomainError as error:
        paragraph(error.translate(_)).mark("refusal")
        return
    status = _editor_header(code, language)

    restore_button: ui.button | None = None  # drawn below, when the role may save

    def show_status() -> None:
        if restore_button is not None:
            restore_button.set_visibility(draft.customised)
        status.text = _status_text(draft)

    show_status()
    with ui.element("div").classes("flex flex-wrap gap-6 w-full"):
        form, inputs, notice, restore_button = _editor_section(
            draft, writable, language, on_save=lambda: save(), on_restore=lambda: confirm.open()
        )
        preview = _preview_section()
    _variables(code, language)

    render = _live_preview(actor, code, language, draft, inputs, preview)

    async def save() -> None:
        notice.set_visibility(False)
        form.clear_errors()
        try:
            saved, author = await run.io_bound(
                _store, actor, code, language, draft.subject, draft.body_html, draft.version
            )
        except DomainError as error:
            form.show(error)
            return
        draft.subject, draft.body_html, draft.version = saved.subject, saved.body_html, saved.version
        draft.updated_at, draft.updated_by = saved.updated_at, author
        form.refresh_values()
        show_status()
        notice.set_visibility(True)
        await render()

    async def restore() -> None:
        confirm.close()
        notice.set_visibility(False)
        form.clear_errors()
        try:
            fresh = await run.io_bound(_restore_default, actor, code, language, draft.version)
        except DomainError as error:
            form.show(error)
            return
        draft.subject, draft.body_html, draft.version = fresh.subject, fresh.body_html, None
        draft.updated_at, draft.updated_by = None, ""
        form.refresh_values()
        show_status()
        notice.text = _("Le modèle par défaut est rétabli.")
        notice.set_visibility(True)
        await render()

    confirm = _confirm_restore(restore)


def register() -> None:
    @page(routes.ADMIN_MAILS)
    async def admin_mails():
        return await admin_page(_("Modèles de mails"), _list_page)

    @page(routes.ADMIN_MAIL)
    async def admin_mail_editor(code: str, language: str):
        def title(_actor: Actor) -> str:
            known = code in MailCode._value2member_map_
            mail = _(code_info(MailCode(code)).label) if known else _("Modèle de mail")
            return _("Modèle de mail : {mail}").format(mail=mail)

        return await admin_page(title, lambda actor: _editor(actor, code, language))
