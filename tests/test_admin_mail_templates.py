"""Mail templates edited from the administration: sandbox refusals never saved, preview, variables, versions, rights."""

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import Session, select

from app.models import AuditEvent, MailTemplate, OutboxMail, StaffRole
from app.services.admin import mail_templates as service
from app.services.admin.common import StaleEdit
from app.services.admin.mail_catalogue import (
    CATEGORIES,
    MAIL_CATALOGUE,
    VARIABLE_LABELS,
    label_of,
    sample_text,
    template_variables,
)
from app.services.dossier.schemas import DossierInvalid
from app.services.mail.outbox import enqueue_mail
from app.services.mail.templates import load_default
from app.services.mail.variables import MAIL_VARIABLES, MailCode, sample_context
from app.services.platform.errors import DomainError, Forbidden, NotFound
from tests import factories

CODE = MailCode.DECISION_FAVORABLE.value
GOOD_SUBJECT = "Avis favorable : {{ program.title }}"
GOOD_BODY = (
    "<p>Bonjour {{ account.first_name }},</p><p>Répondez avant le {{ decision.confirmation_deadline|date }}.</p>"
)

REFUSED = [
    ("{{ ''.__class__ }}", "body_html", "mail_template_unsafe"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "body_html", "mail_template_unsafe"),
    ("{% if false %}{{ account.__class__ }}{% endif %}", "body_html", "mail_template_unsafe"),  # branch not run
    ("{{ account|attr('__dict__') }}", "body_html", "mail_template_unsafe"),
    ("{{ account['_sa_instance_state'] }}", "body_html", "mail_template_unsafe"),
    ("{% include '/etc/passwd' %}", "body_html", "mail_template_file_tag"),
    ("<p>{% if decision.comment %}oubli de fin", "body_html", "mail_template_syntax"),
    ("<p>{{ candidate.password_hash }}</p>", "body_html", "mail_template_unknown_variable"),
    ("{% if false %}{{ new_email }}{% endif %}", "body_html", "mail_template_unknown_variable"),  # not this code's
    ("{{ decision.label|nosuchfilter }}", "body_html", "mail_template_syntax"),
    ("{{ 'x' * 100000000 }}", "body_html", "mail_template_unsafe"),
    ("{% for i in range(99999) %}{{ 'overflowing' }}{% endfor %}", "body_html", "mail_template_too_long"),
    ("{{ decision.nothing.deeper }}", "body_html", "mail_template_error"),
    # Work and size bounds: each of these used to render (building tens of megabytes, or looping for seconds).
    ("{% for x in range(3000) %}{% for y in range(3000) %}{% endfor %}{% endfor %}", "body_html",
     "mail_template_too_many_steps"),
    ("{% macro twice(n) %}{% if n %}{{ twice(n - 1) }}{{ twice(n - 1) }}{% endif %}{% endmacro %}{{ twice(20) }}",
     "body_html", "mail_template_too_many_steps"),
    ("{{ '%50000000s'|format('x')|length }}", "body_html", "mail_template_value_too_large"),
    ("{{ 'x'|center(50000000)|length }}", "body_html", "mail_template_value_too_large"),
    ("{% set s = 'x' * 1000 %}" + "{% set s = s ~ s %}" * 16 + "{{ s|length }}", "body_html",
     "mail_template_value_too_large"),
    ("{{ (2).to_bytes(50000000, 'big')|length }}", "body_html", "mail_template_unsafe"),
    ("{{ '{:>50000000}'.format('x')|length }}", "body_html", "mail_template_unsafe"),
    ("{% for x in range(1000000) %}{% endfor %}", "body_html", "mail_template_range_too_large"),
    # HTML outside the allow-list: it would reach the candidates.
    ("<p>Bonjour<script>alert(1)</script></p>", "body_html", "mail_template_html"),
    ('<p onmouseover="alert(1)">{{ account.first_name }}</p>', "body_html", "mail_template_html"),
    ('<a href="javascript:alert(1)">Consulter</a>', "body_html", "mail_template_html"),
    ('<a href=" JaVa&#10;Script:alert(1)">Consulter</a>', "body_html", "mail_template_html"),
    ('<img src="x" onerror="alert(1)">', "body_html", "mail_template_html"),
    ('<iframe src="https://evil.example/"></iframe>', "body_html", "mail_template_html"),
    ('{% if decision.comment %}<form action="https://evil.example/"><input name="password"></form>{% endif %}',
     "body_html", "mail_template_html"),
]  # fmt: skip


# The template of the issue: 10 billion loop turns, which froze the server for hours.
ISSUE_LOOPS = "{% for x in range(99999) %}{% for y in range(99999) %}{% endfor %}{% endfor %}"


@pytest.fixture
def central(session: Session):  # type: ignore[no-untyped-def]
    actor = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)
    session.commit()
    return actor


def test_every_mail_code_is_listed_with_its_description_and_both_languages(session: Session, central) -> None:
    rows = service.list_templates(session, actor=central)
    assert [row.info.code for row in rows] == sorted(
        MailCode, key=lambda c: CATEGORIES.index(MAIL_CATALOGUE[c].category)
    )
    assert {row.info.code for row in rows} == set(MailCode)
    for row in rows:
        assert row.info.label and row.info.description and row.info.category in CATEGORIES
        assert set(row.statuses) == {"fr", "en"} and not any(s.customised for s in row.statuses.values())
    assert MAIL_CATALOGUE[MailCode.ACCOUNT_CREATED].legacy_code == "CPT_MIN_CREATE"


def test_every_variable_of_every_code_is_documented_with_a_sample() -> None:
    for code in MailCode:
        docs = template_variables(code, "fr")
        names = {doc.name for doc in docs}
        assert set(MAIL_VARIABLES[code]) <= {name.split(".")[0] for name in names}, code
        assert {"institution_name", "assistance_email", "base_url", "language"} <= names
        for doc in docs:
            assert doc.label, (code, doc.name)
            assert doc.usage.startswith("{"), doc.usage
    favourable = {doc.name: doc for doc in template_variables(CODE, "fr")}
    assert favourable["account.first_name"].usage == "{{ account.first_name }}"
    assert favourable["account.first_name"].sample == "Éloïse"
    assert favourable["decision.confirmation_deadline"].usage == "{{ decision.confirmation_deadline|datetime }}"
    assert sample_text(favourable["decision.confirmation_deadline"].sample, "fr") == "20 juin 2025 à 23:59"
    assert label_of(MailCode.PASSWORD_RESET, "link") != label_of(MailCode.APPLICATION_CREATED, "link")
    reminder = {doc.name: doc for doc in template_variables(MailCode.RETURN_DATE_REMINDER, "en")}
    assert reminder["missing_documents"].usage == "{% for item in missing_documents %}{{ item.title }}{% endfor %}"
    assert reminder["missing_documents.comment"].usage == "{{ item.comment }}"
    assert reminder["language"].sample == "en"
    assert "account.first_name" in VARIABLE_LABELS


def test_the_editor_opens_the_shipped_default_then_the_saved_template(session: Session, central) -> None:
    draft = service.open_template(session, actor=central, code=CODE, language="en")
    assert (draft.subject, draft.body_html) == load_default(CODE, "en") and draft.version is None
    saved = service.save_template(
        session, actor=central, code=CODE, language="en", subject="Offer: {{ program.title }}", body_html=GOOD_BODY,
        expected_version=None,
    )  # fmt: skip
    session.commit()
    draft = service.open_template(session, actor=central, code=CODE, language="en")
    assert draft.subject == "Offer: {{ program.title }}" and draft.version == saved.version and draft.customised
    assert draft.updated_by.startswith("Agent")
    with pytest.raises(NotFound):
        service.open_template(session, actor=central, code="../../etc/passwd", language="fr")
    with pytest.raises(NotFound):
        service.open_template(session, actor=central, code=CODE, language="de")


def test_the_preview_renders_the_sample_data_in_the_layout(session: Session, central) -> None:
    mail = service.preview_template(
        session, actor=central, code=CODE, language="fr", subject=GOOD_SUBJECT, body_html=GOOD_BODY
    )
    assert mail.subject == "Avis favorable : " + sample_context(CODE)["program"]["title"]
    assert "Bonjour Éloïse," in mail.html and "20 juin 2025" in mail.html
    assert "<html" in mail.html and "Université d&#39;Orléans" in mail.html  # the common layout and footer
    deadline = "<p>{{ decision.confirmation_deadline|date }}</p>"
    english = service.preview_template(
        session, actor=central, code=CODE, language="en", subject="Offer", body_html=deadline
    )
    assert "20 June 2025" in english.html
    script = "<p>{{ '<script>alert(1)</script>' }}</p>"
    escaped = service.preview_template(session, actor=central, code=CODE, language="fr", subject="x", body_html=script)
    assert "<script>alert(1)" not in escaped.html and "&lt;script&gt;" in escaped.html


@pytest.mark.parametrize(("body", "field", "code"), REFUSED)
def test_a_template_that_fails_or_leaves_the_sandbox_is_refused_and_never_saved(
    session: Session, central, body: str, field: str, code: str
) -> None:
    with pytest.raises(DomainError) as refused:
        service.preview_template(session, actor=central, code=CODE, language="fr", subject="Objet", body_html=body)
    # A runaway template meets whichever bound comes first on a loaded machine: its steps or its CPU time.
    accepted = {code, "mail_template_too_slow"} if code == "mail_template_too_many_steps" else {code}
    assert refused.value.field == field and refused.value.code in accepted
    assert refused.value.translate(lambda s: s)  # a message the editor shows
    with pytest.raises(DomainError) as refused_save:
        service.save_template(
            session, actor=central, code=CODE, language="fr", subject="Objet", body_html=body, expected_version=None
        )
    assert refused_save.value.code in accepted
    session.rollback()
    assert session.exec(select(MailTemplate)).all() == []
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "mail_template.saved")).all() == []


def test_allowed_html_is_kept_and_the_refusal_names_what_is_not(session: Session, central) -> None:
    body = (
        '<p style="color: #333; font-weight: bold">Bonjour {{ account.first_name }},</p><ul><li>un</li></ul>'
        '<p><a href="{{ link }}">Consulter</a> — <a href="mailto:{{ assistance_email }}">nous écrire</a></p>'
    )
    mail = service.preview_template(session, actor=central, code=CODE, language="fr", subject="x", body_html=body)
    assert '<p style="color:#333;font-weight:bold">Bonjour Éloïse,</p>' in mail.html
    assert f'<a href="{sample_context(CODE)["link"]}">Consulter</a>' in mail.html
    with pytest.raises(DomainError) as refused:
        service.save_template(
            session, actor=central, code=CODE, language="fr", subject="x", expected_version=None,
            body_html='<p onclick="x()">a</p><script>b</script><a href="javascript:c()" onclick="d()">e</a>',
        )  # fmt: skip
    assert refused.value.params["items"] == "onclick, <script>, javascript:"
    assert "HTML non autorisé : onclick, <script>, javascript:" in refused.value.translate(lambda s: s)


def _within(seconds: float, work: Callable[[], Any]) -> Any:
    """Run ``work`` in a thread; fail if it is still running after ``seconds`` (it then goes on in the background)."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still working after {seconds} s"
    outcome["seconds"] = time.monotonic() - started
    return outcome


def test_the_template_of_the_issue_is_refused_at_preview_and_save_within_a_bounded_time(
    session: Session, central
) -> None:
    kwargs = {"actor": central, "code": CODE, "language": "fr", "subject": "Objet", "body_html": ISSUE_LOOPS}
    preview = _within(10, lambda: service.preview_template(session, **kwargs))
    save = _within(10, lambda: service.save_template(session, **kwargs, expected_version=None))
    for outcome in (preview, save):
        refusal = outcome.get("error")
        assert isinstance(refusal, DomainError) and refusal.code == "mail_template_too_many_steps", refusal
        assert refusal.field == "body_html"
        assert "plus de 50000 tours de boucle ou appels" in refusal.translate(lambda s: s)
        assert outcome["seconds"] < 5
    session.rollback()
    assert session.exec(select(MailTemplate)).all() == []


def test_a_stored_template_looping_for_hours_does_not_hold_a_decision_mail(session: Session) -> None:
    # Saved before the bounds existed (or written to the table directly): sending uses the shipped default, fast.
    session.add(MailTemplate(code=CODE, language="fr", subject="Objet", body_html=ISSUE_LOOPS))
    session.commit()
    outcome = _within(10, lambda: enqueue_mail(session, code=CODE, to="a@example.org", context=sample_context(CODE)))
    assert "error" not in outcome, outcome.get("error")
    assert outcome["value"].subject == load_default(CODE, "fr")[0].replace(  # type: ignore[index]
        "{{ program.title }}", sample_context(CODE)["program"]["title"]
    )


def test_a_stored_template_with_unsafe_html_is_filtered_before_it_is_sent(session: Session) -> None:
    body = (
        '<p onclick="steal()">Bonjour {{ account.first_name }}</p><script>steal()</script>'
        '<a href="javascript:steal()">ici</a><a href="{{ link }}" onmouseover="steal()">là</a>'
        '<style>p { display: none }</style><iframe src="https://evil.example/"></iframe>'
    )
    session.add(MailTemplate(code=CODE, language="fr", subject="Objet", body_html=body))
    session.commit()
    mail = enqueue_mail(session, code=CODE, to="a@example.org", context=sample_context(CODE))
    content = mail.body_html.lower()
    for unsafe in ("<script", "steal", "onclick", "onmouseover", "javascript:", "<iframe", "display: none"):
        assert unsafe not in content, unsafe
    assert "Bonjour Éloïse" in mail.body_html and f'href="{sample_context(CODE)["link"]}"' in mail.body_html
    assert "Bonjour Éloïse" in mail.body_text


def test_a_subject_error_is_shown_next_to_the_subject(session: Session, central) -> None:
    with pytest.raises(DomainError) as refused:
        service.save_template(
            session, actor=central, code=CODE, language="fr", subject="{{ program.__class__ }}", body_html=GOOD_BODY,
            expected_version=None,
        )  # fmt: skip
    assert refused.value.field == "subject"
    with pytest.raises(DossierInvalid) as empty:
        service.save_template(
            session, actor=central, code=CODE, language="fr", subject="  ", body_html="\n", expected_version=None
        )
    assert set(empty.value.errors) == {"subject", "body_html"}
    with pytest.raises(DossierInvalid) as long:
        service.save_template(
            session, actor=central, code=CODE, language="fr", subject="x" * 301, body_html="<p>x</p>",
            expected_version=None,
        )  # fmt: skip
    assert long.value.field_message("subject", lambda s: s) == "L'objet ne doit pas dépasser 300 caractères."


def test_each_language_is_saved_apart_and_sending_uses_it_until_the_default_is_restored(
    session: Session, central
) -> None:
    fr = service.save_template(
        session, actor=central, code=CODE, language="fr", subject=GOOD_SUBJECT, body_html=GOOD_BODY,
        expected_version=None,
    )  # fmt: skip
    session.commit()
    assert (fr.code, fr.language, fr.version, fr.updated_by_staff_id) == (CODE, "fr", 1, central.staff_id)
    en_draft = service.open_template(session, actor=central, code=CODE, language="en")
    assert en_draft.version is None  # English untouched

    context = sample_context(CODE)
    french = enqueue_mail(session, code=CODE, to="a@example.org", context=context, language="fr")
    english = enqueue_mail(session, code=CODE, to="a@example.org", context=context, language="en")
    assert french.subject.startswith("Avis favorable : Master") and "Répondez avant le 20 juin 2025" in french.body_html
    assert "Répondez avant" not in english.body_html  # the English default file

    fr = service.save_template(
        session, actor=central, code=CODE, language="fr", subject="Nouvel objet", body_html=GOOD_BODY,
        expected_version=fr.version,
    )  # fmt: skip
    session.commit()
    assert fr.version == 2
    service.restore_default(session, actor=central, code=CODE, language="fr", expected_version=2)
    session.commit()
    assert session.exec(select(MailTemplate)).all() == []
    again = enqueue_mail(session, code=CODE, to="a@example.org", context=context, language="fr")
    assert again.subject == enqueue_mail(session, code=CODE, to="b@example.org", context=context).subject
    assert "Répondez avant" not in again.body_html
    assert len(session.exec(select(OutboxMail)).all()) == 4
    actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()]
    assert actions == ["mail_template.saved", "mail_template.saved", "mail_template.default_restored"]
    restored = session.exec(select(AuditEvent).where(AuditEvent.action == "mail_template.default_restored")).one()
    assert restored.before["subject"] == "Nouvel objet"


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(session: Session, central) -> None:
    first = service.save_template(
        session, actor=central, code=CODE, language="fr", subject="Premier", body_html=GOOD_BODY,
        expected_version=None,
    )  # fmt: skip
    session.commit()
    # A second editor who opened the default before the first save tries to create it too.
    with pytest.raises(StaleEdit):
        service.save_template(
            session, actor=central, code=CODE, language="fr", subject="Second", body_html=GOOD_BODY,
            expected_version=None,
        )  # fmt: skip
    session.rollback()
    service.save_template(
        session, actor=central, code=CODE, language="fr", subject="Premier bis", body_html=GOOD_BODY,
        expected_version=first.version,
    )  # fmt: skip
    session.commit()
    with pytest.raises(StaleEdit):  # opened at version 1, saved meanwhile at version 2
        service.save_template(
            session, actor=central, code=CODE, language="fr", subject="Écrase", body_html=GOOD_BODY,
            expected_version=1,
        )  # fmt: skip
    session.rollback()
    with pytest.raises(StaleEdit):
        service.restore_default(session, actor=central, code=CODE, language="fr", expected_version=1)
    session.rollback()
    assert session.exec(select(MailTemplate.subject)).one() == "Premier bis"
    service.restore_default(session, actor=central, code=CODE, language="fr", expected_version=2)
    session.commit()
    with pytest.raises(StaleEdit):  # the editor still shows version 2, which no longer exists
        service.save_template(
            session, actor=central, code=CODE, language="fr", subject="Trop tard", body_html=GOOD_BODY,
            expected_version=2,
        )  # fmt: skip


@pytest.mark.parametrize("role", [StaffRole.CENTRE_MANAGER, StaffRole.COMMITTEE_MEMBER])
def test_only_the_central_office_and_administrators_edit_templates(session: Session, role: StaffRole) -> None:
    centre = factories.centre(session)
    scope = {"centre_id": centre.id} if role == StaffRole.CENTRE_MANAGER else {}
    if role == StaffRole.COMMITTEE_MEMBER:
        scope = {"committee_id": factories.committee(session, centre.id).id}
    actor = factories.staff_actor(session, role, **scope)
    read_only = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE, read_only=True)
    admin = factories.staff_actor(session, StaffRole.ADMINISTRATOR)
    session.commit()
    with pytest.raises(Forbidden):
        service.list_templates(session, actor=actor)
    with pytest.raises(Forbidden):
        service.save_template(
            session, actor=actor, code=CODE, language="fr", subject="x", body_html="<p>x</p>", expected_version=None
        )
    assert service.list_templates(session, actor=read_only)  # the read-only central office looks
    with pytest.raises(Forbidden):
        service.save_template(
            session, actor=read_only, code=CODE, language="fr", subject="x", body_html="<p>x</p>", expected_version=None
        )
    saved = service.save_template(
        session, actor=admin, code=CODE, language="fr", subject="x", body_html="<p>x</p>", expected_version=None
    )
    assert saved.id is not None
