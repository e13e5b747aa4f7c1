"""Words in the source: button labels in sentence case (#17)."""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Message

from app.i18n import ngettext
from app.i18n.catalog import extract, load_english

APP_DIR = Path(__file__).resolve().parents[1] / "app"
# Words that are written in capitals in any sentence.
ACRONYMS = {"CAS", "CSV", "FAQ", "INE", "PDF", "SSO", "XLSX", "ZIP", "API", "BEA", "RNIE", "MDPH", "UFR", "URL", "ENT"}


def _literal(node: ast.expr) -> str | None:
    """The French text of a label written ``"…"``, ``_("…")`` or ``_("…").format(…)``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _literal(node.func.value)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {"_", "N_", "gettext"}:
        return _literal(node.args[0]) if node.args else None
    if isinstance(node, ast.IfExp):
        return " ".join(filter(None, (_literal(node.body), _literal(node.orelse))))
    return None


def button_labels() -> Iterator[tuple[str, str]]:
    """``(where, label)`` for every ``ui.button(label, …)`` of the application whose label is written in the call."""
    for path in sorted(APP_DIR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "button":
                label = _literal(node.args[0]) if node.args else None
                if label:
                    yield f"{path.relative_to(APP_DIR.parent)}:{node.lineno}", label


def test_button_labels_are_written_in_sentence_case() -> None:
    labels = dict(button_labels())
    assert len(labels) > 100  # the scan finds the application's buttons
    shouting = {
        where: label
        for where, label in labels.items()
        if any(w not in ACRONYMS for w in re.findall(r"\b[^\W\d_]{2,}\b", label) if w.isupper())
    }
    assert shouting == {}


def _strings(message: Message) -> tuple[str, ...]:
    value = message.string if message.string else message.id
    return value if isinstance(value, tuple) else (value,)


def test_counted_words_agree_with_their_number_instead_of_writing_s_in_brackets() -> None:
    """« 5 dossier(s) reçu(s) » reads badly aloud: counts go through ngettext, in French and in English."""
    english = load_english()
    bracketed = [
        text
        for message in extract()
        if message.id
        for found in [english.get(message.id)]
        for text in (*_ids(message), *(_strings(found) if found else ()))
        if "(s)" in text
    ]
    assert bracketed == []


def _ids(message: Message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def test_french_counts_zero_and_one_in_the_singular_english_only_one() -> None:
    forms = ("{n} candidature", "{n} candidatures")
    assert [ngettext(*forms, n, lang="fr").format(n=n) for n in (0, 1, 2)] == [
        "0 candidature",
        "1 candidature",
        "2 candidatures",
    ]
    assert [ngettext(*forms, n, lang="en").format(n=n) for n in (0, 1, 2)] == [
        "0 applications",
        "1 application",
        "2 applications",
    ]
