"""Settings: safe defaults for the demo, refusal of a default secret in production."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from app.config import DEFAULT_SECRET, INSTITUTION_IDENTITY, Settings


def make(**env: str) -> Settings:
    return Settings(_env_file=None, **env)  # type: ignore[arg-type]


def test_defaults_run_a_demo_on_an_sqlite_file_under_the_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ECANDIDAT_DEMO", "ECANDIDAT_SECRET_KEY", "ECANDIDAT_DATABASE_URL", "ECANDIDAT_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    settings = make()
    assert settings.database_url == "sqlite:///var/ecandidat.db"
    assert settings.demo is True
    assert settings.base_url == "http://127.0.0.1:8080"
    assert settings.institution_name == "Université d'Orléans"
    assert settings.dev_mailbox_enabled


def test_postgresql_is_not_a_demo_and_refuses_the_default_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ECANDIDAT_DEMO", raising=False)
    monkeypatch.delenv("ECANDIDAT_SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="ECANDIDAT_SECRET_KEY"):
        make(database_url="postgresql+psycopg://u@db/ecandidat", secret_key=DEFAULT_SECRET)


def test_a_short_secret_is_refused_outside_demo_mode() -> None:
    with pytest.raises(ValidationError, match="32 characters"):
        make(demo="false", secret_key="short")


def test_production_settings_are_accepted_and_base_url_is_normalised() -> None:
    settings = make(
        database_url="postgresql+psycopg://u@db/ecandidat",
        secret_key="x" * 40,
        base_url="https://candidature.univ.example/",
        smtp_host="smtp.univ.example",
    )
    assert settings.demo is False
    assert settings.base_url == "https://candidature.univ.example"
    assert not settings.dev_mailbox_enabled
    assert settings.file_store_dir == Path("var") / "files"


def test_the_dev_mailbox_stays_off_on_a_public_address_unless_demo_mode_is_set_explicitly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ECANDIDAT_DEMO", raising=False)
    public = make(base_url="https://candidature.univ.example")
    assert public.demo is True and not public.dev_mailbox_enabled  # demo inferred from SQLite: no mailbox
    assert not make(host="0.0.0.0").dev_mailbox_enabled  # listening everywhere is not loopback either
    for loopback in ("http://localhost:8080", "http://127.0.0.2:8080", "http://[::1]:8080"):
        assert make(base_url=loopback).dev_mailbox_enabled, loopback
    assert make(base_url="https://demo.univ.example", demo="true").dev_mailbox_enabled
    monkeypatch.setenv("ECANDIDAT_DEMO", "true")
    assert make(base_url="https://demo.univ.example").dev_mailbox_enabled


def test_the_institution_settings_left_at_the_demo_campus_are_named_for_the_start_up_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in INSTITUTION_IDENTITY:
        monkeypatch.delenv(f"ECANDIDAT_{name.upper()}", raising=False)
    assert make(demo="false", secret_key="x" * 40, institution_name="Université de Tours").demo_identity_left() == [
        "ECANDIDAT_ASSISTANCE_EMAIL",
        "ECANDIDAT_LEGAL_PUBLISHER_ADDRESS",
        "ECANDIDAT_LEGAL_PUBLICATION_DIRECTOR",
        "ECANDIDAT_LEGAL_HOST",
        "ECANDIDAT_DPO_EMAIL",
    ]
    own = {name: f"{name} of Tours" for name in INSTITUTION_IDENTITY}
    assert make(demo="false", secret_key="x" * 40, **own).demo_identity_left() == []
