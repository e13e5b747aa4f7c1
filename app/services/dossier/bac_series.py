"""The baccalauréat series by their stored value, in words: one table for the staff list, the exports, the audit
trail and the dossier PDF, and the longer wording the candidate's form offers to choose from."""

from app.i18n import N_

BAC_SERIES: dict[str, str] = {
    "general": N_("Baccalauréat général"),
    "technological": N_("Baccalauréat technologique"),
    "professional": N_("Baccalauréat professionnel"),
    "foreign": N_("Diplôme étranger"),
    "equivalence": N_("Équivalence (DAEU, validation…)"),
    "none": N_("Sans baccalauréat"),
}
# The form spells out what each choice covers, where the short label would leave a candidate unsure.
BAC_SERIES_CHOICES: dict[str, str] = {
    **BAC_SERIES,
    "foreign": N_("Diplôme étranger de fin d'études secondaires"),
    "equivalence": N_("Équivalence (DAEU, ESEU, validation d'acquis…)"),
    "none": N_("Sans bac"),
}
