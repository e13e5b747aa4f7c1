"""Compile each source file once per test process.

Every screen test starts the portal as ``main.py`` does, and NiceGUI's reset between tests drops the page modules
from ``sys.modules`` so that their pages register again: each test imports the ~45 modules of ``app/pages`` anew,
and Alembic loads its migration scripts anew. Where bytecode is not written (``PYTHONDONTWRITEBYTECODE``, as on
the CI machine) each of those imports compiled the source again: about a third of a screen test's set-up. The
code object of an unchanged source is kept and executed into the new module, as a ``.pyc`` would be: each import
still runs the module afresh.
"""

from importlib.machinery import SourceFileLoader
from types import CodeType
from typing import Any

_compiled: dict[tuple[str, bytes], CodeType] = {}


def install() -> None:
    """Keep the code of each source compiled by the import system (idempotent)."""
    if getattr(SourceFileLoader.source_to_code, "compiled_once", False):
        return
    compile_source = SourceFileLoader.source_to_code

    def source_to_code(self: SourceFileLoader, data: Any, path: Any, *, _optimize: int = -1) -> CodeType:
        if not isinstance(data, bytes) or _optimize != -1:
            return compile_source(self, data, path, _optimize=_optimize)
        key = (str(path), data)  # the source itself: a file edited meanwhile is compiled again
        code = _compiled.get(key)
        if code is None:
            code = _compiled[key] = compile_source(self, data, path)
        return code

    source_to_code.compiled_once = True  # type: ignore[attr-defined]
    SourceFileLoader.source_to_code = source_to_code  # type: ignore[method-assign]
