"""Every text is translated: in the catalogues, and on every page type in each language.

A Spanish page fails when it shows a text of the English side (a message id or an English
text of the instrument or the recommendations catalogue) that is not also a Spanish text
("No", "Total" and "WhatsApp" are both); an English page fails the same way on Spanish
texts. Short texts (one or two words) count only when a whole text node is exactly that
text; longer ones count wherever they appear, so a translated sentence with an English
phrase glued in is caught too. A text that never went through the catalogue is caught as
the same text on every language's version of a page.
"""

import re
from collections import defaultdict

import polib
import pytest
from django.conf import settings

from diagnostic.places import places_of
from tests.quality.texts import (
    BASE,
    content_pairs,
    normalised,
    pieces,
    texts_by_language,
    visible_texts,
)

OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
# Proper names, and each language's own name, which the language switcher shows as it is.
SAME_IN_BOTH = {
    "WhatsApp",
    "Email",
    "E-mail",
    "PDF",
    "CSV",
    "XLSX",
    "JSON",
    "Ruta Digital",
    "No",
    "Error:",
    "Euro (EUR)",
    "%(items)s, %(item)s",
    "%",
    "Marketplaces",  # an area's name in instrument version 1, which can no longer change
    "Digitalízate (Buenos Aires)",
    "Mercado 593 Guayaco (Guayaquil)",
    "Digital Main Street ShopHERE (Ontario)",
    "Digital Main Street ShopHERE (Alberta)",
    "Lulus Local Food",
    "Digitaliza tu Almacén (Chile)",
    "Pymes Globales (Chile)",
    *settings.LANGUAGE_NAMES.values(),
    *(name for _code, name in places_of("MX")),  # the site's firms are Mexican: its states
}
WORD = re.compile(r"[^\W\d_]{3}")
LONG = 3  # words: a text this long is looked for inside text nodes, not only as a whole node


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_no_catalogue_entry_is_untranslated_or_fuzzy(language):
    catalogue = polib.pofile(str(BASE / "locale" / language / "LC_MESSAGES" / "django.po"))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    copied = [
        entry.msgid
        for entry in catalogue.translated_entries()
        if entry.msgstr == entry.msgid and entry.msgid not in SAME_IN_BOTH
    ]
    assert not untranslated, f"untranslated in {language}: {untranslated}"
    assert not fuzzy, f"fuzzy in {language}: {fuzzy}"
    assert not copied, f"left in English in {language} (or add them to SAME_IN_BOTH): {copied}"
    assert len(catalogue.translated_entries()) > 500


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_the_instrument_and_recommendations_have_every_text_translated(language):
    pairs = content_pairs()
    missing = [texts["en"] for texts in pairs if not texts.get(language)]
    copied = [
        texts["en"]
        for texts in pairs
        if texts.get(language) == texts["en"] and texts["en"] not in SAME_IN_BOTH
    ]
    assert not missing, f"no {language} text for: {missing}"
    assert not copied, f"left in English in {language} (or add them to SAME_IN_BOTH): {copied}"
    assert len(pairs) > 500


def foreign_texts(page_texts: list[str], foreign: set[str]) -> list[str]:
    """The texts of another language that a page shows."""
    whole = [text for text in page_texts if text in foreign]
    shown = "\n".join(page_texts)
    inside = [
        text
        for text in foreign
        if len(text.split()) >= LONG and text in shown and text not in whole
    ]
    return whole + inside


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_no_page_type_shows_the_other_languages_texts(site_pages, language):
    texts = texts_by_language(language)
    same = {piece for text in SAME_IN_BOTH for piece in pieces(text)}
    foreign = {
        "en": texts[language] - texts["en"] - same,
        language: texts["en"] - texts[language] - same,
    }
    problems = defaultdict(list)
    for page in site_pages:
        if page.language in foreign:
            for text in foreign_texts(visible_texts(page.html), foreign[page.language]):
                problems[page.label].append(text)
    report = "\n".join(f"{label}: {texts}" for label, texts in problems.items())
    assert not problems, f"texts in the wrong language on {len(problems)} pages:\n{report}"
    checked = {page.language for page in site_pages}
    assert checked >= {"en", language}


def test_no_page_type_shows_the_same_words_in_every_language(site):
    """Catches a text that never went through the catalogue: the same on every language's
    version of a page, once names, addresses and other typed-in data are set aside."""
    versions = defaultdict(list)
    for page in site.pages:
        versions[page.role, page.name].append(set(visible_texts(page.html)))
    neutral = site.neutral_texts | {normalised(text) for text in SAME_IN_BOTH}
    data = re.compile(
        "|".join(rf"\b{re.escape(text)}\b" for text in sorted(neutral, key=len, reverse=True))
    )
    problems = {
        f"{role} · {name}": left
        for (role, name), texts in versions.items()
        if len(texts) == len(settings.LANGUAGES)
        if (
            left := sorted(
                text for text in set.intersection(*texts) if WORD.search(data.sub(" ", text))
            )
        )
    }
    report = "\n".join(f"{page}: {texts}" for page, texts in problems.items())
    assert not problems, f"the same text in every language on {len(problems)} pages:\n{report}"
    assert len(versions) > 50
