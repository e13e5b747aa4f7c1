"""The entered decisions of a selection of the staff list, published (« Valider »): planned, then done by batch.

``plan_publication`` says what « Valider » would publish and why the others are skipped; ``publish_on_selection``
does it in the caller's transaction, re-checking under the locks (``selection`` explains the plan/do pair).
``publish_batch`` is one batch of it: ``selection_batches`` runs a large selection as short transactions, so a
programme's lock is held no longer than its own rows need.
"""

from collections.abc import Iterable

from sqlmodel import Session

from app.models import Application, Decision, DecisionKind, Program
from app.services.decisions.published import latest_published_by_application
from app.services.decisions.selection import (
    NOTHING_PENDING,
    SelectionReport,
    SelectionRow,
    answer_refusal,
    audit_bulk,
    rows_in_scope,
)
from app.services.decisions.selection_loads import OfferCounts, campaign_refusals, load_mail_parties
from app.services.decisions.staff_decisions import (
    CAPACITY_REACHED,
    PUBLISH_ROLES,
    audit_publication,
    latest_entered_by_application,
    lock_programs_of,
    mail_publication,
    stage_publication,
)
from app.services.decisions.waiting_list import live_offer_count, lock_applications, recompute_ranks
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError


def _plan_publication_rows(
    session: Session, found: list[tuple[Application, str, str]]
) -> tuple[list[SelectionRow], dict[int, Decision], dict[int, Decision]]:
    """Pending decisions to publish; favourable ones beyond a programme's free places are skipped (by id order).

    Also returns what was read for it: the pending and the published decision of each application."""
    ids = [application.id or 0 for application, _l, _p in found]
    pending_of = latest_entered_by_application(session, ids)
    published_of = latest_published_by_application(session, ids)
    free: dict[int, int | None] = {}
    rows = []
    for application, label, program_label in found:
        application_id = application.id or 0
        pending = pending_of.get(application_id)
        reason = answer_refusal(application)
        if reason is None and (pending is None or pending.published_at is not None):
            reason = DomainError("nothing_pending", NOTHING_PENDING)
        if reason is None and pending is not None and pending.kind == DecisionKind.FAVORABLE:
            program = session.get(Program, application.program_id)
            assert program is not None
            if program.capacity is not None:
                if application.program_id not in free:
                    free[application.program_id] = program.capacity - live_offer_count(session, program.id or 0)
                current = published_of.get(application_id)
                holds_offer = current is not None and current.kind == DecisionKind.FAVORABLE
                if not holds_offer:  # replacing one's own offer takes no new place
                    places = free[application.program_id] or 0
                    if places <= 0:
                        reason = DomainError("capacity_reached", CAPACITY_REACHED, capacity=program.capacity)
                    else:
                        free[application.program_id] = places - 1
        rows.append(SelectionRow(application_id, label, program_label, reason))
    return rows, pending_of, published_of


def plan_publication(
    session: Session, *, actor: Actor, application_ids: Iterable[int], lang: str = "fr"
) -> SelectionReport:
    """What « Valider » on the selection would publish, row by row (nothing is written)."""
    found, others = rows_in_scope(session, actor, application_ids, PUBLISH_ROLES, lang)
    return SelectionReport(_plan_publication_rows(session, found)[0], others)


def publish_on_selection(
    session: Session, *, actor: Actor, application_ids: Iterable[int], lang: str = "fr"
) -> SelectionReport:
    """Publish the entered decisions of the selection (mails, deadlines, ranks); a refused one is skipped."""
    report = publish_batch(session, actor=actor, application_ids=application_ids, lang=lang)
    audit_bulk(session, actor, "decision.bulk_published", report)
    return report


def publish_batch(
    session: Session, *, actor: Actor, application_ids: Iterable[int], lang: str = "fr", ranks: bool = True
) -> SelectionReport:
    """``publish_on_selection`` without its summary event: one batch of a selection (``ranks``: recompute the
    displayed waiting-list ranks now; a run of batches recomputes them once, after its last batch).

    Under the programme locks, the applications are locked and re-read; each decision is checked against its
    programme's live offers (counted once, then kept up to date), the rows are written in one flush, then mailed
    and audited; each programme's displayed waiting-list ranks are recomputed once."""
    found, others = rows_in_scope(session, actor, application_ids, PUBLISH_ROLES, lang)
    ids = [application.id or 0 for application, _l, _p in found]
    programs = lock_programs_of(session, ids)
    locked = lock_applications(session, ids)
    found = [(locked[application.id or 0], label, title) for application, label, title in found]
    kept = load_mail_parties(session, ids)  # held while mailing: the identity map keeps rows weakly
    refusals = campaign_refusals(session, list(locked.values()))
    planned, pending_of, published_of = _plan_publication_rows(session, found)
    report, staged, offers = SelectionReport(out_of_scope=others), [], OfferCounts(session)
    for row in planned:
        application, decision = locked[row.application_id], pending_of.get(row.application_id)
        reason = row.reason or refusals.get(application.campaign_id)
        if reason is None and decision is not None:
            program = programs[application.program_id]
            current = published_of.get(row.application_id)
            held = current is not None and current.kind == DecisionKind.FAVORABLE
            others_offers = offers.count(program.id or 0) - held
            try:
                stage_publication(
                    session,
                    actor=actor,
                    program=program,
                    application=application,
                    decision=decision,
                    offers=others_offers,
                )
            except DomainError as error:
                reason = error
            else:
                offers.set(program.id or 0, others_offers + (decision.kind == DecisionKind.FAVORABLE))
                staged.append((application, decision))
        report.rows.append(SelectionRow(row.application_id, row.label, row.program, reason))
    session.flush()
    from app.services.mail.outbox import mails_flushed_together  # loaded on demand, as every mail path does

    with mails_flushed_together(session):
        for application, decision in staged:
            mail_publication(session, application=application, decision=decision)
    del kept
    for program_id in sorted({application.program_id for application, _d in staged} if ranks else ()):
        recompute_ranks(session, program_id)
    for application, decision in staged:
        audit_publication(session, actor=actor, application=application, decision=decision)
    return report
