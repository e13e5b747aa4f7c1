"""Server-side administration commands: ``python -m app.manage create-administrator …``.

Run on a web instance's or the worker's machine with the same settings (``ECANDIDAT_*``, e.g. the systemd env
file sourced). The database is brought to the latest revision first, as every process does at start-up. Messages
are in French, or in English when ``LANG`` starts with ``en``.
"""

import argparse
import getpass
import os
import sys
from functools import partial

from app.database_setup import prepare_database
from app.db import transaction
from app.i18n import gettext
from app.services.dossier.schemas import DossierInvalid
from app.services.platform.errors import DomainError


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
            member = create_first_administrator(
                session,
                login=args.login,
                email=args.email,
                display_name=args.name,
                language=args.language,
                password=password,
                password_confirm=confirm,
                sso_provider=args.sso,
                sso_subject=args.sso_subject,
            )
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.manage", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser(
        "create-administrator",
        help="make the installation's first administrator (refused once an active one exists)",
    )
    create.add_argument("--login", required=True, help="the sign-in identifier (lower case)")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True, help="the name shown to other staff")
    create.add_argument("--language", default="fr", choices=("fr", "en"))
    create.add_argument("--sso", choices=("oidc", "cas"), help="sign in through the university's SSO, no password")
    create.add_argument("--sso-subject", help="the SSO identifier; empty: linked at the first SSO sign-in")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    create.set_defaults(run=create_administrator)
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
