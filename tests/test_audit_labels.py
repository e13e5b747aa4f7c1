"""The dossier's « Historique » speaks the reader's language: a sentence per action, values worded, never codes."""

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session

from app.i18n import gettext, use_language
from app.models import ActorKind
from app.services.platform.actors import Actor
from app.services.platform.audit import DOSSIER_ACTIONS, audit
from app.services.review.staff_view import StaffAuditLine
from app.ui.audit_labels import SENTENCES, describe

APP = Path(__file__).resolve().parents[1] / "app"


def _call_name(call: ast.Call) -> str:
    return call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")


def _constants(node: ast.expr | None) -> list[str]:
    """The action names an argument can take: a literal, or either branch of ``a if c else b``; an f-string (built
    from a model or an enum) is checked when it is written, by the writer itself."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _constants(node.body) + _constants(node.orelse)
    return []


def _dossier_audit_calls(tree: ast.AST) -> list[ast.Call]:
    """``audit(...)`` calls that write a candidate or an application: their events reach a dossier's history."""
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and _call_name(node) == "audit"
        and {"candidate_id", "application_id"} & {k.arg for k in node.keywords}
    ]


def actions_written_into_histories() -> set[str]:
    """Every action name the code of app/ writes into a dossier's history, read from its source: the direct
    ``audit(...)`` calls, and the calls of the helpers that pass their ``action`` parameter on to one (or on to
    another such helper)."""
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in APP.rglob("*.py")]
    found: set[str] = set()
    wrappers: dict[str, int] = {}  # helper name → position of its ``action`` parameter
    functions = [n for tree in trees for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    grown = True
    while grown:  # a helper calling a helper that writes one is a helper too
        grown = False
        for function in functions:
            names = [a.arg for a in function.args.args]
            if "action" not in names or function.name in wrappers:
                continue
            calls = [n for n in ast.walk(function) if isinstance(n, ast.Call)]
            if _dossier_audit_calls(function) or any(_call_name(call) in wrappers for call in calls):
                wrappers[function.name] = names.index("action")
                grown = True
    for tree in trees:
        for call in _dossier_audit_calls(tree):
            found.update(_constants(next((k.value for k in call.keywords if k.arg == "action"), None)))
    for tree in trees:
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call) and _call_name(n) in wrappers):
            position = wrappers[_call_name(call)]
            keyword = next((k.value for k in call.keywords if k.arg == "action"), None)
            found.update(_constants(keyword if keyword is not None else (call.args + [None] * 9)[position]))
    return found


def test_every_action_written_into_a_dossier_history_has_a_sentence_in_both_languages() -> None:
    written = actions_written_into_histories()
    # The scan does find the calls, the helpers' included (staff_review, dossier, documents).
    assert {
        "piece.reviewed",
        "note.added",
        "dossier.personal_saved",
        "piece.file_added",
        "decision.published",
    } <= written
    assert written - DOSSIER_ACTIONS == set(), "register these actions in app.services.platform.audit.DOSSIER_ACTIONS"
    assert sorted(DOSSIER_ACTIONS - SENTENCES.keys()) == [], "give these actions a sentence in app.ui.audit_labels"
    assert sorted(SENTENCES.keys() - DOSSIER_ACTIONS) == [], "sentences of actions no code writes"
    for action, french in SENTENCES.items():
        english = gettext(french, "en")
        assert "{who}" in french and english != french and "{who}" in english, action
        assert ("{subject}" in french) == ("{subject}" in english), action


def test_the_writer_refuses_a_dossier_event_whose_action_has_no_sentence(session: Session) -> None:
    actor = Actor("system")
    with pytest.raises(ValueError, match=r"dossier\.nickname_saved"):
        audit(
            session, actor=actor, action="dossier.nickname_saved", entity_type="candidate", entity_id=1, candidate_id=1
        )
    with pytest.raises(ValueError, match=r"application\.archived"):
        audit(
            session,
            actor=actor,
            action="application.archived",
            entity_type="application",
            entity_id=1,
            application_id=1,
        )
    # An event outside any dossier (the configuration, a job) is not read in a history.
    audit(session, actor=actor, action="job.run_requested", entity_type="job", entity_id=None)


def line(
    action: str,
    before: dict,
    after: dict,
    *,
    kind: ActorKind = ActorKind.STAFF,
    name: str = "Anne Martin",
    subject: str = "",
) -> StaffAuditLine:
    return StaffAuditLine(datetime(2026, 5, 14, 1, 46, 14, tzinfo=UTC), kind, name, action, before, after, subject)


def test_sentences_name_who_acted_and_values_are_worded_in_the_readers_language() -> None:
    transmitted = line(
        "application.transmitted",
        {"dossier_status": "pending"},
        {"dossier_status": "received", "transmitted_at": "2026-05-14T01:46:14+00:00"},
        kind=ActorKind.CANDIDATE,
        name="",
    )
    with use_language("fr"):
        entry = describe(transmitted)
        assert entry.at == "14/05/2026 03:46"  # Paris time
        assert entry.sentence == "Le candidat a transmis le dossier."
        assert entry.details == [
            "Statut du dossier : En attente → Réceptionné",
            "Date de transmission : 14/05/2026 03:46",
        ]
        reviewed = describe(
            line(
                "piece.reviewed",
                {"status": "submitted", "comment": ""},
                {"status": "refused", "comment": "Illisible"},
                subject="Relevé de notes",
            )
        )
        assert reviewed.sentence == "Un gestionnaire (Anne Martin) a examiné la pièce « Relevé de notes »."
        assert reviewed.details == ["Statut de la pièce : Transmise → Refusée", "Commentaire : — → Illisible"]
        files = describe(
            line(
                "piece.file_added",
                {"files": ["releve.pdf"]},
                {"files": ["releve.pdf", None], "pages": 3, "shared_with": 0},
                kind=ActorKind.CANDIDATE,
            )
        )
        assert files.details == ["Fichiers : releve.pdf → releve.pdf, 1 fichier supprimé depuis", "Pages : 3"]
        saved = describe(
            line(
                "dossier.baccalaureate_saved",
                {"specialities": "[]", "country": "None"},
                {"specialities": "['Mathématiques', 'NSI']", "country": "FR"},
            )
        )
        assert saved.details == ["Spécialités : — → Mathématiques, NSI", "Pays : — → France"]
        purged = describe(
            line(
                "file.purged",
                {"kind": "upload", "created_at": "2026-01-02T10:00:00+00:00", "sha256": "ab", "size": 20480},
                {},
                kind=ActorKind.SYSTEM,
                name="",
            )
        )
        assert purged.sentence.startswith("Le portail a supprimé définitivement un fichier")
        assert purged.details == [
            "Type de fichier : Fichier déposé par le candidat",
            "Déposé le : 02/01/2026 11:00",
            "Taille : 20 Ko",
        ]
        imported = describe(line("dossier.imported", {}, {"by": "student_number"}, kind=ActorKind.CANDIDATE))
        assert imported.details == ["Étudiant reconnu par : numéro d'étudiant"]
    with use_language("en"):
        entry = describe(transmitted)
        assert entry.sentence == "The candidate submitted the dossier."
        assert entry.details[0] == "Dossier status: Pending → Received"
        assert (
            describe(line("note.added", {}, {"note_id": 3, "body": "Vu"})).sentence
            == "A manager (Anne Martin) added a note."
        )
