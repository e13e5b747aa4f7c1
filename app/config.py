"""Settings read from the environment (variables prefixed ``ECANDIDAT_``) and an optional ``.env`` file."""

import ipaddress
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, PrivateAttr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "change-me-demo-only"
# What the legal pages say of the institution; the defaults describe the demo campus.
INSTITUTION_IDENTITY = (
    "institution_name",
    "assistance_email",
    "legal_publisher_address",
    "legal_publication_director",
    "legal_host",
    "dpo_email",
)


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
    # The legal pages (app/pages/legal.py) name the institution from these settings: every sentence there is either
    # the same for any French public institution or built from them. The defaults describe the demo campus. Names
    # and addresses are shown as written, in both languages.
    legal_publisher_kind: Literal["epscp", "epa", "other"] = Field(
        "epscp",
        description="The publisher's legal status: 'epscp' (a university: établissement public à caractère "
        "scientifique, culturel et professionnel), 'epa' (établissement public administratif), 'other' (not stated).",
    )
    legal_publisher_address: str = Field(
        "Château de la Source, avenue du Parc Floral, 45100 Orléans",
        description="Postal address of the institution publishing the portal.",
    )
    legal_publication_director: str = Field(
        "Camille Martin, présidente de l'université", description="Director of publication (name and title)."
    )
    legal_host: str = Field(
        "Direction du numérique de l'Université d'Orléans, Château de la Source, 45100 Orléans",
        description="Host of the portal: name, address and telephone.",
    )
    dpo_email: str = Field(
        "dpo@univ-orleans.example", description="The institution's data protection officer (DPO), as published."
    )
    dpo_address: str = Field("", description="The DPO's postal address; empty: at the publisher's address.")
    accessibility_status: Literal["full", "partial", "none"] = Field(
        "partial", description="Conformity with the RGAA stated by the accessibility statement; 'full' needs an audit."
    )
    accessibility_assessed_on: date | None = Field(
        date(2026, 11, 30), description="Day the conformity was last assessed; empty: never assessed."
    )
    accessibility_assessed_by: str = Field(
        "", description="Who audited the portal (an auditor's name); empty: the team's own self-assessment."
    )
    accessibility_statement_on: date = Field(date(2026, 12, 1), description="Day the statement was established.")
    accessibility_contact_email: str = Field(
        "", description="Where to report an accessibility defect; empty: the assistance address."
    )
    accessibility_plan_url: str = Field(
        "", description="The institution's multi-year accessibility plan (schéma pluriannuel), if published."
    )
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
    mail_worker_enabled: bool = Field(True, description="Run the delivery worker inside the server process.")
    mail_worker_interval_seconds: float = Field(5.0, gt=0, description="Pause between two outbox passes.")
    mail_claim_seconds: int = Field(300, ge=30, description="How long a worker owns the mails it claimed.")

    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    cas_server_url: str = ""

    session_idle_minutes: int = 60
    session_max_hours: int = Field(
        10, ge=1, description="A session ends this long after sign-in, however active; also the cookie's lifetime."
    )
    trusted_proxies: str = Field(
        "",
        description="Addresses (comma-separated, or *) of reverse proxies whose X-Forwarded-For/-Proto are believed; "
        "empty: none, the peer's address is the client's.",
    )
    redis_url: str = Field(
        "", description="Redis shared by the instances: signed-in state (NiceGUI's user storage) and live updates."
    )
    role: Literal["all", "web", "worker"] = Field(
        "all",
        description="What this process runs: 'all' (pages and background work, one process), 'web' (pages only: "
        "mail delivery, scheduled jobs and exports are left to 'python -m app.worker'), or 'worker'.",
    )

    # Accounts and sign-in (issue 4).
    activation_days: int = Field(
        5, ge=1, description="Lifetime of an activation link; unactivated accounts are purged."
    )
    reset_hours: int = Field(2, ge=1, description="Lifetime of a password-reset link.")
    email_change_hours: int = Field(24, ge=1, description="Lifetime of an e-mail change confirmation link.")
    password_min_length: int = Field(12, ge=10, description="eCandidat requires 10; never less.")
    sign_in_max_failures: int = Field(5, ge=1, description="Failed sign-ins on one account before it is throttled.")
    sign_in_max_failures_per_address: int = Field(
        20, ge=1, description="Failed sign-ins from one client address after which its next failures answer slower."
    )
    sign_in_throttle_minutes: int = Field(
        15, ge=1, description="How long a throttled account waits; failures older than this are forgotten."
    )
    oidc_scope: str = "openid email profile"
    oidc_student_number_claim: str = Field("supannEtuId", description="Claim carrying the student number.")
    sso_label: str = Field("ENT de l'université", description="Name of the university SSO on the sign-in page.")
    cas_email_attribute: str = Field("mail", description="CAS 3 attribute carrying the e-mail address.")
    cas_first_name_attribute: str = Field("givenName", description="CAS 3 attribute carrying the first name.")
    cas_last_name_attribute: str = Field("sn", description="CAS 3 attribute carrying the last name.")
    cas_student_number_attribute: str = Field("supannEtuId", description="CAS 3 attribute: the student number.")

    # Scheduled jobs (app/services/platform/jobs.py).
    jobs_enabled: bool = Field(True, description="Run the job scheduler inside the server process.")
    jobs_interval_seconds: float = Field(60.0, gt=0, description="Pause between two looks for due jobs.")
    jobs_stale_hours: int = Field(6, ge=1, description="A run still 'running' after this long is interrupted.")

    # Applications (issue 6); the per-centre and per-institution limits are above.
    return_reminder_days: int = Field(
        3, ge=1, description="Days before a programme's return date when untransmitted applications are reminded."
    )
    assistance_max_per_hour: int = Field(5, ge=1, description="Assistance requests one candidate may send per hour.")
    staff_messages_per_hour: int = Field(
        10, ge=1, description="Messages to a selection one staff member may send per hour."
    )
    staff_message_max_recipients: int = Field(
        2000, ge=1, description="Most applications one message to a selection may go to."
    )

    # Decisions and answers (issue 9).
    confirmation_reminder_days: int = Field(
        2, ge=1, description="Days before an offer's confirmation deadline when an unanswered offer is reminded."
    )
    processing_type_change_resets_dossier: int = Field(
        0,
        ge=0,
        le=1,
        description="1: a change of processing type sets the dossier back to « En attente » (eCandidat's).",
    )
    # The confirmation delay shortens as the campaign's end approaches (app/services/decisions/confirmation_delays.py).
    confirmation_short_delay_from_days: int = Field(
        30, ge=1, description="From this many days before the campaign's last day, an offer has at most 3 days."
    )
    confirmation_last_delay_from_days: int = Field(
        7, ge=0, description="From this many days before the campaign's last day, an offer has at most 1 day."
    )

    # The candidate's dossier (issue 5).
    student_records: str = Field(
        "demo", description="Student information system adapter: 'demo' (embedded registry) or 'package.module:Class'."
    )
    enrolment_handoff: str = Field(
        "files",
        description="Enrolment hand-off adapter: 'files' (Pégase CSV files only) or 'package.module:Class' (Apogée).",
    )
    edit_lease_seconds: int = Field(
        120, ge=20, description="An editing lease ends this long after the last heartbeat of the page holding it."
    )

    # Pieces: uploads, the PDF sandbox and « Transmettre » (issue 7). Checked on the server, whatever the browser says.
    max_file_mb: int = Field(10, ge=1, description="Largest file a candidate may upload, in MB.")
    max_piece_mb: int = Field(
        30, ge=1, description="Largest piece (all its normalised files together), in MB; also one upload request's."
    )
    max_piece_pages: int = Field(100, ge=1, description="Most pages one piece (and one uploaded PDF) may have.")
    max_image_megapixels: int = Field(50, ge=1, description="Largest image accepted, in millions of pixels.")
    sandbox_cpu_seconds: int = Field(20, ge=1, description="CPU time the parser of one uploaded file may use.")
    sandbox_memory_mb: int = Field(512, ge=128, description="Address space the parser of one uploaded file may use.")
    sandbox_wall_seconds: float = Field(30.0, gt=0, description="Wall-clock time before the parser is killed.")

    # The staff application list (issue 8). SVA (« silence vaut acceptation »): a transmitted application without a
    # published decision turns orange, then red, as days since its transmission pass (eCandidat colours its rows).
    sva_orange_days: int = Field(30, ge=1, description="Days since transmission from which an undecided row is orange.")
    sva_red_days: int = Field(45, ge=1, description="Days since transmission from which an undecided row is red.")

    # Exports built in the background (issue 11).
    export_retention_days: int = Field(7, ge=1, description="Days an export file is kept before it is purged.")
    export_workers: int = Field(2, ge=1, description="Exports one process (role all, or the worker) builds at once.")
    combined_pdf_max_dossiers: int = Field(
        200, ge=1, description="Most dossiers one combined PDF of a selection (« Télécharger un PDF unique ») holds."
    )
    data_export_link_hours: int = Field(
        72, ge=1, description="Hours the mailed single-use link to a candidate's copy of their data stays valid."
    )

    # Page views under load (app/ui/page.py).
    concurrent_pages: int = Field(
        2, ge=1, description="Page views one server process builds at the same time; the others wait their turn."
    )
    page_timeout_seconds: float = Field(
        30.0, gt=0, description="How long a page view may wait for its turn and be built before it is refused."
    )
    max_active_clients: int = Field(
        12,
        ge=0,
        description="Page views in progress (waiting for their turn or being built) above which a new visitor gets "
        "the waiting page (app/waiting_room.py); 0: never.",
    )

    # The file purge job (app/services/platform/file_purge.py).
    mail_attachment_retention_days: int = Field(
        30, ge=1, description="Days the attachments of a sent or finally failed mail are kept before the purge."
    )

    # Retention of personal data (app/services/platform/retention.py); the privacy page states these durations.
    access_log_days: int = Field(
        365, ge=1, description="Days the access log (sign-ins, views and downloads of dossiers) is kept."
    )
    mail_retention_days: int = Field(
        30, ge=1, description="Days a sent or finally failed outbox mail is kept before it is deleted."
    )
    job_run_retention_days: int = Field(
        90, ge=1, description="Days the history of job runs is kept (the latest run of each job always stays)."
    )
    retention_years: int = Field(
        2,
        ge=1,
        description="Years after a campaign's archiving at which its candidates' personal data are erased "
        "(app/services/accounts/erasure.py); statistics stay, anonymised.",
    )

    _demo_explicit: bool = PrivateAttr(False)  # ECANDIDAT_DEMO was set, not inferred from the database

    @model_validator(mode="after")
    def _check(self) -> "Settings":
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'ecandidat.db').as_posix()}"
        self._demo_explicit = self.demo is not None
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
        if self.accessibility_status == "full" and not (
            self.accessibility_assessed_by and self.accessibility_assessed_on
        ):
            # The RGAA: « totalement conforme » is stated only after an audit, by whom and when.
            raise ValueError(
                "ECANDIDAT_ACCESSIBILITY_STATUS=full needs the audit: ECANDIDAT_ACCESSIBILITY_ASSESSED_BY and "
                "ECANDIDAT_ACCESSIBILITY_ASSESSED_ON."
            )
        return self

    def demo_identity_left(self) -> list[str]:
        """The institution settings still at the demo campus's values (the legal pages would name it): their
        variables, for the start-up warning outside demo mode."""
        return [
            f"ECANDIDAT_{name.upper()}"
            for name in INSTITUTION_IDENTITY
            if getattr(self, name) == type(self).model_fields[name].default
        ]

    @property
    def uses_https(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def file_store_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def base_url_is_loopback(self) -> bool:
        """Whether the public address only reaches this machine (localhost, 127.0.0.0/8, ::1)."""
        host = (urlsplit(self.base_url).hostname or "").lower()
        if host == "localhost" or host.endswith(".localhost"):
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False

    @property
    def dev_mailbox_enabled(self) -> bool:
        """The development mailbox replaces SMTP in demo mode when no SMTP host is configured.

        It shows every mail, activation and reset links included, to whoever opens it: on a public address it is
        on only when ECANDIDAT_DEMO is set explicitly, never because the embedded SQLite turned demo mode on."""
        if not self.demo or self.smtp_host:
            return False
        return self.base_url_is_loopback or self._demo_explicit


@lru_cache
def get_settings() -> Settings:
    return Settings()


def reset_settings() -> None:
    """Forget cached settings (tests change the environment between cases)."""
    get_settings.cache_clear()
