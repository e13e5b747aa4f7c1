"""The staff list's column registry: each column's label, expression, filter kind and the tables it needs joined;
the labels of their stored values and a value's words wherever the list is read (``value_words``), the SVA bases,
the query the screen sends (``ListQuery``) and the page it gets back (``ListPage``). Declarative: the queries are
built in ``staff_list_query``, run in ``staff_list``."""

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from app.i18n import N_, _
from app.models import (
    Account,
    AnswerKind,
    Application,
    ApplicationCentre,
    Baccalaureate,
    BacSeries,
    Campaign,
    Candidate,
    Civility,
    Committee,
    DecisionKind,
    DossierStatus,
    ProcessingType,
    Program,
)
from app.services.decisions.opinions import OPINION_LABELS
from app.services.dossier.bac_series import BAC_SERIES

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50

TEXT, CHOICE, DATE_RANGE, NUMBER_RANGE, BOOLEAN = "text", "choice", "date_range", "number_range", "boolean"

# Tables a column needs joined to Application (Account goes through Candidate; Baccalaureate is a LEFT join).
CANDIDATE, ACCOUNT, PROGRAM, CENTRE, COMMITTEE, BAC = "candidate", "account", "program", "centre", "committee", "bac"
CAMPAIGN = "campaign"
# A choice filter value meaning "no value" (no decision yet, no answer, no baccalauréat...) on nullable columns.
NONE = "none"


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # French msgid
    expr: Any  # what is shown and sorted on; None for computed columns
    kind: str  # filter kind
    tables: frozenset[str] = frozenset()
    sortable: bool = True
    nullable: bool = False
    filter_expr: Any = None  # what the filter compares when it differs from ``expr`` (a programme's id...)
    choices: tuple[str, ...] = ()  # allowed values of an enum choice filter (ids otherwise)
    default: bool = False  # shown until the person chooses
    expr_en: Any = None  # the English label of a referential (programme, centre...) when the screen is in English
    folded: bool = False  # a name, stored as typed: filtered accents and case aside (« eloise » finds « Éloïse »)

    def shown(self, language: str) -> Any:
        return self.expr_en if language == "en" and self.expr_en is not None else self.expr


def _enum(values: type) -> tuple[str, ...]:
    return tuple(m.value for m in values)  # type: ignore[attr-defined]


def _c(key: str, label: str, attribute: Any, kind: str, *tables: str, **kw: Any) -> Column:
    """A column on an entity's attribute (None: computed)."""
    return Column(key, label, None if attribute is None else col(attribute), kind, frozenset(tables), **kw)


def _choice(key: str, label: str, expr: Any, values: type, *tables: str, **kw: Any) -> Column:
    """A stored enum filtered by choice; a nullable one also offers « none » (no decision yet, no answer…)."""
    choices = (*_enum(values), NONE) if kw.get("nullable") else _enum(values)
    return _c(key, label, expr, CHOICE, *tables, choices=choices, **kw)


def _date(key: str, label: str, attribute: Any, *tables: str, **kw: Any) -> Column:
    return _c(key, label, attribute, DATE_RANGE, *tables, **kw)


def _referential(key: str, label: str, model: Any, table: str, id_column: Any, **kw: Any) -> Column:
    """A programme, centre, committee or campaign: shown by its label in the screen's language, filtered by id."""
    return _c(key, label, model.label_fr, CHOICE, table, filter_expr=col(id_column), expr_en=col(model.label_en), **kw)


SVA_LABELS = {
    "green": N_("Vert : moins de {orange} jours"),
    "orange": N_("Orange : de {orange} à {red} jours"),
    "red": N_("Rouge : {red} jours ou plus"),
    "none": N_("Sans alerte"),
}
COLUMNS: dict[str, Column] = {
    c.key: c
    for c in [
        _c("dossier_number", N_("N° de dossier"), Account.dossier_number, TEXT, ACCOUNT, default=True),
        _c("birth_name", N_("Nom"), Candidate.birth_name, TEXT, CANDIDATE, default=True, folded=True),
        _c("usage_name", N_("Nom d'usage"), Candidate.usage_name, TEXT, CANDIDATE, folded=True),
        _c("first_names", N_("Prénoms"), Candidate.first_names, TEXT, CANDIDATE, default=True, folded=True),
        _choice("civility", N_("Civilité"), Candidate.civility, Civility, CANDIDATE),
        _date("birth_date", N_("Date de naissance"), Candidate.birth_date, CANDIDATE, nullable=True),
        _c("email", N_("Adresse e-mail"), Account.email, TEXT, ACCOUNT),
        # Since when mails to the address are refused for good (app.services.mail.bounces); empty when it works.
        _date(
            "email_bounced_at", N_("Adresse e-mail en échec depuis"), Account.email_bounced_at, ACCOUNT, nullable=True
        ),
        _c("ine", N_("INE"), Candidate.ine, TEXT, CANDIDATE, nullable=True),
        _c("student_number", N_("N° étudiant"), Candidate.student_number, TEXT, CANDIDATE, nullable=True),
        _c("nationality", N_("Nationalité"), Candidate.nationality, TEXT, CANDIDATE),
        _c("bac_year", N_("Année du bac"), Baccalaureate.year, NUMBER_RANGE, BAC, nullable=True),
        _choice("bac_series", N_("Série du bac"), Baccalaureate.series, BacSeries, BAC, nullable=True),
        _c("program_code", N_("Code formation"), Program.code, TEXT, PROGRAM),
        _referential("program", N_("Formation"), Program, PROGRAM, Application.program_id, default=True),
        _referential("centre", N_("Centre de candidature"), ApplicationCentre, CENTRE, Application.centre_id),
        _referential("committee", N_("Commission"), Committee, COMMITTEE, Application.committee_id),
        _referential("campaign", N_("Campagne"), Campaign, CAMPAIGN, Application.campaign_id),
        _choice("dossier_status", N_("Statut du dossier"), Application.dossier_status, DossierStatus, default=True),
        _date("dossier_status_at", N_("Date du statut"), Application.dossier_status_at),
        _choice("processing_type", N_("Type de traitement"), Application.processing_type, ProcessingType),
        _choice(
            "last_decision_kind",
            N_("Dernier avis"),
            Application.last_decision_kind,
            DecisionKind,
            nullable=True,
            default=True,
        ),
        _c("last_decision_published", N_("Avis publié"), Application.last_decision_published, BOOLEAN),
        # The combined score /20 (app.services.scoring); « Noté » filters on whether anybody's grid is complete.
        _c("score", N_("Note"), Application.score, NUMBER_RANGE, nullable=True),
        Column("scored", N_("Noté"), sa.type_coerce(col(Application.score).is_not(None), sa.Boolean), BOOLEAN),
        _c("waiting_list_rank", N_("Rang"), Application.waiting_list_rank, NUMBER_RANGE, nullable=True),
        _choice("answer", N_("Réponse du candidat"), Application.answer, AnswerKind, nullable=True),
        _date("answer_at", N_("Date de la réponse"), Application.answer_at, nullable=True),
        _date(
            "confirmation_deadline", N_("Date limite de confirmation"), Application.confirmation_deadline, nullable=True
        ),
        _date("created_at", N_("Date de création"), Application.created_at),
        _date("transmitted_at", N_("Date de transmission"), Application.transmitted_at, nullable=True, default=True),
        _date("received_at", N_("Date de réception"), Application.received_at, nullable=True),
        _date("complete_at", N_("Date de complétude"), Application.complete_at, nullable=True),
        # Computed: days since transmission sorts on transmitted_at (reversed); SVA is shown with days.
        _c(
            "days_since_transmission",
            N_("Jours depuis la transmission"),
            Application.transmitted_at,
            NUMBER_RANGE,
            nullable=True,
            default=True,
        ),
        _c("sva", N_("Alerte SVA"), None, CHOICE, sortable=False, choices=tuple(SVA_LABELS), default=True),
        _c("tags", N_("Étiquettes"), None, CHOICE, sortable=False),
        _c("notes_count", N_("Nombre de notes"), None, NUMBER_RANGE, sortable=False),
        # The examining committees' opinions (role: opinion); filtered on whether every required one is in.
        _c("opinions", N_("Avis des commissions"), None, CHOICE, sortable=False, choices=("complete", "missing")),
    ]
}

DEFAULT_COLUMNS = [c.key for c in COLUMNS.values() if c.default]

# The date the SVA count starts from, as eCandidat lets each institution choose it (its « date SVA »: creation,
# transmission, reception, completeness…); transmission unless the person chooses another.
SVA_BASES: dict[str, tuple[Any, str]] = {
    "transmitted": (col(Application.transmitted_at), N_("la transmission")),
    "received": (col(Application.received_at), N_("la réception")),
    "complete": (col(Application.complete_at), N_("la complétude")),
    "created": (col(Application.created_at), N_("la création")),
}
DEFAULT_SVA_BASE = "transmitted"
SVA_BASE_KEYS = {"transmitted": "transmitted_at", "received": "received_at", "complete": "complete_at",
                 "created": "created_at"}  # fmt: skip


@dataclass
class ListQuery:
    """What the screen asks for. Filter values: text → str; choice → list of values (ids for programme,
    centre, committee, tags); date range → (from, to) days, inclusive, in Paris; number range → (min, max),
    inclusive; boolean → bool. ``None`` or empty values are ignored. A nullable choice also takes ``NONE``.
    ``language`` chooses the labels of programmes, centres, committees and campaigns (and sorts on them);
    ``sva_base`` the date the SVA colour counts from (a key of ``SVA_BASES``)."""

    filters: dict[str, Any] = field(default_factory=dict)
    search: str = ""
    sort: str = "birth_name"
    descending: bool = False
    page: int = 1  # from 1
    page_size: int = DEFAULT_PAGE_SIZE
    language: str = "fr"
    sva_base: str = DEFAULT_SVA_BASE


@dataclass
class ListPage:
    rows: list[dict[str, Any]]
    total: int
    page: int
    page_size: int


# French msgids of the stored enum values, for the screen and the export.
VALUE_LABELS: dict[str, dict[str, str]] = {
    "dossier_status": {
        "pending": N_("En attente"),
        "received": N_("Réceptionné"),
        "incomplete": N_("Incomplet"),
        "complete": N_("Complet"),
    },
    "processing_type": {
        "committee": N_("Examen par la commission"),
        "direct_admission": N_("Accès de droit"),
        "undecided": N_("À définir"),
    },
    "last_decision_kind": {
        "favorable": N_("Favorable"),
        "unfavorable": N_("Défavorable"),
        "waiting_list": N_("Liste complémentaire"),
        "on_hold": N_("Liste d'attente"),
        "preselection": N_("Présélection"),
    },
    "answer": {"confirmed": N_("Confirmé"), "provisional": N_("Accepté provisoirement"), "withdrawn": N_("Désisté")},
    "opinions": {"complete": N_("Tous les avis requis donnés"), "missing": N_("Avis requis manquants")},
    "opinion": {kind.value: label for kind, label in OPINION_LABELS.items()},
    "civility": {"mr": N_("Monsieur"), "ms": N_("Madame"), "unspecified": N_("Non précisée")},
    "bac_series": BAC_SERIES,
}


def value_words(key: str, value: Any) -> str | None:
    """A list value's words as both the screen and the export show them, in the current language: nothing for no
    value, several values joined, a stored enum value's label, yes or no. None for what each writes its own way
    (the SVA colour, moments, numbers, text)."""
    if value is None or value == []:
        return ""
    if isinstance(value, list):  # tags, the committees' opinions: already words
        return ", ".join(value)
    if key in VALUE_LABELS:
        msgid = VALUE_LABELS[key].get(str(value), "")
        return _(msgid) if msgid else str(value)
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    return None
