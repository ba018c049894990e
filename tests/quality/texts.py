"""The visible texts of a page, and the texts of each language the site knows.

A page's texts are its text nodes (the title and SVG labels included) and the attributes
people read or hear (alt, title, aria-label, placeholder, a button's value, the meta
description), each with its spaces normalised. A language's texts come from the gettext
catalogues (ours, and Django's own for form and password messages) and from the
multilingual YAML files: the instrument and the recommendations catalogue.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import django
import polib
import yaml
from django.conf import settings

BASE = Path(settings.BASE_DIR)
CONTENT_FILES = [
    *sorted((BASE / "diagnostic" / "instruments").glob("*.yaml")),
    *sorted((BASE / "recommendations" / "catalogue").glob("*.yaml")),
]
DJANGO_CATALOGUES = ("conf", "contrib/auth")
READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}
# Placeholders, markup and line breaks cut a message into the pieces a page can show whole.
PIECE_BREAKS = re.compile(r"%\(\w+\)[sd]|%[sd]|\{[\w.]*\}|<[^>]+>|\n")
EDGES = " \t·:;,.!?¡¿*→←“”\"'()[]…–—-/|"


def catalogues(language: str) -> list[Path]:
    """Our catalogue and Django's own for `language`, as .po files."""
    django_root = Path(django.__file__).parent
    return [
        BASE / "locale" / language / "LC_MESSAGES" / "django.po",
        *(
            django_root / part / "locale" / language / "LC_MESSAGES" / "django.po"
            for part in DJANGO_CATALOGUES
        ),
    ]


def normalised(text: str) -> str:
    return " ".join(text.split()).strip(EDGES)


WORDLIKE = re.compile(r"[^\W\d_]{2}")


def pieces(message: str) -> set[str]:
    """The parts of a message a page shows whole; signs and numbers alone are left out."""
    return {
        piece for part in PIECE_BREAKS.split(message) if WORDLIKE.search(piece := normalised(part))
    }


class _VisibleText(HTMLParser):
    HIDDEN = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden_depth += 1
        values = dict(attrs)
        for name in READ_ATTRIBUTES & values.keys():
            self.texts.append(values[name] or "")
        if tag == "input" and values.get("type") in ("submit", "button"):
            self.texts.append(values.get("value") or "")
        if tag == "meta" and values.get("name") == "description":
            self.texts.append(values.get("content") or "")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data):
        if not self.hidden_depth:
            self.texts.append(data)


def visible_texts(html: str) -> list[str]:
    """Each text node and read attribute of the page, normalised, empty ones left out."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return [text for raw in parser.texts if (text := normalised(raw))]


def content_pairs() -> list[dict]:
    """Every multilingual text ({en: …, es: …}) of the instrument and the catalogue."""
    found: list[dict] = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("en"), str):
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in CONTENT_FILES:
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


def texts_by_language(other: str) -> dict[str, set[str]]:
    """The pieces of text of each side: English (every message id, translated or not, and
    the English content) and `other` (translations and content that differ from the English;
    what reads the same in both is neither's)."""
    english: set[str] = set()
    translated: set[str] = set()
    for path in catalogues(other):
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            english |= pieces(entry.msgid) | pieces(entry.msgid_plural or "")
            if not entry.translated():
                continue
            strings = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
            for string in strings:
                if string != entry.msgid:
                    translated |= pieces(string)
    for texts in content_pairs():
        if texts.get(other, texts["en"]) != texts["en"]:
            english |= pieces(texts["en"])
            translated |= pieces(texts[other])
    return {"en": english, other: translated}
