"""Mail templates: every code has a default in both languages, the sandbox holds, dates and text render."""

from datetime import UTC, datetime

import pytest

from app.config import get_settings
from app.services.mail.templates import (
    COMMON_VARIABLES,
    MAIL_VARIABLES,
    MailCode,
    common_variables,
    format_date_local,
    format_datetime_local,
    html_to_text,
    load_default,
    render_mail,
    sample_context,
    validate_template,
)
from app.services.platform.errors import DomainError

ESCAPES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__.os }}",
    "{{ account.__class__ }}",
    "{% include '/etc/passwd' %}",
    "{% import '/etc/passwd' as p %}",
    "{% extends '/etc/passwd' %}",
    "{{ 'x' * 100000000 }}",
    "{{ '%999999999s' % 1 }}",
    "{% for i in range(99999) %}{{ 'overflowing' }}{% endfor %}",
]

ACCOUNT_CODES = {
    "account_created",
    "activation_resent",
    "password_reset",
    "dossier_number_reminder",
    "email_change_new_address",
    "email_change_old_address",
    "account_deleted",
    "account_erasure_scheduled",
}


def _render_default(code: str, language: str) -> object:
    default = load_default(code, language)
    assert default is not None, f"no default for {code}/{language}"
    return render_mail(*default, {**common_variables(language), **sample_context(code)}, language=language)


def test_the_codes_are_those_the_other_services_use() -> None:
    assert len(MailCode) == 45  # + provisional acceptance reminder and expiry, dossier back to pending (issue 9);
    # + the copy of a candidate's data ready, deferred erasure (issue 21); + leaving a list; the processing type's
    # one mail split into three; « liste d'attente »; a staff message to a selection (issue 22);
    # five interview mails: booked, moved, cancelled, slot cancelled, reminder (issue 22);
    # the examining committees' opinions complete (issue 22, item 1)
    assert {code.value for code in MailCode} >= ACCOUNT_CODES
    assert {"assistance_request", "committee_waiting_list_call", "decision_preselection"} <= set(MailCode)
    assert set(MAIL_VARIABLES) == set(MailCode)
    for code, variables in MAIL_VARIABLES.items():
        assert variables, code
        assert all(description for description in variables.values()), code
        assert not set(variables) & set(COMMON_VARIABLES), code
    assert set(MAIL_VARIABLES[MailCode.ACCOUNT_CREATED]) == {"account", "link", "expires_at"}
    assert set(MAIL_VARIABLES[MailCode.EMAIL_CHANGE_OLD_ADDRESS]) == {"account", "new_email"}
    assert set(MAIL_VARIABLES[MailCode.DOSSIER_NUMBER_REMINDER]) == {"account"}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("code", list(MailCode))
def test_every_code_has_a_default_that_renders_with_its_sample_context(code: MailCode, language: str) -> None:
    mail = _render_default(code, language)
    settings = get_settings()
    assert mail.subject and "\n" not in mail.subject and "{" not in mail.subject
    assert mail.language == language
    assert f'<html lang="{language}">' in mail.html
    # The common footer names the institution and the assistance contact, in both versions.
    for version in (mail.html, mail.text):
        assert settings.institution_name.replace("'", "&#39;" if version is mail.html else "'") in version
        assert settings.assistance_email in version
    assert "<" not in mail.text.replace("<br>", "")
    if "link" in MAIL_VARIABLES[code]:
        assert sample_context(code)["link"] in mail.text


def test_a_default_only_uses_its_documented_variables() -> None:
    # StrictUndefined: rendering with nothing but the documented variables is the proof (above); here, a
    # missing documented variable is an error, not an empty string.
    subject, body = load_default("account_created", "fr") or ("", "")
    context = common_variables("fr") | {"account": sample_context("account_created")["account"]}
    with pytest.raises(DomainError) as caught:
        render_mail(subject, body, context, language="fr")
    assert caught.value.code == "mail_template_error"
    assert "link" in caught.value.params["error"] or "expires_at" in caught.value.params["error"]


def test_french_subject_keeps_its_accents_and_apostrophes_unescaped() -> None:
    mail = _render_default("activation_resent", "fr")
    assert mail.subject == "Nouveau lien d'activation de votre compte eCandidat"
    mail = _render_default("decision_unfavorable", "fr")
    assert mail.subject == "Avis défavorable : Master Mention Électronique, énergie électrique, automatique"


def test_variables_are_escaped_in_the_body_not_in_the_subject() -> None:
    context = common_variables("fr") | {"name": "<b>Zoé</b> & Cie"}
    mail = render_mail("Pour {{ name }}", "<p>{{ name }}</p>", context, language="fr")
    assert mail.subject == "Pour <b>Zoé</b> & Cie"
    assert "<p>&lt;b&gt;Zoé&lt;/b&gt; &amp; Cie</p>" in mail.html
    assert "<b>Zoé</b> & Cie" in mail.text


def test_conditional_blocks_follow_the_context() -> None:
    context = common_variables("fr") | sample_context("decision_unfavorable")
    with_reason = render_mail(*load_default("decision_unfavorable", "fr"), context, language="fr")  # type: ignore[misc]
    assert "Motif : Capacité d'accueil atteinte" in with_reason.text
    context["decision"]["reason"] = ""
    context["decision"]["comment"] = ""
    without = render_mail(*load_default("decision_unfavorable", "fr"), context, language="fr")  # type: ignore[misc]
    assert "Motif" not in without.text and "Commentaire" not in without.text


def test_dates_are_shown_in_paris_time_in_the_mail_language() -> None:
    moment = datetime(2025, 3, 12, 13, 30, tzinfo=UTC)  # 14:30 in Paris (winter time)
    assert format_datetime_local(moment, "fr") == "12 mars 2025 à 14:30"
    assert format_datetime_local(moment, "en") == "12 March 2025 at 14:30"
    assert format_date_local(datetime(2025, 6, 30, 22, 30, tzinfo=UTC), "fr") == "1 juillet 2025"
    assert format_datetime_local(None, "fr") == ""
    context = common_variables("en") | {"when": moment}
    mail = render_mail("On {{ when|date }}", "<p>{{ when|datetime }} {{ when|time }}</p>", context, language="en")
    assert mail.subject == "On 12 March 2025"
    assert "12 March 2025 at 14:30 14:30" in mail.text
    with pytest.raises(ValueError, match="naive"):
        format_datetime_local(datetime(2025, 3, 12, 13, 30), "fr")


@pytest.mark.parametrize("source", ESCAPES)
def test_a_template_escaping_the_sandbox_is_refused_by_validation(source: str) -> None:
    with pytest.raises(DomainError) as caught:
        validate_template("Objet", f"<p>{source}</p>")
    assert caught.value.code.startswith("mail_template_")
    with pytest.raises(DomainError):
        validate_template(source, "<p>Corps</p>", code="account_created")


@pytest.mark.parametrize("source", ESCAPES)
def test_a_template_escaping_the_sandbox_is_refused_by_rendering(source: str) -> None:
    context = common_variables("fr") | sample_context("account_created")
    with pytest.raises(DomainError):
        render_mail("Objet", source, context, language="fr")


def test_sandbox_errors_are_explained_for_the_template_editor() -> None:
    with pytest.raises(DomainError) as caught:
        validate_template("Objet", "{{ ''.__class__ }}")
    assert caught.value.code == "mail_template_unsafe"
    assert "__class__" in str(caught.value)
    with pytest.raises(DomainError) as caught:
        validate_template("Objet", "{% include '/etc/passwd' %}")
    assert caught.value.code == "mail_template_file_tag"
    with pytest.raises(DomainError) as caught:
        validate_template("Objet", "<p>{% if %}</p>")
    assert caught.value.code == "mail_template_syntax"
    assert caught.value.params["line"] == 1
    with pytest.raises(DomainError) as caught:
        validate_template("Objet", "<p>{{ acount.first_name }}</p>", code="account_created")
    assert caught.value.code == "mail_template_error"
    assert "acount" in caught.value.params["error"]
    with pytest.raises(DomainError) as caught:
        validate_template("{{ '' }}", "<p>Corps</p>")
    assert caught.value.code == "mail_template_empty_subject"


def test_validation_accepts_a_staff_template_and_returns_a_preview() -> None:
    preview = validate_template(
        "Votre candidature {{ program.title }}",
        "<p>Bonjour {{ account.first_name }},</p>{% if decision.rank %}<p>Rang {{ decision.rank }}</p>{% endif %}",
        code="decision_waiting_list",
    )
    assert preview.subject.startswith("Votre candidature Master")
    assert "Rang 3" in preview.text
    # Without a code, any documented variable may be used.
    validate_template("{{ new_email }}", "<p>{{ committee.name }} {{ deadline|date }}</p>")


def test_the_rendered_body_goes_through_the_html_allow_list() -> None:
    # Whatever the template or the data hold, what reaches the mail is allow-listed HTML.
    context = common_variables("fr") | {"url": "javascript:alert(1)", "name": "Zoé"}
    body = (
        '<p onclick="alert(1)" style="color: red; position: fixed">Bonjour {{ name }}</p>'
        '<scr{{ "" }}ipt>alert(2)</script><a href="{{ url }}">piège</a><a href="https://univ.example/">ok</a>'
        '{{ "<img src=x onerror=alert(3)>"|safe }}<svg onload="alert(4)"></svg>'
    )
    mail = render_mail("Objet", body, context, language="fr")
    content = mail.html.lower()
    for unsafe in ("onclick", "position", "<script", "alert", "javascript:", "onerror", "<svg", "onload"):
        assert unsafe not in content, unsafe
    assert '<p style="color:red">Bonjour Zoé</p>' in mail.html
    assert '<a href="https://univ.example/">ok</a>' in mail.html
    assert "Bonjour Zoé" in mail.text and "piège" in mail.text


def test_each_rendering_has_its_own_budget() -> None:
    # The bound is per rendering: a template using most of it renders again and again (bulk publication).
    body = "{% for x in range(200) %}{% for y in range(200) %}{% endfor %}{% endfor %}<p>{{ account.first_name }}</p>"
    context = common_variables("fr") | sample_context("decision_favorable")
    for _ in range(5):
        assert "Éloïse" in render_mail("Objet", body, context, language="fr").text
    with pytest.raises(DomainError) as refused:
        render_mail("Objet", body.replace("200", "300"), context, language="fr")  # 90 000 turns: over the budget
    assert refused.value.code == "mail_template_too_many_steps"


def test_html_to_text_keeps_structure_and_links() -> None:
    text = html_to_text(
        "<html><head><title>T</title><style>p{}</style></head><body><h1>Titre</h1><p>Un&nbsp;paragraphe "
        'avec  <a href="https://x.example/a?b=1&amp;c=2">un lien</a>.</p><ul><li>un</li><li>deux</li></ul>'
        '<p>Écrire à <a href="mailto:a@b.example">a@b.example</a><br>fin &lt;ok&gt;</p></body></html>'
    )
    assert text == (
        "Titre\n\nUn\xa0paragraphe avec un lien (https://x.example/a?b=1&c=2).\n\n- un\n- deux\n\n"
        "Écrire à a@b.example\nfin <ok>\n"
    )
