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

import logging
from typing import Any

from sqlmodel import Session, col, select

from app import clock
from app.config import get_settings
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
    Program,
    RequiredDocument,
    StoredFile,
    SubmittedDocument,
    WorkExperience,
)
from app.services.applications.actions import display_order_key, own_application
from app.services.applications.dossier_status import effective_return_by
from app.services.applications.staff_scope import require_application_in_scope
from app.services.documents.dossier_pdf_render import dossier_filename, render_dossier_pdf
from app.services.platform.actors import Actor
from app.services.platform.errors import Forbidden

log = logging.getLogger(__name__)

# --- Who may read it -----------------------------------------------------------------------------------------------


def _readable_application(session: Session, actor: Actor, application_id: int) -> Application:
    if actor.kind == "candidate":
        # Another candidate's (or a cancelled) application is "not found": its existence does not leak.
        return own_application(session, actor, application_id)[1]
    if actor.kind == "staff":
        # The staff scope rule, as for the application itself: outside the role's scope is "not found".
        return require_application_in_scope(session, actor=actor, application_id=application_id)[0]
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
    refused: ``NotFound`` for another candidate's application or one outside the staff role's scope (the staff
    scope rule, as for the application itself), ``Forbidden`` for anyone else.
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
        "program": _program(program),
        "centre": _bilingual(centre) | {"email": centre.contact_email},
        "committee": _committee(committee),
        "candidate": _candidate(candidate),
        **_dossier(session, candidate.id),
        "pieces": _pieces(session, application),
    }


def _program(program: Program) -> dict[str, Any]:
    return _bilingual(program) | {
        "code": program.code,
        "procedure": program.procedure.value,
        "info_url": program.info_url or "",
        "window_opens_at": program.window_opens_at,
        "window_closes_at": program.window_closes_at,
        "jury_on": program.jury_on,
        "publication_on": program.publication_on,
        "preselection_at": program.preselection_at,
        "preselection_place": program.preselection_place or "",
    }


def _committee(committee: Committee) -> dict[str, Any]:
    return _bilingual(committee) | {
        "email": committee.contact_email,
        "phone": committee.phone or "",
        "lines": [committee.address_line1, committee.address_line2, committee.address_line3],
        "postcode": committee.postcode,
        "city": committee.city,
        "country": committee.country,
    }


def _candidate(candidate: Candidate) -> dict[str, Any]:
    return {
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
    }


def _dossier(session: Session, cid: int) -> dict[str, Any]:
    """The candidate's address, baccalauréat, records, work experience and internships."""
    address = session.exec(select(Address).where(Address.candidate_id == cid)).first()
    bac = session.exec(select(Baccalaureate).where(Baccalaureate.candidate_id == cid)).first()
    return {
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
        **_records(session, cid),
    }


def _records(session: Session, cid: int) -> dict[str, list[dict[str, Any]]]:
    return {
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
    }


def build_dossier_pdf(
    session: Session, *, actor: Actor, application_id: int, language: str | None = None
) -> tuple[str, bytes]:
    """(file name, PDF bytes) for callers already off the event loop; ``language`` defaults to the account's."""
    context = dossier_pdf_context(session, actor=actor, application_id=application_id)
    return dossier_filename(context), render_dossier_pdf(context, language=language or context["language"])
