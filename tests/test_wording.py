"""Words in the source: button labels in sentence case (#17)."""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Message

from app.i18n import gettext, ngettext
from app.i18n.catalog import extract, load_english
from app.i18n.typography import NBSP, french_spacing
from app.services.offer.faq_guide import GUIDE_FAQ

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


GETTEXT_CALLS = {"_", "N_", "gettext", "ngettext"}


def _call_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name):
            return node.func.id
        if isinstance(node.func, ast.Attribute):
            return node.func.attr
    return None


def unextracted_messages(source: str) -> list[str]:
    """The messages of ``source`` that never reach the catalogue: Babel's extractor does not read inside f-strings,
    and a message formatted before it is translated (f-string, ``+``, ``.format``, ``%``) matches no entry."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            found += [
                ast.unparse(call)
                for call in ast.walk(node)
                if _call_name(call) in GETTEXT_CALLS and call.args and isinstance(call.args[0], ast.Constant)
            ]
        elif _call_name(node) in GETTEXT_CALLS and node.args:
            first = node.args[0]
            if isinstance(first, ast.JoinedStr | ast.BinOp) or _call_name(first) == "format":
                found.append(ast.unparse(node))
    return found


def test_the_unextracted_message_finder_sees_each_way_of_hiding_a_message() -> None:
    assert unextracted_messages("f\"{_('Sélectionner le dossier {n}').format(n=n)}\"") != []
    assert unextracted_messages('_(f"Sélectionner le dossier {n}")') != []
    assert unextracted_messages('_("Dossier " + n)') != []
    assert unextracted_messages('_("Dossier {n}".format(n=n))') != []
    assert unextracted_messages('_("Dossier {n}").format(n=n) + f"{_(LABEL)}"') == []


def test_every_message_is_written_where_the_catalogue_extractor_reads_it() -> None:
    hidden = {
        f"{path.relative_to(APP_DIR.parent)}: {call}"
        for path in sorted(APP_DIR.rglob("*.py"))
        for call in unextracted_messages(path.read_text(encoding="utf-8"))
    }
    assert hidden == set()


def test_english_names_a_quoted_screen_text_as_the_english_screen_shows_it() -> None:
    """« En attente » is “Pending” wherever English quotes it, never “Missing”, and never the French words."""
    english = load_english()
    disagreeing = []
    for message in extract():
        found = english.get(message.id) if isinstance(message.id, str) else None
        if found is None or not found.string:
            continue
        for quoted in re.findall(r"« ([^»{}]+?) »", message.id):
            name = gettext(quoted, "en")
            if name != quoted and name not in found.string:
                disagreeing.append((quoted, name, found.string))
    assert disagreeing == []


def test_the_english_faq_quotes_the_english_screen_names() -> None:
    wrong = []
    for _q_fr, answer_fr, _q_en, answer_en in GUIDE_FAQ:
        if "«" in answer_en:
            wrong.append(answer_en)
        for quoted in re.findall(r"« ([^»]+?) »", answer_fr):
            name = gettext(quoted, "en")
            if name != quoted and f"“{name}”" not in answer_en:
                wrong.append((quoted, name, answer_en))
    assert wrong == []


def test_french_spacing_puts_no_break_spaces_before_double_signs_and_inside_guillemets() -> None:
    assert french_spacing("Assistance : {email}") == f"Assistance{NBSP}: {{email}}"
    assert french_spacing("Quoi ? Oui ; non !") == f"Quoi{NBSP}? Oui{NBSP}; non{NBSP}!"
    assert french_spacing("« Valider »") == f"«{NBSP}Valider{NBSP}»"
    assert french_spacing("«Valider»") == f"«{NBSP}Valider{NBSP}»"
    assert french_spacing("Vraiment?") == f"Vraiment{NBSP}?"
    assert french_spacing(f"Déjà{NBSP}: fait") == f"Déjà{NBSP}: fait"  # applied twice, unchanged


def test_french_spacing_leaves_times_addresses_placeholders_and_entities_alone() -> None:
    for text in ("à 10:00", "https://univ.example/?q=chimie", "{label}:{value}", "&amp; suite", "a!=b", "x?y"):
        assert french_spacing(text) == text


def test_french_text_leaves_the_translation_layer_with_its_no_break_spaces_and_values_stay_intact() -> None:
    line = gettext("Assistance : {email}", "fr").format(email="aide@univ.example:8080?x")
    assert line == f"Assistance{NBSP}: aide@univ.example:8080?x"
    assert ngettext("{n} jour restant", "{n} jours restants", 2, lang="fr") == "{n} jours restants"
    assert gettext("Code : {code}", "en") == "Code: {code}"  # English is left as translated


def _docstrings(tree: ast.AST) -> set[int]:
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }


def test_no_text_of_the_application_writes_a_count_with_s_in_brackets() -> None:
    """Job summaries and logs too (they are not translated): « Comptes supprimés : 3 », never « 3 compte(s) »."""
    bracketed = []
    for path in sorted(APP_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = _docstrings(tree)
        bracketed += [
            f"{path.relative_to(APP_DIR.parent)}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped
            if re.search(r"\w\(s\)", node.value)
        ]
    assert bracketed == []
