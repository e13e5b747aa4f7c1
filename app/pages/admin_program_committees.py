"""« Commissions d'examen » on a programme's page (/admin/formations/edition?formation=ID): the committees that give
their opinion on its applications beside the programme's own, each with its role and whether its opinion is
required, and the final committee. The list is edited on the page and saved as a whole (« Enregistrer les
commissions d'examen »), refused when someone saved it meanwhile; a refusal is announced (role=alert)."""

from typing import Any

from nicegui import ui

from app.i18n import _
from app.services.admin import program_committees as examining
from app.services.platform import Actor, DomainError
from app.ui.offer_admin import in_transaction
from app.ui.text import Text, heading, live_paragraph, paragraph

ExaminingRow = examining.ExaminingRow


def _label(loaded: examining.ExaminingCommittees, committee_id: int, lang: str) -> str:
    fr, en = loaded.labels.get(committee_id, ("?", "?"))
    return en if lang == "en" and en else fr


def _row(row: dict[str, Any], label: str, editable: bool, remove: Any) -> None:
    with ui.row().classes("items-end gap-2 w-full").mark("examining-row"):
        Text(label, "p").classes("font-bold min-w-[12rem]")
        role_fr = ui.input(_("Rôle (en français)"), value=row["role_fr"]).props("maxlength=200").mark("examining-role")
        role_fr.bind_value(row, "role_fr")
        role_en = ui.input(_("Rôle (en anglais)"), value=row["role_en"]).props("maxlength=200")
        role_en.bind_value(row, "role_en")
        required = ui.checkbox(_("Avis requis"), value=row["required"]).bind_value(row, "required")
        for element in (role_fr, role_en, required):
            element.set_enabled(editable)
        if editable:
            button = ui.button(_("Retirer"), on_click=remove).props("flat no-caps").mark("examining-remove")
            button.props["aria-label"] = _("Retirer la commission {name}").format(name=label)


class _Section:
    """The section's state (the rows as edited, the stamp read) and its parts; drawn on the event loop."""

    def __init__(self, actor: Actor, program_id: int, lang: str, loaded: examining.ExaminingCommittees) -> None:
        self.actor, self.program_id, self.lang = actor, program_id, lang
        self.loaded, self.rows = loaded, _rows_of(loaded)
        self.error = live_paragraph("examining-error", alert=True)
        self.status = live_paragraph("examining-status")

    def label(self, committee_id: int) -> str:
        return _label(self.loaded, committee_id, self.lang)

    @ui.refreshable_method
    def body(self) -> None:
        if not self.rows:
            paragraph(_("Aucune commission d'examen : la commission de la formation examine seule.")).mark(
                "examining-none"
            )
        for row in self.rows:
            _row(row, self.label(row["committee_id"]), self.loaded.editable, self.remover(row))
        if self.loaded.editable:
            self.add_form()
            self.final_choice()
            ui.button(_("Enregistrer les commissions d'examen"), on_click=self.save).props("no-caps").mark(
                "examining-save"
            )

    def remover(self, row: dict[str, Any]) -> Any:
        def remove() -> None:
            self.rows.remove(row)
            self.body.refresh()

        return remove

    def add_form(self) -> None:
        listed = {row["committee_id"] for row in self.rows}
        options = {cid: self.label(cid) for cid in self.loaded.choices if cid not in listed}
        if not options:
            return
        with ui.row().classes("items-end gap-2"):
            committee = ui.select(options, label=_("Commission à ajouter")).classes("min-w-[14rem]")
            committee.mark("examining-add-committee")
            role = ui.input(_("Son rôle (en français)")).props("maxlength=200").mark("examining-add-role")

            def add() -> None:
                self.error.text = ""
                if committee.value is None or not (role.value or "").strip():
                    self.error.text = _("Choisissez la commission et indiquez son rôle.")
                    return
                self.rows.append(_new_row(committee.value, role.value))
                self.body.refresh()

            ui.button(_("Ajouter"), on_click=add).props("no-caps outline").mark("examining-add")

    def final_choice(self) -> None:
        options: dict[Any, str] = {0: _("Aucune : la commission de la formation décide")}
        options |= {row["committee_id"]: self.label(row["committee_id"]) for row in self.rows}
        chosen = next((row["committee_id"] for row in self.rows if row["is_final"]), 0)
        final = ui.select(options, value=chosen, label=_("Commission finale")).classes("min-w-[14rem]")
        final.mark("examining-final")

        def choose(event: Any) -> None:
            for row in self.rows:
                row["is_final"] = row["committee_id"] == event.value

        final.on_value_change(choose)

    async def save(self) -> None:
        self.error.text, self.status.text = "", ""
        rows = [ExaminingRow(**row) for row in self.rows]
        stamp, actor, program_id = self.loaded.stamp, self.actor, self.program_id
        try:
            saved = await in_transaction(
                lambda session: examining.save_program_committees(
                    session, actor=actor, program_id=program_id, rows=rows, stamp=stamp
                )
            )
        except DomainError as refused:
            self.error.text = refused.translate(_)
            return
        self.loaded, self.rows = saved, _rows_of(saved)
        self.body.refresh()
        self.status.text = _("Commissions d'examen enregistrées.")


async def examining_section(actor: Actor, program_id: int, lang: str) -> None:
    """Read the programme's examining committees off the event loop, then draw the section."""
    try:
        loaded = await in_transaction(
            lambda session: examining.program_committees(session, actor=actor, program_id=program_id)
        )
    except DomainError:
        return  # the programme's own form already says why it cannot be read
    heading(_("Commissions d'examen"), 2)
    paragraph(
        _(
            "Ces commissions donnent leur avis sur les candidatures, en plus de la commission de la formation, qui "
            "saisit la décision une fois les avis requis donnés. La commission finale, si vous en désignez une, "
            "peut saisir la décision sans attendre ces avis ; elle signe alors les lettres."
        )
    )
    with ui.column().classes("w-full gap-2").mark("examining"):
        section = _Section(actor, program_id, lang, loaded)
        section.body()


def _rows_of(loaded: examining.ExaminingCommittees) -> list[dict[str, Any]]:
    return [
        {
            "committee_id": row.committee_id,
            "role_fr": row.role_fr,
            "role_en": row.role_en,
            "required": row.required,
            "is_final": row.is_final,
        }
        for row in loaded.rows
    ]


def _new_row(committee_id: int, role: str) -> dict[str, Any]:
    return {"committee_id": committee_id, "role_fr": role.strip(), "role_en": "", "required": True, "is_final": False}
