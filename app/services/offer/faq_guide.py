"""The FAQ of the Université d'Orléans candidates' guide to eCandidat, rewritten for this portal.

Data, not interface text: each entry is stored with its French and English versions and edited by staff
afterwards. (question_fr, answer_fr, question_en, answer_en), in the guide's order.
"""
# ruff: noqa: E501  (one text a line reads best)

GUIDE_FAQ: tuple[tuple[str, str, str, str], ...] = (
    (
        "Comment créer mon compte ?",
        "Si vous êtes étudiant·e de l'université, connectez-vous avec vos identifiants de l'ENT : vos informations personnelles seront pré-remplies. Sinon, cliquez sur « Créer un compte » et indiquez votre adresse mail : un lien d'activation vous y est envoyé. Chaque université a son propre portail : il faut un compte dans chaque établissement où vous candidatez.",
        "How do I create my account?",
        "If you are a student of the university, sign in with your university (ENT) credentials: your personal information will be filled in for you. Otherwise, click “Create an account” and give your e-mail address: an activation link is sent there. Each university has its own portal: you need an account at every institution you apply to.",
    ),
    (
        "Je ne reçois pas le mail d'activation de mon compte",
        "Regardez dans vos courriers indésirables (spam). Vérifiez que l'adresse saisie est correcte et que votre messagerie n'est pas pleine. Sur la page de connexion, « Renvoyer le mail d'activation » vous en envoie un nouveau : indiquez l'adresse mail donnée lors de votre inscription. Un compte non activé dans le délai indiqué est supprimé : il suffit alors d'en créer un nouveau.",
        "I have not received the account activation e-mail",
        "Look in your junk (spam) folder. Check that the address you typed is correct and that your mailbox is not full. On the sign-in page, “Resend the activation e-mail” sends you a new one: give the e-mail address you registered with. An account not activated in time is deleted: simply create a new one.",
    ),
    (
        "Le lien d'activation ne fonctionne pas",
        "Copiez le lien complet du mail, puis collez-le dans la barre d'adresse de votre navigateur. S'il a expiré, demandez-en un nouveau depuis la page de connexion.",
        "The activation link does not work",
        "Copy the whole link from the e-mail and paste it into your browser's address bar. If it has expired, ask for a new one from the sign-in page.",
    ),
    (
        "J'ai oublié mon identifiant ou mon mot de passe",
        "Sur la page de connexion, utilisez « Mot de passe oublié » : un lien pour choisir un nouveau mot de passe est envoyé à votre adresse mail. « Numéro de dossier oublié » vous renvoie votre numéro de dossier. Si vous êtes étudiant·e de l'université, utilisez vos identifiants de l'ENT.",
        "I have forgotten my login or my password",
        "On the sign-in page, use “Forgotten password”: a link to choose a new password is sent to your e-mail address. “Forgotten file number” sends you your file number again. If you are a student of the university, use your university (ENT) credentials.",
    ),
    (
        "Que dois-je compléter avant de candidater ?",
        "À votre première connexion, complétez votre dossier : les rubriques « Informations personnelles », « Adresse » et « Baccalauréat » sont obligatoires. Renseignez aussi votre cursus externe (études hors de l'université) et, le cas échéant, vos stages et expériences professionnelles. Vous pouvez ensuite candidater à une ou plusieurs formations.",
        "What must I fill in before applying?",
        "The first time you sign in, complete your file: the “Personal information”, “Address” and “Baccalauréat” sections are mandatory. Also fill in your studies outside the university and, where relevant, your internships and work experience. You can then apply to one or several programmes.",
    ),
    (
        "Où trouver mon numéro INE ?",
        "Si vous avez passé le baccalauréat français depuis 1995 ou été inscrit·e dans l'enseignement supérieur français, vous avez un INE (ou un numéro BEA). Il figure en tête du relevé de notes du baccalauréat ou d'un relevé de notes universitaire. Il compte 11 caractères : 10 chiffres et une lettre, ou, depuis le bac 2018, 9 chiffres et 2 lettres.",
        "Where do I find my INE (national student number)?",
        "If you sat the French baccalauréat after 1995 or enrolled in French higher education, you have an INE (or a BEA number). It is printed at the top of your baccalauréat transcript or of a university transcript. It has 11 characters: 10 digits and a letter or, since the 2018 baccalauréat, 9 digits and 2 letters.",
    ),
    (
        "Un message m'indique que mon numéro INE est incorrect",
        "Saisissez votre INE en MAJUSCULES, sans espace, et attention à ne pas confondre la lettre « O » et le chiffre « 0 » (zéro). L'INE n'est pas obligatoire : vous pouvez poursuivre votre candidature sans lui, ou demander votre numéro à votre dernier établissement. Les candidat·e·s étranger·e·s jamais inscrit·e·s en France n'en ont pas.",
        "I am told that my INE is incorrect",
        "Type your INE in CAPITAL letters, without spaces, and take care not to confuse the letter “O” with the digit “0” (zero). The INE is optional: you can go on with your application without it, or ask your last institution for your number. Applicants from abroad who never enrolled in France do not have one.",
    ),
    (
        "Le portail ne reconnaît pas mon numéro INE",
        "Si vous n'avez jamais été étudiant·e à l'université, il est normal que votre INE ne soit pas reconnu : confirmez que vous souhaitez continuer et poursuivez votre candidature.",
        "The portal does not recognise my INE",
        "If you have never been a student of the university, it is normal that your INE is not recognised: confirm that you wish to continue and go on with your application.",
    ),
    (
        "Je constate des erreurs dans mon cursus interne",
        "Le cursus interne est repris automatiquement du système d'information de l'université : vous ne pouvez pas le modifier. Contactez le service de scolarité concerné, qui fera les corrections.",
        "I see mistakes in my record at this university",
        "Your record at this university is imported from the university's student information system: you cannot change it. Contact the admissions office concerned, which will correct it.",
    ),
    (
        "Je ne trouve pas mon établissement dans la liste",
        "Les IUT ne figurent pas dans la liste : ce sont des composantes d'universités, choisissez donc l'université de rattachement (vous pouvez préciser l'IUT dans le libellé de la formation suivie). Si votre établissement manque vraiment, écrivez-nous avec le bouton « Assistance ».",
        "I cannot find my institution in the list",
        "University institutes of technology (IUT) are not in the list: they are part of universities, so choose the university they belong to (you may name the IUT in the title of the course you followed). If your institution really is missing, write to us with the “Help” button.",
    ),
    (
        "Je souhaite changer d'adresse mail",
        "Indiquez la nouvelle adresse dans « Mon compte » : un mail vous est envoyé à cette adresse pour la confirmer. L'ancienne adresse reste valable tant que la nouvelle n'est pas confirmée.",
        "I want to change my e-mail address",
        "Enter the new address in “My account”: an e-mail is sent to that address to confirm it. The old address remains valid until the new one is confirmed.",
    ),
    (
        "Un message m'indique que mon dossier est en cours d'utilisation",
        "Un gestionnaire consulte sans doute votre dossier en même temps que vous : réessayez un peu plus tard. Si le message persiste, écrivez-nous avec le bouton « Assistance ».",
        "I am told that my file is being edited by someone else",
        "A member of staff is probably looking at your file at the same time: try again a little later. If the message persists, write to us with the “Help” button.",
    ),
    (
        "Je ne trouve pas la formation à laquelle je souhaite candidater",
        "Toutes les formations ne recrutent pas par ce portail, et chaque formation a ses propres dates de candidature. Consultez l'offre de formation de l'université et les dates de chaque formation avant de candidater.",
        "I cannot find the programme I want to apply to",
        "Not every programme recruits through this portal, and each programme has its own application dates. Check the university's course catalogue and each programme's dates before applying.",
    ),
    (
        "Comment déposer mes pièces justificatives et transmettre ma candidature ?",
        "La plupart des formations demandent de déposer les pièces dans votre espace candidat. Plusieurs documents pour une même pièce (par exemple plusieurs relevés de notes) sont réunis en un seul. Quand toutes les pièces sont déposées, cliquez sur « Transmettre ma candidature » avant la date de retour : une candidature incomplète ne peut pas être transmise.",
        "How do I upload my supporting documents and submit my application?",
        "Most programmes ask you to upload your documents in your applicant area. Several files for one document (several transcripts, for instance) are combined into one. When every document is uploaded, click “Submit my application” before the return date: an incomplete application cannot be submitted.",
    ),
    (
        "La formation demande un dossier papier : que faire ?",
        "Pour les rares formations à dossier papier, téléchargez votre dossier et envoyez-le par la poste avec les pièces justificatives, à l'adresse indiquée en dernière page, avant la date limite (le cachet de la poste faisant foi).",
        "The programme asks for a paper application: what should I do?",
        "For the few programmes with a paper procedure, download your application file and post it with your supporting documents to the address on its last page, before the deadline (the postmark is proof).",
    ),
    (
        "Comment suivre l'état de mon dossier ?",
        "Ouvrez votre candidature dans l'onglet « Candidatures ». Son statut est : En attente (pas encore réceptionné), Réceptionné (reçu par le service de scolarité), Incomplet (des pièces manquent ou ne sont pas recevables) ou Complet. Les pièces manquantes sont celles « En attente » ou « Refusée ». Vous pouvez aussi télécharger votre dossier.",
        "How do I follow my application?",
        "Open your application in the “Applications” tab. Its status is: Pending (not yet received), Received (by the admissions office), Incomplete (documents are missing or not acceptable) or Complete. Missing documents are those marked “Pending” or “Refused”. You can also download your application file.",
    ),
    (
        "J'ai reçu un avis favorable : que dois-je faire ?",
        "Vous devez confirmer votre candidature avant la date limite indiquée, ou vous désister si vous ne souhaitez pas donner suite. Sans confirmation à temps, vous êtes considéré·e comme désisté·e. Le désistement est définitif ; il reste possible après une confirmation. Après confirmation, vous recevez la marche à suivre pour votre inscription.",
        "My application was accepted: what should I do?",
        "You must accept the offer before the deadline shown, or withdraw if you do not wish to take it up. Without an answer in time, you are considered to have withdrawn. Withdrawing is final; it remains possible after accepting. Once you accept, you receive the steps to enrol.",
    ),
    (
        "Que signifie un avis défavorable avec liste complémentaire ?",
        "Votre candidature n'a pas été retenue sur la liste principale, mais vous pouvez être appelé·e si des places se libèrent. Votre rang sur la liste complémentaire est indiqué avec l'avis.",
        "What does a place on the waiting list mean?",
        "Your application was not selected on the main list, but you may be offered a place if some become free. Your rank on the waiting list is shown with the decision.",
    ),
    (
        "Je souhaite annuler ma candidature à une formation",
        "Ouvrez la candidature et cliquez sur « Annuler cette candidature ». C'est possible seulement tant que son traitement n'a pas commencé (aucune action d'un gestionnaire, par exemple aucun message « dossier incomplet »).",
        "I want to cancel my application to a programme",
        "Open the application and click “Cancel this application”. This is only possible while its processing has not started (no action by staff, such as an “incomplete file” message).",
    ),
)
