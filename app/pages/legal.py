"""The pages every public service links from its footer: accessibility statement, legal notice, personal data.

Every sentence here is either true of any French public institution running eCandidat-Py or built from the settings
(``app/config.py``: the institution, its publisher, host, DPO, accessibility status) and, for durations, from the
settings the purge jobs read (``retention.PROMISES``); ``tests/ui/test_legal_pages.py`` holds both.
"""

from datetime import date

from babel.dates import format_date
from nicegui import run, ui

from app.config import Settings, get_settings
from app.i18n import N_, _, current_language, ngettext
from app.services.platform import retention
from app.ui import routes
from app.ui.accessibility_status import STATEMENTS
from app.ui.frame import frame
from app.ui.page import page
from app.ui.text import heading, list_item, paragraph

DEFENSEUR_FORM_URL = "https://formulaire.defenseurdesdroits.fr/"
DEFENSEUR_DELEGATES_URL = "https://www.defenseurdesdroits.fr/"
CNIL_URL = "https://www.cnil.fr/"
CNIL_COMPLAINT_URL = "https://www.cnil.fr/fr/plaintes"
# The publisher's legal status (``ECANDIDAT_LEGAL_PUBLISHER_KIND``); "other": not stated.
PUBLISHER_KINDS = {
    "epscp": N_("établissement public à caractère scientifique, culturel et professionnel"),
    "epa": N_("établissement public à caractère administratif"),
}


def _bullets(*items: str) -> None:
    with ui.element("ul").classes("ec-bullets"):
        for item in items:
            list_item(item)


def _mail_paragraph(text: str, email: str) -> None:
    with ui.element("p"):
        ui.label(text).classes("inline")
        ui.link(email, f"mailto:{email}").classes("ml-1")


def _external_link(text: str, url: str) -> None:
    with ui.element("li"):
        ui.link(text, url)


def _day(day: date) -> str:
    return format_date(day, "long", locale="en_GB" if current_language() == "en" else "fr_FR")


def _assessment(settings: Settings) -> str:
    """Who assessed the conformity and when (``ECANDIDAT_ACCESSIBILITY_ASSESSED_*``)."""
    on, by = settings.accessibility_assessed_on, settings.accessibility_assessed_by
    if on is None:
        return _("La conformité du portail n'a pas encore été évaluée.")
    if by:
        return _("Cet état repose sur un audit réalisé par {auditor} le {day}.").format(auditor=by, day=_day(on))
    return _(
        "Cet état repose sur une auto-évaluation réalisée le {day} ; aucun audit complet n'a encore été réalisé."
    ).format(day=_day(on))


def _conformity(settings: Settings) -> None:
    """How far the portal conforms to the RGAA: what is taken into account, what is not yet accessible."""
    heading(_("État de conformité"), 2)
    paragraph(_(STATEMENTS[settings.accessibility_status])).mark("conformity")
    paragraph(_assessment(settings)).mark("assessment")
    heading(_("Ce qui est déjà pris en compte"), 2)
    _bullets(
        _("la langue de chaque page est déclarée, en français comme en anglais ;"),
        _("un lien « Aller au contenu » permet d'éviter l'en-tête ;"),
        _(
            "chaque page a un titre propre, un seul titre de premier niveau et des zones (en-tête, contenu, "
            "pied de page) identifiées ;"
        ),
        _("toutes les fonctions sont utilisables au clavier et l'élément qui a le focus est visible ;"),
        _("les couleurs du texte respectent un contraste d'au moins 4,5:1."),
    )
    if settings.accessibility_status == "full":
        return
    heading(_("Contenus non accessibles"), 2)
    _bullets(
        _(
            "les documents PDF générés (dossier de candidature, lettres d'admission et de refus) ne sont pas "
            "encore balisés pour les lecteurs d'écran ;"
        ),
        _("les modèles de pièces à télécharger fournis par les composantes peuvent ne pas être accessibles ;"),
        _(
            "certains composants interactifs (listes à choix, dates, dépôt de fichiers) n'ont pas encore été "
            "vérifiés avec tous les lecteurs d'écran."
        ),
    )
    paragraph(
        _(
            "Les sites des formations vers lesquels renvoient les liens « Voir la formation » ne relèvent pas "
            "de cette déclaration."
        )
    )


def _contact_and_remedies(email: str, plan_url: str) -> None:
    """Whom to write to when a content cannot be reached, and the Défenseur des droits behind them."""
    heading(_("Retour d'information et contact"), 2)
    paragraph(
        _(
            "Si vous n'arrivez pas à accéder à un contenu ou à un service, par exemple pour déposer une pièce "
            "ou transmettre votre candidature avant la date limite, écrivez à l'assistance : elle vous orientera "
            "vers une solution ou vous fournira le contenu sous une autre forme. Indiquez la page concernée et "
            "votre équipement (navigateur, lecteur d'écran)."
        )
    )
    _mail_paragraph(_("Adresse à laquelle signaler un défaut d'accessibilité :"), email)
    if plan_url:
        with ui.element("ul").classes("ec-bullets").mark("accessibility-plan"):
            _external_link(_("le schéma pluriannuel de mise en accessibilité de l'établissement"), plan_url)
    heading(_("Voies de recours"), 2)
    paragraph(
        _(
            "Si vous avez signalé un défaut d'accessibilité qui vous empêche d'accéder à un contenu ou à un "
            "service du portail et que vous n'avez pas obtenu de réponse satisfaisante, vous pouvez saisir "
            "le Défenseur des droits :"
        )
    )
    with ui.element("ul").classes("ec-bullets"):
        _external_link(_("écrire un message au Défenseur des droits (formulaire en ligne)"), DEFENSEUR_FORM_URL)
        _external_link(_("contacter le délégué du Défenseur des droits dans votre région"), DEFENSEUR_DELEGATES_URL)
        list_item(
            _(
                "envoyer un courrier par la poste, gratuitement et sans timbre : Défenseur des droits, "
                "Libre réponse 71120, 75342 Paris CEDEX 07."
            )
        )


def accessibility_statement() -> None:
    settings = get_settings()
    with frame(_("Déclaration d'accessibilité")):
        paragraph(
            _(
                "{institution} s'engage à rendre ses services en ligne accessibles, conformément à l'article 47 "
                "de la loi n° 2005-102 du 11 février 2005. Cette déclaration s'applique à eCandidat, son portail "
                "de candidature aux formations."
            ).format(institution=settings.institution_name)
        )
        _conformity(settings)
        heading(_("Établissement de cette déclaration"), 2)
        paragraph(
            _("Cette déclaration a été établie le {day}.").format(day=_day(settings.accessibility_statement_on))
        ).mark("statement-day")
        _contact_and_remedies(
            settings.accessibility_contact_email or settings.assistance_email, settings.accessibility_plan_url
        )


def legal_notice() -> None:
    settings = get_settings()
    institution, email = settings.institution_name, settings.assistance_email
    with frame(_("Mentions légales")):
        heading(_("Éditeur"), 2)
        kind = PUBLISHER_KINDS.get(settings.legal_publisher_kind)
        publisher = _("{institution}, {kind}").format(institution=institution, kind=_(kind)) if kind else institution
        paragraph(_("Éditeur du portail : {publisher}.").format(publisher=publisher)).mark("publisher")
        if settings.legal_publisher_address:
            paragraph(_("Adresse : {address}").format(address=settings.legal_publisher_address)).mark(
                "publisher-address"
            )
        if settings.legal_publication_director:
            paragraph(
                _("Directeur ou directrice de la publication : {name}").format(name=settings.legal_publication_director)
            ).mark("publication-director")
        if settings.legal_host:
            heading(_("Hébergement"), 2)
            paragraph(_("Hébergeur : {host}").format(host=settings.legal_host)).mark("host")
        heading(_("Contact"), 2)
        paragraph(
            _(
                "Pour une question sur une formation, adressez-vous à la composante qui la propose. Pour un "
                "problème d'accès au portail, de compte ou de dépôt de pièces, écrivez à l'assistance."
            )
        )
        _mail_paragraph(_("Adresse de l'assistance :"), email)
        heading(_("Logiciel"), 2)
        paragraph(
            _(
                "eCandidat-Py est un logiciel libre distribué sous licence Apache 2.0. Il succède à eCandidat, "
                "l'application de candidature utilisée par de nombreuses universités françaises."
            )
        )
        heading(_("Cookies"), 2)
        paragraph(
            _(
                "Le portail dépose un seul cookie, strictement nécessaire à son fonctionnement : il retient votre "
                "connexion et la langue choisie. Il ne sert ni à mesurer l'audience ni à la publicité, et ne "
                "demande donc pas votre consentement."
            )
        )
        heading(_("Propriété intellectuelle"), 2)
        paragraph(
            _(
                "Les textes et descriptions des formations publiés sur ce portail appartiennent à {institution}. "
                "Leur reproduction est soumise à son autorisation."
            ).format(institution=institution)
        )


def _purpose_and_access() -> None:
    """Why the data are processed, which are kept, and who reads them."""
    heading(_("Pourquoi vos données sont traitées"), 2)
    paragraph(
        _(
            "Elles servent à gérer votre candidature : créer votre compte, constituer votre dossier, le faire "
            "examiner par la commission de la formation, vous informer des avis, enregistrer votre confirmation "
            "ou votre désistement, puis transmettre au service de scolarité les informations nécessaires à votre "
            "inscription si vous êtes admis. Ce traitement relève de la mission de service public de "
            "l'établissement (article 6.1.e du règlement général sur la protection des données)."
        )
    )
    heading(_("Données conservées"), 2)
    _bullets(
        _("votre identité : nom, prénoms, date et lieu de naissance, nationalité, INE ;"),
        _("vos coordonnées : adresse postale, courriel, téléphone ;"),
        _("votre parcours : baccalauréat, cursus, expériences professionnelles et stages ;"),
        _("les pièces justificatives que vous déposez et vos réponses aux questions des formations ;"),
        _("vos candidatures, les avis rendus et vos réponses (confirmation ou désistement) ;"),
        _("le journal des connexions et des actions effectuées sur votre dossier."),
    )
    heading(_("Qui y a accès"), 2)
    paragraph(
        _(
            "Les gestionnaires de la composante et les membres de la commission qui examinent votre candidature, "
            "chacun pour les seules candidatures dont il a la charge ; le service de scolarité si vous êtes "
            "admis ; l'assistance, pour répondre à vos demandes. Vos données ne sont ni vendues ni cédées à des "
            "tiers."
        )
    )


def _duration(value: int, unit: str) -> str:
    if unit == "minutes":
        return ngettext("{n} minute", "{n} minutes", value).format(n=value)
    if unit == "years":
        return ngettext("{n} an", "{n} ans", value).format(n=value)
    return ngettext("{n} jour", "{n} jours", value).format(n=value)


def _retention_and_rights(settings: Settings, durations: list[tuple[retention.RetentionPromise, int]]) -> None:
    """How long the data are kept (each duration from the setting its purge job reads), the candidate's rights and
    where to complain."""
    heading(_("Durée de conservation"), 2)
    with ui.element("ul").classes("ec-bullets").mark("retention"):
        list_item(
            _(
                "le journal des actions effectuées sur votre dossier (qui a fait quoi, et quand) est conservé aussi "
                "longtemps que le portail, sans plus rien de votre identité une fois votre dossier effacé ;"
            )
        )
        for promise, value in durations:
            list_item(_(promise.text).format(duration=_duration(value, promise.unit))).mark(
                f"retention-{promise.setting}"
            )
    heading(_("Vos droits"), 2)
    paragraph(
        _(
            "Vous pouvez accéder à vos données, en obtenir une copie, les faire rectifier ou effacer, vous "
            "opposer à leur traitement ou en demander la limitation. Les informations importées du système "
            "d'information de l'établissement (cursus interne) se corrigent auprès du service de scolarité de "
            "votre composante. Pour exercer vos droits, écrivez au délégué à la protection des données de "
            "l'établissement ; l'assistance peut aussi lui transmettre votre demande."
        )
    )
    paragraph(
        _(
            "Vous pouvez supprimer votre compte vous-même depuis « Mon compte ». Sans candidature transmise pendant "
            "la campagne en cours, il est effacé aussitôt, avec votre dossier et vos pièces ; sinon, la demande est "
            "enregistrée et le compte est effacé à la fin de la durée de conservation de ces candidatures, date qui "
            "vous est indiquée."
        )
    ).mark("erasure-right")
    paragraph(
        _(
            "Vous pouvez aussi télécharger vous-même une copie de vos données depuis « Mon compte », rubrique "
            "« Mes données personnelles » : un fichier lisible par une machine avec votre compte, votre dossier, vos "
            "candidatures, les avis, les courriels envoyés et l'historique des consultations et modifications de "
            "votre dossier, accompagné de vos pièces et du PDF de votre dossier. Le lien envoyé par courriel ne sert "
            "qu'une fois et reste valable {hours} heures."
        ).format(hours=settings.data_export_link_hours)
    ).mark("data-copy limit-data_export_link_hours")
    _dpo(settings)
    _mail_paragraph(_("Adresse de l'assistance :"), settings.assistance_email)
    paragraph(
        _(
            "Si vous estimez, après l'avoir contacté, que vos droits ne sont pas respectés, vous pouvez adresser "
            "une réclamation à la Commission nationale de l'informatique et des libertés (CNIL), en ligne ou par "
            "courrier : CNIL, 3 place de Fontenoy, TSA 80715, 75334 Paris CEDEX 07."
        )
    ).mark("cnil")
    with ui.element("ul").classes("ec-bullets"):
        _external_link(_("adresser une plainte à la CNIL"), CNIL_COMPLAINT_URL)
        _external_link(_("le site de la CNIL"), CNIL_URL)


def _dpo(settings: Settings) -> None:
    """The data protection officer's contact, which the GDPR (article 37.7) makes the institution publish."""
    with ui.element("div").mark("dpo"):
        _mail_paragraph(_("Délégué à la protection des données :"), settings.dpo_email)
        address = settings.dpo_address or settings.legal_publisher_address
        if address:
            paragraph(
                _("Par courrier : délégué à la protection des données, {institution}, {address}").format(
                    institution=settings.institution_name, address=address
                )
            )


async def personal_data() -> None:
    durations = await run.io_bound(retention.promised_durations)
    settings = get_settings()
    with frame(_("Données personnelles")):
        paragraph(
            _(
                "{institution} est responsable du traitement des données que vous saisissez dans eCandidat. "
                "Cette page explique lesquelles sont conservées, pourquoi, combien de temps, et comment exercer "
                "vos droits."
            ).format(institution=settings.institution_name)
        ).mark("controller")
        if settings.legal_publisher_address:
            paragraph(
                _("Responsable du traitement : {institution}, {address}").format(
                    institution=settings.institution_name, address=settings.legal_publisher_address
                )
            )
        _purpose_and_access()
        _retention_and_rights(settings, durations)


def register() -> None:
    page(routes.ACCESSIBILITY)(accessibility_statement)
    page(routes.LEGAL_NOTICE)(legal_notice)
    page(routes.PERSONAL_DATA)(personal_data)
