"""The offer's bilingual values in one language: the one rule, English falling back to French when empty.

The offer's rows (programmes, centres, committees, pieces, questions, decision types, refusal reasons…) carry a
French value and an optional English one; every screen, mail, export and PDF reads them through these two.
"""

from typing import Any


def in_language(value_fr: str, value_en: str | None, language: str) -> str:
    """``value_en`` in English unless it is empty, ``value_fr`` otherwise."""
    return (value_en or value_fr) if language == "en" else value_fr


def label_in(row: Any, language: str) -> str:
    """The row's ``label_fr`` / ``label_en`` in ``language`` (see :func:`in_language`)."""
    return in_language(row.label_fr, row.label_en, language)
