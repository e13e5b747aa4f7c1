"""Which commits change the offer: a generation number that the public pages' caches compare with.

The home page and « Formations » are the same for every anonymous visitor: they are drawn once per language and
kept until a transaction that touched a campaign, centre, diploma type, programme or required piece commits (then
the generation moves on, here at once and, with ``ECANDIDAT_REDIS_URL``, on the other instances through the
process caches' broadcast). A rolled-back change moves nothing. Listening on every session means no service has
to remember to announce it.
"""

import threading
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from app.models import ApplicationCentre, Campaign, DiplomaType, Program, RequiredDocument
from app.services.platform import process_cache

NAME = "offer"
OFFER_TABLES = (Campaign, ApplicationCentre, DiplomaType, Program, RequiredDocument)
_PENDING_KEY = "ecandidat.offer_changed"


class _Generation:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.value = 0

    def invalidate(self) -> None:
        with self._lock:
            self.value += 1


_generation = _Generation()
process_cache.register_named(NAME, _generation)


def generation() -> int:
    """A number that changes after every committed change of the offer (in this process or, relayed, another)."""
    return _generation.value


def _touches_offer(objects: Any) -> bool:
    return any(isinstance(obj, OFFER_TABLES) for obj in objects)


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: Any) -> None:
    if _touches_offer(session.new) or _touches_offer(session.dirty) or _touches_offer(session.deleted):
        session.info[_PENDING_KEY] = True


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state: ORMExecuteState) -> None:
    """``update(Program)…`` run through the session changes rows without flushing objects."""
    if (state.is_update or state.is_delete) and any(m.class_ in OFFER_TABLES for m in state.all_mappers):
        state.session.info[_PENDING_KEY] = True


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.info.pop(_PENDING_KEY, False):
        _generation.invalidate()
        process_cache.broadcast(NAME)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, _previous: Any) -> None:
    session.info.pop(_PENDING_KEY, None)
