"""Screens. Each module exposes ``register()``, called at start-up (and again after each test reset)."""


def register_pages() -> None:
    from app.pages import home

    home.register()
