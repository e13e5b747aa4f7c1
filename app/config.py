"""Settings read from the environment (variables prefixed ``ECANDIDAT_``) and an optional ``.env`` file."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "change-me-demo-only"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ECANDIDAT_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("var"), description="Folder for the SQLite database and the file store.")
    database_url: str = Field("", description="SQLAlchemy URL; empty means an SQLite file in DATA_DIR.")
    host: str = "127.0.0.1"
    port: int = 8080
    base_url: str = Field("", description="Public address used in mailed links; empty means http://HOST:PORT.")
    secret_key: str = DEFAULT_SECRET
    demo: bool | None = Field(None, description="Seed the demo campus; defaults to on with the embedded SQLite.")
    institution_name: str = "Université d'Orléans"
    assistance_email: str = "assistance-ecandidat@univ-orleans.example"
    dossier_number_prefix: str = Field("", max_length=4, pattern=r"^[0-9A-Z]*$")
    max_applications_per_institution: int = 20
    max_applications_per_centre: int = 20

    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    smtp_timeout: float = 30.0
    mail_from: str = "eCandidat <ne-pas-repondre@univ-orleans.example>"
    mail_max_attempts: int = 8

    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    cas_server_url: str = ""

    session_idle_minutes: int = 60

    @model_validator(mode="after")
    def _check(self) -> "Settings":
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'ecandidat.db').as_posix()}"
        if self.demo is None:
            self.demo = self.uses_sqlite
        if not self.base_url:
            self.base_url = f"http://{self.host}:{self.port}"
        self.base_url = self.base_url.rstrip("/")
        if self.secret_key == DEFAULT_SECRET and not self.demo:
            raise ValueError(
                "ECANDIDAT_SECRET_KEY must be set to a long random value outside demo mode "
                "(python -c 'import secrets; print(secrets.token_urlsafe(48))')."
            )
        if not self.demo and len(self.secret_key) < 32:
            raise ValueError("ECANDIDAT_SECRET_KEY must be at least 32 characters long.")
        return self

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def file_store_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def dev_mailbox_enabled(self) -> bool:
        """The development mailbox replaces SMTP in demo mode when no SMTP host is configured."""
        return bool(self.demo) and not self.smtp_host


@lru_cache
def get_settings() -> Settings:
    return Settings()


def reset_settings() -> None:
    """Forget cached settings (tests change the environment between cases)."""
    get_settings.cache_clear()
