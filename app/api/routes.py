"""The REST API, version 1: ``/api/v1/...``, read by integration accounts with a bearer token.

Authentication: ``Authorization: Bearer eca_…`` (tokens are created on /admin/api). A missing, unknown, revoked or
expired token gets 401; a request naming something outside the token's scope gets 403; lists only ever carry the
token's scope. Handlers are plain functions (FastAPI runs them in its thread pool): each opens one short
transaction, so no database session is held across an await.

While the portal is read-only (``app.services.platform.read_only``) reads still answer and a write gets 503 with
``Retry-After``: the refusal is the whole portal's and temporary, not a conflict with the resource's state (409,
which the integration could resolve by changing its request), so it retries later as for any unavailable server.
"""

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from app.api import queries, schemas
from app.db import transaction
from app.services.admin import TokenRefused, TokenScope, authenticate
from app.services.platform import read_only

log = logging.getLogger(__name__)

T = TypeVar("T")

PREFIX = "/api/v1"
READ_ONLY_RETRY_SECONDS = 600  # read-only mode lasts the hours of results day: no point asking every second

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="IntegrationToken",
    description="Jeton d'un compte d'intégration, créé par un administrateur sur /admin/api (eca_…).",
)

REFUSED = {
    401: {"model": schemas.ErrorOut, "description": "Missing, unknown, revoked or expired token."},
    403: {"model": schemas.ErrorOut, "description": "Outside the token's scope."},
}
WRITE_REFUSED = {
    503: {
        "model": schemas.ErrorOut,
        "description": "The portal is read-only for the moment: nothing was written; retry after Retry-After seconds.",
    }
}


def token_scope(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> TokenScope:
    """The calling token's scope, or 401 (the reason is logged, never told to the caller)."""
    try:
        with transaction() as session:
            read_only.allow(session, "sign_in")  # the token's last use, as a sign-in's: reads answer when read-only
            return authenticate(session, credentials.credentials if credentials else None)
    except TokenRefused as refused:
        log.info("API token refused: %s", refused.reason)
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="Invalid, expired or revoked token.",
            headers={"WWW-Authenticate": "Bearer"},
        ) from None


Scope = Annotated[TokenScope, Depends(token_scope)]
PageNumber = Annotated[int, Query(ge=1, description="Page number, from 1.")]
PageSize = Annotated[int, Query(ge=1, le=queries.MAX_PAGE_SIZE, description="Items per page (500 at most).")]
CampaignCode = Annotated[str | None, Query(max_length=20, description="Campaign code; the active one if absent.")]
ProgramId = Annotated[int | None, Query(description="Only this programme (by id).")]
ProgramCode = Annotated[str | None, Query(max_length=20, description="Only this programme (by code).")]
UpdatedSince = Annotated[
    datetime | None, Query(description="Only what changed at or after this moment (ISO 8601 with an offset).")
]


def program_listing(
    campaign: CampaignCode = None,
    program_id: ProgramId = None,
    program_code: ProgramCode = None,
    page: PageNumber = 1,
    page_size: PageSize = 100,
) -> queries.ProgramListing:
    return queries.ProgramListing(campaign, program_id, program_code, page, page_size)


Listing = Annotated[queries.ProgramListing, Depends(program_listing)]


def no_store(response: Response) -> None:
    """Personal data: never kept by a shared cache."""
    response.headers["Cache-Control"] = "no-store"


router = APIRouter(prefix=PREFIX, responses=REFUSED, dependencies=[Depends(no_store)])


def _forbidden() -> HTTPException:
    return HTTPException(status.HTTP_403_FORBIDDEN, detail="Outside the scope of this token.")


def _unknown_campaign(code: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=f"Unknown campaign: {code}")


def _read_only() -> HTTPException:
    return HTTPException(
        status.HTTP_503_SERVICE_UNAVAILABLE,
        detail="The portal is read-only for the moment: nothing was written. Retry later.",
        headers={"Retry-After": str(READ_ONLY_RETRY_SECONDS)},
    )


def _in_scope(read: Callable[[Session], T]) -> T:
    """``read(session)`` in one transaction; asking outside the token's scope is 403, an unknown campaign 404, a
    write while the portal is read-only 503."""
    try:
        with transaction() as session:
            return read(session)
    except queries.OutOfScope:
        raise _forbidden() from None
    except queries.UnknownCampaign as error:
        raise _unknown_campaign(str(error)) from None
    except read_only.PortalReadOnly:
        raise _read_only() from None


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        raise HTTPException(422, detail="updated_since needs a UTC offset.")
    return moment


@router.get("/offer", response_model=schemas.OfferOut, tags=["offer"], summary="The active campaign's offer")
def read_offer(scope: Scope) -> schemas.OfferOut:
    """The active campaign and its active programmes with their calendar (public information)."""
    with transaction() as session:
        return queries.read_offer(session)


@router.get(
    "/applications",
    response_model=schemas.Page[schemas.ApplicationOut],
    tags=["applications"],
    summary="Applications of the token's scope",
)
def list_applications(
    scope: Scope,
    listing: Listing,
    updated_since: UpdatedSince = None,
    include_cancelled: Annotated[bool, Query(description="Also cancelled applications.")] = False,
) -> schemas.Page[schemas.ApplicationOut]:
    """Applications of the token's centre, committee or institution, ordered by id, one page at a time."""
    since = _aware(updated_since)
    return _in_scope(
        lambda session: queries.list_applications(
            session, scope, listing, updated_since=since, include_cancelled=include_cancelled
        )
    )


@router.get(
    "/applications/{application_id}",
    response_model=schemas.ApplicationOut,
    tags=["applications"],
    summary="One application",
    responses={404: {"model": schemas.ErrorOut, "description": "No such application."}},
)
def read_application(scope: Scope, application_id: int) -> schemas.ApplicationOut:
    found = _in_scope(lambda session: queries.read_application(session, scope, application_id))
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="No such application.")
    return found


@router.get(
    "/decisions",
    response_model=schemas.Page[schemas.DecisionOut],
    tags=["decisions"],
    summary="Published decisions of the token's scope",
)
def list_decisions(
    scope: Scope,
    listing: Listing,
    updated_since: Annotated[
        datetime | None, Query(description="Only decisions published at or after this moment (ISO 8601, offset).")
    ] = None,
) -> schemas.Page[schemas.DecisionOut]:
    """Published decisions only (a decision entered but not yet published is internal to the committee)."""
    since = _aware(updated_since)
    return _in_scope(lambda session: queries.list_decisions(session, scope, listing, updated_since=since))


@router.get(
    "/handoffs",
    response_model=schemas.Page[schemas.HandoffCandidateOut],
    tags=["enrolment hand-off"],
    summary="The enrolment hand-off (OPI), per candidate",
)
def list_handoffs(
    scope: Scope,
    campaign: CampaignCode = None,
    queued_only: Annotated[
        bool, Query(description="Only candidates with something to deliver (new, failed, or a cancellation).")
    ] = False,
    page: PageNumber = 1,
    page_size: PageSize = 100,
) -> schemas.Page[schemas.HandoffCandidateOut]:
    """Each confirmed candidate once, with the programmes they hold; institution-wide tokens only.

    Reading changes nothing: acknowledge what the system imported with ``POST /api/v1/handoffs/acknowledge``.
    """
    return _in_scope(
        lambda session: queries.list_handoffs(
            session, scope, campaign_code=campaign, queued_only=queued_only, page=page, page_size=page_size
        )
    )


@router.post(
    "/handoffs/acknowledge",
    response_model=schemas.AcknowledgeOut,
    tags=["enrolment hand-off"],
    summary="Record hand-offs as imported by the student information system",
    responses=WRITE_REFUSED,
)
def acknowledge_handoffs(scope: Scope, body: schemas.AcknowledgeIn) -> schemas.AcknowledgeOut:
    """Live hand-offs become "sent", delivered cancellations "cancelled"; audited as this token's act."""
    count = _in_scope(lambda session: queries.acknowledge_handoffs(session, scope, body.handoff_ids))
    return schemas.AcknowledgeOut(acknowledged=count)
