"""Setting calendar dates on several programmes at once: preview, then apply all or nothing.

The editor picks programmes and the calendar fields to set (a value, or empty to clear an optional one). Setting a
confirmation date clears the confirmation delay and the reverse (a programme uses one or the other), likewise for
the waiting-list confirmation. The preview lists, per programme, what the consistency rule and the rule on
programmes with applications would refuse, and the warnings; applying refuses everything if one programme is
refused, otherwise changes every programme in the caller's transaction, each audited, each checked against the
version the preview read (a programme saved meanwhile refuses the whole change).
"""

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from app import clock
from app.i18n import N_
from app.models import Campaign, Program
from app.services.admin.common import require_centre_offer, save_entity
from app.services.admin.programs import ARCHIVED, live_applications
from app.services.offer import calendar_rules as cal
from app.services.offer.program_schema import CalendarIn
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError, NotFound
from app.services.platform.form_checks import DossierInvalid, validate

SETTABLE = cal.FIELDS
PAIRS = {
    "confirmation_by": "confirmation_delay_days",
    "confirmation_delay_days": "confirmation_by",
    "waiting_list_confirmation_by": "waiting_list_confirmation_delay_days",
    "waiting_list_confirmation_delay_days": "waiting_list_confirmation_by",
}
NOTHING_SELECTED = N_("Choisissez au moins une formation.")
NO_FIELD = N_("Choisissez au moins une date à modifier.")
REFUSED = N_(
    "Aucune formation n'a été modifiée : certaines ne respectent pas les règles du calendrier ({count}). "
    "Corrigez les valeurs ou retirez ces formations de la sélection."
)


@dataclass
class BulkRow:
    """What the change would do to one programme."""

    program_id: int
    code: str
    label_fr: str
    label_en: str
    version: int
    applications: int
    before: dict[str, Any]
    after: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)  # field → French msgid
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    warnings: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.errors)


class BulkDatesRefused(DomainError):
    """At least one programme would break a rule: nothing is changed; ``rows`` say which and why."""

    def __init__(self, rows: list[BulkRow]) -> None:
        refused = [row for row in rows if row.refused]
        super().__init__("bulk_dates_refused", REFUSED, count=len(refused))
        self.rows = rows


def effective_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """``changes`` with each one-of partner cleared (setting a date clears the delay, and the reverse)."""
    unknown = set(changes) - set(SETTABLE)
    if unknown:
        raise ValueError(f"not calendar fields: {sorted(unknown)}")
    result = dict(changes)
    for name, value in changes.items():
        partner = PAIRS.get(name)
        if partner and value is not None and partner not in changes:
            result[partner] = None
    return result


def _normalised(changes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Values as they would be stored (UTC, trimmed), and the format errors of the values themselves."""
    try:
        parsed = validate(CalendarIn, changes)
    except DossierInvalid as invalid:
        return changes, dict(invalid.errors)
    return {name: getattr(parsed, name) for name in changes}, {}


def _load(session: Session, actor: Actor, program_ids: list[int]) -> list[Program]:
    if not program_ids:
        raise DomainError("nothing_selected", NOTHING_SELECTED)
    programs = []
    for program_id in dict.fromkeys(program_ids):
        program = session.get(Program, program_id)
        if program is None:
            raise NotFound("program")
        require_centre_offer(session, actor=actor, centre_id=program.centre_id, write=True)
        programs.append(program)
    return programs


def preview_bulk_dates(
    session: Session, *, actor: Actor, program_ids: list[int], changes: dict[str, Any]
) -> list[BulkRow]:
    """What setting ``changes`` on each programme would give, without changing anything."""
    if not changes:
        raise DomainError("no_field", NO_FIELD)
    programs = _load(session, actor, program_ids)
    values, format_errors = _normalised(effective_changes(changes))
    now = clock.now()
    rows = []
    for program in programs:
        before = {name: getattr(program, name) for name in cal.FIELDS}
        after = before | values
        applications = live_applications(session, program.id)
        issues = cal.check_calendar(after, required=cal.REQUIRED_FOR_PROGRAM)
        refused, warnings = cal.check_change(before, after, applications=applications, now=now)
        issues.merge(refused)
        for name, message in format_errors.items():
            issues.add(name, message)
        if program.campaign_id is not None and _archived(session, program):
            issues.add("__all__", ARCHIVED)
        rows.append(
            BulkRow(
                program_id=program.id or 0,
                code=program.code,
                label_fr=program.label_fr,
                label_en=program.label_en,
                version=program.version,
                applications=applications,
                before=before,
                after=after,
                errors=dict(issues.errors),
                params=dict(issues.params),
                warnings=warnings,
            )
        )
    return rows


def _archived(session: Session, program: Program) -> bool:
    campaign = session.get(Campaign, program.campaign_id)
    return campaign is None or campaign.archived_at is not None


def apply_bulk_dates(
    session: Session,
    *,
    actor: Actor,
    program_ids: list[int],
    changes: dict[str, Any],
    versions: dict[int, int] | None = None,
) -> list[Program]:
    """Set ``changes`` on every programme, or on none (:class:`BulkDatesRefused`, :class:`StaleEdit`).

    ``versions`` are the programmes' versions the editor previewed; a programme saved since refuses the change.
    """
    rows = preview_bulk_dates(session, actor=actor, program_ids=program_ids, changes=changes)
    if any(row.refused for row in rows):
        raise BulkDatesRefused(rows)
    saved = []
    for row in rows:
        values = {name: row.after[name] for name in effective_changes(changes)}
        saved.append(
            save_entity(
                session,
                actor=actor,
                model=Program,
                entity_id=row.program_id,
                expected_version=(versions or {}).get(row.program_id, row.version),
                values=values,
                action="program.dates_bulk_updated",
                unique_field=None,
            )
        )
    return saved
