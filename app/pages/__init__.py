"""Screens. Each module exposes ``register()``, called at start-up (and again after each test reset).

The modules listed below register first, in this order; any other module of this package registers after
them, in name order, so that a new screen needs no edit here. A new fixed path must not sit under an
existing ``{parameter}`` path (``/gestion/candidatures/{id}``): the first registered route would take it.
"""

import importlib
import pkgutil


def register_pages() -> None:
    from app.pages import (
        account,
        admin_jobs,
        admin_leases,
        applications,
        applications_detail,
        auth,
        candidate_home,
        dev_mailbox,
        dossier,
        dossier_download,
        home,
        legal,
        letter_download,
        offer,
        sso,
        staff_application,
        staff_applications,
        staff_home,
    )

    home.register()
    offer.register()
    legal.register()
    auth.register()
    sso.register()
    account.register()
    candidate_home.register()
    dossier.register()
    dossier_download.register()
    letter_download.register()
    applications.register()
    applications_detail.register()
    staff_home.register()
    staff_applications.register()
    admin_jobs.register()
    admin_leases.register()
    staff_application.register()
    dev_mailbox.register()

    listed = {
        "account", "admin_jobs", "admin_leases", "applications", "applications_detail", "auth", "candidate_home",
        "dev_mailbox", "dossier", "dossier_download", "home", "legal", "letter_download", "offer", "sso",
        "staff_application", "staff_applications", "staff_home",
    }  # fmt: skip
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name in listed:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "register"):
            module.register()
