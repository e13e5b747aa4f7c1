"""Names compared without regard to case, accents or punctuation, in Python and in SQL alike.

Names are stored as the candidate typed them (« Éloïse », « LEFÈVRE »); a staff search for « eloise » or « Lefevre »
must still find them, on SQLite and on PostgreSQL. One character table does it
everywhere, so both databases and the typed search words agree: Python's ``str.translate`` for the words and, on
SQLite, for a function registered on each connection (``app.db``); on PostgreSQL the built-in ``translate()`` (one
character for one) after ``replace()`` for the ligatures (œ → oe).
"""

import string
import unicodedata
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.models import Account, Candidate

SQLITE_FUNCTION = "ecandidat_fold"
LIGATURES = {"Œ": "oe", "œ": "oe", "Æ": "ae", "æ": "ae", "ß": "ss", "ẞ": "ss"}
# Hyphens and apostrophes separate the words of a name: « Anne-Marie » is found by « anne marie ».
_SEPARATORS = "-'’ʼ"
# Latin-1 Supplement, Latin Extended-A and -B, Latin Extended Additional (Vietnamese).
_LATIN_RANGES = ((0x00C0, 0x0250), (0x1E00, 0x1F00))


def _bare(character: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", character) if not unicodedata.combining(c))


def _one_for_one() -> dict[str, str]:
    """Each accented Latin letter and each capital → its bare lower-case ASCII letter; separators → a space."""
    table = {c: c.lower() for c in string.ascii_uppercase}
    for start, end in _LATIN_RANGES:
        for character in map(chr, range(start, end)):
            bare = _bare(character)
            if len(bare) == 1 and bare.isascii() and bare.isalpha() and character not in LIGATURES:
                table[character] = bare.lower()
    return table | dict.fromkeys(_SEPARATORS, " ")


_ONE_FOR_ONE = _one_for_one()
_FROM, _TO = "".join(_ONE_FOR_ONE), "".join(_ONE_FOR_ONE.values())
_TABLE = str.maketrans(_ONE_FOR_ONE | LIGATURES)


def fold_name(text: str) -> str:
    """« D'Arc-Lefèvre Œillet » → « d arc lefevre oeillet »: what the SQL :class:`folded` gives for a stored name."""
    return (text or "").translate(_TABLE)


def _fold_or_none(text: str | None) -> str | None:
    return None if text is None else fold_name(text)


def register_sqlite_function(dbapi_connection: Any) -> None:
    """Make :class:`folded` available on one SQLite connection (``app.db`` calls it on each new connection)."""
    dbapi_connection.create_function(SQLITE_FUNCTION, 1, _fold_or_none, deterministic=True)


class folded(FunctionElement):  # lower case: an SQL function, named like those of sqlalchemy.func
    """``folded(column)``: the column's text as :func:`fold_name` folds it, computed by the database."""

    type = sa.String()
    inherit_cache = True


@compiles(folded)
def _folded_sqlite(element: folded, compiler: Any, **kw: Any) -> str:
    return f"{SQLITE_FUNCTION}({compiler.process(element.clauses, **kw)})"


@compiles(folded, "postgresql")
def _folded_postgresql(element: folded, compiler: Any, **kw: Any) -> str:
    (expression,) = element.clauses
    for ligature, spelled in LIGATURES.items():
        expression = sa.func.replace(expression, sa.literal(ligature), sa.literal(spelled))
    return compiler.process(sa.func.translate(expression, sa.literal(_FROM), sa.literal(_TO)), **kw)


# --- The folded search columns --------------------------------------------------------------------------------------
# ``Candidate.search_text`` and ``Account.search_text`` hold the fields the staff search reads, folded, one per line
# (a searched word holds no line break, so it never matches across two fields). Every ORM write of the row sets them
# again; code that inserts or updates these fields with Core statements calls the two functions below itself.


def candidate_search_text(birth_name: str, usage_name: str, first_names: str, ine: str | None) -> str:
    return "\n".join(fold_name(part or "") for part in (birth_name, usage_name, first_names, ine))


def account_search_text(dossier_number: str, email: str) -> str:
    return "\n".join(fold_name(part or "") for part in (dossier_number, email))


def _set_candidate_search_text(_mapper: Any, _connection: Any, candidate: Any) -> None:
    candidate.search_text = candidate_search_text(
        candidate.birth_name, candidate.usage_name, candidate.first_names, candidate.ine
    )


def _set_account_search_text(_mapper: Any, _connection: Any, account: Any) -> None:
    account.search_text = account_search_text(account.dossier_number, account.email)


for _event in ("before_insert", "before_update"):
    sa.event.listen(Candidate, _event, _set_candidate_search_text)
    sa.event.listen(Account, _event, _set_account_search_text)
