"""Answers to an instrument: the one place where raw answers (web forms, the ``diagnose``
command, imports) are checked."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language, gettext

from .instrument import Answer, Answers, Instrument, Item, Option, is_finite_number, localized

_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@dataclass(frozen=True)
class AnswerProblem:
    """Why one answer was refused; `code` is stable, `message` is translated."""

    item_code: str
    code: str
    message: str


def exclusive_conflict(item: Item, codes: Iterable[str]) -> Option | None:
    """The exclusive option chosen together with other options, if any."""
    chosen = set(codes)
    if len(chosen) < 2:
        return None
    for option in item.options:
        if option.exclusive and option.code in chosen:
            return option
    return None


def clean_answers(
    instrument: Instrument, raw: Mapping[str, Any], language: str | None = None
) -> tuple[Answers, list[AnswerProblem]]:
    """Check raw answers; return the valid ones, in instrument order, and every problem.

    Single: an option code; multi: a list of option codes; number: a number, or a string
    with "." as decimal mark. Unanswered (None, "", []) is left out. Option labels in
    messages are in `language` (default: the active language), like the messages themselves.
    """
    language = language or get_language() or "en"
    cleaned: Answers = {}
    problems: list[AnswerProblem] = []
    for item in instrument.items.values():
        value = raw.get(item.code)
        if _is_unanswered(value):
            continue
        answer, problem = _clean_answer(item, value, language)
        if problem:
            problems.append(AnswerProblem(item.code, *problem))
        else:
            cleaned[item.code] = answer
    for code in raw:
        if code not in instrument.items:
            message = gettext("There is no question with the code “%(item)s”.") % {"item": code}
            problems.append(AnswerProblem(str(code), "unknown_item", message))
    return cleaned, problems


def _is_unanswered(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple) and not value


def _clean_answer(item: Item, value: Any, language: str) -> tuple[Answer, tuple[str, str] | None]:
    if item.kind == "number":
        return _clean_number(item, value)
    if item.kind == "single":
        if isinstance(value, list | tuple):
            message = gettext("Choose only one answer to the question “%(item)s”.")
            return "", ("several_for_single", message % {"item": item.code})
        return _clean_codes(item, [value], language)
    if not isinstance(value, list | tuple):
        message = gettext(
            "The question “%(item)s” takes a list of answers, even when only one is chosen."
        )
        return (), ("not_a_list", message % {"item": item.code})
    return _clean_codes(item, value, language)


def _clean_codes(
    item: Item, values: Iterable[Any], language: str
) -> tuple[Answer, tuple[str, str] | None]:
    chosen: set[str] = set()
    for value in values:
        code = value.strip() if isinstance(value, str) else value
        if code not in item.option_codes:
            message = gettext("“%(option)s” is not an answer to the question “%(item)s”.")
            return "", ("unknown_option", message % {"option": code, "item": item.code})
        chosen.add(code)
    conflict = exclusive_conflict(item, chosen)
    if conflict:
        message = gettext("“%(option)s” can’t be combined with other answers.")
        return "", ("exclusive_conflict", message % {"option": localized(conflict.label, language)})
    ordered = tuple(code for code in item.option_codes if code in chosen)
    return (ordered[0] if item.kind == "single" else ordered), None


def _clean_number(item: Item, value: Any) -> tuple[Answer, tuple[str, str] | None]:
    number: int | float | None = None
    if isinstance(value, str) and _DECIMAL.fullmatch(value.strip()):
        number = float(value)
    elif is_finite_number(value):
        number = value
    if number is None:
        return 0, ("not_a_number", gettext("Enter a number, like 12 or 2.5."))
    assert item.minimum is not None and item.maximum is not None
    if not item.minimum <= number <= item.maximum:
        message = gettext("Enter a number from %(min)s to %(max)s.") % {
            "min": _plain_number(item.minimum),
            "max": _plain_number(item.maximum),
        }
        return 0, ("out_of_range", message)
    # Whole numbers are stored as int, so 3, 3.0 and "3" give the same stored answer.
    return (int(number) if float(number).is_integer() else number), None


def _plain_number(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)
