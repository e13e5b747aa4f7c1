"""Words in the source: button labels in sentence case (#17)."""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

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
