"""Screens. Each module exposes ``register()``, called at start-up (and again after each test reset)."""


def register_pages() -> None:
    from app.pages import account, auth, candidate_home, dev_mailbox, home, legal, staff_home

    home.register()
    legal.register()
    auth.register()
    account.register()
    candidate_home.register()
    staff_home.register()
    dev_mailbox.register()
