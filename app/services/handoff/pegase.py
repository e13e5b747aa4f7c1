# ruff: noqa: E501  (one column a line reads best)
"""The enrolment hand-off as Pégase-style CSV files, in one ZIP for the central office.

Three files, UTF-8 without BOM, ``;`` separated, one header line, CRLF line ends (RFC 4180 quoting), plus a
``LISEZMOI.txt`` describing every column:

- ``candidats.csv``   one line per candidate (identity, birth, nationality, address, e-mail);
- ``voeux.csv``       one line per programme the candidate holds (a live confirmation: the wish to enrol);
- ``inscriptions.csv`` one line per enrolment authorisation (the key the system enrols under, « OPI »).

Dates are ISO 8601: days ``AAAA-MM-JJ``, moments ``AAAA-MM-JJTHH:MM:SS`` in Paris time. Countries and
nationalities are ISO 3166 alpha-2 codes, communes INSEE codes. A candidate who confirmed, withdrew and confirmed
elsewhere appears once, with the programme they hold only (eCandidat's #117): the files carry the live set of
``handoff.load_handoffs`` after ``handoff.reconcile``.
"""

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from app import clock
from app.models import Campaign
from app.services.admin.common import require_admin
from app.services.handoff import enrolment as handoff
from app.services.handoff.enrolment import CandidateHandoff, HandoffWish
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.errors import NotFound

Getter = Callable[[CandidateHandoff, HandoffWish | None], Any]


@dataclass(frozen=True)
class CsvColumn:
    name: str
    description: str  # French: the files and their notice are for the French student information system
    get: Getter


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _moment(value: datetime | None) -> str:
    return clock.paris(value).replace(tzinfo=None).isoformat(timespec="seconds") if value else ""


def opi_key(candidate: CandidateHandoff, wish: HandoffWish) -> str:
    """The enrolment key: the dossier number (stable for life) and the programme code."""
    return f"{candidate.dossier_number}-{wish.program_code}"


def _c(name: str, description: str, get: Getter) -> CsvColumn:
    return CsvColumn(name, description, get)


def _from_candidate(name: str, description: str, attribute: str) -> CsvColumn:
    """A column written as the candidate's ``attribute`` holds it (empty when unknown)."""
    return CsvColumn(name, description, lambda c, w: getattr(c, attribute) or "")


CANDIDATE_COLUMNS: tuple[CsvColumn, ...] = (
    _from_candidate(
        "numero_dossier", "Numéro de dossier eCandidat (identifiant du candidat, stable)", "dossier_number"
    ),
    _from_candidate("ine", "INE (11 caractères), vide s'il n'est pas connu", "ine"),
    _from_candidate("numero_etudiant", "Numéro d'étudiant dans l'établissement, s'il existe", "student_number"),
    _c("civilite", "M (monsieur), MME (madame) ou vide", lambda c, w: {"mr": "M", "ms": "MME"}.get(c.civility, "")),
    _from_candidate("nom_naissance", "Nom de naissance (majuscules sans accents)", "birth_name"),
    _from_candidate("nom_usage", "Nom d'usage, s'il diffère", "usage_name"),
    _from_candidate("prenoms", "Prénoms", "first_names"),
    _c("date_naissance", "Date de naissance (AAAA-MM-JJ)", lambda c, w: _day(c.birth_date)),
    _from_candidate("pays_naissance", "Pays de naissance (ISO 3166 alpha-2)", "birth_country"),
    _from_candidate("departement_naissance", "Département de naissance (en France)", "birth_department"),
    _from_candidate("commune_naissance_insee", "Code INSEE de la commune de naissance", "birth_commune_insee"),
    _from_candidate("lieu_naissance", "Commune de naissance, ou ville à l'étranger", "birth_place"),
    _from_candidate("nationalite", "Nationalité (ISO 3166 alpha-2)", "nationality"),
    _from_candidate("adresse_ligne1", "Adresse, ligne 1", "address_line1"),
    _from_candidate("adresse_ligne2", "Adresse, ligne 2", "address_line2"),
    _from_candidate("adresse_ligne3", "Adresse, ligne 3", "address_line3"),
    _from_candidate("code_postal", "Code postal", "address_postcode"),
    _from_candidate("commune_insee", "Code INSEE de la commune (en France)", "address_commune_insee"),
    _from_candidate("ville", "Commune ou ville", "address_city"),
    _from_candidate("pays_adresse", "Pays de l'adresse (ISO 3166 alpha-2)", "address_country"),
    _from_candidate("email", "Adresse électronique du compte", "email"),
    _from_candidate("telephone", "Téléphone fixe", "phone"),
    _from_candidate("telephone_portable", "Téléphone portable", "mobile"),
)

WISH_COLUMNS: tuple[CsvColumn, ...] = (
    _from_candidate("numero_dossier", "Numéro de dossier eCandidat (lien avec candidats.csv)", "dossier_number"),
    _from_candidate("ine", "INE du candidat", "ine"),
    _c("code_campagne", "Code de la campagne de candidature", lambda c, w: w.campaign_code if w else ""),
    _c("code_composante", "Code du centre de candidature (composante)", lambda c, w: w.centre_code if w else ""),
    _c("code_commission", "Code de la commission", lambda c, w: w.committee_code if w else ""),
    _c("code_formation", "Code de la formation", lambda c, w: w.program_code if w else ""),
    _c("libelle_formation", "Libellé de la formation", lambda c, w: w.program_label_fr if w else ""),
    _c("code_type_diplome", "Code du type de diplôme", lambda c, w: w.diploma_type_code if w else ""),
    _c("date_avis", "Publication de l'avis favorable (AAAA-MM-JJTHH:MM:SS, Paris)", lambda c, w: _moment(w and w.decision_published_at)),
    _c("appel_liste_complementaire", "O si l'admission vient de la liste complémentaire, sinon N", lambda c, w: "O" if w and w.called_from_waiting_list else "N"),
    _c("date_confirmation", "Confirmation par le candidat (AAAA-MM-JJTHH:MM:SS, Paris)", lambda c, w: _moment(w and w.confirmed_at)),
)  # fmt: skip

ENROLMENT_COLUMNS: tuple[CsvColumn, ...] = (
    _c("code_opi", "Clé de l'inscription : numéro de dossier et code de formation", lambda c, w: opi_key(c, w) if w else ""),
    _from_candidate("numero_dossier", "Numéro de dossier eCandidat", "dossier_number"),
    _from_candidate("ine", "INE du candidat", "ine"),
    _from_candidate("numero_etudiant", "Numéro d'étudiant, s'il existe", "student_number"),
    _from_candidate("nom_naissance", "Nom de naissance", "birth_name"),
    _from_candidate("prenoms", "Prénoms", "first_names"),
    _c("date_naissance", "Date de naissance (AAAA-MM-JJ)", lambda c, w: _day(c.birth_date)),
    _c("code_formation", "Code de la formation où s'inscrire", lambda c, w: w.program_code if w else ""),
    _c("code_campagne", "Code de la campagne", lambda c, w: w.campaign_code if w else ""),
    _c("date_avis", "Publication de l'avis favorable (Paris)", lambda c, w: _moment(w and w.decision_published_at)),
    _c("date_confirmation", "Confirmation par le candidat (Paris)", lambda c, w: _moment(w and w.confirmed_at)),
    _c("statut_transfert", "A_TRANSMETTRE (nouveau), TRANSMIS (déjà transmis) ou EN_ERREUR (échec d'envoi)", lambda c, w: _transfer_status(w)),
    _c("date_transfert", "Dernière transmission au système d'information (Paris), vide si jamais transmis", lambda c, w: _moment(w and w.sent_at)),
)  # fmt: skip

FILES: tuple[tuple[str, tuple[CsvColumn, ...], bool], ...] = (
    ("candidats.csv", CANDIDATE_COLUMNS, False),  # one line per candidate
    ("voeux.csv", WISH_COLUMNS, True),  # one line per programme held
    ("inscriptions.csv", ENROLMENT_COLUMNS, True),
)


def _transfer_status(wish: HandoffWish | None) -> str:
    if wish is None:
        return ""
    return {"sent": "TRANSMIS", "failed": "EN_ERREUR"}.get(wish.status.value, "A_TRANSMETTRE")


def render_csv(columns: tuple[CsvColumn, ...], rows: list[tuple[CandidateHandoff, HandoffWish | None]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([c.name for c in columns])
    for candidate, wish in rows:
        writer.writerow(["" if (v := c.get(candidate, wish)) is None else str(v) for c in columns])
    return buffer.getvalue().encode("utf-8")


def notice_text(generated_at: datetime, campaign_code: str) -> str:
    """LISEZMOI.txt: what each file and column holds."""
    lines = [
        "Transfert des candidats admis vers le système d'information de scolarité (format de type Pégase)",
        f"Campagne : {campaign_code} — fichiers produits le {_moment(generated_at)} (heure de Paris)",
        "",
        "Fichiers CSV en UTF-8 sans BOM, séparateur « ; », une ligne d'en-tête, fins de ligne CRLF.",
        "Dates : AAAA-MM-JJ ; moments : AAAA-MM-JJTHH:MM:SS en heure de Paris. Pays et nationalités : ISO 3166.",
        "Un candidat qui a confirmé, s'est désisté puis a confirmé ailleurs n'apparaît qu'une fois, pour la",
        "formation qu'il détient : les confirmations retirées ne figurent dans aucun fichier.",
    ]
    for name, columns, per_wish in FILES:
        lines += ["", f"{name} — une ligne par {'formation confirmée' if per_wish else 'candidat'}"]
        lines += [f"  {c.name} : {c.description}" for c in columns]
    return "\r\n".join(lines) + "\r\n"


@dataclass(frozen=True)
class HandoffExport:
    filename: str
    content: bytes
    candidates: int
    wishes: int
    marked_sent: int


def build_zip(candidates: list[CandidateHandoff], *, generated_at: datetime, campaign_code: str) -> bytes:
    per_candidate: list[tuple[CandidateHandoff, HandoffWish | None]] = [(c, None) for c in candidates if c.wishes]
    per_wish: list[tuple[CandidateHandoff, HandoffWish | None]] = [(c, w) for c in candidates for w in c.wishes]
    buffer = io.BytesIO()
    stamp = clock.paris(generated_at).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, columns, by_wish in FILES:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, render_csv(columns, per_wish if by_wish else per_candidate))
        info = zipfile.ZipInfo("LISEZMOI.txt", date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, notice_text(generated_at, campaign_code).encode("utf-8"))
    return buffer.getvalue()


def export_handoff_files(
    session: Session,
    *,
    actor: Actor,
    campaign_id: int | None = None,
    only_new: bool = False,
    mark_sent: bool = False,
) -> HandoffExport:
    """The ZIP of the three files for a campaign (the active one by default), for the central office.

    ``only_new``: only the confirmations not yet delivered (PENDING or FAILED), each candidate still once.
    ``mark_sent``: the download is the delivery (no web-service adapter): those rows become SENT. Audited.
    """
    require_admin(session, actor=actor, write=mark_sent)
    campaign_id = campaign_id or handoff.active_campaign_id(session)
    campaign = session.get(Campaign, campaign_id) if campaign_id else None
    if campaign is None:
        raise NotFound("campaign")
    handoff.reconcile(session, campaign_id=campaign.id)
    candidates = handoff.load_handoffs(session, campaign_id=campaign.id)
    if only_new:
        candidates = [c for c in candidates if any(w.status in handoff.QUEUED for w in c.wishes)]
        candidates = [
            CandidateHandoff(**{**vars(c), "wishes": [w for w in c.wishes if w.status in handoff.QUEUED]})
            for c in candidates
        ]
    now = clock.now()
    content = build_zip(candidates, generated_at=now, campaign_code=campaign.code)
    wish_ids = [w.handoff_id for c in candidates for w in c.wishes]
    marked = 0
    if mark_sent:
        queued = [w.handoff_id for c in candidates for w in c.wishes if w.status in handoff.QUEUED]
        marked = handoff.mark_delivered(session, queued, now=now)
    audit_row(
        session,
        actor,
        "handoff.files_exported",
        campaign,
        after={"candidates": len(candidates), "wishes": len(wish_ids), "only_new": only_new, "marked_sent": marked},
    )
    stamp = clock.paris(now).strftime("%Y%m%d-%H%M")
    return HandoffExport(
        filename=f"transfert-inscriptions-{campaign.code}-{stamp}.zip",
        content=content,
        candidates=len(candidates),
        wishes=len(wish_ids),
        marked_sent=marked,
    )


# --- The central office's page --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HandoffOverview:
    campaign_id: int | None
    campaigns: dict[int, str]  # id -> "code — label", newest first
    counts: handoff.HandoffCounts | None
    candidates: list[CandidateHandoff]  # live set plus cancellations to deliver, first ``limit`` candidates
    shown_limit: int


def handoff_overview(
    session: Session, *, actor: Actor, campaign_id: int | None = None, limit: int = 200
) -> HandoffOverview:
    """What /gestion/transfert-inscriptions shows: counts and the first candidates of a campaign's hand-off."""
    require_admin(session, actor=actor)
    rows = session.exec(select(Campaign).order_by(col(Campaign.starts_on).desc(), col(Campaign.id).desc())).all()
    campaigns = {c.id or 0: f"{c.code} — {c.label_fr}" for c in rows}
    campaign_id = campaign_id or handoff.active_campaign_id(session) or next(iter(campaigns), None)
    if campaign_id is None:
        return HandoffOverview(None, campaigns, None, [], limit)
    handoff.reconcile(session, campaign_id=campaign_id)
    live = {c.candidate_id: c for c in handoff.load_handoffs(session, campaign_id=campaign_id, limit=limit)}
    for queued in handoff.load_handoffs(session, campaign_id=campaign_id, queued_only=True, limit=limit):
        if queued.withdrawals:
            entry = live.get(queued.candidate_id)
            live[queued.candidate_id] = (
                CandidateHandoff(**{**vars(entry), "withdrawals": queued.withdrawals})
                if entry
                else CandidateHandoff(**{**vars(queued), "wishes": []})
            )
    candidates = sorted(live.values(), key=lambda c: c.dossier_number)[:limit]
    return HandoffOverview(campaign_id, campaigns, handoff.counts(session, campaign_id=campaign_id), candidates, limit)
