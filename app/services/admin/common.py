"""What every administration screen shares: who may configure what, and a save that never overwrites.

Both live below the administration, where the offer and the dossier's lycées use them too: the rights in
``accounts/admin_rights.py``, the version-checked, audited save in ``platform/versioned_save.py``. The
administration's modules import them from here.
"""

from app.services.accounts.admin_rights import (
    ADMIN_ROLES,
    can_edit_centre_offer,
    centre_edits_offer,
    require_admin,
    require_centre_offer,
)
from app.services.platform.errors import StaleEdit
from app.services.platform.versioned_save import form_action, load_for_edit, save_active, save_entity, snapshot

__all__ = [
    "ADMIN_ROLES",
    "StaleEdit",
    "can_edit_centre_offer",
    "centre_edits_offer",
    "form_action",
    "load_for_edit",
    "require_admin",
    "require_centre_offer",
    "save_active",
    "save_entity",
    "snapshot",
]
