"""The dossier PDF from :func:`~app.services.documents.dossier_pdf.dossier_pdf_context`'s plain data: the pieces'
files read and checked, every value worded in the reader's language, the template rendered, the pieces appended
behind their title pages, the running heads stamped. Pure: no session, no settings (it runs in a process pool)."""

import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter, Transformation

from app.i18n import _, ngettext, use_language
from app.models import (
    DocumentStatus,
    Procedure,
)
from app.services.documents import pdf_text as t
from app.services.documents.html_pdf import environment, html_to_pdf
from app.services.dossier.referentials import country_name
from app.services.platform.file_names import ascii_filename

log = logging.getLogger(__name__)

_PDF_TYPES = {"application/pdf"}
_IMAGE_TYPES = {"image/jpeg", "image/png"}


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


def _postal(lines: list[str], postcode: str, city: str, country: str, language: str) -> list[str]:
    rows = [line for line in lines if line] + [f"{postcode} {city}".strip()]
    if country and country != "FR":
        rows.append(country_name(country, language))
    return [row for row in rows if row]


def _pieces_view(pieces: list[dict[str, Any]], attachments: dict[int, _Attachment], language: str) -> list[dict]:
    """Each piece's label, status, comment and what became of its file (appended, missing, unavailable)."""
    shown = []
    for index, piece in enumerate(pieces):
        if not piece["file"]:
            file_note = t.labels()["no_file"] if piece["status"] != "not_applicable" else ""
        elif index in attachments:
            file_note = t.labels()["appended"]
        else:
            file_note = t.labels()["file_unavailable"]
        shown.append(
            {
                "label": t.pick(piece["label_fr"], piece["label_en"], language),
                "status": t.translated(t.DOCUMENT_STATUS, piece["status"]),
                "comment": piece["comment"] if piece["status"] == DocumentStatus.REFUSED.value else "",
                "file": file_note,
                "unavailable": bool(piece["file"]) and index not in attachments,
                "to_post": piece["status"] != DocumentStatus.NOT_APPLICABLE.value,
            }
        )
    return shown


def _calendar(program: dict[str, Any], application: dict[str, Any]) -> list[tuple[str, str]]:
    """The programme's and the application's dates that are set, in the template's order."""
    moments = {
        "window_opens_at": program["window_opens_at"],
        "window_closes_at": program["window_closes_at"],
        "return_by": application["return_by"],
        "jury_on": program["jury_on"],
        "publication_on": program["publication_on"],
        "confirmation_by": application["confirmation_by"],
        "preselection_at": program["preselection_at"],
    }
    return [(key, t.moment(value)) for key, value in moments.items() if value]


def _identity(candidate: dict[str, Any], account: dict[str, Any], language: str) -> list[tuple[str, str]]:
    birth_place = (candidate["birth_place"], country_name(candidate["birth_country"], language))
    return [
        ("civility", t.translated(t.CIVILITY, candidate["civility"])),
        ("birth_name", candidate["birth_name"]),
        ("usage_name", candidate["usage_name"]),
        ("first_names", candidate["first_names"]),
        ("birth_date", t.day(candidate["birth_date"])),
        ("birth_place", ", ".join(part for part in birth_place if part)),
        ("nationality", country_name(candidate["nationality"], language)),
        ("ine", candidate["ine"]),
        ("student_number", candidate["student_number"]),
        ("email", account["email"]),
        ("phone", candidate["phone"]),
        ("mobile", candidate["mobile"]),
    ]


def _baccalaureate(bac: dict[str, Any], language: str) -> list[tuple[str, str]]:
    series = (t.translated(t.BAC_SERIES, bac["series"]), bac["series_detail"])
    return [
        ("bac_series", " — ".join(v for v in series if v)),
        ("year", str(bac["year"] or "")),
        ("mention", bac["mention"]),
        ("specialities", ", ".join(bac["specialities"])),
        ("options", bac["options"]),
        ("establishment", bac["establishment"]),
        ("country", country_name(bac["country"], language)),
    ]


def _view(context: dict[str, Any], language: str, attachments: dict[int, _Attachment]) -> dict[str, Any]:
    """What the template shows: every value already worded in ``language``."""
    program, committee, app_ = context["program"], context["committee"], context["application"]
    candidate, address, bac = context["candidate"], context["address"], context["baccalaureate"]
    pieces = _pieces_view(context["pieces"], attachments, language)
    calendar = _calendar(program, app_)
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
            "address": _postal(
                committee["lines"], committee["postcode"], committee["city"], committee["country"], language
            ),
        },
        "application": {
            "status": t.translated(t.DOSSIER_STATUS, app_["dossier_status"]),
            "created_at": t.moment(app_["created_at"]),
            "transmitted_at": t.moment(app_["transmitted_at"]),
            "return_by": t.moment(app_["return_by"]),
        },
        "calendar": calendar,
        "identity": _identity(candidate, account, language),
        "address": None
        if address is None
        else _postal(address["lines"], address["postcode"], address["city"], address["country"], language)
        + ([country_name(address["country"], language)] if address["country"] == "FR" else []),
        "baccalaureate": None if bac is None else _baccalaureate(bac, language),
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
        template = environment().get_template("dossier.html")
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
    return ascii_filename("dossier", context["dossier_number"], context["program"]["code"])
