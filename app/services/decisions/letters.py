"""Decision letters: a one-page PDF per published decision — admission, refusal, waiting list, convocation.

``letter_context`` gathers plain data (no session needed afterwards); ``render_letter`` is pure and renders it
with xhtml2pdf exactly as the dossier is rendered (``dossier_pdf.html_to_pdf``: no remote fetch, local reads
confined to the template folder, our font), then stamps the committee's signature image, if any, into the
signatory frame with reportlab (the image never goes through xhtml2pdf's resource loader).
"""

import io
import logging
from typing import Any

from pypdf import PdfReader, PdfWriter
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from sqlmodel import Session

from app.config import get_settings
from app.i18n import N_, _, use_language
from app.models import (
    Account,
    Application,
    Candidate,
    Committee,
    Decision,
    DecisionKind,
    DecisionType,
    Program,
    RefusalReason,
    StoredFile,
)
from app.services.applications.actions import own_application
from app.services.decisions.published import latest_published
from app.services.documents import pdf_text as t
from app.services.documents.html_pdf import environment, html_to_pdf
from app.services.offer.examining import signing_committee_id
from app.services.platform import file_store
from app.services.platform.actors import Actor
from app.services.platform.errors import NotFound
from app.services.platform.file_names import ascii_filename
from app.services.platform.labels import label_in

log = logging.getLogger(__name__)

LETTER_KINDS = (DecisionKind.FAVORABLE, DecisionKind.UNFAVORABLE, DecisionKind.WAITING_LIST, DecisionKind.PRESELECTION)
LABELS = {
    "dossier_number": N_("Dossier n°"),
    "subject": N_("Objet : votre candidature à la formation"),
    "greeting": N_("Madame, Monsieur,"),
    "reason": N_("Motif :"),
    "comment": N_("Observations de la commission :"),
    "closing": N_("Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées."),
}
TITLES = {
    DecisionKind.FAVORABLE: N_("Lettre d'admission"),
    DecisionKind.UNFAVORABLE: N_("Lettre de refus"),
    DecisionKind.WAITING_LIST: N_("Inscription sur liste complémentaire"),
    DecisionKind.PRESELECTION: N_("Convocation"),
}
OPENING = N_("Après examen de votre dossier, la commission a émis l'avis suivant :")
WAITING_LIST_CALL_OPENING = N_(
    "Une place s'est libérée : la commission vous propose l'admission depuis la liste complémentaire."
)
RANK = N_(
    "Vous êtes inscrit(e) sur la liste complémentaire au rang {rank}. Si des places se libèrent, elles seront "
    "proposées dans l'ordre de cette liste : vous serez alors prévenu(e) par courriel et pourrez confirmer votre "
    "admission sur eCandidat. Vous pouvez suivre votre rang sur votre candidature."
)
CONVOCATION = N_("Vous êtes convoqué(e) le {moment} (heure de Paris).")
CONVOCATION_PLACE = N_("Lieu : {place}")
CONVOCATION_NOTE = N_("Munissez-vous d'une pièce d'identité. En cas d'empêchement, prévenez la commission au plus tôt.")
DEADLINE = N_(
    "Vous devez confirmer votre candidature ou vous désister sur eCandidat avant le {moment} ; "
    "sans réponse à cette date, vous serez considéré(e) comme vous étant désisté(e)."
)
APPEAL = N_(
    "Voies de recours : cette décision peut faire l'objet d'un recours gracieux auprès du président de l'université "
    "dans un délai de deux mois à compter de sa notification, et d'un recours contentieux devant le tribunal "
    "administratif dans le même délai de deux mois (ou dans les deux mois suivant la réponse au recours gracieux)."
)
PLACE_DATE = N_("Le {day}")
_NOT_FOR_TEMPLATE = ("signature", "deadline", "published_at", "preselection_at", "rank", "waiting_list_call")
FILE_PREFIXES = {
    DecisionKind.FAVORABLE: "admission",
    DecisionKind.UNFAVORABLE: "refus",
    DecisionKind.WAITING_LIST: "liste-complementaire",
    DecisionKind.PRESELECTION: "convocation",
}


def letter_committee(session: Session, application: Application) -> Committee | None:
    """The committee that signs the application's letters: the programme's final examining committee when one is
    designated, else the programme's own (``applications/examining``); its settings say whether letters are
    downloadable and attached."""
    return session.get(Committee, signing_committee_id(session, application.program_id, application.committee_id))


def letter_context(session: Session, application: Application, decision: Decision) -> dict[str, Any] | None:
    """Plain data for the letter of a published decision (None for kinds without a letter)."""
    if decision.kind not in LETTER_KINDS or decision.published_at is None:
        return None
    program = session.get(Program, application.program_id)
    committee = letter_committee(session, application)
    candidate = session.get(Candidate, application.candidate_id)
    account = session.get(Account, candidate.account_id) if candidate else None
    decision_type = session.get(DecisionType, decision.decision_type_id)
    reason = session.get(RefusalReason, decision.refusal_reason_id) if decision.refusal_reason_id else None
    assert program and committee and account and decision_type
    lang = account.language
    signature: bytes | None = None
    if committee.signature_file_id is not None:
        stored = session.get(StoredFile, committee.signature_file_id)
        if stored is not None and stored.media_type in ("image/png", "image/jpeg"):
            try:
                signature = file_store.read(stored.storage_key)
            except OSError:
                log.warning("letter: signature file %s unreadable", stored.id)
    address = [committee.address_line1, committee.address_line2, committee.address_line3]
    return {
        "lang": lang,
        "kind": decision.kind.value,
        "institution": get_settings().institution_name,
        "committee_lines": [label_in(committee, lang), *[line for line in address if line]]
        + ([f"{committee.postcode} {committee.city}".strip()] if committee.city else []),
        "candidate_name": f"{account.first_name} {account.last_name}",
        "dossier_number": account.dossier_number,
        "program": label_in(program, lang),
        "decision_label": label_in(decision_type, lang),
        "reason": label_in(reason, lang) if reason else "",
        "comment": decision.comment,
        "deadline": decision.confirmation_deadline if decision.kind == DecisionKind.FAVORABLE else None,
        "published_at": decision.published_at,
        "waiting_list_call": decision.is_waiting_list_call,
        "rank": decision.waiting_list_rank if decision.kind == DecisionKind.WAITING_LIST else None,
        "preselection_at": decision.preselection_at if decision.kind == DecisionKind.PRESELECTION else None,
        "preselection_place": (decision.preselection_place or "") if decision.kind == DecisionKind.PRESELECTION else "",
        "signatory_name": committee.signatory_name,
        "signatory_title": committee.signatory_title,
        "signature": signature,
    }


def _stamp_signature(pdf: bytes, image: bytes) -> bytes:
    """Draw the signature in the signatory frame (11 cm from the left, between title and name) of page 1."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    page = writer.pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    overlay = io.BytesIO()
    canvas = Canvas(overlay, pagesize=(width, height))
    canvas.drawImage(
        ImageReader(io.BytesIO(image)),
        11 * cm,
        height - 22 * cm - 3.0 * cm,
        width=6 * cm,
        height=2.2 * cm,
        preserveAspectRatio=True,
        anchor="sw",
        mask="auto",
    )
    canvas.save()
    page.merge_page(PdfReader(io.BytesIO(overlay.getvalue())).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render_letter(context: dict[str, Any]) -> bytes:
    """The letter PDF from :func:`letter_context`'s data; pure (runs in a worker process)."""
    kind = DecisionKind(context["kind"])
    with use_language(context["lang"]):
        convened = context.get("preselection_at")
        view = {
            **{key: value for key, value in context.items() if key not in _NOT_FOR_TEMPLATE},
            "font": t.register_font(),
            "L": {key: _(label) for key, label in LABELS.items()} | {"title": _(TITLES[kind])},
            "opening": _(WAITING_LIST_CALL_OPENING if context.get("waiting_list_call") else OPENING),
            "details": [
                *([_(RANK).format(rank=context["rank"])] if context.get("rank") else []),
                *([_(CONVOCATION).format(moment=t.moment(convened))] if convened else []),
                *([_(CONVOCATION_PLACE).format(place=context["preselection_place"])] if convened else []),
                *([_(CONVOCATION_NOTE)] if convened else []),
            ],
            "place_date": _(PLACE_DATE).format(day=t.day(context["published_at"])),
            "deadline": _(DEADLINE).format(moment=t.moment(context["deadline"])) if context["deadline"] else "",
            "appeal": _(APPEAL) if kind == DecisionKind.UNFAVORABLE else "",
        }
        pdf = html_to_pdf(environment().get_template("letter.html").render(view))
    if context.get("signature"):
        try:
            pdf = _stamp_signature(pdf, context["signature"])
        except Exception:  # a damaged image must not cost the candidate their letter
            log.exception("letter: signature image could not be drawn")
    return pdf


def letter_filename(context: dict[str, Any]) -> str:
    return ascii_filename(FILE_PREFIXES[DecisionKind(context["kind"])], context["dossier_number"])


def letter_attachment(session: Session, *, application: Application, decision: Decision) -> Any:
    """The letter as a mail attachment (rendered now, spooled by the outbox), or None for other kinds."""
    from app.services.mail.outbox import MailAttachment

    context = letter_context(session, application, decision)
    if context is None:
        return None
    return MailAttachment(filename=letter_filename(context), data=render_letter(context))


def my_letter_context(session: Session, *, actor: Actor, application_id: int) -> dict[str, Any]:
    """The candidate's letter: their latest published decision, when the committee lets letters be downloaded."""
    _candidate, application = own_application(session, actor, application_id)
    committee = letter_committee(session, application)
    decision = latest_published(session, application_id)
    context = letter_context(session, application, decision) if decision else None
    if context is None or committee is None or not committee.letters_downloadable:
        raise NotFound("letter")
    return context


def letter_available(session: Session, *, actor: Actor, application_id: int) -> bool:
    _candidate, application = own_application(session, actor, application_id)
    committee = letter_committee(session, application)
    decision = latest_published(session, application_id)
    return bool(committee and committee.letters_downloadable and decision and decision.kind in LETTER_KINDS)
