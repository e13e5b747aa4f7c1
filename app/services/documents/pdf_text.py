"""Shared pieces of the generated PDF documents: the font, labels, Paris-time wording and page stamps.

No NiceGUI, no database: everything here works on plain values so that it can run in a worker process.
Labels are French msgids marked with ``N_`` (the catalogue extractor only reads ``.py`` files); they are
translated where the document is rendered, under ``use_language``.
"""

import io
from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_time
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from app.clock import PARIS
from app.i18n import N_, _, current_language
from app.services.dossier.bac_series import BAC_SERIES as BAC_SERIES  # the PDFs read it as pdf_text.BAC_SERIES
from app.services.platform.labels import in_language

# --- The font ---------------------------------------------------------------------------------------------------

# The reportlab/xhtml2pdf name of our face; unusual, so that no other document's @font-face can replace it.
FONT = "EcDossierSans"
FONT_BOLD = "EcDossierSans-Bold"

# DejaVu Sans covers Latin, Greek and Cyrillic names (Łukasz, Nguyễn, Ørsted...); Bitstream Vera, which DejaVu
# derives from and reportlab ships, covers Latin-1 plus Œ œ ’ « » €: every French text, as a fallback.
_FONT_CANDIDATES: tuple[tuple[Path, Path], ...] = (
    (
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ),
    (Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"), Path("/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf")),
    (Path("/usr/share/fonts/TTF/DejaVuSans.ttf"), Path("/usr/share/fonts/TTF/DejaVuSans-Bold.ttf")),
)


def _reportlab_vera() -> tuple[Path, Path]:
    import reportlab

    folder = Path(reportlab.__file__).parent / "fonts"
    return folder / "Vera.ttf", folder / "VeraBd.ttf"


@cache
def register_font() -> str:
    """Register the document face with reportlab and xhtml2pdf once per process; returns the font file used.

    Registered directly rather than through CSS ``@font-face``: the HTML then reads no file at all, so the
    renderer's link callback can refuse everything outside the template folder.
    """
    from xhtml2pdf import default as xhtml2pdf_default

    regular, bold = next(((r, b) for r, b in _FONT_CANDIDATES if r.is_file() and b.is_file()), _reportlab_vera())
    pdfmetrics.registerFont(TTFont(FONT, str(regular)))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(bold)))
    # Bold and italic map onto our two faces (no italic face: italics stay upright rather than fall to Helvetica).
    for is_bold, face in ((0, FONT), (1, FONT_BOLD)):
        for is_italic in (0, 1):
            addMapping(FONT, is_bold, is_italic, face)
    # xhtml2pdf copies this table into each document's font list: ``font-family: ecdossiersans`` finds the face.
    xhtml2pdf_default.DEFAULT_FONT[FONT.lower()] = FONT
    return regular.name


# --- Dates in Paris time, in the reader's language --------------------------------------------------------------

_LOCALES = {"fr": "fr_FR", "en": "en_GB"}  # British English keeps the 24-hour clock


def _locale() -> str:
    return _LOCALES.get(current_language(), "fr_FR")


def day(value: date | datetime | None) -> str:
    """« 15 juin 2026 » / "15 June 2026"; a moment is read as its Paris calendar day."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(PARIS).date()
    return format_date(value, "long", locale=_locale())


def moment(value: datetime | None) -> str:
    """« 15 juin 2026 à 23:59 » / "15 June 2026 at 23:59", in Paris time."""
    if value is None:
        return ""
    local = value.astimezone(PARIS)
    return _("{date} à {time}").format(
        date=format_date(local.date(), "long", locale=_locale()),
        time=format_time(local.time(), "HH:mm", locale=_locale()),
    )


# --- Names and files ----------------------------------------------------------------------------------------------


pick = in_language  # a bilingual value of the offer in ``language``, as the PDFs name it


# --- Labels (French msgids; translated when the document is rendered) ------------------------------------------

LABELS: dict[str, str] = {
    "document_title": N_("Dossier de candidature"),
    "dossier_number": N_("Numéro de dossier"),
    "campaign": N_("Campagne"),
    "generated_at": N_("Document édité le"),
    "candidate": N_("Candidat(e)"),
    "program": N_("Formation"),
    "program_code": N_("Code"),
    "centre": N_("Centre de candidature"),
    "committee": N_("Commission"),
    "procedure": N_("Procédure"),
    "dossier_status": N_("Statut du dossier"),
    "applied_at": N_("Candidature déposée le"),
    "transmitted_at": N_("Transmise le"),
    "calendar": N_("Calendrier"),
    "window_opens_at": N_("Ouverture des candidatures"),
    "window_closes_at": N_("Clôture des candidatures"),
    "return_by": N_("Date limite de retour du dossier"),
    "jury_on": N_("Date du jury"),
    "publication_on": N_("Publication des résultats"),
    "confirmation_by": N_("Date limite de confirmation"),
    "preselection_at": N_("Entretien de présélection"),
    "contacts": N_("Contacts"),
    "email": N_("Adresse électronique"),
    "phone": N_("Téléphone"),
    "mobile": N_("Téléphone portable"),
    "postal_address": N_("Adresse postale"),
    "website": N_("Site de la formation"),
    "identity": N_("Informations personnelles"),
    "civility": N_("Civilité"),
    "birth_name": N_("Nom de naissance"),
    "usage_name": N_("Nom d'usage"),
    "first_names": N_("Prénoms"),
    "birth_date": N_("Date de naissance"),
    "birth_place": N_("Lieu de naissance"),
    "nationality": N_("Nationalité"),
    "ine": N_("INE"),
    "student_number": N_("Numéro d'étudiant"),
    "address": N_("Adresse"),
    "baccalaureate": N_("Baccalauréat"),
    "bac_series": N_("Série"),
    "year": N_("Année"),
    "mention": N_("Mention"),
    "specialities": N_("Spécialités"),
    "options": N_("Options"),
    "establishment": N_("Établissement"),
    "internal_records": N_("Cursus interne"),
    "external_records": N_("Cursus externe"),
    "result": N_("Résultat"),
    "mark": N_("Note"),
    "diploma": N_("Diplôme"),
    "country": N_("Pays"),
    "work_experience": N_("Expérience professionnelle"),
    "internships": N_("Stages"),
    "duration": N_("Durée"),
    "job_title": N_("Fonction"),
    "employer": N_("Employeur"),
    "organisation": N_("Organisme"),
    "hours_per_week": N_("Heures par semaine"),
    "description": N_("Description"),
    "none": N_("Aucun élément renseigné."),
    "pieces": N_("Pièces justificatives"),
    "piece": N_("Pièce"),
    "status": N_("Statut"),
    "file": N_("Fichier"),
    "comment": N_("Commentaire"),
    "appended": N_("Jointe au dossier"),
    "file_unavailable": N_("Fichier indisponible : il n'a pas pu être joint au dossier."),
    "no_file": N_("Aucun fichier"),
    "no_pieces": N_("Aucune pièce n'est demandée pour cette formation."),
    "send_title": N_("Envoi du dossier"),
    "send_intro": N_(
        "Imprimez ce dossier et envoyez-le par voie postale, avec les pièces justificatives, à l'adresse suivante :"
    ),
    "send_pieces": N_("Pièces à joindre à l'envoi"),
    "send_deadline": N_("Date limite d'envoi"),
    "send_postmark": N_("Le cachet de la poste fait foi."),
    "send_no_deadline": N_("La commission n'a pas fixé de date limite : envoyez votre dossier au plus tôt."),
}

DOCUMENT_STATUS = {
    "pending": N_("En attente"),
    "submitted": N_("Transmise"),
    "validated": N_("Validée"),
    "refused": N_("Refusée"),
    "not_applicable": N_("Non concerné"),
}
DOSSIER_STATUS = {
    "pending": N_("En attente"),
    "received": N_("Réceptionné"),
    "incomplete": N_("Incomplet"),
    "complete": N_("Complet"),
}
PROCEDURE = {"online": N_("Dématérialisée"), "paper": N_("Dossier papier")}
CIVILITY = {"mr": N_("Monsieur"), "ms": N_("Madame"), "unspecified": ""}
RECORD_OUTCOME = {"obtained": N_("Obtenu"), "not_obtained": N_("Non obtenu"), "in_progress": N_("En cours")}
PIECE_TITLE = N_("Pièce : {label}")
PIECE_NUMBER = N_("Pièce {number} sur {count}")
PAGE_NUMBER = N_("Page {page} / {pages}")
RUNNING_HEAD = N_("Dossier n° {number} — {name}")
COLON = N_("{label} :")  # French puts a space before the colon, English does not


def translated(table: Mapping[str, str], key: str | None) -> str:
    """The label of an enum value in the current language (empty for an unknown or empty value)."""
    msgid = table.get(key or "", "")
    return _(msgid) if msgid else ""


def colon(label: str) -> str:
    return _(COLON).format(label=label)


def labels() -> dict[str, str]:
    return {key: _(msgid) for key, msgid in LABELS.items()}


# --- Pages drawn directly (title pages, image pages, running heads) ---------------------------------------------

A4 = (595.2756, 841.8898)  # points
_MARGIN = 56.0


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap; a word longer than the line is cut (a long programme label never leaves the page)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        while pdfmetrics.stringWidth(word, font, size) > width and len(word) > 1:
            cut = len(word)
            while cut > 1 and pdfmetrics.stringWidth(word[:cut], font, size) > width:
                cut -= 1
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{current} {word}".strip()
        if pdfmetrics.stringWidth(candidate, font, size) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def _draw_lines(canvas: Canvas, lines: list[str], *, x: float, y: float, font: str, size: float) -> float:
    canvas.setFont(font, size)
    for line in lines:
        canvas.drawString(x, y, line)
        y -= size * 1.3
    return y


def title_page(*, title: str, subtitle: str, details: list[str]) -> bytes:
    """An A4 separator page announcing an appended piece: « Pièce : … » in large type."""
    register_font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    width = A4[0] - 2 * _MARGIN
    y = A4[1] * 0.62
    y = _draw_lines(canvas, [subtitle], x=_MARGIN, y=y, font=FONT, size=12)
    y = _draw_lines(canvas, _wrap(title, FONT_BOLD, 22, width), x=_MARGIN, y=y - 10, font=FONT_BOLD, size=22)
    canvas.setLineWidth(1.5)
    canvas.setStrokeColorRGB(0.22, 0.29, 0.67)
    canvas.line(_MARGIN, y + 8, _MARGIN + width, y + 8)
    for detail in details:
        y = _draw_lines(canvas, _wrap(detail, FONT, 11, width), x=_MARGIN, y=y - 8, font=FONT, size=11)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def image_page(image_bytes: bytes, *, title: str) -> bytes:
    """An uploaded image as an A4 page titled with the piece's label, scaled to fit and turned upright."""
    from PIL import Image, ImageOps
    from reportlab.lib.utils import ImageReader

    register_font()
    with Image.open(io.BytesIO(image_bytes)) as opened:
        image = ImageOps.exif_transpose(opened)
        image.load()
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    width = A4[0] - 2 * _MARGIN
    y = _draw_lines(
        canvas, _wrap(title, FONT_BOLD, 14, width), x=_MARGIN, y=A4[1] - _MARGIN - 14, font=FONT_BOLD, size=14
    )
    box_height = y - _MARGIN - 4
    scale = min(width / image.width, box_height / image.height)
    drawn_w, drawn_h = image.width * scale, image.height * scale
    canvas.drawImage(ImageReader(image), _MARGIN + (width - drawn_w) / 2, y - 4 - drawn_h, drawn_w, drawn_h)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def running_heads(sizes: list[tuple[float, float]], *, head: str, page_label: str) -> bytes:
    """One overlay page per document page, of the same size: ``head`` at the top, « Page x / y » at the bottom.

    ``page_label`` is a format string with ``{page}`` and ``{pages}``. Drawn in the outer 9 mm of the page,
    where printed documents and scans keep their margin.
    """
    register_font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    total = len(sizes)
    for number, (width, height) in enumerate(sizes, start=1):
        canvas.setPageSize((width, height))
        canvas.setFont(FONT, 7.5)
        canvas.setFillColorRGB(0.33, 0.33, 0.33)
        canvas.drawString(28, height - 20, head)
        canvas.drawCentredString(width / 2, 14, page_label.format(page=number, pages=total))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
