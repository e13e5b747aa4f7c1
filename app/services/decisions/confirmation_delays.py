"""How long a candidate has to answer an offer: the programme's delay, shortened as the campaign's end approaches.

eCandidat counts the programme's confirmation delay (« délai de confirmation ») from the publication of a favourable
decision, or from a call from the waiting list. Late in the campaign a long delay would hold a place that another
candidate could still take, so the delay shortens as the end approaches, as the national platforms do: an offer
published ``confirmation_short_delay_from_days`` days or fewer before the campaign's last day has at most 3 days,
one published ``confirmation_last_delay_from_days`` days or fewer before it at most 1 day (central office
parameters). A fixed date (« date limite de confirmation ») and a per-candidate date are the staff's explicit
choice and stay as they are. Every deadline ends at 23:59:59, Paris time, of its last day.

``shortened_delay`` and ``delay_deadline`` are pure functions of dates; ``confirmation_deadline`` reads the
programme, its campaign and the parameters, and is what every publication and every waiting-list call uses.
"""

from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from app import clock
from app.models import Application, Campaign, Program
from app.services.platform import parameters
from app.services.platform.transaction_memo import memo

SHORT_DELAY_DAYS = 3
LAST_DELAY_DAYS = 1


def shortened_delay(
    delay_days: int, *, published_on: date, ends_on: date | None, short_from: int, last_from: int
) -> int:
    """The delay in days of an offer published on ``published_on`` (Paris day) in a campaign ending on ``ends_on``:
    the programme's ``delay_days``, at most 3 from ``short_from`` days before the end, at most 1 from ``last_from``
    days before it (and after the end). Never longer than the programme's own delay."""
    if ends_on is None:
        return delay_days
    remaining = (ends_on - published_on).days
    if remaining <= last_from:
        return min(delay_days, LAST_DELAY_DAYS)
    if remaining <= short_from:
        return min(delay_days, SHORT_DELAY_DAYS)
    return delay_days


def delay_deadline(
    published_at: datetime, delay_days: int, *, ends_on: date | None, short_from: int, last_from: int
) -> datetime:
    """The end (Paris time) of the last day of the shortened delay counted from ``published_at``."""
    published_on = clock.paris(published_at).date()
    days = shortened_delay(
        delay_days, published_on=published_on, ends_on=ends_on, short_from=short_from, last_from=last_from
    )
    last_day = published_on + timedelta(days=days)
    return clock.paris_datetime(last_day.year, last_day.month, last_day.day, 23, 59, 59)


def confirmation_deadline(
    session: Session,
    application: Application,
    program: Program,
    published_at: datetime,
    *,
    waiting_list_call: bool = False,
) -> datetime | None:
    """The per-candidate override, else the programme's fixed date, else publication + the shortened delay; a call
    from the waiting list reads the programme's waiting-list rule first. None when the programme sets no rule."""
    if application.confirmation_by_override:
        return application.confirmation_by_override
    rules = [(program.confirmation_by, program.confirmation_delay_days)]
    if waiting_list_call:
        rules.insert(0, (program.waiting_list_confirmation_by, program.waiting_list_confirmation_delay_days))
    for fixed, delay in rules:
        if fixed is not None:
            return fixed
        if delay is not None:
            return delay_deadline(
                published_at,
                delay,
                ends_on=_campaign_end(session, program.campaign_id),
                short_from=parameters.current("confirmation_short_delay_from_days"),
                last_from=parameters.current("confirmation_last_delay_from_days"),
            )
    return None


def _campaign_end(session: Session, campaign_id: int) -> date | None:
    """The campaign's last day, read once a transaction: a publication of a thousand offers asks it for each, and
    the campaign row, referenced by nothing, left the identity map, so each ``session.get`` flushed the batch's
    pending rows and read it again (2 s of a 5 s publication)."""
    known = memo(session, "campaign.ends_on")
    if campaign_id not in known:
        with session.no_autoflush:  # the column itself: an object the session holds may be older than the row
            known[campaign_id] = session.exec(select(Campaign.ends_on).where(Campaign.id == campaign_id)).first()
    return known[campaign_id]
