"""Keep the English catalogue in step with the code: ``python -m app.i18n.catalog``.

Extracts every ``_()``, ``N_()`` and ``ngettext()`` message from ``app/`` (French msgids), adds the new
ones to ``app/i18n/en/LC_MESSAGES/messages.po`` with an empty translation, marks vanished ones obsolete,
and prints the messages still untranslated. Existing translations are kept.
"""

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

APP_DIR = Path(__file__).resolve().parents[1]
EN_PO = APP_DIR / "i18n" / "en" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}


def extract() -> Catalog:
    template = Catalog(locale="fr", project="ecandidat-py")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(APP_DIR), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("Translators:",)
    ):
        template.add(message, None, [(f"app/{filename}", lineno)], auto_comments=comments, context=context)
    return template


def load_english() -> Catalog:
    if not EN_PO.exists():
        return Catalog(locale="en", project="ecandidat-py")
    with EN_PO.open("rb") as handle:
        return read_po(handle, locale="en")


def untranslated(catalog: Catalog, template: Catalog) -> list[str]:
    missing = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id)
        strings = found.string if found else None
        if not found or found.fuzzy or not strings or (isinstance(strings, tuple) and not all(strings)):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def update() -> list[str]:
    template = extract()
    catalog = load_english()
    catalog.update(template, no_fuzzy_matching=True)
    EN_PO.parent.mkdir(parents=True, exist_ok=True)
    with EN_PO.open("wb") as handle:
        write_po(handle, catalog, width=0, sort_output=True, no_location=True)
    return untranslated(catalog, template)


if __name__ == "__main__":
    missing = update()
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    print(f"messages without an English translation in {EN_PO.relative_to(APP_DIR.parent)}: {len(missing)}")
    sys.exit(1 if missing else 0)
