"""The bounded Jinja sandbox staff-written mail templates render in (their bodies' HTML: ``html_allowlist``).

Jinja's sandbox stops a template from reaching Python internals, not from working forever: two nested
``range(99999)`` loops run for hours. Here every rendering draws from a **budget** (:func:`budget`): each
loop iteration (the iterable of every ``{% for %}`` is wrapped at compile time), each call and each filter
costs one step; a rendering that spends more than ``MAX_STEPS`` steps, or ``MAX_CPU_SECONDS`` of its
thread's CPU time, stops with a ``DomainError`` saying why. Values cannot grow past ``MAX_VALUE_SIZE``
(characters or items): repetitions, concatenations, padding and joins are checked **before** they are
built, so a short template cannot allocate gigabytes in one operation. Methods of plain values (``str``,
``dict``…) are callable only from a short allow-list; constant folding at compile time is off, so nothing
a template writes runs outside a budget. The bound is deterministic and costs a few hundred nanoseconds a
step: thousands of mails render in the server process.
"""

import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from datetime import time as day_time
from functools import wraps
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import _PassArg

from app.i18n import N_
from app.services.platform.errors import DomainError

MAX_STEPS = 50_000  # loop iterations + calls + filters in one rendering (a real mail: a few hundred)
MAX_CPU_SECONDS = 0.25  # CPU time of one rendering, whatever it spends it on (a real mail: about a millisecond)
MAX_VALUE_SIZE = 200_000  # characters of a string, items of a list, that a template may build
MAX_RANGE = 100_000  # values of one range()
MAX_FORMAT_WIDTH = 1_000  # width or precision in a format specification
_CLOCK_EVERY = 256  # steps between two readings of the CPU clock

COUNTED_FILTER = "counted"  # wraps the iterable of every loop (see :func:`count_loops`)


# --- the budget ----------------------------------------------------------------------------------------------


class _Budget:
    __slots__ = ("cpu_deadline", "steps")

    def __init__(self) -> None:
        self.steps = MAX_STEPS
        self.cpu_deadline = time.thread_time() + MAX_CPU_SECONDS


_BUDGET: ContextVar[_Budget | None] = ContextVar("mail_template_budget", default=None)


@contextmanager
def budget() -> Iterator[None]:
    """Give the rendering run inside this block its own budget of steps and CPU time."""
    token = _BUDGET.set(_Budget())
    try:
        yield
    finally:
        _BUDGET.reset(token)


def too_many_steps() -> DomainError:
    return DomainError(
        "mail_template_too_many_steps",
        N_(
            "Le modèle de mail demande trop de travail : plus de {max} tours de boucle ou appels. "
            "Simplifiez-le (boucles moins longues ou moins imbriquées)."
        ),
        max=MAX_STEPS,
    )


def too_slow() -> DomainError:
    return DomainError(
        "mail_template_too_slow",
        N_("Le modèle de mail met trop de temps à produire le mail (plus de {seconds} s de calcul) : simplifiez-le."),
        seconds=f"{MAX_CPU_SECONDS:g}",
    )


def value_too_large() -> DomainError:
    return DomainError(
        "mail_template_value_too_large",
        N_("Le modèle de mail construit un texte ou une liste trop grand (plus de {max} caractères ou éléments)."),
        max=MAX_VALUE_SIZE,
    )


def charge(steps: int = 1) -> None:
    """Spend steps of the current rendering's budget; raise DomainError once it is spent."""
    current = _BUDGET.get()
    if current is None:  # fail closed: template code never runs outside a budget
        raise RuntimeError("a mail template ran outside mail_sandbox.budget()")
    current.steps -= steps
    if current.steps < 0:
        raise too_many_steps()
    if current.steps % _CLOCK_EVERY < steps and time.thread_time() > current.cpu_deadline:
        raise too_slow()


def _counted(iterable: Iterable[Any]) -> Iterator[Any]:
    for item in iterable:
        charge()
        yield item


def count_loops(tree: nodes.Template) -> nodes.Template:
    """Wrap the iterable of every ``{% for %}`` of a parsed template so that each iteration costs a step."""
    for loop in tree.find_all(nodes.For):
        wrapped = nodes.Filter(loop.iter, COUNTED_FILTER, [], [], None, None, lineno=loop.iter.lineno)
        if loop.iter.environment is not None:
            wrapped.set_environment(loop.iter.environment)
        loop.iter = wrapped
    return tree


# --- sizes ------------------------------------------------------------------------------------------------------


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple | dict | set | frozenset) else 0


def _checked(value: Any) -> Any:
    if _size(value) > MAX_VALUE_SIZE:
        raise value_too_large()
    return value


def _refuse_if(condition: bool) -> None:
    if condition:
        raise value_too_large()


def _width(value: Any) -> None:
    if isinstance(value, int) and abs(value) > MAX_VALUE_SIZE:
        raise value_too_large()


def _replacement_size(text: str | bytes, old: Any, new: Any, count: Any = -1) -> int:
    if not isinstance(old, str | bytes) or not isinstance(new, str | bytes):
        return len(text)
    hits = len(text) + 1 if not old else text.count(old)  # type: ignore[arg-type]
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    return len(text) + hits * max(len(new) - len(old), 0)


def _str_length(value: Any) -> int:
    return len(value) if isinstance(value, str | bytes) else min(len(str(value)), MAX_VALUE_SIZE + 1)


_PRINTF = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[a-zA-Z%]")


def _check_printf(fmt: str, values: Iterable[Any]) -> None:
    """``'%10s'|format(…)``: no width from the arguments (``*``), none past ``MAX_FORMAT_WIDTH``, a bounded result."""
    widest = max((_str_length(value) for value in values), default=0)
    size = len(fmt)
    for spec in _PRINTF.finditer(fmt):
        sizes = [group for group in spec.groups() if group]
        if "*" in sizes or any(int(n) > MAX_FORMAT_WIDTH for n in sizes):
            raise value_too_large()
        size += max([widest, *(int(n) for n in sizes)])
    _refuse_if(size > MAX_VALUE_SIZE)


# --- methods of plain values ---------------------------------------------------------------------------------

_VALUE_TYPES = (str, bytes, int, float, complex, list, tuple, dict, set, frozenset, date, day_time)
SAFE_METHODS = frozenset(
    {
        # str (and Markup)
        "capitalize", "casefold", "center", "count", "endswith", "find", "index", "isalnum", "isalpha",
        "isascii", "isdecimal", "isdigit", "islower", "isnumeric", "isspace", "istitle", "isupper", "join",
        "ljust", "lower", "lstrip", "partition", "removeprefix", "removesuffix", "replace", "rfind", "rindex",
        "rjust", "rpartition", "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "swapcase",
        "title", "upper", "zfill",
        # dict
        "get", "items", "keys", "values",
        # dates
        "isoformat", "weekday", "isoweekday", "date",
    }
)  # fmt: skip


def _receiver(obj: Any) -> Any:
    receiver = getattr(obj, "__self__", None)
    return receiver if isinstance(receiver, _VALUE_TYPES) else None


def _check_method(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """Refuse a method of a plain value outside ``SAFE_METHODS``; check what the allowed ones would build."""
    receiver = _receiver(obj)
    if receiver is None:
        return args
    name = getattr(obj, "__name__", "")
    if name not in SAFE_METHODS:
        raise SecurityError(f"the method {name!r} is not available in mail templates")
    if not isinstance(receiver, str | bytes):
        return args
    for value in (*args, *kwargs.values()):
        _width(value)  # ljust, rjust, center, zfill, split's maxsplit…
    if name == "replace" and len(args) >= 2:
        _refuse_if(_replacement_size(receiver, *args[:3]) > MAX_VALUE_SIZE)
    elif name == "join" and args:
        items = list(_counted(args[0]))
        _refuse_if(len(receiver) * len(items) + sum(_str_length(item) for item in items) > MAX_VALUE_SIZE)
        args = (items, *args[1:])
    return args


# --- filters -------------------------------------------------------------------------------------------------


def _precheck_filter(name: str, value: Any, params: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Refuse, before it runs, a filter call that would build a value past ``MAX_VALUE_SIZE``.

    Returns the value to filter (a generator joined is first drawn into a list, each item costing a step).
    """
    given = [*params, *kwargs.values()]
    if name in {"center", "batch", "slice", "truncate", "wordwrap", "indent", "round", "filesizeformat"}:
        for param in given:
            _width(param)
    if name == "format" and isinstance(value, str):
        _check_printf(value, given)
    elif name == "replace" and len(params) >= 2 and isinstance(value, str):
        _refuse_if(_replacement_size(value, *params[:3]) > MAX_VALUE_SIZE)
    elif name == "indent" and isinstance(value, str):
        width = kwargs.get("width", params[0] if params else 4)
        width_size = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
        _refuse_if(len(value) + (value.count("\n") + 1) * width_size > MAX_VALUE_SIZE)
    elif name == "wordwrap" and isinstance(value, str):
        width = kwargs.get("width", params[0] if params else 79)
        wrap = kwargs.get("wrapstring", params[2] if len(params) > 2 else "\n")
        lines = len(value) // max(width if isinstance(width, int) else 1, 1) + value.count("\n") + 1
        _refuse_if(len(value) + lines * _str_length(wrap or "") > MAX_VALUE_SIZE)
    elif name == "join" and not isinstance(value, str):
        value = list(_counted(value))
        separator = kwargs.get("d", params[0] if params else "")
        _refuse_if(_str_length(separator) * len(value) > MAX_VALUE_SIZE)
    return value


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    passed = 1 if _PassArg.from_obj(function) is not None else 0  # the context, eval context or environment

    @wraps(function)  # keeps jinja_pass_arg: the filter still receives what it asks for
    def bounded(*args: Any, **kwargs: Any) -> Any:
        charge()
        if len(args) > passed:
            value = _precheck_filter(name, args[passed], args[passed + 1 :], kwargs)
            args = (*args[:passed], value, *args[passed + 1 :])
        return _checked(function(*args, **kwargs))

    return bounded


# --- the environment -----------------------------------------------------------------------------------------


def _bounded_range(*args: int) -> range:
    values = range(*args)
    if len(values) > MAX_RANGE:
        raise DomainError(
            "mail_template_range_too_large",
            N_("Le modèle de mail demande un intervalle trop grand : range() donne au plus {max} valeurs."),
            max=MAX_RANGE,
        )
    return values


def _bounded_concat(parts: Iterable[str]) -> str:
    """``environment.concat``: the body of a ``{% set %}`` block, a macro, a filter block or a call block."""
    chunks: list[str] = []
    size = 0
    for part in parts:
        size += len(part)
        if size > MAX_VALUE_SIZE:
            raise value_too_large()
        chunks.append(part)
    return "".join(chunks)


class _BoundedCodeGenerator(CodeGenerator):
    """Checks the size of every ``~`` concatenation, which Jinja compiles to a plain join."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.checked_size(")
        super().visit_Concat(node, frame)
        self.write(")")


class MailSandbox(ImmutableSandboxedEnvironment):
    """The Jinja sandbox, bounded: every loop step, call and filter draws from the rendering's budget."""

    code_generator_class = _BoundedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "%", "+"})
    concat = staticmethod(_bounded_concat)  # type: ignore[assignment]

    def __init__(self, **options: Any) -> None:
        super().__init__(optimized=False, **options)  # no constant folding: nothing runs at compile time
        self.globals["range"] = _bounded_range
        for name in ("lipsum", "cycler", "joiner"):  # nothing a mail needs; fewer objects to poke at
            self.globals.pop(name, None)
        self.filters = {name: _bounded_filter(name, function) for name, function in self.filters.items()}
        self.filters[COUNTED_FILTER] = _counted

    @staticmethod
    def checked_size(value: Any) -> Any:
        return _checked(value)

    def add_filters(self, **filters: Callable[..., Any]) -> None:
        for name, function in filters.items():
            self.filters[name] = _bounded_filter(name, function)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format`` pads to any width in one call: mails use the bounded ``|format`` filter instead."""
        if super().wrap_str_format(value) is None:
            return None

        def refused(*_args: Any, **_kwargs: Any) -> str:
            raise SecurityError("str.format is not available in mail templates: use the |format filter")

        return refused

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        charge()
        if isinstance(obj, LoopContext) and args:  # loop(children) of a recursive loop: its iterations count too
            args = (_counted(args[0]), *args[1:])
        args = _check_method(obj, args, kwargs)
        return _checked(super().call(context, obj, *args, **kwargs))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "%" and isinstance(left, str):
            raise SecurityError("string formatting with % is not available in mail templates")
        if (
            operator == "**"
            and isinstance(right, int)
            and (abs(right) > 64 or (isinstance(left, int) and abs(left).bit_length() * abs(right) > 4096))
        ):
            raise SecurityError("exponent too large")
        if operator == "*":
            sized = (str, bytes, list, tuple)
            sequence, count = (left, right) if isinstance(left, sized) else (right, left)
            if isinstance(sequence, sized) and isinstance(count, int):
                if count > 1000:
                    raise SecurityError("repetition too large")
                _refuse_if(len(sequence) * count > MAX_VALUE_SIZE)
            elif isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > 4096:
                raise SecurityError("number too large")
        return _checked(super().call_binop(context, operator, left, right))
