"""Scores of a diagnostic (DESIGN 2.2): a pure function of the instrument and cleaned answers.

Item scores are 0–4, or None for "not applicable", "don't know" and unanswered items, which
are left out of every mean. Area, dimension and overall scores are 0–100 weighted means,
computed exactly and rounded half-up only when returned.

Completeness: a dimension is scored only when at least half of its applicable scored items
have a score ("not applicable" answers leave the count; "don't know" and unanswered items stay
in it), and the overall only when every scored dimension is. A few answers never pass for a
full result.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from diagnostic.instrument import Answer, Dimension, Instrument, Item, Option

# Bump when a rule below changes, so stored results say which rules produced them.
SCORING_VERSION = "2"

LEVELS: dict[str, Promise] = {
    "initial": _("Initial"),
    "basic": _("Basic"),
    "intermediate": _("Intermediate"),
    "advanced": _("Advanced"),
    "leading": _("Leading"),
}
# Lowest rounded score of each level, highest first.
LEVEL_FLOORS: tuple[tuple[int, str], ...] = (
    (80, "leading"),
    (60, "advanced"),
    (40, "intermediate"),
    (20, "basic"),
    (0, "initial"),
)
SCALE = 25  # item scores are 0–4; 4 × 25 = 100
# Options by which the owner says they don't know: the item applies, it just has no score.
UNKNOWN_OPTIONS = frozenset({"dont_know"})


def level_for(score: int | None) -> str | None:
    """The level code of a rounded 0–100 score; None for no score."""
    if score is None:
        return None
    return next(level for floor, level in LEVEL_FLOORS if score >= floor)


@dataclass(frozen=True)
class Score:
    """A 0–100 score and its level, both None when nothing could be scored ("—")."""

    value: int | None
    level: str | None

    @classmethod
    def of(cls, exact: Fraction | None) -> Score:
        value = None if exact is None else _round_half_up(exact)
        return cls(value=value, level=level_for(value))

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "level": self.level}


@dataclass(frozen=True)
class Completeness:
    """How many of a dimension's applicable scored items have a score."""

    scored: int
    applicable: int

    @property
    def enough(self) -> bool:
        """At least half the applicable items scored; a dimension where none applies has no
        score either way, so it does not hold the overall back."""
        return 2 * self.scored >= self.applicable

    def __add__(self, other: Completeness) -> Completeness:
        return Completeness(self.scored + other.scored, self.applicable + other.applicable)

    def to_dict(self) -> dict[str, int]:
        return {"scored": self.scored, "applicable": self.applicable}


@dataclass(frozen=True)
class ScoreResult:
    """All scores of one diagnostic; `scored_areas` are the areas of the scored dimensions.

    `completeness` is per dimension; `rests_on` sums it over the dimensions of the overall.
    """

    overall: Score
    dimensions: dict[str, Score]
    areas: dict[str, Score]
    items: dict[str, int | None]
    answered: int
    total: int
    scored_areas: tuple[str, ...]
    completeness: dict[str, Completeness]
    rests_on: Completeness

    def strongest_areas(self, n: int = 3) -> tuple[str, ...]:
        """The best-scoring areas of scored dimensions: at most n, and at most the upper half.

        An area at 0 is never a strength; ties keep instrument order.
        """
        ranked = self._ranked(best_first=True)
        half = (len(ranked) + 1) // 2
        return tuple(code for code in ranked[: min(n, half)] if self.areas[code].value)

    def weakest_areas(self, n: int = 3) -> tuple[str, ...]:
        """The worst-scoring areas not already among the strongest: at most n and the lower half.

        An area at 100 is never a gap; ties keep instrument order.
        """
        strongest = set(self.strongest_areas(n))
        ranked = [code for code in self._ranked(best_first=False) if code not in strongest]
        half = len(self._ranked(best_first=False)) // 2
        return tuple(code for code in ranked[: min(n, half)] if self.areas[code].value != 100)

    def _ranked(self, *, best_first: bool) -> list[str]:
        sign = -1 if best_first else 1
        with_score = [
            (sign * value, position, code)
            for position, code in enumerate(self.scored_areas)
            if (value := self.areas[code].value) is not None
        ]
        return [code for *_rank, code in sorted(with_score)]

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready data, as stored with a submitted assessment."""
        return {
            "scoring_version": SCORING_VERSION,
            "overall": self.overall.to_dict(),
            "dimensions": {code: score.to_dict() for code, score in self.dimensions.items()},
            "areas": {code: score.to_dict() for code, score in self.areas.items()},
            "items": dict(self.items),
            "answered": self.answered,
            "total": self.total,
            "completeness": {code: part.to_dict() for code, part in self.completeness.items()},
            "rests_on": self.rests_on.to_dict(),
            "strongest_areas": list(self.strongest_areas()),
            "weakest_areas": list(self.weakest_areas()),
        }


def score_answers(
    instrument: Instrument, answers: Mapping[str, Answer], *, people: int | None = None
) -> ScoreResult:
    """Score cleaned answers (see `clean_answers`); ValueError on answers that aren't clean.

    `people` (working in the business) scales the items that count people or hours; without
    it those items have no score.
    """
    unknown = sorted(set(answers) - set(instrument.items))
    if unknown:
        raise ValueError(f"answers to unknown items: {', '.join(unknown)}")
    items = {
        code: item_score(item, answers.get(code), people=people)
        for code, item in instrument.items.items()
    }
    dimensions: dict[str, Score] = {}
    areas: dict[str, Score] = {}
    completeness: dict[str, Completeness] = {}
    scored_dimensions: list[tuple[Fraction, Fraction | None]] = []
    scored_areas: list[str] = []
    for dimension in instrument.dimensions:
        part = completeness[dimension.code] = _completeness(dimension, answers, items)
        area_scores: list[tuple[Fraction, Fraction | None]] = []
        for area in dimension.areas:
            exact = _weighted_mean(
                (exactly(item.weight), _score(items[item.code])) for item in area.items
            )
            exact = None if exact is None or not part.enough else exact * SCALE
            areas[area.code] = Score.of(exact)
            area_scores.append((exactly(area.weight), exact))
            if dimension.scored:
                scored_areas.append(area.code)
        exact = _weighted_mean(area_scores)
        dimensions[dimension.code] = Score.of(exact)
        if dimension.scored:
            scored_dimensions.append((exactly(dimension.weight), exact))
    overall_parts = [completeness[d.code] for d in instrument.dimensions if d.scored]
    complete = all(part.enough for part in overall_parts)
    return ScoreResult(
        overall=Score.of(_weighted_mean(scored_dimensions) if complete else None),
        dimensions=dimensions,
        areas=areas,
        items=items,
        answered=sum(1 for code in instrument.items if code in answers),
        total=len(instrument.items),
        scored_areas=tuple(scored_areas),
        completeness=completeness,
        rests_on=sum(overall_parts, Completeness(0, 0)),
    )


def _completeness(
    dimension: Dimension, answers: Mapping[str, Answer], items: Mapping[str, int | None]
) -> Completeness:
    scored = applicable = 0
    for item in dimension.iter_items():
        if not item.scored:
            continue
        if items[item.code] is not None:
            scored += 1
            applicable += 1
        elif not _not_applicable(answers.get(item.code)):
            applicable += 1
    return Completeness(scored, applicable)


def _not_applicable(answer: Answer | None) -> bool:
    """An answer without a score that isn't "don't know": the item does not apply."""
    if answer is None:
        return False
    chosen = answer if isinstance(answer, tuple | list) else (answer,)
    return not UNKNOWN_OPTIONS.intersection(chosen)


def item_score(item: Item, answer: Answer | None, *, people: int | None = None) -> int | None:
    """The 0–4 score of one cleaned answer; None when unanswered or not applicable, and for a
    per-person item when the number of people is unknown."""
    if answer is None:
        return None
    if item.kind == "number":
        if not isinstance(answer, int | float):
            raise ValueError(f"item {item.code!r} needs a number, not {answer!r}")
        if not item.per_person:
            return _band(item.bands, answer, item.code)
        if not people or people < 1:
            return None
        return _band(item.bands, Fraction(str(answer)) / people, item.code)
    if item.kind == "single":
        if not isinstance(answer, str):
            raise ValueError(f"item {item.code!r} needs one option code, not {answer!r}")
        return _option(item, answer).score
    if not isinstance(answer, tuple | list):
        raise ValueError(f"item {item.code!r} needs a tuple of option codes, not {answer!r}")
    chosen = [_option(item, code) for code in answer]
    scores = [option.score for option in chosen if option.score is not None]
    if not scores:
        return None
    if not item.breadth:
        return max(scores)
    breadth = sum(1 for option in chosen if option.score is not None and not option.exclusive)
    if breadth == 0:
        # Only an exclusive option such as "none" was chosen: it carries its own score.
        return max(scores)
    return _band(item.breadth, breadth, item.code)


def _option(item: Item, code: str) -> Option:
    try:
        return item.option(code)
    except KeyError:
        raise ValueError(f"item {item.code!r} has no option {code!r}") from None


def _band(bands: tuple[tuple[float, int], ...], value: float | Fraction, item_code: str) -> int:
    """The score of the highest threshold at or below `value`, compared exactly (a threshold
    written 0.01 is one hundredth, as for weights)."""
    scores = [score for threshold, score in bands if exactly(threshold) <= value]
    if not scores:
        raise ValueError(f"item {item_code!r}: {value} is below its first band")
    return scores[-1]


def _weighted_mean(pairs: Iterable[tuple[Fraction, Fraction | None]]) -> Fraction | None:
    """Σ(w·s) / Σ(w) over the pairs that have a score; None when none has."""
    total = weights = Fraction(0)
    for weight, score in pairs:
        if score is not None:
            total += weight * score
            weights += weight
    return total / weights if weights else None


def exactly(number: float) -> Fraction:
    """A weight or threshold of the instrument file as the fraction it is written as: through
    str, so 0.1 counts as exactly one tenth."""
    return Fraction(str(number))


def _score(score: int | None) -> Fraction | None:
    return None if score is None else Fraction(score)


def _round_half_up(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))
