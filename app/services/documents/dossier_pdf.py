"""« Télécharger mon dossier »: the application's dossier as one PDF, with the uploaded pieces appended.

Two steps, so that the slow one runs away from the event loop and the database:

- :func:`dossier_pdf_context` checks the actor and loads everything into a dict of **plain data** (strings,
  numbers, dates, lists, dicts; no ORM object), language-neutral (both labels of the offer are kept);
- :func:`render_dossier_pdf` is a pure function of that dict and a language: it renders the Jinja template
  ``app/templates/pdf/dossier.html`` with xhtml2pdf, appends each piece's file (read from the file store folder
  named in the context) behind a title page, puts the « Envoi du dossier » page last for a paper procedure,
  and stamps the dossier number, the candidate's name and « Page x / y » on every page. It takes no session
  and no settings, so a page calls it through ``await run.cpu_bound(render_dossier_pdf, context, language=...)``
  (a process pool; xhtml2pdf renders under a process-wide lock and holds the GIL).

:func:`build_dossier_pdf` combines both for callers that are already off the event loop (tests, exports).
"""

import io
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from pypdf import PdfReader, PdfWriter, Transformation
from sqlmodel import Session, col, select
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

from app import clock
from app.config import get_settings
from app.i18n import _, ngettext, use_language
from app.models import (
    Account,
    Address,
    Application,
    ApplicationCentre,
    Baccalaureate,
    Campaign,
    Candidate,
    Committee,
    DocumentStatus,
    ExternalRecord,
    InternalRecord,
    Internship,
    Procedure,
    Program,
    RequiredDocument,
    StaffRole,
    StoredFile,
    SubmittedDocument,
    WorkExperience,
)
from app.services.accounts import staff_roles as staff
from app.services.applications.actions import display_order_key, effective_return_by, own_application
from app.services.documents import pdf_text as t
from app.services.dossier.referentials import country_name
from app.services.platform.actors import Actor
from app.services.platform.errors import Forbidden, NotFound

log = logging.getLogger(__name__)

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "templates" / "pdf"
_PDF_TYPES = {"application/pdf"}
_IMAGE_TYPES = {"image/jpeg", "image/png"}

# --- Who may read it -----------------------------------------------------------------------------------------------


def _may_read(session: Session, actor: Actor, application: Application) -> bool:
    """Whether a staff actor's current role reaches ``application``: institution-wide roles reach all, a centre
    manager their centre, a committee member their committee.

    A first cut: the staff workspace issue refines scopes (read-only roles, several committees per programme,
    the role switch); this function is the one place to change.
    """
    role = staff.current_role(session, actor=actor)  # re-read: a withdrawn role reaches nothing
    if role.role in (StaffRole.ADMINISTRATOR, StaffRole.CENTRAL_OFFICE):
        return True
    if role.role == StaffRole.CENTRE_MANAGER:
        return role.centre_id == application.centre_id
    if role.role == StaffRole.COMMITTEE_MEMBER:
        return role.committee_id == application.committee_id
    return False


def _readable_application(session: Session, actor: Actor, application_id: int) -> Application:
    if actor.kind == "candidate":
        # Another candidate's (or a cancelled) application is "not found": its existence does not leak.
        return own_application(session, actor, application_id)[1]
    if actor.kind == "staff":
        application = session.get(Application, application_id)
        if application is None:
            raise NotFound("application")
        if not _may_read(session, actor, application):
            raise Forbidden()
        return application
    raise Forbidden()


# --- The context: plain data ---------------------------------------------------------------------------------------


def _bilingual(row: Any) -> dict[str, str]:
    return {"label_fr": row.label_fr, "label_en": row.label_en}


def _rows(session: Session, model: Any, candidate_id: int, *order: Any) -> list[Any]:
    return list(session.exec(select(model).where(model.candidate_id == candidate_id).order_by(*order)).all())


def _pieces(session: Session, application: Application) -> list[dict[str, Any]]:
    rows = session.exec(
        select(SubmittedDocument, RequiredDocument, StoredFile)
        .join(RequiredDocument, col(RequiredDocument.id) == SubmittedDocument.required_document_id)
        .outerjoin(StoredFile, col(StoredFile.id) == SubmittedDocument.merged_file_id)
        .where(SubmittedDocument.application_id == application.id)
    ).all()
    pieces = []
    for submitted, required, stored in sorted(rows, key=lambda row: display_order_key(row[1])):
        file = None
        if stored is not None and submitted.status != DocumentStatus.NOT_APPLICABLE:
            file = {
                "storage_key": stored.storage_key,
                "media_type": stored.media_type,
                "original_name": stored.original_name,
            }
        pieces.append(
            _bilingual(required) | {"status": submitted.status.value, "comment": submitted.comment, "file": file}
        )
    return pieces


def dossier_pdf_context(session: Session, *, actor: Actor, application_id: int) -> dict[str, Any]:
    """Everything the dossier PDF shows, as plain data (picklable: it crosses to a worker process).

    The candidate who owns the application, or a staff member whose current role reaches it; anyone else is
    refused (``NotFound`` for another candidate's application, ``Forbidden`` otherwise).
    """
    application = _readable_application(session, actor, application_id)
    candidate = session.get(Candidate, application.candidate_id)
    program = session.get(Program, application.program_id)
    committee = session.get(Committee, application.committee_id)
    centre = session.get(ApplicationCentre, application.centre_id)
    campaign = session.get(Campaign, application.campaign_id)
    assert candidate is not None and candidate.id is not None
    assert program and committee and centre and campaign
    account = session.get(Account, candidate.account_id)
    assert account is not None
    cid = candidate.id
    address = session.exec(select(Address).where(Address.candidate_id == cid)).first()
    bac = session.exec(select(Baccalaureate).where(Baccalaureate.candidate_id == cid)).first()
    return {
        "institution": get_settings().institution_name,
        "file_store_dir": str(get_settings().file_store_dir),
        "generated_at": clock.now(),
        "language": account.language,
        "dossier_number": account.dossier_number,
        "account": {"first_name": account.first_name, "last_name": account.last_name, "email": account.email},
        "campaign": _bilingual(campaign) | {"code": campaign.code},
        "application": {
            "id": application.id,
            "dossier_status": application.dossier_status.value,
            "created_at": application.created_at,
            "transmitted_at": application.transmitted_at,
            "return_by": effective_return_by(application, program),
            "confirmation_by": application.confirmation_by_override or program.confirmation_by,
        },
        "program": _bilingual(program)
        | {
            "code": program.code,
            "procedure": program.procedure.value,
            "info_url": program.info_url or "",
            "window_opens_at": program.window_opens_at,
            "window_closes_at": program.window_closes_at,
            "jury_on": program.jury_on,
            "publication_on": program.publication_on,
            "preselection_at": program.preselection_at,
            "preselection_place": program.preselection_place or "",
        },
        "centre": _bilingual(centre) | {"email": centre.contact_email},
        "committee": _bilingual(committee)
        | {
            "email": committee.contact_email,
            "phone": committee.phone or "",
            "lines": [committee.address_line1, committee.address_line2, committee.address_line3],
            "postcode": committee.postcode,
            "city": committee.city,
            "country": committee.country,
        },
        "candidate": {
            "civility": candidate.civility.value,
            "birth_name": candidate.birth_name,
            "usage_name": candidate.usage_name,
            "first_names": candidate.first_names,
            "birth_date": candidate.birth_date,
            "birth_place": candidate.birth_place,
            "birth_country": candidate.birth_country,
            "nationality": candidate.nationality,
            "phone": candidate.phone,
            "mobile": candidate.mobile,
            "ine": candidate.ine or "",
            "student_number": candidate.student_number or "",
        },
        "address": None
        if address is None
        else {
            "lines": [address.line1, address.line2, address.line3],
            "postcode": address.postcode,
            "city": address.city,
            "country": address.country,
        },
        "baccalaureate": None
        if bac is None
        else {
            "series": bac.series.value,
            "series_detail": bac.series_detail,
            "year": bac.year,
            "mention": bac.mention,
            "specialities": list(bac.specialities or []),
            "options": bac.options,
            "country": bac.country,
            "establishment": bac.establishment_label,
        },
        "internal_records": [
            {
                "year": r.academic_year,
                "code": r.program_code,
                "label": r.program_label,
                "result": r.result,
                "mark": "" if r.mark is None else f"{r.mark.normalize():f}",
                "mention": r.mention,
            }
            for r in _rows(session, InternalRecord, cid, col(InternalRecord.academic_year).desc())
        ],
        "external_records": [
            {
                "year": r.academic_year,
                "establishment": r.establishment_label,
                "country": r.country,
                "diploma": r.diploma_type,
                "label": r.label,
                "outcome": r.outcome.value,
                "mention": r.mention,
            }
            for r in _rows(session, ExternalRecord, cid, col(ExternalRecord.academic_year).desc())
        ],
        "work_experiences": [
            {
                "year": r.year,
                "duration": r.duration,
                "title": r.title,
                "employer": r.employer,
                "description": r.description,
            }
            for r in _rows(session, WorkExperience, cid, col(WorkExperience.year).desc())
        ],
        "internships": [
            {
                "year": r.year,
                "duration": r.duration,
                "hours_per_week": r.hours_per_week,
                "organisation": r.organisation,
                "description": r.description,
            }
            for r in _rows(session, Internship, cid, col(Internship.year).desc())
        ],
        "pieces": _pieces(session, application),
    }


# --- Rendering ------------------------------------------------------------------------------------------------------


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(default=True),  # candidate-typed text is data, never markup
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


# Where a refused resource is sent: a file that does not exist inside the template folder, so every xhtml2pdf code
# path (images, @import, fonts...) finds nothing there and leaves the resource out instead of failing the render.
REFUSED = str(TEMPLATE_DIR / "refused-resource")


def link_callback(uri: str, rel: str | None = None) -> str:
    """xhtml2pdf's resolver for ``<img src>``, CSS ``url()``, ``@import``…: only a file under ``app/templates/pdf/``.

    Anything remote (``http:``, ``https:``), any other scheme (``data:``, ``ftp:``) and any path leaving the
    template folder is answered with :data:`REFUSED`; the policy passed to ``CreatePDF`` (no remote fetches,
    local reads confined to the template folder) refuses it a second time should a code path skip this callback.
    """
    parts = urlsplit(uri or "")
    if parts.scheme in ("", "file") and not parts.netloc:
        path = Path(parts.path)
        resolved = (path if path.is_absolute() else TEMPLATE_DIR / path).resolve()
        if resolved.is_relative_to(TEMPLATE_DIR.resolve()) and resolved.is_file():
            return str(resolved)
    log.warning("dossier PDF: resource refused: %.120r", uri)
    return REFUSED


def html_to_pdf(html: str) -> bytes:
    """xhtml2pdf with remote fetches off and local reads confined to the template folder."""
    t.register_font()
    policy = ResourceAccessPolicy.server(base_dir=TEMPLATE_DIR, allow_remote=False)
    out = io.BytesIO()
    status = pisa.CreatePDF(html, dest=out, link_callback=link_callback, resource_policy=policy, encoding="utf-8")
    if status.err:
        raise RuntimeError(f"xhtml2pdf reported errors while rendering the dossier: {status.err}")
    return out.getvalue()


@dataclass
class _Attachment:
    """One piece's file, read and checked before the list is rendered (so the list can say it is unavailable)."""

    index: int  # the piece's position in the context
    pages: list[Any]  # pypdf pages to append, title page first


def _read_attachments(context: dict[str, Any], language: str) -> dict[int, _Attachment]:
    from app.services.platform import file_store

    folder = Path(context["file_store_dir"])
    with_file = [(i, p) for i, p in enumerate(context["pieces"]) if p["file"]]
    attachments: dict[int, _Attachment] = {}
    for number, (index, piece) in enumerate(with_file, start=1):
        label = t.pick(piece["label_fr"], piece["label_en"], language)
        title = _(t.PIECE_TITLE).format(label=label)
        file = piece["file"]
        try:
            data = file_store.read(file["storage_key"], folder)
            if file["media_type"] in _IMAGE_TYPES:
                pages = list(PdfReader(io.BytesIO(t.image_page(data, title=title))).pages)
            elif file["media_type"] in _PDF_TYPES:
                reader = PdfReader(io.BytesIO(data))
                if reader.is_encrypted and not reader.decrypt(""):
                    raise ValueError("encrypted piece")
                body = list(reader.pages)
                details = [
                    ngettext("{count} page jointe ci-après", "{count} pages jointes ci-après", len(body)).format(
                        count=len(body)
                    )
                ]
                separator = t.title_page(
                    title=title,
                    subtitle=_(t.PIECE_NUMBER).format(number=number, count=len(with_file)),
                    details=details,
                )
                pages = list(PdfReader(io.BytesIO(separator)).pages) + body
            else:
                raise ValueError(f"unexpected media type {file['media_type']!r}")
        except Exception:  # a missing or unreadable file is reported in the list; the dossier is still produced
            log.warning("dossier %s: piece %r left out", context["dossier_number"], file["storage_key"], exc_info=True)
            continue
        attachments[index] = _Attachment(index, pages)
    return attachments


def _view(context: dict[str, Any], language: str, attachments: dict[int, _Attachment]) -> dict[str, Any]:
    """What the template shows: every value already worded in ``language``."""
    program, committee, app_ = context["program"], context["committee"], context["application"]
    candidate, address, bac = context["candidate"], context["address"], context["baccalaureate"]

    def postal(lines: list[str], postcode: str, city: str, country: str) -> list[str]:
        rows = [line for line in lines if line] + [f"{postcode} {city}".strip()]
        if country and country != "FR":
            rows.append(country_name(country, language))
        return [row for row in rows if row]

    pieces = []
    for index, piece in enumerate(context["pieces"]):
        if not piece["file"]:
            file_note = t.labels()["no_file"] if piece["status"] != "not_applicable" else ""
        elif index in attachments:
            file_note = t.labels()["appended"]
        else:
            file_note = t.labels()["file_unavailable"]
        pieces.append(
            {
                "label": t.pick(piece["label_fr"], piece["label_en"], language),
                "status": t.translated(t.DOCUMENT_STATUS, piece["status"]),
                "comment": piece["comment"] if piece["status"] == DocumentStatus.REFUSED.value else "",
                "file": file_note,
                "unavailable": bool(piece["file"]) and index not in attachments,
                "to_post": piece["status"] != DocumentStatus.NOT_APPLICABLE.value,
            }
        )
    moments = {
        "window_opens_at": program["window_opens_at"],
        "window_closes_at": program["window_closes_at"],
        "return_by": app_["return_by"],
        "jury_on": program["jury_on"],
        "publication_on": program["publication_on"],
        "confirmation_by": app_["confirmation_by"],
        "preselection_at": program["preselection_at"],
    }
    calendar = [(key, t.moment(value)) for key, value in moments.items() if value]
    account = context["account"]
    return {
        "lang": language,
        "font": t.FONT.lower(),
        "L": t.labels(),
        "colon": t.colon,
        "institution": context["institution"],
        "campaign": t.pick(context["campaign"]["label_fr"], context["campaign"]["label_en"], language),
        "dossier_number": context["dossier_number"],
        "name": f"{account['first_name']} {account['last_name']}",
        "generated_at": t.moment(context["generated_at"]),
        "program": {
            "label": t.pick(program["label_fr"], program["label_en"], language),
            "code": program["code"],
            "procedure": t.translated(t.PROCEDURE, program["procedure"]),
            "info_url": program["info_url"],
            "preselection_place": program["preselection_place"],
        },
        "centre": {"label": t.pick(context["centre"]["label_fr"], context["centre"]["label_en"], language)}
        | {"email": context["centre"]["email"]},
        "committee": {
            "label": t.pick(committee["label_fr"], committee["label_en"], language),
            "email": committee["email"],
            "phone": committee["phone"],
            "address": postal(committee["lines"], committee["postcode"], committee["city"], committee["country"]),
        },
        "application": {
            "status": t.translated(t.DOSSIER_STATUS, app_["dossier_status"]),
            "created_at": t.moment(app_["created_at"]),
            "transmitted_at": t.moment(app_["transmitted_at"]),
            "return_by": t.moment(app_["return_by"]),
        },
        "calendar": calendar,
        "identity": [
            ("civility", t.translated(t.CIVILITY, candidate["civility"])),
            ("birth_name", candidate["birth_name"]),
            ("usage_name", candidate["usage_name"]),
            ("first_names", candidate["first_names"]),
            ("birth_date", t.day(candidate["birth_date"])),
            (
                "birth_place",
                ", ".join(
                    part
                    for part in (candidate["birth_place"], country_name(candidate["birth_country"], language))
                    if part
                ),
            ),
            ("nationality", country_name(candidate["nationality"], language)),
            ("ine", candidate["ine"]),
            ("student_number", candidate["student_number"]),
            ("email", account["email"]),
            ("phone", candidate["phone"]),
            ("mobile", candidate["mobile"]),
        ],
        "address": None
        if address is None
        else postal(address["lines"], address["postcode"], address["city"], address["country"])
        + ([country_name(address["country"], language)] if address["country"] == "FR" else []),
        "baccalaureate": None
        if bac is None
        else [
            (
                "bac_series",
                " — ".join(v for v in (t.translated(t.BAC_SERIES, bac["series"]), bac["series_detail"]) if v),
            ),
            ("year", str(bac["year"] or "")),
            ("mention", bac["mention"]),
            ("specialities", ", ".join(bac["specialities"])),
            ("options", bac["options"]),
            ("establishment", bac["establishment"]),
            ("country", country_name(bac["country"], language)),
        ],
        "internal_records": context["internal_records"],
        "external_records": [
            r
            | {"outcome": t.translated(t.RECORD_OUTCOME, r["outcome"]), "country": country_name(r["country"], language)}
            for r in context["external_records"]
        ],
        "work_experiences": context["work_experiences"],
        "internships": context["internships"],
        "pieces": pieces,
        "pieces_to_post": [p for p in pieces if p["to_post"]],
    }


def _stamp(writer: PdfWriter, *, head: str, page_label: str) -> None:
    """The running head and « Page x / y » on every page, appended pieces included, in their own page sizes."""
    for page in writer.pages:
        if page.get("/Rotate"):
            page.transfer_rotation_to_content()  # stamp upright on a scan saved sideways
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in writer.pages]
    overlay = PdfReader(io.BytesIO(t.running_heads(sizes, head=head, page_label=page_label)))
    for page, stamp in zip(writer.pages, overlay.pages, strict=True):
        box = page.mediabox
        page.merge_transformed_page(stamp, Transformation().translate(float(box.left), float(box.bottom)))


def render_dossier_pdf(context: dict[str, Any], *, language: str) -> bytes:
    """The dossier PDF in ``language`` ("fr" or "en"), from :func:`dossier_pdf_context`'s plain data.

    Pure: no session, no settings (the file store folder is in the context), so it runs in a process pool.
    """
    with use_language(language):
        attachments = _read_attachments(context, language)
        view = _view(context, language, attachments)
        template = _environment().get_template("dossier.html")
        main = PdfReader(io.BytesIO(html_to_pdf(template.render(view, part="dossier"))))
        writer = PdfWriter()
        for page in main.pages:
            writer.add_page(page)
        for index in sorted(attachments):
            for page in attachments[index].pages:
                writer.add_page(page)
        if context["program"]["procedure"] == Procedure.PAPER.value:
            # The guide's « adresse mentionnée en dernière page »: after the appended pieces, always last.
            for page in PdfReader(io.BytesIO(html_to_pdf(template.render(view, part="send")))).pages:
                writer.add_page(page)
        _stamp(
            writer,
            head=_(t.RUNNING_HEAD).format(number=view["dossier_number"], name=view["name"]),
            page_label=_(t.PAGE_NUMBER),
        )
        writer.add_metadata(
            {
                "/Title": f"{view['L']['document_title']} {view['dossier_number']} — {view['program']['label']}",
                "/Author": view["institution"],
            }
        )
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()


def dossier_filename(context: dict[str, Any]) -> str:
    return t.ascii_filename("dossier", context["dossier_number"], context["program"]["code"])


def build_dossier_pdf(
    session: Session, *, actor: Actor, application_id: int, language: str | None = None
) -> tuple[str, bytes]:
    """(file name, PDF bytes) for callers already off the event loop; ``language`` defaults to the account's."""
    context = dossier_pdf_context(session, actor=actor, application_id=application_id)
    return dossier_filename(context), render_dossier_pdf(context, language=language or context["language"])


__all__ = [
    "build_dossier_pdf",
    "dossier_filename",
    "dossier_pdf_context",
    "html_to_pdf",
    "link_callback",
    "render_dossier_pdf",
]
