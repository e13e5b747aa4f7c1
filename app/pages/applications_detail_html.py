"""The parts of an opened application's page that only inform, each one escaped HTML block: « Informations
détaillées », the list of pieces in « Statut », « Décision », the waiting list, the answer given."""

from app.i18n import _, ngettext
from app.models import AnswerKind, Procedure
from app.pages.applications import (
    answer_text,
    deadline_html,
    deadlines_html,
    decision_html,
    status_text,
)
from app.pages.applications_detail_load import PageData
from app.pages.dossier_download import dossier_url
from app.pages.letter_download import letter_url
from app.services.applications import (
    ApplicationDetail,
    ApplicationSummary,
    PieceView,
)
from app.services.decisions import AnswerView
from app.ui.dates import format_day, format_moment
from app.ui.statuses import piece_look, status_html
from app.ui.text import link_tag, tag, text_tag


def information_html(detail: ApplicationDetail) -> str:
    summary = detail.summary
    parts = [
        text_tag("h2", _("Informations détaillées")),
        text_tag(
            "p", summary.centre_label + " · " + _("Code : {code}").format(code=summary.program_code), class_="ec-muted"
        ),
        _program_link_html(detail),
        text_tag("p", status_text(summary.dossier_status), class_="font-bold", data_mark="dossier-status"),
        text_tag(
            "p", _("Depuis le {moment}").format(moment=format_moment(summary.dossier_status_at)), class_="ec-muted"
        ),
        text_tag("p", _("Candidature créée le {moment}").format(moment=format_moment(summary.created_at))),
    ]
    if summary.transmitted_at:
        parts.append(
            text_tag("p", _("Dossier transmis le {moment}").format(moment=format_moment(summary.transmitted_at)))
        )
    parts.append(deadlines_html(summary, "date"))
    if detail.jury_on:
        parts.append(text_tag("p", _("Jury : {day}").format(day=format_day(detail.jury_on))))
    if detail.publication_on:
        parts.append(
            text_tag("p", _("Publication des résultats : {day}").format(day=format_day(detail.publication_on)))
        )
    if summary.procedure == Procedure.PAPER:
        parts.append(
            text_tag(
                "p",
                _(
                    "Procédure papier : téléchargez votre dossier et envoyez-le avec les pièces justificatives, par "
                    "voie postale, avant la date de retour (le cachet de la poste faisant foi), à :"
                ),
            )
        )
        parts.append(
            text_tag("p", " / ".join([detail.committee_name, *detail.committee_address]), data_mark="postal-address")
        )
    parts.append(
        text_tag("p", _("Contact : {name} ({email})").format(name=detail.committee_name, email=detail.committee_email))
    )
    # The dossier's own action, apart from the programme's page: a file, downloaded.
    download = link_tag(
        _("Télécharger mon dossier (PDF)"),
        dossier_url(summary.id),
        download="",
        aria_label=_("Télécharger mon dossier (PDF) : {label}").format(label=summary.program_label),
        data_mark="download-dossier",
    )
    parts.append(tag("p", download, class_="mt-4"))
    return "".join(parts)


def _program_link_html(detail: ApplicationDetail) -> str:
    """« Voir la formation », with the programme it is about (not beside the dossier's download, a different thing:
    the programme's own site, named as the offer names it)."""
    if not detail.info_url:
        return ""
    label = detail.summary.program_label
    return tag(
        "p",
        link_tag(
            _("Voir la formation"),
            detail.info_url,
            aria_label=_("Voir la formation : {label}").format(label=label),
            data_mark="program-info",
        ),
    )


def pieces_head_html(detail: ApplicationDetail) -> str:
    parts = [text_tag("h2", _("Statut"))]
    if not detail.pieces:
        parts.append(text_tag("p", _("Aucune pièce justificative n'est demandée pour cette formation.")))
        return "".join(parts)
    missing = [piece for piece in detail.pieces if piece.is_missing]
    parts.append(
        text_tag(
            "p",
            _("Pièces manquantes : {n} (celles dont le statut est « En attente » ou « Refusée »).").format(
                n=len(missing)
            ),
            data_mark="missing-count",
        )
    )
    return "".join(parts)


def piece_item_html(piece: PieceView, awaiting: bool) -> str:
    # The status is written out; the colour only repeats it.
    inner = text_tag("span", piece.label) + text_tag("span", " — ")
    inner += status_html(piece_look(piece.status, awaiting))
    if piece.is_conditional:
        inner += text_tag("span", " " + _("(si vous êtes concerné)"), class_="ec-muted")
    if piece.comment:
        inner += text_tag("span", " — " + _("Motif : {reason}").format(reason=piece.comment))
    return inner


def pieces_html(detail: ApplicationDetail) -> str:
    awaiting = detail.summary.awaiting_transmission
    items = "".join(
        tag("li", piece_item_html(piece, awaiting), data_mark=f"piece-{piece.required_document_id}")
        for piece in detail.pieces
    )
    return pieces_head_html(detail) + (tag("ul", items, class_="ec-bullets") if items else "")


def decision_section_html(data: PageData) -> str:
    detail = data.detail
    parts = [text_tag("h2", _("Décision"))]
    if detail.summary.decision is None:
        parts.append(text_tag("p", _("Aucune décision n'a encore été publiée."), data_mark="no-decision"))
    else:
        parts.append(decision_html(detail.summary.decision))
        if data.has_letter:
            parts.append(
                tag(
                    "p",
                    link_tag(
                        _("Télécharger la lettre (PDF)"), letter_url(detail.summary.id), data_mark="download-letter"
                    ),
                )
            )
    return "".join(parts)


def waiting_list_html(view: AnswerView) -> str:
    """The one rank the candidate reads (``waiting_list.displayed_rank``), and how far the list has moved."""
    if view.on_hold:  # « liste d'attente »: no rank, the committee decides later
        heading, where = _("Liste d'attente"), _("Votre candidature est en liste d'attente.")
    elif view.waiting_rank is None:
        heading, where = _("Liste complémentaire"), _("Vous êtes sur la liste complémentaire.")
    else:
        heading = _("Liste complémentaire")
        where = _("Vous êtes au rang {rank} sur la liste complémentaire.").format(rank=view.waiting_rank)
    parts = [text_tag("h2", heading), text_tag("p", where, data_mark="waiting-rank")]
    if view.called_count:
        called = ngettext(
            "{n} candidat de cette liste a déjà été appelé.",
            "{n} candidats de cette liste ont déjà été appelés.",
            view.called_count,
        ).format(n=view.called_count)
        parts.append(text_tag("p", called, data_mark="waiting-called"))
    return "".join(parts)


ANSWER_MARKS = {
    AnswerKind.CONFIRMED: "answer-confirmed",
    AnswerKind.PROVISIONAL: "answer-provisional",
    AnswerKind.WITHDRAWN: "answer-withdrawn",
}


def answer_html(view: AnswerView, summary: ApplicationSummary) -> str:
    """The answer given and when, or the deadline while an answer is still awaited (as in the list)."""
    parts = [text_tag("h2", _("Répondre"))]
    if view.answer is not None:
        parts.append(text_tag("p", answer_text(summary), data_mark=ANSWER_MARKS[view.answer]))
    if view.deadline is not None and view.answer in (None, AnswerKind.PROVISIONAL):
        if view.days_left is None:
            parts.append(text_tag("p", _("La date limite de confirmation est dépassée."), data_mark="answer-late"))
        else:
            parts.append(deadline_html(_("Répondre avant le"), view.deadline, view.days_left, "answer-deadline"))
    return "".join(parts)
