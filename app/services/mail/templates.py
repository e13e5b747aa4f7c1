"""Mail templates: the sandboxed Jinja2 environment, the shipped defaults, validation and the text version.

Format (shipped files and ``MailTemplate`` rows alike): the **subject** is a one-line Jinja template rendered
without HTML escaping; the **body** is an HTML fragment rendered with autoescaping, then wrapped in the
common layout ``app/templates/mail/_layout.html`` (its words in ``<language>/_layout.html``, which extends it)
whose footer names the institution and the assistance contact. A shipped default
``app/templates/mail/<language>/<code>.html`` holds the subject on its first line and the body on the following
lines (see ``app/templates/mail/README.md``).

Staff edit templates, so templates are untrusted: they are rendered in the bounded sandbox of
``app/services/mail/sandbox.py`` (an ``ImmutableSandboxedEnvironment`` whose every loop step, call and filter
draws from a budget of work and CPU time, and whose values cannot grow past a size) without a loader (no
``include``/``import``/``extends``: no file is reachable), with ``StrictUndefined`` (a misspelt variable is an
error, not an empty string), bounded output, and contexts of plain data only. The rendered body goes through an
HTML allow-list (``html_allowlist.py``) before it reaches the layout (no script, no ``on*=`` attribute, no
``javascript:`` link), and the template editor refuses a body whose own HTML holds any of them. Only the shipped
layouts, never a staff template, are loaded by a loader (``_LAYOUT_ENV``: the files of ``app/templates/mail``).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime, format_time
from jinja2 import StrictUndefined, Template, TemplateSyntaxError, Undefined, meta, nodes, pass_context
from jinja2.loaders import FileSystemLoader
from jinja2.runtime import Context
from jinja2.sandbox import SecurityError
from markupsafe import Markup

from app.clock import PARIS
from app.config import get_settings
from app.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_
from app.services.mail.html_allowlist import clean_html, html_problems
from app.services.mail.sandbox import MAX_VALUE_SIZE, MailSandbox, budget, count_loops
from app.services.mail.variables import COMMON_VARIABLES, MAIL_VARIABLES, MailCode, all_sample_values, sample_context
from app.services.platform.errors import DomainError

__all__ = [
    "COMMON_VARIABLES",
    "MAIL_VARIABLES",
    "MailCode",
    "RenderedMail",
    "common_variables",
    "format_date_local",
    "format_datetime_local",
    "html_to_text",
    "load_default",
    "render_mail",
    "sample_context",
    "validate_template",
    "validate_template_parts",
]

DEFAULTS_DIR = Path(__file__).resolve().parents[2] / "templates" / "mail"
MAX_OUTPUT_CHARS = MAX_VALUE_SIZE  # a mail body; a loop that writes more is a mistake (or an attack)
SUBJECT_MAX_CHARS = 300  # OutboxMail.subject

_DATETIME_PATTERNS = {"fr": "d MMMM y 'à' HH:mm", "en": "d MMMM y 'at' HH:mm"}
_DATE_PATTERN = "d MMMM y"


# --- dates, per language, in Europe/Paris ------------------------------------------------------------------


def _check_value(value: Any) -> Any:
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    return value


def _paris(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a mail: use app.clock (aware UTC)")
    return value.astimezone(PARIS)


def format_datetime_local(value: datetime | None, language: str = DEFAULT_LANGUAGE) -> str:
    """``12 mars 2025 à 14:30`` / ``12 March 2025 at 14:30``, Paris time; empty for None."""
    if _check_value(value) is None:
        return ""
    lang = language if language in LANGUAGES else DEFAULT_LANGUAGE
    return format_datetime(_paris(value), _DATETIME_PATTERNS[lang], tzinfo=PARIS, locale=lang)


def format_date_local(value: date | datetime | None, language: str = DEFAULT_LANGUAGE) -> str:
    """``12 mars 2025`` / ``12 March 2025`` (a datetime is first seen in Paris time); empty for None."""
    if _check_value(value) is None:
        return ""
    lang = language if language in LANGUAGES else DEFAULT_LANGUAGE
    if isinstance(value, datetime):
        value = _paris(value).date()
    return format_date(value, _DATE_PATTERN, locale=lang)


def format_time_local(value: datetime | None, language: str = DEFAULT_LANGUAGE) -> str:
    if _check_value(value) is None:
        return ""
    lang = language if language in LANGUAGES else DEFAULT_LANGUAGE
    return format_time(_paris(value), "HH:mm", tzinfo=PARIS, locale=lang)


@pass_context
def _datetime_filter(ctx: Context, value: Any) -> str:
    return format_datetime_local(value, ctx.get("language", DEFAULT_LANGUAGE))


@pass_context
def _date_filter(ctx: Context, value: Any) -> str:
    return format_date_local(value, ctx.get("language", DEFAULT_LANGUAGE))


@pass_context
def _time_filter(ctx: Context, value: Any) -> str:
    return format_time_local(value, ctx.get("language", DEFAULT_LANGUAGE))


# --- the sandbox -------------------------------------------------------------------------------------------


def _environment(*, autoescape: bool, loader: FileSystemLoader | None = None) -> MailSandbox:
    env = MailSandbox(autoescape=autoescape, undefined=StrictUndefined, loader=loader, auto_reload=False)
    env.add_filters(datetime=_datetime_filter, date=_date_filter, time=_time_filter)
    return env


_HTML_ENV = _environment(autoescape=True)
_TEXT_ENV = _environment(autoescape=False)
_LAYOUT_ENV = _environment(autoescape=True, loader=FileSystemLoader(DEFAULTS_DIR))  # the shipped layouts only
_FILE_TAGS = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)


def too_complex() -> DomainError:
    return DomainError(
        "mail_template_too_deep",
        N_("Le modèle de mail est trop imbriqué (parenthèses, macros ou boucles récursives) : simplifiez-le."),
    )


def _syntax_error(exc: TemplateSyntaxError) -> DomainError:
    return DomainError(
        "mail_template_syntax",
        N_("Le modèle de mail contient une erreur de syntaxe à la ligne {line} : {error}"),
        line=exc.lineno,
        error=exc.message or "",
    )


@lru_cache(maxsize=512)
def _compile(source: str, as_html: bool) -> Template:
    env = _HTML_ENV if as_html else _TEXT_ENV
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        raise _syntax_error(exc) from exc
    except RecursionError as exc:  # thousands of nested brackets
        raise too_complex() from exc
    if next(tree.find_all(_FILE_TAGS), None) is not None:
        raise DomainError(
            "mail_template_file_tag", N_("Un modèle de mail ne peut ni inclure, ni importer, ni étendre un fichier.")
        )
    try:
        return env.from_string(count_loops(tree))
    except RecursionError as exc:
        raise too_complex() from exc
    except TemplateSyntaxError as exc:  # found when compiling: an unknown filter or test (TemplateAssertionError)
        raise _syntax_error(exc) from exc


def _render(source: str | Template, context: Mapping[str, Any], *, as_html: bool) -> str:
    """Render in the bounded sandbox: a template that loops, calls or builds too much is refused (DomainError)."""
    template = source if isinstance(source, Template) else _compile(source, as_html)
    chunks: list[str] = []
    size = 0
    try:
        with budget():
            for chunk in template.generate(context):
                size += len(chunk)
                if size > MAX_OUTPUT_CHARS:
                    raise DomainError("mail_template_too_long", N_("Le mail produit par ce modèle est trop long."))
                chunks.append(chunk)
    except DomainError:
        raise
    except SecurityError as exc:
        raise DomainError(
            "mail_template_unsafe",
            N_("Le modèle de mail tente d'accéder à un élément interdit : {error}"),
            error=str(exc),
        ) from exc
    except RecursionError as exc:  # a macro or a recursive loop calling itself without end
        raise too_complex() from exc
    except Exception as exc:  # UndefinedError, TypeError from a filter…: the editor shows the message
        raise DomainError(
            "mail_template_error",
            N_("Le modèle de mail ne peut pas être rendu : {error}"),
            error=f"{exc}",
        ) from exc
    return "".join(chunks)


# --- rendering a whole mail ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    html: str
    text: str
    language: str
    content: str = ""  # the body alone, through the allow-list (what the portal shows of a staff message)


def common_variables(language: str) -> dict[str, Any]:
    """Variables every mail receives (documented in ``COMMON_VARIABLES``)."""
    settings = get_settings()
    return {
        "institution_name": settings.institution_name,
        "assistance_email": settings.assistance_email,
        "base_url": settings.base_url,
        "language": language,
    }


@lru_cache(maxsize=256)
def _read_default(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def load_default(code: str, language: str) -> tuple[str, str] | None:
    """The shipped (subject, body) of ``code`` in ``language``, or None when that file does not exist."""
    if code not in MailCode._value2member_map_ or language not in LANGUAGES:
        return None  # never build a path from an unknown name
    source = _read_default(DEFAULTS_DIR / language / f"{code}.html")
    if source is None:
        return None
    subject, _, body = source.partition("\n")
    return subject.strip(), body.strip("\n")


def _layout(language: str) -> Template:
    """The shipped layout in ``language`` (French for another): its words, extending the common ``_layout.html``."""
    return _LAYOUT_ENV.get_template(f"{language if language in LANGUAGES else DEFAULT_LANGUAGE}/_layout.html")


def render_mail(subject: str, body: str, context: Mapping[str, Any], *, language: str) -> RenderedMail:
    """Render a subject and a body (sandboxed) into the layout; raise DomainError if the template is at fault.

    ``context`` must already contain the common variables (see :func:`common_variables`).
    """
    ctx = dict(context)
    ctx.setdefault("language", language)
    rendered_subject = " ".join(_render(subject, ctx, as_html=False).split())[:SUBJECT_MAX_CHARS]
    if not rendered_subject:
        raise DomainError("mail_template_empty_subject", N_("L'objet du mail est vide."))
    content = clean_html(_render(body, ctx, as_html=True))  # staff-written HTML: allow-listed before it is sent
    page = _render(_layout(language), {**ctx, "subject": rendered_subject, "content": Markup(content)}, as_html=True)
    return RenderedMail(rendered_subject, page, html_to_text(page), language, content)


def validate_template(subject: str, body: str, *, code: str | None = None, language: str = "fr") -> RenderedMail:
    """Check a template a staff member wrote: it must parse, stay in the sandbox and render.

    It is rendered with the sample context of ``code`` (only its documented variables), or with every
    documented variable when no code is given. Returns the rendering (a preview); raises DomainError.
    """
    lang = language if language in LANGUAGES else DEFAULT_LANGUAGE
    sample = sample_context(code) if code is not None else all_sample_values()
    return render_mail(subject, body, {**common_variables(lang), **sample}, language=lang)


def _check_names(source: str, *, as_html: bool, allowed: set[str]) -> None:
    """Refuse, in every branch (not only those the sample data runs), unknown variables and private names."""
    env = _HTML_ENV if as_html else _TEXT_ENV
    tree = env.parse(source)  # parses: _compile already reported syntax errors
    unknown = sorted(meta.find_undeclared_variables(tree) - allowed - set(env.globals))
    if unknown:
        raise DomainError(
            "mail_template_unknown_variable",
            N_("Variable inconnue pour ce mail : {names}. Utilisez les variables listées."),
            names=", ".join(unknown),
        )
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter)):
        if isinstance(node, nodes.Getattr):
            name = node.attr
        elif isinstance(node, nodes.Getitem):
            name = node.arg.value if isinstance(node.arg, nodes.Const) else ""
        elif node.name == "attr" and node.args and isinstance(node.args[0], nodes.Const):
            name = node.args[0].value
        else:
            name = ""
        if isinstance(name, str) and name.startswith("_"):
            raise DomainError(
                "mail_template_unsafe",
                N_("Le modèle de mail tente d'accéder à un élément interdit : {error}"),
                error=name,
            )


def _check_html(source: str) -> None:
    """Refuse a body whose HTML (outside its Jinja tags) holds what the allow-list removes from mails."""
    problems = html_problems(source, _HTML_ENV.lexer.tokeniter(source, None))
    if problems:
        raise DomainError(
            "mail_template_html",
            N_(
                "Le corps du mail contient du HTML non autorisé : {items}. Retirez-le (ni script, ni attribut "
                "« on… », ni lien « javascript: »)."
            ),
            items=", ".join(problems),
        )


def validate_template_parts(subject: str, body: str, *, code: str, language: str = "fr") -> RenderedMail:
    """:func:`validate_template` for the template editor: the error names the part at fault.

    A ``DomainError`` raised here has ``field`` "subject" or "body_html". Besides rendering with the sample
    context, every branch is checked statically: only the code's documented variables (and loop or ``set``
    names), no attribute or item whose name starts with "_" (the sandbox refuses those when run), and no HTML
    in the body outside the allow-list (``<script>``, ``onclick=``, ``javascript:``…).
    """
    lang = language if language in LANGUAGES else DEFAULT_LANGUAGE
    allowed = set(MAIL_VARIABLES[MailCode(code)]) | set(COMMON_VARIABLES)
    ctx = {**common_variables(lang), **sample_context(code)}
    for field, source, as_html in (("subject", subject, False), ("body_html", body, True)):
        try:
            _compile(source, as_html)
            _check_names(source, as_html=as_html, allowed=allowed)
            if as_html:
                _check_html(source)
            _render(source, ctx, as_html=as_html)
        except DomainError as exc:
            exc.field = field
            raise
    return validate_template(subject, body, code=code, language=lang)


# --- HTML to plain text --------------------------------------------------------------------------------------

_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "tr", "blockquote", "pre"}
_SKIPPED_TAGS = {"head", "title", "style", "script"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._links: list[tuple[str, int]] = []  # (href, index of the first part inside the link)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "hr":
            self.parts.append("\n\n----\n\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")
        elif tag in {"td", "th"}:
            self.parts.append(" ")
        elif tag == "a":
            self._links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")
        elif tag == "a" and self._links:
            href, start = self._links.pop()
            label = "".join(self.parts[start:]).strip()
            target = href.removeprefix("mailto:")
            if href and target != label:
                self.parts.append(f" ({target})" if label else target)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(re.sub(r"[ \t\n\r\f]+", " ", data))  # HTML whitespace only: keep &nbsp;


def html_to_text(markup: str) -> str:
    """The plain-text alternative of a mail: paragraphs and lists kept, links written out after their label."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
