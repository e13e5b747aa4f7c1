"""The staff list's column registry: each column's label, expression, filter kind and the tables it needs joined;
the labels of their stored values, the SVA bases, the query the screen sends (``ListQuery``) and the page it gets
back (``ListPage``). Declarative: the queries are built in ``staff_list_query``, run in ``staff_list``."""

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import col

from app.i18n import N_
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


def _c(key: str, label: str, expr: Any, kind: str, *tables: str, **kw: Any) -> Column:
    return Column(key, label, expr, kind, frozenset(tables), **kw)


COLUMNS: dict[str, Column] = {
    c.key: c
    for c in [
        _c("dossier_number", N_("N° de dossier"), col(Account.dossier_number), TEXT, ACCOUNT, default=True),
        _c("birth_name", N_("Nom"), col(Candidate.birth_name), TEXT, CANDIDATE, default=True, folded=True),
        _c("usage_name", N_("Nom d'usage"), col(Candidate.usage_name), TEXT, CANDIDATE, folded=True),
        _c("first_names", N_("Prénoms"), col(Candidate.first_names), TEXT, CANDIDATE, default=True, folded=True),
        _c("civility", N_("Civilité"), col(Candidate.civility), CHOICE, CANDIDATE, choices=_enum(Civility)),
        _c("birth_date", N_("Date de naissance"), col(Candidate.birth_date), DATE_RANGE, CANDIDATE, nullable=True),
        _c("email", N_("Adresse e-mail"), col(Account.email), TEXT, ACCOUNT),
        _c("ine", N_("INE"), col(Candidate.ine), TEXT, CANDIDATE, nullable=True),
        _c("student_number", N_("N° étudiant"), col(Candidate.student_number), TEXT, CANDIDATE, nullable=True),
        _c("nationality", N_("Nationalité"), col(Candidate.nationality), TEXT, CANDIDATE),
        _c("bac_year", N_("Année du bac"), col(Baccalaureate.year), NUMBER_RANGE, BAC, nullable=True),
        _c(
            "bac_series",
            N_("Série du bac"),
            col(Baccalaureate.series),
            CHOICE,
            BAC,
            nullable=True,
            choices=(*_enum(BacSeries), NONE),
        ),
        _c("program_code", N_("Code formation"), col(Program.code), TEXT, PROGRAM),
        _c(
            "program",
            N_("Formation"),
            col(Program.label_fr),
            CHOICE,
            PROGRAM,
            filter_expr=col(Application.program_id),
            expr_en=col(Program.label_en),
            default=True,
        ),
        _c(
            "centre",
            N_("Centre de candidature"),
            col(ApplicationCentre.label_fr),
            CHOICE,
            CENTRE,
            filter_expr=col(Application.centre_id),
            expr_en=col(ApplicationCentre.label_en),
        ),
        _c(
            "committee",
            N_("Commission"),
            col(Committee.label_fr),
            CHOICE,
            COMMITTEE,
            filter_expr=col(Application.committee_id),
            expr_en=col(Committee.label_en),
        ),
        _c(
            "campaign",
            N_("Campagne"),
            col(Campaign.label_fr),
            CHOICE,
            CAMPAIGN,
            filter_expr=col(Application.campaign_id),
            expr_en=col(Campaign.label_en),
        ),
        _c(
            "dossier_status",
            N_("Statut du dossier"),
            col(Application.dossier_status),
            CHOICE,
            choices=_enum(DossierStatus),
            default=True,
        ),
        _c("dossier_status_at", N_("Date du statut"), col(Application.dossier_status_at), DATE_RANGE),
        _c(
            "processing_type",
            N_("Type de traitement"),
            col(Application.processing_type),
            CHOICE,
            choices=_enum(ProcessingType),
        ),
        _c(
            "last_decision_kind",
            N_("Dernier avis"),
            col(Application.last_decision_kind),
            CHOICE,
            nullable=True,
            choices=(*_enum(DecisionKind), NONE),
            default=True,
        ),
        _c("last_decision_published", N_("Avis publié"), col(Application.last_decision_published), BOOLEAN),
        _c("waiting_list_rank", N_("Rang"), col(Application.waiting_list_rank), NUMBER_RANGE, nullable=True),
        _c(
            "answer",
            N_("Réponse du candidat"),
            col(Application.answer),
            CHOICE,
            nullable=True,
            choices=(*_enum(AnswerKind), NONE),
        ),
        _c("answer_at", N_("Date de la réponse"), col(Application.answer_at), DATE_RANGE, nullable=True),
        _c(
            "confirmation_deadline",
            N_("Date limite de confirmation"),
            col(Application.confirmation_deadline),
            DATE_RANGE,
            nullable=True,
        ),
        _c("created_at", N_("Date de création"), col(Application.created_at), DATE_RANGE),
        _c(
            "transmitted_at",
            N_("Date de transmission"),
            col(Application.transmitted_at),
            DATE_RANGE,
            nullable=True,
            default=True,
        ),
        _c("received_at", N_("Date de réception"), col(Application.received_at), DATE_RANGE, nullable=True),
        _c("complete_at", N_("Date de complétude"), col(Application.complete_at), DATE_RANGE, nullable=True),
        # Computed: days since transmission sorts on transmitted_at (reversed); SVA is shown with days.
        _c(
            "days_since_transmission",
            N_("Jours depuis la transmission"),
            col(Application.transmitted_at),
            NUMBER_RANGE,
            nullable=True,
            default=True,
        ),
        _c(
            "sva",
            N_("Alerte SVA"),
            None,
            CHOICE,
            sortable=False,
            choices=("green", "orange", "red", "none"),
            default=True,
        ),
        _c("tags", N_("Étiquettes"), None, CHOICE, sortable=False),
        _c("notes_count", N_("Nombre de notes"), None, NUMBER_RANGE, sortable=False),
    ]
}

SVA_LABELS = {
    "green": N_("Vert : moins de {orange} jours"),
    "orange": N_("Orange : de {orange} à {red} jours"),
    "red": N_("Rouge : {red} jours ou plus"),
    "none": N_("Sans alerte"),
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


# French msgids of the stored enum values, for the screen (and a future export).
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
    "civility": {"mr": N_("Monsieur"), "ms": N_("Madame"), "unspecified": N_("Non précisée")},
    "bac_series": BAC_SERIES,
}
