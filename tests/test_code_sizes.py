"""The code of `app/` reads in small pieces (#18 item 6): no module over 400 lines, no function over 60 lines.

Every module under `app/` (migrations aside) is parsed with `ast`. The exceptions are named here one by one:

- `DECLARATIVE`: tables of data that read top to bottom (the demo campus's content), each with why;
- `LEFT_OVER`: the modules and functions still to split. It is a ratchet: an entry that is no longer over its limit
  fails `test_every_left_over_is_still_over`, so that the list only shrinks — delete the entry then.

A function is named by its path and qualified name (`app/x.py:Class.method`, `app/x.py:outer.inner`); a nested
function counts on its own and inside its parent.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
MODULE_LIMIT = 400
FUNCTION_LIMIT = 60

# Tables of data, long by nature, that a split would only scatter: path (or path:function) → why.
DECLARATIVE = {
    "app/services/demo/data.py": "the demo campus's content (centres, programmes, staff, candidates): plain tables",
}

# Still to split, as they are today; each entry must still be over its limit (the ratchet).
LEFT_OVER: set[str] = set()  # empty: everything is split; an entry here only while a split is under way


def _modules() -> Iterator[Path]:
    for path in sorted(APP.rglob("*.py")):
        if "migrations" not in path.relative_to(APP).parts:
            yield path


def _functions(node: ast.AST, prefix: str = "") -> Iterator[tuple[str, int]]:
    """(qualified name, lines) of every function under `node`, methods and nested functions included."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            name = f"{prefix}{child.name}"
            yield name, (child.end_lineno or child.lineno) - child.lineno + 1
            yield from _functions(child, f"{name}.")
        elif isinstance(child, ast.ClassDef):
            yield from _functions(child, f"{prefix}{child.name}.")
        else:
            yield from _functions(child, prefix)


@cache
def _sizes() -> dict[str, tuple[int, int]]:
    """Every module and function of `app/` → (its lines, its limit)."""
    sizes: dict[str, tuple[int, int]] = {}
    for path in _modules():
        source = path.read_text(encoding="utf-8")
        module = path.relative_to(ROOT).as_posix()
        sizes[module] = (len(source.splitlines()), MODULE_LIMIT)
        for name, lines in _functions(ast.parse(source, filename=str(path))):
            sizes[f"{module}:{name}"] = (lines, FUNCTION_LIMIT)
    return sizes


def test_no_module_or_function_is_over_its_limit() -> None:
    over = [
        f"{name}: {lines} lines (limit {limit})"
        for name, (lines, limit) in sorted(_sizes().items())
        if lines > limit and name not in DECLARATIVE and name not in LEFT_OVER
    ]
    assert not over, "Split these into modules or functions named for what they do:\n  " + "\n  ".join(over)


def test_every_left_over_is_still_over() -> None:
    """The ratchet: a module or function split since it was listed leaves `LEFT_OVER`."""
    small = [
        f"{name}: {_sizes()[name][0]} lines" if name in _sizes() else f"{name}: gone"
        for name in sorted(LEFT_OVER)
        if name not in _sizes() or _sizes()[name][0] <= _sizes()[name][1]
    ]
    assert not small, "No longer over the limit (delete them from LEFT_OVER):\n  " + "\n  ".join(small)


def test_every_declarative_exception_is_still_there() -> None:
    assert set(DECLARATIVE) <= set(_sizes()), "DECLARATIVE names something that is gone"
    assert not set(DECLARATIVE) & LEFT_OVER, "An entry is either declarative or left over, not both"
