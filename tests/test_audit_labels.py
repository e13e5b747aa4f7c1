"""The dossier's « Historique » speaks the reader's language, not audit codes and JSON."""

from app.i18n import use_language
from app.ui.audit_labels import action_text, changes_text


def test_known_actions_read_as_sentences_in_each_language_and_unknown_ones_keep_their_code() -> None:
    with use_language("fr"):
        assert action_text("application.viewed") == "Dossier consulté"
    with use_language("en"):
        assert action_text("application.viewed") == "Dossier viewed"
        assert action_text("application.answer.withdrawn") == "Withdrawal"
    assert action_text("something.new") == "something.new"


def test_changes_are_listed_without_json() -> None:
    assert changes_text({"dossier_status": "complete"}) == "dossier_status : complete"
    assert changes_text({"tags": ["Boursier", "Prioritaire"], "comment": ""}) == (
        "tags : Boursier, Prioritaire; comment : —"
    )
    assert changes_text(None) == "" and changes_text({}) == ""
