"""« Types d'avis et motifs de refus » (/admin/avis): the central office's lists of decision types and refusal reasons.

``/admin/avis`` lists both; ``/admin/avis/types/ID`` and ``/admin/avis/motifs/ID`` edit one (``nouveau`` creates
one). Rules and rights: ``app.services.admin.decision_types``.
"""

from typing import Any

from nicegui import ui
from sqlmodel import Session

from app.i18n import N_, _
from app.models import DecisionKind, DecisionType, RefusalReason
from app.services.admin import decision_types as service
from app.services.admin import require_admin
from app.services.platform import Actor, DomainError, NotFound, label_in
from app.ui import routes
from app.ui.admin_edit import EntityActions, StateTexts, refusal_page, save_button, staff_page, state_section
from app.ui.admin_nav import back_to_admin
from app.ui.admin_scoped import item_table, labelled_link
from app.ui.dossier_form import EntityForm
from app.ui.frame import frame
from app.ui.offer_admin import in_transaction
from app.ui.page import page
from app.ui.session import current_language
from app.ui.text import heading, paragraph

PATH = routes.ADMIN_DECISION_TYPES
NEW = "nouveau"


def _table(marker: str, headers: list[str], rows: list[tuple[list[str], str, str]]) -> None:
    """``rows``: (cells, label for the « Modifier » link, its path)."""

    def edit(row: tuple[list[str], str, str], index: int) -> None:
        _cells, name, path = row
        labelled_link(_("Modifier"), _("Modifier {name}").format(name=name), path).mark(f"{marker}-edit-{index}")

    item_table(marker, headers, rows, cells=lambda row: row[0], actions=edit)


def _lists(session: Session, actor: Actor) -> tuple[list[Any], list[Any], bool]:
    types = service.list_decision_types(session, actor=actor)
    reasons = service.list_refusal_reasons(session, actor=actor)
    writable = not require_admin(session, actor=actor).read_only
    return types, reasons, writable


async def _list_page(actor: Actor) -> None:
    lang = current_language()
    types, reasons, writable = await in_transaction(lambda session: _lists(session, actor))
    with frame(_("Types d'avis et motifs de refus")):
        back_to_admin()
        paragraph(
            _(
                "Seuls les types et motifs actifs sont proposés lors de la saisie d'un avis. Ce qui a déjà servi "
                "ne se supprime pas : désactivez-le."
            )
        )
        if not writable:
            paragraph(_("Lecture seule : votre rôle ne permet pas de modifier ces listes.")).mark("read-only")
        heading(_("Types d'avis"), 2)
        if writable:
            ui.link(_("Ajouter un type d'avis"), routes.ADMIN_DECISION_TYPE.format(key=NEW)).mark("add-type")
        _table(
            "types",
            [_("Code"), _("Libellé"), _("Nature"), _("Définitif"), _("État"), _("Avis rendus"), _("Formations")],
            [
                (
                    [
                        r.decision_type.code,
                        label_in(r.decision_type, lang),
                        _(service.KIND_LABELS[DecisionKind(r.decision_type.kind)]),
                        _("Oui") if r.decision_type.is_final else _("Non"),
                        _("Actif") if r.decision_type.is_active else _("Désactivé"),
                        str(r.decisions),
                        ", ".join(r.programs) or "—",
                    ],
                    label_in(r.decision_type, lang),
                    routes.ADMIN_DECISION_TYPE.format(key=r.decision_type.id),
                )
                for r in types
            ],
        )
        heading(_("Motifs de refus"), 2)
        if writable:
            ui.link(_("Ajouter un motif"), routes.ADMIN_REFUSAL_REASON.format(key=NEW)).mark("add-reason")
        _table(
            "reasons",
            [_("Code"), _("Libellé"), _("État"), _("Avis rendus")],
            [
                (
                    [
                        r.reason.code,
                        label_in(r.reason, lang),
                        _("Actif") if r.reason.is_active else _("Désactivé"),
                        str(r.decisions),
                    ],
                    label_in(r.reason, lang),
                    routes.ADMIN_REFUSAL_REASON.format(key=r.reason.id),
                )
                for r in reasons
            ],
        )


def _open(session: Session, actor: Actor, key: str, *, reason: bool) -> tuple[DecisionType | RefusalReason, int, bool]:
    """The entity ``key`` names (a new one for ``NEW``), how often it was used, and whether the role may change it."""
    writable = not require_admin(session, actor=actor).read_only
    entity: DecisionType | RefusalReason
    if key == NEW:
        entity, used = (service.new_refusal_reason() if reason else service.new_decision_type()), 0
    elif not key.isdigit():
        raise NotFound("decision type")
    elif reason:
        entity, used = service.get_refusal_reason(session, actor=actor, reason_id=int(key))
    else:
        entity, used = service.get_decision_type(session, actor=actor, type_id=int(key))
    return entity, used, writable


_TYPES = EntityActions(
    "type_id", service.save_decision_type, service.set_decision_type_active, service.delete_decision_type
)
_REASONS = EntityActions(
    "reason_id", service.save_refusal_reason, service.set_refusal_reason_active, service.delete_refusal_reason
)


def _fields(form: EntityForm, *, reason: bool) -> None:
    form.text("code", _("Code"), required=True, hint=_("Lettres, chiffres, tirets ; 20 caractères au plus"))
    if not reason:
        form.select(
            "kind",
            _("Nature de l'avis"),
            {kind: _(label) for kind, label in service.KIND_LABELS.items()},
            required=True,
        )
    form.text("label_fr", _("Libellé en français"), required=True)
    form.text("label_en", _("Libellé en anglais"), required=True)
    if not reason:
        form.checkbox("is_final", _("Avis définitif : sa publication clôt l'examen (pas une présélection)"))


def _state_texts(used: int) -> StateTexts:
    return StateTexts(
        active=_("Actif : proposé lors de la saisie des avis."),
        inactive=_("Désactivé : plus proposé ; les avis déjà rendus le conservent."),
        used=_("Déjà utilisé ({count}) : il ne peut pas être supprimé.").format(count=used),
        used_marker="used",
        activated=_("Réactivé."),
        deactivated=_("Désactivé."),
        confirm=_("Supprimer définitivement cet élément ?"),
    )


async def _edit_page(actor: Actor, key: str, *, reason: bool) -> None:
    creating = key == NEW
    title = (
        (_("Nouveau motif de refus") if creating else _("Motif de refus"))
        if reason
        else (_("Nouveau type d'avis") if creating else _("Type d'avis"))
    )
    try:
        entity, used, writable = await in_transaction(lambda session: _open(session, actor, key, reason=reason))
    except DomainError as refusal:
        refusal_page(title, refusal)
        return
    actions = _REASONS if reason else _TYPES
    with frame(title):
        back_to_admin()
        ui.link(_("← Types d'avis et motifs de refus"), PATH).mark("back-to-list")
        if not writable:
            paragraph(_("Lecture seule : votre rôle ne permet pas de modifier cet élément.")).mark("read-only")
        form = EntityForm(entity, read_only=not writable)
        _fields(form, reason=reason)
        save_button(
            form,
            entity,
            service.REASON_FIELDS if reason else service.TYPE_FIELDS,
            actions.store(actor, entity, creating=creating),
            creating=creating,
            created_path=lambda: (routes.ADMIN_REFUSAL_REASON if reason else routes.ADMIN_DECISION_TYPE).format(
                key=entity.id
            ),
            editable=writable,
        )
        if not creating:
            state_section(
                entity,
                _state_texts(used),
                used=used,
                editable=writable,
                actor=actor,
                actions=actions,
                after_delete=PATH,
            )


def register() -> None:
    @page(PATH)
    async def admin_decision_types_list() -> Any:
        return await staff_page(_list_page, refused_title=N_("Types d'avis et motifs de refus"))

    @page(routes.ADMIN_DECISION_TYPE)
    async def admin_decision_type(key: str) -> Any:
        return await staff_page(lambda actor: _edit_page(actor, key, reason=False))

    @page(routes.ADMIN_REFUSAL_REASON)
    async def admin_refusal_reason(key: str) -> Any:
        return await staff_page(lambda actor: _edit_page(actor, key, reason=True))
