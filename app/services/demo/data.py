"""The demo campus's content: the Université d'Orléans' offer, its staff and its candidates.

Plain data only; ``app.services.demo.campus`` turns it into rows with dates relative to the clock.
Mail domains are fictitious (``*.example``) and phone numbers come from the ranges ARCEP reserves for fiction.
"""

import random
from dataclasses import dataclass, field

from app.models import BacSeries, Civility, DecisionKind, Procedure, QuestionKind, StaffRole

STAFF_PASSWORD = "Gestion-Demo-2027!"
CANDIDATE_PASSWORD = "Candidat-Demo-2027!"
MAIL_DOMAIN = "univ-orleans.example"
CANDIDATE_MAIL_DOMAIN = "mail.example"
SITE = f"https://www.{MAIL_DOMAIN}"

# (code, label_fr, label_en, contact local part, max applications per candidate, managers edit the offer)
CENTRES: list[tuple[str, str, str, str, int | None, bool]] = [
    ("UFR-ST", "UFR Sciences et Techniques", "Faculty of Science and Technology", "scolarite-st", 6, True),
    ("UFR-DEG", "UFR Droit Économie Gestion", "Faculty of Law, Economics and Management", "scolarite-deg", 4, False),
    (
        "UFR-LLSH",
        "UFR Lettres Langues et Sciences Humaines",
        "Faculty of Arts, Languages and Human Sciences",
        "scolarite-llsh",
        None,
        False,
    ),
    ("IUT-ORL", "IUT d'Orléans", "Orléans University Institute of Technology", "candidatures-iut", 3, True),
    ("POLYTECH", "Polytech Orléans", "Polytech Orléans (School of Engineering)", "admissions-polytech", 3, False),
]

# Postal addresses of the centres' buildings, for the committees (paper dossiers are posted there).
_ADDRESSES: dict[str, tuple[str, str, str, str]] = {
    "UFR-ST": ("Bâtiment de scolarité", "Rue de Chartres - BP 6759", "45067", "ORLEANS CEDEX 2"),
    "UFR-DEG": ("Service de la scolarité", "Rue de Blois - BP 26739", "45067", "ORLEANS CEDEX 2"),
    "UFR-LLSH": ("Bureau des candidatures", "10 rue de Tours - BP 46527", "45065", "ORLEANS CEDEX 2"),
    "IUT-ORL": ("Direction des études", "16 rue d'Issoudun - BP 16729", "45067", "ORLEANS CEDEX 2"),
    "POLYTECH": ("Service des admissions", "8 rue Léonard de Vinci", "45072", "ORLEANS CEDEX 2"),
}


@dataclass(frozen=True)
class CommitteeData:
    centre: str
    code: str
    label_fr: str
    label_en: str
    mail: str
    phone: str
    signatory: str
    title: str
    alert_new: bool = False
    alert_cancel: bool = False


COMMITTEES: list[CommitteeData] = [
    CommitteeData(
        "UFR-ST",
        "COM-INFO",
        "Commission pédagogique du master Informatique",
        "Computer Science master's admissions committee",
        "commission-master-info",
        "02 61 91 10 21",
        "Pascale Gauthier",
        "Présidente de la commission, responsable du master Informatique",
        alert_new=True,
    ),
    CommitteeData(
        "UFR-ST",
        "COM-SCI",
        "Commission des formations en sciences de la vie et chimie",
        "Life sciences and chemistry admissions committee",
        "commission-sciences",
        "02 61 91 10 35",
        "Étienne Colin",
        "Directeur des études, UFR Sciences et Techniques",
    ),
    CommitteeData(
        "UFR-DEG",
        "COM-DROIT",
        "Commission des masters de droit",
        "Law master's admissions committee",
        "commission-droit",
        "02 61 91 20 14",
        "Anne Le Moine",
        "Doyenne de l'UFR Droit Économie Gestion",
        alert_cancel=True,
    ),
    CommitteeData(
        "UFR-DEG",
        "COM-ECO",
        "Commission économie, banque et finance",
        "Economics, banking and finance admissions committee",
        "commission-eco",
        "02 61 91 20 27",
        "Anne Le Moine",
        "Doyenne de l'UFR Droit Économie Gestion",
    ),
    CommitteeData(
        "UFR-LLSH",
        "COM-LLSH",
        "Commission des formations en lettres, langues et histoire",
        "Arts, languages and history admissions committee",
        "commission-llsh",
        "02 61 91 30 08",
        "Sylvie Girard",
        "Vice-doyenne chargée de la formation",
    ),
    CommitteeData(
        "IUT-ORL",
        "COM-IUT",
        "Commission d'admission de l'IUT (informatique)",
        "IUT admissions committee (computing)",
        "commission-iut-info",
        "02 61 91 40 50",
        "Hind Benali",
        "Cheffe du département Informatique",
        alert_new=True,
    ),
    CommitteeData(
        "POLYTECH",
        "COM-POLY",
        "Jury d'admission de Polytech Orléans",
        "Polytech Orléans admissions board",
        "jury-admission-polytech",
        "02 61 91 50 12",
        "François Martineau",
        "Directeur de Polytech Orléans",
    ),
    # The master Informatique's two examining committees (demo/committees.py lists them on M-INFO-IA).
    CommitteeData(
        "UFR-ST",
        "COM-INFO-PEDA",
        "Équipe pédagogique du master Informatique",
        "Computer Science master's teaching team",
        "equipe-pedagogique-master-info",
        "02 61 91 10 22",
        "Louise Mercier",
        "Responsable pédagogique du parcours Intelligence artificielle",
        alert_new=True,
    ),
    CommitteeData(
        "UFR-ST",
        "COM-INFO-DIR",
        "Direction du département Informatique",
        "Head of the Computer Science department",
        "direction-informatique",
        "02 61 91 10 20",
        "Romain Dumas",
        "Directeur du département Informatique",
    ),
]

# (code, label_fr, label_en)
DIPLOMA_TYPES: list[tuple[str, str, str]] = [
    ("LIC", "Licence", "Bachelor's degree (Licence)"),
    ("LP", "Licence professionnelle", "Professional bachelor's degree"),
    ("BUT", "Bachelor universitaire de technologie (BUT)", "Bachelor of Technology (BUT)"),
    ("MASTER", "Master", "Master's degree"),
    ("ING", "Diplôme d'ingénieur", "Engineering degree"),
    ("DU", "Diplôme d'université (DU)", "University diploma (DU)"),
]

# (code, kind, label_fr, label_en, is_final)
DECISION_TYPES: list[tuple[str, DecisionKind, str, str, bool]] = [
    ("FAV", DecisionKind.FAVORABLE, "Avis favorable", "Offer of admission", True),
    (
        "FAV-RES",
        DecisionKind.FAVORABLE,
        "Avis favorable sous réserve d'obtention du diplôme en cours",
        "Conditional offer (subject to passing the current degree)",
        True,
    ),
    (
        "FAV-LC",
        DecisionKind.FAVORABLE,
        "Avis favorable après appel de la liste complémentaire",
        "Offer made from the waiting list",
        True,
    ),
    ("DEF", DecisionKind.UNFAVORABLE, "Avis défavorable", "Application rejected", True),
    ("LC", DecisionKind.WAITING_LIST, "Liste complémentaire", "Waiting list", True),
    ("LA", DecisionKind.ON_HOLD, "Liste d'attente", "On hold", False),
    (
        "PRESEL",
        DecisionKind.PRESELECTION,
        "Présélection : convocation à un entretien",
        "Shortlisted for an interview",
        False,
    ),
]

# (code, label_fr, label_en)
REFUSAL_REASONS: list[tuple[str, str, str]] = [
    ("CAPACITE", "Capacité d'accueil atteinte", "The programme is full"),
    ("PREREQUIS", "Prérequis non satisfaits", "Prerequisites not met"),
    ("INCOMPLET", "Dossier incomplet", "Incomplete application"),
    (
        "PROJET",
        "Projet professionnel insuffisamment construit",
        "Career plan not sufficiently developed",
    ),
    ("LANGUE", "Niveau de langue insuffisant", "Insufficient language level"),
    (
        "ADEQUATION",
        "Adéquation insuffisante entre le parcours antérieur et la formation",
        "Previous studies do not match the programme",
    ),
]


@dataclass(frozen=True)
class ProgramData:
    code: str
    centre: str
    committee: str
    diploma: str
    label_fr: str
    label_en: str
    keywords: str
    capacity: int
    phase: str  # a key of demo._CALENDARS: where the programme stands today
    info_path: str
    waiting_list: bool = True
    procedure: Procedure = Procedure.ONLINE


PROGRAMS: list[ProgramData] = [
    ProgramData(
        "M-INFO-IA",
        "UFR-ST",
        "COM-INFO",
        "MASTER",
        "Master Informatique — parcours Intelligence artificielle et science des données",
        "Master's in Computer Science — Artificial Intelligence and Data Science",
        "informatique, IA, apprentissage automatique, données",
        24,
        "open",
        "master-informatique-ia",
    ),
    ProgramData(
        "L3-CHIMIE",
        "UFR-ST",
        "COM-SCI",
        "LIC",
        "Licence Chimie — 3e année (accès en L3)",
        "Bachelor's in Chemistry — third-year entry",
        "chimie, analyse, matériaux",
        15,
        "closing",
        "licence-chimie",
    ),
    ProgramData(
        "M-BIOMC",
        "UFR-ST",
        "COM-SCI",
        "MASTER",
        "Master Biologie moléculaire et cellulaire — parcours Biologie du vieillissement",
        "Master's in Molecular and Cell Biology — Biology of Ageing",
        "biologie, génétique, vieillissement, recherche",
        4,
        "published",
        "master-biologie-moleculaire-cellulaire",
    ),
    ProgramData(
        "M-DROIT-NUM",
        "UFR-DEG",
        "COM-DROIT",
        "MASTER",
        "Master Droit du numérique — parcours Protection des données personnelles",
        "Master's in Digital Law — Personal Data Protection",
        "droit, numérique, RGPD, données personnelles",
        25,
        "closed",
        "master-droit-numerique",
    ),
    ProgramData(
        "M-MBFA",
        "UFR-DEG",
        "COM-ECO",
        "MASTER",
        "Master Monnaie, banque, finance, assurance — parcours Chargé d'affaires entreprises",
        "Master's in Money, Banking, Finance and Insurance — Business Account Manager",
        "banque, finance, assurance, alternance",
        20,
        "deliberated",
        "master-mbfa",
    ),
    ProgramData(
        "LP-ABF",
        "UFR-DEG",
        "COM-ECO",
        "LP",
        "Licence professionnelle Assurance, banque, finance : chargé de clientèle",
        "Professional bachelor's in Insurance, Banking and Finance: Customer Adviser",
        "banque, assurance, relation client, alternance",
        3,
        "published_delay",
        "lp-assurance-banque-finance",
        waiting_list=False,
    ),
    ProgramData(
        "M-FLE",
        "UFR-LLSH",
        "COM-LLSH",
        "MASTER",
        "Master Français langue étrangère",
        "Master's in Teaching French as a Foreign Language",
        "FLE, didactique, enseignement, langues",
        20,
        "open",
        "master-fle",
    ),
    ProgramData(
        "M-HIST-PAT",
        "UFR-LLSH",
        "COM-LLSH",
        "MASTER",
        "Master Histoire, civilisations, patrimoine — parcours Patrimoine et archives",
        "Master's in History and Heritage — Heritage and Archives",
        "histoire, patrimoine, archives, médiation",
        18,
        "not_open",
        "master-histoire-patrimoine",
    ),
    ProgramData(
        "DU-LCF",
        "UFR-LLSH",
        "COM-LLSH",
        "DU",
        "DU Langue et culture françaises (niveaux B1 à C1)",
        "University diploma in French Language and Culture (levels B1 to C1)",
        "français, FLE, étudiants internationaux",
        40,
        "open",
        "du-langue-culture-francaises",
        waiting_list=False,
        procedure=Procedure.PAPER,
    ),
    ProgramData(
        "BUT-INFO-2",
        "IUT-ORL",
        "COM-IUT",
        "BUT",
        "BUT Informatique — admission en 2e année",
        "Bachelor of Technology in Computing — second-year entry",
        "informatique, développement, réseaux",
        12,
        "open",
        "but-informatique",
    ),
    ProgramData(
        "LP-DEVWEB",
        "IUT-ORL",
        "COM-IUT",
        "LP",
        "Licence professionnelle Métiers de l'informatique : conception, développement et test de logiciels",
        "Professional bachelor's in Software Design, Development and Testing",
        "développement web, test logiciel, alternance",
        16,
        "closed",
        "lp-developpement-logiciel",
    ),
    ProgramData(
        "ING-GC",
        "POLYTECH",
        "COM-POLY",
        "ING",
        "Diplôme d'ingénieur Polytech Orléans — spécialité Génie civil (admission en 3e année)",
        "Polytech Orléans engineering degree — Civil Engineering (third-year entry)",
        "génie civil, construction, géotechnique, ingénieur",
        8,
        "preselection",
        "ingenieur-genie-civil",
    ),
    ProgramData(
        "ING-GPSE",
        "POLYTECH",
        "COM-POLY",
        "ING",
        "Diplôme d'ingénieur Polytech Orléans — spécialité Génie physique et systèmes embarqués",
        "Polytech Orléans engineering degree — Physics Engineering and Embedded Systems",
        "systèmes embarqués, électronique, physique, ingénieur",
        10,
        "open",
        "ingenieur-gpse",
    ),
]

# Required pieces: (code, scope target: "" institution, a centre code or "P:" + programme code, label_fr, label_en,
# conditional, shared). Programme pieces « Lettre de motivation » and « CV » are added for every programme.
DOCUMENTS: list[tuple[str, str, str, str, bool, bool]] = [
    (
        "ID",
        "",
        "Pièce d'identité (carte d'identité ou passeport)",
        "Identity document (ID card or passport)",
        False,
        True,
    ),
    ("RELEVES", "", "Relevés de notes post-bac", "Transcripts of higher-education marks", False, True),
    (
        "MDPH",
        "",
        "Attestation de la MDPH / demande d'aménagements",
        "Disability certificate (MDPH) / request for adjustments",
        True,
        True,
    ),
    ("BAC-ST", "UFR-ST", "Relevé de notes du baccalauréat", "Baccalauréat transcript", False, False),
    (
        "LANGUE-LLSH",
        "UFR-LLSH",
        "Certification de langue française (candidats non francophones)",
        "French language certificate (non-French-speaking applicants)",
        True,
        False,
    ),
    (
        "BULLETINS-IUT",
        "IUT-ORL",
        "Bulletins de notes de l'année en cours",
        "Current year's school reports",
        False,
        False,
    ),
    (
        "ALTERNANCE",
        "P:M-MBFA",
        "Promesse d'embauche en alternance",
        "Work-study employer's letter of intent",
        True,
        False,
    ),
    ("PROJET-M-HIST", "P:M-HIST-PAT", "Projet de mémoire (2 pages)", "Dissertation proposal (2 pages)", False, False),
]

# Questions: (code, scope target as above, kind, label_fr, label_en, mandatory)
QUESTIONS: list[tuple[str, str, QuestionKind, str, str, bool]] = [
    (
        "Q-IA-ML",
        "P:M-INFO-IA",
        QuestionKind.YES_NO,
        "Avez-vous suivi un enseignement d'apprentissage automatique ?",
        "Have you taken a machine-learning course?",
        True,
    ),
    (
        "Q-IA-PARCOURS",
        "P:M-INFO-IA",
        QuestionKind.TEXT,
        "Quel projet de stage de M2 envisagez-vous ?",
        "Which second-year internship project do you have in mind?",
        False,
    ),
    (
        "Q-DROIT-PROJET",
        "P:M-DROIT-NUM",
        QuestionKind.TEXT,
        "Décrivez votre projet professionnel en quelques lignes.",
        "Describe your career plan in a few lines.",
        True,
    ),
    (
        "Q-POLY-APPRENTI",
        "POLYTECH",
        QuestionKind.YES_NO,
        "Souhaitez-vous suivre la formation par la voie de l'apprentissage ?",
        "Do you wish to follow the programme as an apprentice?",
        True,
    ),
]


@dataclass(frozen=True)
class StaffData:
    login: str
    first: str
    last: str
    # (role, centre code or committee code or "", president)
    roles: list[tuple[StaffRole, str, bool]]
    label_fr: str
    label_en: str


STAFF: list[StaffData] = [
    StaffData(
        "mdelaunay", "Marc", "Delaunay", [(StaffRole.ADMINISTRATOR, "", False)], "Administrateur", "Administrator"
    ),
    StaffData(
        "nperrin",
        "Nathalie",
        "Perrin",
        [(StaffRole.CENTRAL_OFFICE, "", False)],
        "Scolarité centrale",
        "Central admissions office",
    ),
    StaffData(
        "jroussel",
        "Julien",
        "Roussel",
        [(StaffRole.CENTRE_MANAGER, "UFR-ST", False)],
        "Gestionnaire de composante (UFR Sciences et Techniques)",
        "Faculty staff member (Science and Technology)",
    ),
    StaffData(
        "hbenali",
        "Hind",
        "Benali",
        [
            (StaffRole.CENTRE_MANAGER, "UFR-DEG", False),
            (StaffRole.CENTRE_MANAGER, "IUT-ORL", False),
            (StaffRole.COMMITTEE_MEMBER, "COM-IUT", True),
        ],
        "Gestionnaire de deux composantes et membre de commission (changement de rôle)",
        "Staff member of two faculties and committee member (role switch)",
    ),
    StaffData(
        "sgirard",
        "Sylvie",
        "Girard",
        [(StaffRole.CENTRE_MANAGER, "UFR-LLSH", False), (StaffRole.COMMITTEE_MEMBER, "COM-LLSH", True)],
        "Gestionnaire de composante (UFR LLSH)",
        "Faculty staff member (Arts and Languages)",
    ),
    StaffData(
        "tbouvier",
        "Thomas",
        "Bouvier",
        [(StaffRole.CENTRE_MANAGER, "POLYTECH", False)],
        "Gestionnaire de composante (Polytech Orléans)",
        "Faculty staff member (Polytech Orléans)",
    ),
    StaffData(
        "cguichard",
        "Claire",
        "Guichard",
        [(StaffRole.ACCOUNT_DESK, "", False)],
        "Gestionnaire de candidats (comptes, doublons)",
        "Candidate account desk (accounts, duplicates)",
    ),
    StaffData(
        "pgauthier",
        "Pascale",
        "Gauthier",
        [(StaffRole.COMMITTEE_MEMBER, "COM-INFO", True)],
        "Présidente de commission (master Informatique)",
        "Committee chair (Computer Science master's)",
    ),
    StaffData(
        "ecolin",
        "Étienne",
        "Colin",
        [(StaffRole.COMMITTEE_MEMBER, "COM-SCI", True), (StaffRole.COMMITTEE_MEMBER, "COM-INFO", False)],
        "Membre de commission (sciences)",
        "Committee member (sciences)",
    ),
    StaffData(
        "alemoine",
        "Anne",
        "Le Moine",
        [(StaffRole.COMMITTEE_MEMBER, "COM-DROIT", True), (StaffRole.COMMITTEE_MEMBER, "COM-ECO", True)],
        "Membre de commission (droit, économie)",
        "Committee member (law, economics)",
    ),
    StaffData(
        "fmartineau",
        "François",
        "Martineau",
        [(StaffRole.COMMITTEE_MEMBER, "COM-POLY", True)],
        "Président du jury d'admission (Polytech)",
        "Admissions board chair (Polytech)",
    ),
    StaffData(
        "lmercier",
        "Louise",
        "Mercier",
        [(StaffRole.COMMITTEE_MEMBER, "COM-INFO-PEDA", True)],
        "Commission d'examen : examen pédagogique (master Informatique)",
        "Examining committee: teaching review (Computer Science master's)",
    ),
    StaffData(
        "rdumas",
        "Romain",
        "Dumas",
        [(StaffRole.COMMITTEE_MEMBER, "COM-INFO-DIR", True)],
        "Commission d'examen : avis du directeur (master Informatique)",
        "Examining committee: head of department's opinion (Computer Science master's)",
    ),
]

# Addresses: (line1, line2, postcode, commune INSEE code, commune as La Poste writes it)
ADDRESSES: list[tuple[str, str, str, str, str]] = [
    ("12 rue de Bourgogne", "", "45000", "45234", "ORLEANS"),
    ("27 rue Jeanne-d'Arc", "Appartement 14", "45000", "45234", "ORLEANS"),
    ("6 rue de Vendôme", "Résidence universitaire Les Hêtres", "45100", "45234", "ORLEANS"),
    ("17 rue Saint-Marceau", "", "45100", "45234", "ORLEANS"),
    ("9 rue Moyenne", "", "18000", "18033", "BOURGES"),
    ("16 rue Denis-Papin", "", "41000", "41018", "BLOIS"),
    ("7 rue Noël-Ballay", "", "28000", "28085", "CHARTRES"),
    ("52 rue Nationale", "", "37000", "37261", "TOURS"),
    ("28 rue Mouffetard", "Bâtiment B", "75005", "75105", "PARIS 05"),
    ("22 rue Marcel-Belot", "", "45160", "45232", "OLIVET"),
    ("11 rue de la Mairie", "", "45800", "45284", "ST JEAN DE BRAYE"),
    ("45 boulevard Alexandre-Martin", "", "45000", "45234", "ORLEANS"),
    ("4 rue Mirebeau", "", "18000", "18033", "BOURGES"),
    ("18 avenue de Grammont", "", "37000", "37261", "TOURS"),
    ("9 rue Gay-Lussac", "", "75005", "75105", "PARIS 05"),
    ("3 rue Porte-Chartraine", "", "41000", "41018", "BLOIS"),
    ("21 rue du Bois-Merrain", "", "28000", "28085", "CHARTRES"),
]

# Baccalauréat presets: series, detail, mention, specialities, lycée, département
BACS: dict[str, tuple[BacSeries, str, str, list[str], str, str | None]] = {
    "maths": (BacSeries.GENERAL, "", "Bien", ["Mathématiques", "Physique-chimie"], "Lycée Pothier, Orléans", "45"),
    "nsi": (BacSeries.GENERAL, "", "Assez bien", ["Mathématiques", "NSI"], "Lycée Jean-Zay, Orléans", "45"),
    "svt": (BacSeries.GENERAL, "", "Très bien", ["SVT", "Physique-chimie"], "Lycée Alain-Fournier, Bourges", "18"),
    "ses": (BacSeries.GENERAL, "", "Assez bien", ["SES", "HGGSP"], "Lycée Augustin-Thierry, Blois", "41"),
    "hlp": (BacSeries.GENERAL, "", "Bien", ["HLP", "LLCER anglais"], "Lycée Marceau, Chartres", "28"),
    "histoire": (BacSeries.GENERAL, "", "", ["HGGSP", "SES"], "Lycée Descartes, Tours", "37"),
    "paris": (BacSeries.GENERAL, "", "Très bien", ["Mathématiques", "SES"], "Lycée Henri-IV, Paris", "75"),
    "stmg": (BacSeries.TECHNOLOGICAL, "STMG", "Assez bien", [], "Lycée Benjamin-Franklin, Orléans", "45"),
    "sti2d": (BacSeries.TECHNOLOGICAL, "STI2D", "Bien", [], "Lycée Jean-Zay, Orléans", "45"),
    "stl": (BacSeries.TECHNOLOGICAL, "STL", "", [], "Lycée Voltaire, Orléans", "45"),
    "pro": (
        BacSeries.PROFESSIONAL,
        "Bac pro Systèmes numériques",
        "Bien",
        [],
        "Lycée Gaudier-Brzeska, Saint-Jean-de-Braye",
        "45",
    ),
    "daeu": (BacSeries.EQUIVALENCE, "DAEU option B", "", [], "Université d'Orléans", "45"),
    "sans": (BacSeries.NONE, "", "", [], "", None),
}


@dataclass(frozen=True)
class PersonData:
    key: str
    civility: Civility
    first: str  # display first name, normal case (may hold several given names)
    last: str
    age: int  # at the intake
    address: int  # index in ADDRESSES; -1 for the foreign address of the person
    bac: str | None  # key of BACS, "foreign" for a foreign diploma, None: not entered yet
    extras: tuple[str, ...] = ()  # "internal", "external", "work", "internship"; "mdph", "lang": conditional pieces
    nationality: str = "FR"
    foreign: tuple[str, str, str, str] | None = None  # (line1, postcode, city, country) abroad
    foreign_bac: str = ""


PEOPLE: list[PersonData] = [
    PersonData("c01", Civility.MS, "Léa", "Moreau-Duval", 22, 0, "nsi", ("internal",)),
    PersonData("c02", Civility.MR, "Hugo", "Lefèvre", 22, 1, "maths", ("internal", "internship")),
    PersonData("c03", Civility.MR, "Théo", "Nguyen", 23, 2, "maths", ("external", "internship")),
    PersonData("c04", Civility.MS, "Chloé", "Bertin", 22, 3, "nsi", ("internal", "mdph")),
    PersonData("c05", Civility.MS, "Inès", "Benkirane", 23, 4, "svt", ("internal", "internship")),
    PersonData("c06", Civility.MR, "Maxime", "Roche", 24, 5, "maths", ("external", "work")),
    PersonData("c07", Civility.MS, "Zoé", "Marchand", 20, 6, "stl", ("internal",)),
    PersonData("c08", Civility.MR, "Nathan", "Da Silva", 21, 7, "sti2d", ("external",)),
    PersonData("c09", Civility.MS, "Manon", "Fournier", 22, 8, "hlp", ("external",)),
    PersonData("c10", Civility.MS, "Camille", "Perrot-Lambert", 23, 9, "hlp", ("internal", "work")),
    PersonData("c11", Civility.MR, "Enzo", "Guérin", 20, 10, "pro", ("external",)),
    PersonData("c12", Civility.MR, "Louis", "Barbier", 20, 11, "sti2d", ("external", "internship")),
    PersonData("c13", Civility.MR, "Rayan", "Haddad", 21, 12, "stmg", ("external", "work")),
    PersonData("c14", Civility.MS, "Jade", "Lemaître", 21, 13, "maths", ("external",)),
    PersonData("c15", Civility.MR, "Yanis", "Chevalier", 25, 14, "daeu", ("work",)),
    PersonData("c16", Civility.MS, "Sarah", "Cohen", 22, 15, "paris", ("external",)),
    PersonData("c17", Civility.MR, "Arthur", "Dubois-Mercier", 23, 16, "ses", ("internal",)),
    PersonData("c18", Civility.MS, "Anaïs", "Lecomte", 22, 0, "ses", ("internal", "mdph")),
    PersonData("c19", Civility.MS, "Clémence", "Vidal", 23, 1, "svt", ("external", "internship")),
    PersonData("c20", Civility.MR, "Baptiste", "Renaud", 21, 2, "stmg", ("external", "work")),
    PersonData("c21", Civility.MS, "Océane", "Faure", 21, 3, "nsi", ("external", "internship")),
    PersonData("c22", Civility.MR, "Samuel", "Traoré-Mendy", 21, 4, "pro", ("external",)),
    PersonData("c23", Civility.MS, "Margaux", "Lacroix", 22, 5, "ses", ("internal", "internship")),
    PersonData("c24", Civility.MR, "Adrien", "Schmitt", 22, 6, "paris", ("external",)),
    PersonData("c25", Civility.MR, "Mehdi", "Bouzid", 23, 7, "stmg", ("internal", "work")),
    PersonData("c26", Civility.MS, "Élodie", "Caron", 22, 8, "ses", ("external",)),
    PersonData("c27", Civility.MS, "Juliette", "Rousseau", 22, 9, "svt", ("internal", "internship")),
    PersonData("c28", Civility.MR, "Gabriel", "Fontaine", 23, 10, "svt", ("external",)),
    PersonData("c29", Civility.MS, "Louise", "Aubert", 22, 11, "maths", ("internal",)),
    PersonData("c30", Civility.MR, "Victor", "Morel", 23, 12, "svt", ("external", "work")),
    PersonData("c31", Civility.MS, "Lina", "Masson", 22, 13, "svt", ("internal",)),
    PersonData("c32", Civility.MR, "Quentin", "Leclerc", 22, 14, "sti2d", ("external", "work")),
    PersonData(
        "c33",
        Civility.MS,
        "Aminata",
        "Diallo",
        24,
        -1,
        "foreign",
        ("external",),
        nationality="SN",
        foreign=("Cité Keur Gorgui, villa 112", "", "Dakar", "SN"),
        foreign_bac="Baccalauréat sénégalais, série L2",
    ),
    PersonData(
        "c34",
        Civility.MR,
        "Mateus",
        "Oliveira Santos",
        26,
        -1,
        "foreign",
        ("work", "lang"),
        nationality="BR",
        foreign=("Rua Augusta 1508, apto 42", "01304-001", "São Paulo", "BR"),
        foreign_bac="Certificado de conclusão do ensino médio",
    ),
    # Registered, dossier started but no baccalauréat yet, and no application.
    PersonData("c35", Civility.MS, "Noémie", "Perrin-Ollivier", 19, 15, None),
    # Not activated: the account exists but the activation link was never clicked.
    PersonData("c36", Civility.UNSPECIFIED, "Alex", "Martin", 20, 16, None),
]

PEOPLE_BY_KEY: dict[str, PersonData] = {p.key: p for p in PEOPLE}
NOT_ACTIVATED = "c36"
DOSSIER_ONLY = "c35"

# Applications: (person, programme, scenario); scenarios are the keys of demo._SCENARIOS.
APPLICATIONS: list[tuple[str, str, str]] = [
    # Window open now.
    ("c01", "M-INFO-IA", "missing"),
    ("c02", "M-INFO-IA", "ready"),
    ("c03", "M-INFO-IA", "received"),
    ("c04", "M-INFO-IA", "incomplete"),
    ("c05", "M-INFO-IA", "complete"),
    ("c06", "M-INFO-IA", "cancelled"),
    ("c07", "L3-CHIMIE", "missing"),
    ("c08", "L3-CHIMIE", "received"),
    ("c01", "L3-CHIMIE", "ready"),
    ("c33", "M-FLE", "missing"),
    ("c09", "M-FLE", "received"),
    ("c10", "M-FLE", "complete"),
    ("c11", "BUT-INFO-2", "missing"),
    ("c12", "BUT-INFO-2", "incomplete"),
    ("c13", "BUT-INFO-2", "received"),
    ("c14", "ING-GPSE", "ready"),
    ("c03", "ING-GPSE", "received"),
    ("c34", "DU-LCF", "paper_pending"),
    ("c15", "DU-LCF", "paper_received"),
    # Closed, decisions pending.
    ("c16", "M-DROIT-NUM", "received"),
    ("c17", "M-DROIT-NUM", "incomplete"),
    ("c18", "M-DROIT-NUM", "complete"),
    ("c19", "M-DROIT-NUM", "complete"),
    ("c21", "LP-DEVWEB", "complete"),
    ("c22", "LP-DEVWEB", "received"),
    # Jury held, decisions entered, not yet published.
    ("c23", "M-MBFA", "entered_favorable"),
    ("c24", "M-MBFA", "entered_favorable"),
    ("c25", "M-MBFA", "entered_unfavorable"),
    ("c26", "M-MBFA", "entered_waiting_1"),
    ("c18", "M-MBFA", "entered_waiting_2"),
    ("c27", "M-MBFA", "entered_on_hold"),
    # Results published (capacity 4, waiting list).
    ("c27", "M-BIOMC", "offer"),
    ("c28", "M-BIOMC", "confirmed"),
    ("c29", "M-BIOMC", "confirmed"),
    ("c30", "M-BIOMC", "withdrawn"),
    ("c31", "M-BIOMC", "called"),
    ("c05", "M-BIOMC", "waiting_1"),
    ("c19", "M-BIOMC", "waiting_2"),
    ("c25", "M-BIOMC", "on_hold"),
    ("c32", "M-BIOMC", "refused"),
    # Results published (capacity 3, no waiting list, confirmation delay).
    ("c20", "LP-ABF", "offer"),
    ("c21", "LP-ABF", "confirmed"),
    ("c22", "LP-ABF", "refused"),
    ("c13", "LP-ABF", "refused_incomplete"),
    # Preselection: interviews to come.
    ("c14", "ING-GC", "preselected"),
    ("c08", "ING-GC", "preselected"),
    ("c10", "ING-GC", "preselected"),
    ("c12", "ING-GC", "entered_preselection"),
    ("c32", "ING-GC", "refused"),
]


def _dossier_numbers(count: int) -> list[str]:
    """Fixed, distinct 8-character numbers (0-9A-Z), so that the demo identities never change."""
    rng = random.Random(45000)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    numbers: list[str] = []
    while len(numbers) < count:
        number = "".join(rng.choice(alphabet) for _ in range(8))
        if number not in numbers:
            numbers.append(number)
    return numbers


DOSSIER_NUMBERS: dict[str, str] = dict(zip([p.key for p in PEOPLE], _dossier_numbers(len(PEOPLE)), strict=True))
# A second account that Théo Nguyen made with another address (same name and birth date, no INE yet): the pair the
# account desk merges on « Comptes candidats ».
DUPLICATE_OF = "c03"
DUPLICATE_DOSSIER_NUMBER = _dossier_numbers(len(PEOPLE) + 1)[-1]


@dataclass(frozen=True)
class DemoIdentity:
    """A ready-made sign-in for the demo, listed on the sign-in page."""

    kind: str  # "candidate" or "staff"
    login: str  # dossier number or staff login
    password: str
    label_fr: str
    label_en: str
    name: str = field(default="")


def _candidate(key: str, label_fr: str, label_en: str) -> DemoIdentity:
    person = next(p for p in PEOPLE if p.key == key)
    return DemoIdentity(
        "candidate", DOSSIER_NUMBERS[key], CANDIDATE_PASSWORD, label_fr, label_en, f"{person.first} {person.last}"
    )


DEMO_IDENTITIES: list[DemoIdentity] = [
    _candidate(
        "c01",
        "Candidate — candidatures en cours, pièces manquantes",
        "Applicant — applications in progress, documents missing",
    ),
    _candidate("c27", "Candidate — avis favorable à confirmer", "Applicant — offer to accept"),
    _candidate(
        "c04", "Candidate — dossier incomplet (pièce refusée)", "Applicant — incomplete file (document rejected)"
    ),
    _candidate("c05", "Candidate — liste complémentaire (rang 1)", "Applicant — waiting list (rank 1)"),
    _candidate("c14", "Candidate — convoquée à un entretien", "Applicant — invited to an interview"),
    _candidate(
        "c35", "Candidate — dossier à compléter, aucune candidature", "Applicant — file to complete, no application"
    ),
    *[
        DemoIdentity("staff", s.login, STAFF_PASSWORD, s.label_fr, s.label_en, f"{s.first} {s.last}")
        for s in STAFF
        if s.login in {"mdelaunay", "nperrin", "jroussel", "hbenali", "pgauthier", "cguichard", "rdumas"}
    ],
]
