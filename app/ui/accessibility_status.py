"""The portal's conformity with the RGAA, worded once for the footer and the accessibility statement
(``ECANDIDAT_ACCESSIBILITY_STATUS``: the footer must state it on every page)."""

from app.i18n import N_

FOOTER_LABELS = {
    "full": N_("Accessibilité : totalement conforme"),
    "partial": N_("Accessibilité : partiellement conforme"),
    "none": N_("Accessibilité : non conforme"),
}
STATEMENTS = {
    "full": N_(
        "eCandidat est totalement conforme au référentiel général d'amélioration de l'accessibilité (RGAA 4.1)."
    ),
    "partial": N_(
        "eCandidat est partiellement conforme au référentiel général d'amélioration de l'accessibilité "
        "(RGAA 4.1), en raison des non-conformités énumérées ci-dessous."
    ),
    "none": N_(
        "eCandidat n'est pas conforme au référentiel général d'amélioration de l'accessibilité (RGAA 4.1) : "
        "ses non-conformités sont énumérées ci-dessous."
    ),
}
