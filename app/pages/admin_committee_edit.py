"""One committee (/admin/commissions/edition?commission=ID, or ?composante=ID for a new one): its details, letter and
alert settings, signature image, members and president. Read-only for a centre manager whose centre may not edit
its offer."""

import base64
from dataclasses import dataclass
from typing import Any

from nicegui import events, ui
from sqlmodel import Session

from app.i18n import _
from app.models import Committee
from app.services.admin import committee_members as members
from app.services.admin import committees as admin_committees
from app.services.decisions import committee_signature
from app.services.dossier import referentials
from app.services.offer import rights as offer_rights
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.admin_nav import OFFER_EDITORS
from app.ui.centre_lists import read_only_offer_note
from app.ui.dossier_form import EntityForm
from app.ui.offer_admin import (
    cell,
    form_buttons,
    in_transaction,
    load,
    notice,
    offer_page,
    save_in_place,
    submit_work,
    switch_and_reload,
    table,
    yes_no,
)
from app.ui.page import page
from app.ui.session import current_language
from app.ui.text import heading, paragraph

LIST_PATH = routes.ADMIN_COMMITTEES


@dataclass
class NewMember:
    staff_id: int | None = None
    read_only: bool = False
    is_president: bool = False
    receives_alerts: bool = False


def _details(form: EntityForm, centres: dict[int, str], countries: dict[str, str]) -> None:
    heading(_("Coordonnées et paramètres"), 2)
    form.select("centre_id", _("Composante"), centres, required=True)
    form.text("code", _("Code"), required=True, upper=True, hint=_("Lettres sans accent, chiffres, - _ ."))
    form.text("label_fr", _("Libellé en français"), required=True)
    form.text("label_en", _("Libellé en anglais"), required=True)
    form.text("contact_email", _("Adresse électronique de contact"), required=True, autocomplete="email")
    form.text("phone", _("Téléphone"), autocomplete="tel")
    heading(_("Adresse postale"), 3)
    paragraph(_("Les candidats des formations « papier » envoient leur dossier à cette adresse.")).classes("text-sm")
    form.text("address_line1", _("Adresse (ligne 1)"))
    form.text("address_line2", _("Adresse (ligne 2)"))
    form.text("address_line3", _("Adresse (ligne 3)"))
    form.text("postcode", _("Code postal"))
    form.text("city", _("Ville"))
    form.select("country", _("Pays"), countries, searchable=True)
    heading(_("Lettres"), 3)
    form.text("signatory_name", _("Nom du signataire"))
    form.text("signatory_title", _("Qualité du signataire"), hint=_("Par exemple : Président du jury"))
    form.checkbox("letters_downloadable", _("Les candidats peuvent télécharger leur lettre d'admission ou de refus"))
    form.checkbox("letters_attached_to_mail", _("La lettre est jointe au mail qui annonce la décision"))
    heading(_("Alertes par mail à la commission"), 3)
    for name, label in admin_committees.ALERTS.items():
        form.checkbox(name, _(label))


async def _signature(actor: Actor, committee: Committee, editable: bool) -> None:
    await _Signature(actor, committee, editable).body()


class _Signature:
    """The committee's signature image: its preview, the upload's refusals, « Retirer l'image de signature »."""

    def __init__(self, actor: Actor, committee: Committee, editable: bool) -> None:
        self.actor, self.committee, self.editable = actor, committee, editable
        self.errors: list[str] = []
        self.body = ui.refreshable(self._body)

    async def _body(self) -> None:
        actor, committee_id = self.actor, self.committee.id or 0
        found = await load(lambda s: committee_signature.read_signature(s, actor=actor, committee_id=committee_id))
        if found:
            media_type, data = found
            preview = ui.image(f"data:{media_type};base64,{base64.b64encode(data).decode()}").props("fit=contain")
            preview.classes("w-64 h-24 border").mark("signature-preview")
            preview.props["alt"] = _("Signature actuelle de la commission")
        else:
            paragraph(_("Aucune image de signature : les lettres portent seulement le nom du signataire.")).mark(
                "no-signature"
            )
        if self.errors:
            with ui.element("div").props('role="alert"').classes("text-negative").mark("signature-error"):
                for message in self.errors:
                    paragraph(message)
        if not self.editable:
            return
        ui.upload(
            label=_("Déposer une image de signature (PNG ou JPEG, 1 Mo au plus)"),
            auto_upload=True,
            max_file_size=committee_signature.MAX_BYTES,
            on_upload=self.uploaded,
            on_rejected=self.rejected,
        ).props('accept="image/png,image/jpeg" flat bordered').classes("w-full max-w-lg").mark("signature-upload")
        if found:
            ui.button(_("Retirer l'image de signature"), on_click=self.remove).props(
                "flat no-caps color=negative"
            ).mark("signature-remove")

    async def apply(self, service: Any, **kwargs: Any) -> None:
        committee, actor = self.committee, self.actor
        self.errors.clear()
        try:
            saved = await in_transaction(
                lambda session: service(
                    session, actor=actor, committee_id=committee.id or 0, expected_version=committee.version, **kwargs
                )
            )
        except DomainError as error:
            self.errors.append(error.translate(_))
        else:
            committee.version, committee.signature_file_id = saved.version, saved.signature_file_id
        self.body.refresh()

    async def uploaded(self, event: events.UploadEventArguments) -> None:
        data = await event.file.read()
        await self.apply(committee_signature.set_signature, filename=event.file.name, data=data)

    async def remove(self) -> None:
        await self.apply(committee_signature.remove_signature)

    def rejected(self) -> None:
        self.errors[:] = [_(committee_signature.TOO_LARGE)]
        self.body.refresh()


async def _members(actor: Actor, committee_id: int, editable: bool) -> None:
    await _Members(actor, committee_id, editable).body()


class _Members:
    """The committee's members: the table with each one's actions, then the form that adds one."""

    def __init__(self, actor: Actor, committee_id: int, editable: bool) -> None:
        self.actor, self.committee_id, self.editable = actor, committee_id, editable
        self.body = ui.refreshable(self._body)

    async def _body(self) -> None:
        actor, committee_id = self.actor, self.committee_id
        listed = await load(lambda s: members.list_members(s, actor=actor, committee_id=committee_id))
        if listed is None:
            return
        if not listed:
            paragraph(_("Cette commission n'a pas encore de membre.")).mark("no-member")
        else:
            headers = [
                _("Nom"),
                _("Identifiant"),
                _("Adresse électronique"),
                _("Rôle"),
                _("Lecture seule"),
                _("Copie des alertes"),
            ]
            with table([*headers, _("Actions")] if self.editable else headers, "members"):
                for member in listed:
                    with ui.element("tr").mark(f"member-{member.login}"):
                        cell(member.display_name + ("" if member.active else " " + _("(compte désactivé)")))
                        cell(member.login)
                        cell(member.email)
                        cell(_("Président") if member.is_president else _("Membre"))
                        cell(yes_no(member.read_only))
                        cell(yes_no(member.receives_alerts))
                        if self.editable:
                            with ui.element("td"), ui.row().classes("gap-1"):
                                self.actions(member)
        if self.editable:
            await self.add_form()

    async def act(self, service: Any, **kwargs: Any) -> None:
        actor = self.actor
        try:
            await in_transaction(lambda session: service(session, actor=actor, **kwargs))
        except DomainError as error:
            ui.notify(error.translate(_), type="negative")
        self.body.refresh()

    def actions(self, member: members.Member) -> None:
        """« Nommer président » or « Retirer la présidence », the read-only and alert-copy switches and « Retirer »,
        named after the member for screen readers."""
        name, assignment_id, login = member.display_name, member.assignment_id, member.login
        president, read_only, alerts = not member.is_president, not member.read_only, not member.receives_alerts
        for text, service, change, marker in (
            (
                _("Nommer président") if president else _("Retirer la présidence"),
                members.set_president,
                {"president": president},
                f"president-{login}",
            ),
            (
                _("Lecture seule") if read_only else _("Droits complets"),
                members.set_member_read_only,
                {"read_only": read_only},
                f"read-only-{login}",
            ),
            (
                _("Envoyer les alertes en copie") if alerts else _("Ne plus envoyer les alertes"),
                members.set_member_alerts,
                {"receives_alerts": alerts},
                f"alerts-{login}",
            ),
        ):
            button = ui.button(text, on_click=lambda s=service, c=change: self.act(s, assignment_id=assignment_id, **c))
            button.props("flat dense no-caps").mark(marker)
            button.props["aria-label"] = _("{action} : {name}").format(action=text, name=name)
        remove = ui.button(_("Retirer"), on_click=lambda: self.act(members.remove_member, assignment_id=assignment_id))
        remove.props("flat dense no-caps color=negative").mark(f"remove-{login}")
        remove.props["aria-label"] = _("Retirer {name}").format(name=name)

    async def add_form(self) -> None:
        actor, committee_id = self.actor, self.committee_id
        people = await load(lambda s: members.staff_choices(s, actor=actor, committee_id=committee_id)) or []
        heading(_("Ajouter un membre"), 3)
        entry = NewMember()
        form = EntityForm(entry)
        form.select(
            "staff_id",
            _("Gestionnaire"),
            {p.id: f"{p.display_name} ({p.login})" for p in people},
            required=True,
            searchable=True,
        )
        form.checkbox("read_only", _("Lecture seule (voit les candidatures, ne saisit pas d'avis)"))
        form.checkbox("receives_alerts", _("Reçoit en copie les alertes de la commission"))
        # Not registered in the form: a refusal about the presidency is shown in the form's alert line.
        ui.checkbox(_("Président de la commission"), value=False).bind_value_to(entry, "is_president").mark(
            "is_president"
        )

        def add(session: Session) -> Any:
            return members.add_member(
                session,
                actor=actor,
                committee_id=committee_id,
                staff_id=entry.staff_id,
                read_only=entry.read_only,
                is_president=entry.is_president,
                receives_alerts=entry.receives_alerts,
            )

        async def on_add() -> None:
            if await submit_work(form, add) is not None:
                self.body.refresh()

        ui.button(_("Ajouter"), on_click=on_add).props("no-caps").mark("add-member")


def _read(actor: Actor, committee_id: int | None, centre_id: int | None, lang: str) -> Any:
    def read(session: Session) -> tuple[Committee, bool, dict[int, str], dict[str, str]]:
        if committee_id is not None:
            row = admin_committees.open_committee(session, actor=actor, committee_id=committee_id)
            committee, editable = row.committee, row.editable
        else:
            committee = admin_committees.new_committee(session, actor=actor, centre_id=centre_id or 0)
            editable = True
        centres = {c.id or 0: f"{c.code} – {c.label_fr}" for c in offer_rights.centres_of(session, actor=actor)}
        return committee, editable, centres, referentials.countries(lang)  # the referential's files read here too

    return read


async def _page(actor: Actor, committee_id: int | None, centre_id: int | None) -> None:
    loaded = await load(_read(actor, committee_id, centre_id, current_language()))
    if loaded is None:
        return
    committee, editable, centres, countries = loaded
    if not editable:
        read_only_offer_note()
    status = notice()
    form = EntityForm(committee, read_only=not editable)
    _details(form, centres, countries)
    if editable:
        form_buttons(
            committee,
            save_in_place(
                form,
                committee,
                status,
                lambda session: admin_committees.save_committee(session, actor=actor, committee=committee),
                _("Commission enregistrée."),
                routes.ADMIN_COMMITTEE_EDIT + "?commission={id}",
            ),
            switch_and_reload(
                form,
                lambda session, active: admin_committees.set_committee_active(
                    session,
                    actor=actor,
                    committee_id=committee.id or 0,
                    expected_version=committee.version,
                    active=active,
                ),
            ),
        )
    if committee.id is None:
        return
    heading(_("Image de signature"), 2)
    await _signature(actor, committee, editable)
    heading(_("Membres et président"), 2)
    await _members(actor, committee.id, editable)


def register() -> None:
    @page(routes.ADMIN_COMMITTEE_EDIT)
    async def admin_committee_page(commission: int | None = None, composante: int | None = None) -> Any:
        return await offer_page(
            OFFER_EDITORS,
            _("Commission") if commission is not None else _("Nouvelle commission"),
            None,
            lambda actor: _page(actor, commission, composante),
            up=(_("← Commissions"), LIST_PATH, "back-to-committees"),
        )
