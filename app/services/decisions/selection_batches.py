"""A large selection entered or published as a run of short transactions, one per batch of applications.

What the bulk screen calls: publishing a results day's thousand decisions in one transaction would hold each
programme's lock (which candidates' answers and withdrawals wait for) for the whole run. Each batch is one
transaction that locks its programmes, then its own applications, and commits; the whole action keeps one summary
event (written with the last batch) and one report, rows in id order. A publication recomputes each programme's
displayed waiting-list ranks once, after its last batch: recomputed per batch, a rank given by an early batch could
not go back up when a later batch publishes a better-ranked candidate. A batch that fails rolls back alone; the
batches before it stay done, as a second run would leave them (running an action twice acts once).

Not a service in the caller's transaction: these open their own, as the export builds do.
"""

from collections.abc import Iterable, Iterator
from typing import Any

from app.db import new_session, transaction
from app.services.decisions.selection import (
    DecisionEntry,
    SelectionReport,
    audit_bulk,
    check_entry,
    enter_batch,
    rows_in_scope,
)
from app.services.decisions.selection_publication import publish_batch
from app.services.decisions.selection_ranks import RankCarry
from app.services.decisions.staff_decisions import ENTER_ROLES, PUBLISH_ROLES
from app.services.decisions.waiting_list import lock_program, recompute_ranks
from app.services.platform.actors import Actor

BATCH = 200  # applications per transaction: a few hundred milliseconds of locks


def _batches(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def _merge(report: SelectionReport, part: SelectionReport) -> None:
    report.rows.extend(part.rows)
    report.out_of_scope += part.out_of_scope


def enter_selection_in_batches(
    *, actor: Actor, application_ids: Iterable[int], entry: DecisionEntry, lang: str = "fr"
) -> SelectionReport:
    """``enter_on_selection`` by batches, in rank order (programme, then transmission, then id), so the
    waiting-list ranks given are those the plan showed."""
    with new_session() as session:
        decision_type = check_entry(session, entry)
        found, others = rows_in_scope(session, actor, application_ids, ENTER_ROLES, lang)
    found.sort(key=lambda f: (f[0].program_id, f[0].transmitted_at is None, f[0].transmitted_at or 0, f[0].id or 0))
    ids = [application.id or 0 for application, _l, _p in found]
    carry = RankCarry(selected=set(ids))
    report = SelectionReport(out_of_scope=others)

    def one(session: Any, batch: list[int]) -> SelectionReport:
        return enter_batch(session, actor=actor, application_ids=batch, entry=entry, lang=lang, carry=carry)

    return _run(actor, ids, report, one, "decision.bulk_entered", decision_type=decision_type.code)


def publish_selection_in_batches(*, actor: Actor, application_ids: Iterable[int], lang: str = "fr") -> SelectionReport:
    """``publish_on_selection`` by batches in id order (the order in which free places go to favourable ones)."""
    with new_session() as session:
        found, others = rows_in_scope(session, actor, application_ids, PUBLISH_ROLES, lang)
    ids = [application.id or 0 for application, _l, _p in found]
    program_ids = sorted({application.program_id for application, _l, _p in found})
    report = SelectionReport(out_of_scope=others)

    def one(session: Any, batch: list[int]) -> SelectionReport:
        return publish_batch(session, actor=actor, application_ids=batch, lang=lang, ranks=False)

    try:
        return _run(actor, ids, report, one, "decision.bulk_published")
    finally:  # the displayed ranks, once per programme, even after a failed batch (those before it are published)
        with transaction() as session:
            for program_id in program_ids:
                lock_program(session, program_id)
                recompute_ranks(session, program_id)


def _run(actor: Actor, ids: list[int], report: SelectionReport, one: Any, action: str, **extra: Any) -> SelectionReport:
    batches = list(_batches(ids))
    if not batches:  # nothing in scope: the summary event alone
        with transaction() as session:
            audit_bulk(session, actor, action, report, **extra)
        return report
    for index, batch in enumerate(batches):
        with transaction() as session:
            _merge(report, one(session, batch))
            if index == len(batches) - 1:
                report.rows.sort(key=lambda row: row.application_id)
                audit_bulk(session, actor, action, report, **extra)
    return report
