"""Indonesian is the default language; the English catalog translates every Sebaya string."""

from pathlib import Path

import polib
from django.utils import translation

import sebaya

CATALOG = Path(sebaya.__file__).resolve().parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_english_catalog_has_no_untranslated_or_fuzzy_entries():
    catalog = polib.pofile(str(CATALOG))
    untranslated = [e.msgid for e in catalog.untranslated_entries()]
    fuzzy = [e.msgid for e in catalog.fuzzy_entries()]
    assert len(catalog) > 100
    assert untranslated == []
    assert fuzzy == []


def test_strings_are_indonesian_by_default_and_english_on_request():
    with translation.override("id"):
        assert translation.gettext("Praktik baik") == "Praktik baik"
    with translation.override("en"):
        assert translation.gettext("Praktik baik") == "Good practices"
