"""Server-side administration commands: ``python -m app.manage create-administrator …``, ``jobs list|run NAME``,
``import-lycees FILE``.

Run on a web instance's or the worker's machine with the same settings (``ECANDIDAT_*``, e.g. the systemd env
file sourced). The database is brought to the latest revision first, as every process does at start-up. Messages
are in French, or in English when ``LANG`` starts with ``en``.
"""

import argparse
import getpass
import logging
import os
import sys
from functools import partial
from typing import Any

from app.database_setup import prepare_database
from app.db import transaction
from app.i18n import gettext
from app.models import JobStatus
from app.services.dossier.schemas import DossierInvalid
from app.services.platform.errors import DomainError

# create-administrator's account options: the flag, the keyword of ``create_first_administrator`` it feeds, and
# argparse's settings.
ACCOUNT_OPTIONS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("--login", "login", {"required": True, "help": "the sign-in identifier (lower case)"}),
    ("--email", "email", {"required": True}),
    ("--name", "display_name", {"required": True, "help": "the name shown to other staff"}),
    ("--language", "language", {"default": "fr", "choices": ("fr", "en")}),
    (
        "--sso",
        "sso_provider",
        {"choices": ("oidc", "cas"), "help": "sign in through the university's SSO, no password"},
    ),
    ("--sso-subject", "sso_subject", {"help": "the SSO identifier; empty: linked at the first SSO sign-in"}),
)


def _language() -> str:
    return "en" if os.environ.get("LANG", "").lower().startswith("en") else "fr"


def _passwords(from_stdin: bool, _: partial[str]) -> tuple[str, str]:
    if from_stdin:  # for automation: one line, no confirmation to type
        password = sys.stdin.readline().rstrip("\n")
        return password, password
    return getpass.getpass(_("Mot de passe : ")), getpass.getpass(_("Confirmez le mot de passe : "))


def create_administrator(args: argparse.Namespace) -> int:
    from app.services.admin.first_administrator import create_first_administrator

    _ = partial(gettext, lang=_language())
    password = confirm = ""
    if not args.sso:
        password, confirm = _passwords(args.password_stdin, _)
    prepare_database()
    try:
        with transaction() as session:
            account = {keyword: getattr(args, flag[2:].replace("-", "_")) for flag, keyword, _o in ACCOUNT_OPTIONS}
            member = create_first_administrator(session, password=password, password_confirm=confirm, **account)
            login = member.login
    except DossierInvalid as error:
        for name in error.errors:
            print(f"{name}: {error.field_message(name, _)}", file=sys.stderr)
        return 2
    except DomainError as error:
        print(f"{error.field}: " * bool(error.field) + error.translate(_), file=sys.stderr)
        return 2
    print(_("Administrateur « {login} » créé : il peut se connecter au portail.").format(login=login))
    return 0


def list_jobs(args: argparse.Namespace) -> int:
    from app.services.platform import jobs

    with transaction() as session:
        starts = jobs.last_starts(session)
    for job in jobs.registered_jobs().values():
        msgid, params = jobs.schedule_label(job)
        last = starts.get(job.name)
        print(f"{job.name:40} {msgid.format(**params):35} last: {last.isoformat() if last else '-'}")
    return 0


def run_job(args: argparse.Namespace) -> int:
    from app.services.platform import jobs

    if args.name not in jobs.registered_jobs():
        print(f"unknown job {args.name!r}; see: python -m app.manage jobs list", file=sys.stderr)
        return 2
    run = jobs.run_job(args.name)
    if run is None:
        print(f"{args.name} is already running: skipped")
        return 1
    print(f"{run.job}: {run.status.value}, {run.processed} processed. {run.message}")
    return 0 if run.status == JobStatus.SUCCEEDED else 1


def import_lycees(args: argparse.Namespace) -> int:
    from app.services.dossier.lycees import ImportReport, preview_lycees
    from app.services.dossier.lycees import import_lycees as replace_list
    from app.services.platform.actors import Actor

    _ = partial(gettext, lang=_language())
    try:
        with open(args.path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        print(f"{args.path}: {error.strerror}", file=sys.stderr)
        return 2
    prepare_database()
    try:
        with transaction() as session:
            run = preview_lycees if args.dry_run else replace_list
            report: ImportReport = run(session, actor=Actor.system(), data=data)
    except DomainError as error:
        print(error.translate(_), file=sys.stderr)
        return 2
    _print_report(report, _, kept=not args.dry_run)
    return 0


def _print_report(report: Any, _: partial[str], *, kept: bool) -> None:
    from app.services.dossier.lycees import report_lines

    for msgid, params in report_lines(report):
        print(_(msgid).format(**params))
    for line, reason in report.file.problems:
        print(_("Ligne {line} : {reason}").format(line=line, reason=_(reason)), file=sys.stderr)
    print(_("Liste des lycées remplacée.") if kept else _("Essai : rien n'a été enregistré."))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.manage", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser(
        "create-administrator",
        help="make the installation's first administrator (refused once an active one exists)",
    )
    for flag, _keyword, options in ACCOUNT_OPTIONS:
        create.add_argument(flag, **options)
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    create.set_defaults(run=create_administrator)
    jobs = commands.add_parser("jobs", help="list the scheduled jobs or run one now").add_subparsers(
        dest="jobs_command", required=True
    )
    jobs.add_parser("list", help="the jobs, their schedule and their last run").set_defaults(run=list_jobs)
    run_parser = jobs.add_parser("run", help="run one job now (skipped if it is already running)")
    run_parser.add_argument("name")
    run_parser.set_defaults(run=run_job)
    lycees = commands.add_parser(
        "import-lycees",
        help="replace the lycées the baccalauréat is chosen from with those of the Ministry of Education's directory "
        "(« Annuaire de l'éducation » or « Adresse et géolocalisation des établissements », CSV)",
    )
    lycees.add_argument("path", help="the CSV file downloaded from the national open data portal")
    lycees.add_argument("--dry-run", action="store_true", help="read the file and print the counts, change nothing")
    lycees.set_defaults(run=import_lycees)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
