"""Screens. Each module exposes ``register()``, called at start-up (and again after each test reset)."""


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
