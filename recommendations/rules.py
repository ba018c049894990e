"""When a catalogue action applies: rules written as data (YAML, the admin, CSV), not code.

A rule is a mapping with exactly one subject key:

- ``{all: [rule, …]}``, ``{any: [rule, …]}``, ``{not: rule}``
- ``{answer: ITEM, includes: OPTION}`` (a multi-choice answer contains it, a single equals it),
  ``{answer: ITEM, includes_any: [OPTION, …]}``
- ``{answer: ITEM, lacks: OPTION}``, ``{answer: ITEM, lacks_all: [OPTION, …]}``
  (unanswered counts as lacking)
- ``{answer: ITEM, in: [OPTION, …]}`` (a single-choice answer is one of them)
- ``{answer: ITEM, unanswered: true}``
- ``{answer: ITEM, below: N}``, ``{answer: ITEM, at_least: N}`` (number items)
- ``{area: AREA, below: N}``, ``{dimension: DIM, below: N}`` (0–100 score strictly below N)
- ``{stage: [A, B, …]}`` (``none`` matches an undetermined stage)
- ``{missing: CONDITION}`` (the next stage's missing conditions include it)
- ``{profile: FIELD, is: VALUE}``, ``{profile: FIELD, in: [VALUE, …]}`` (FirmProfile fields),
  ``{profile: FIELD, below: N}``, ``{profile: FIELD, at_least: N}`` (its number fields)

Unanswered items, unscored areas and unknown profile facts make every test false except
``lacks``, ``lacks_all`` and ``unanswered``. :func:`rule_problems` says what is wrong with a
rule in plain English; :func:`rule_holds` evaluates a rule on a firm's :class:`RuleFacts`.
"""

from __future__ import annotations

import dataclasses
import math
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from diagnostic.instrument import Answer, Instrument, Item
from diagnostic.scoring import ScoreResult
from diagnostic.stages import CONDITION_CODES, STAGES, StagePlacement
from recommendations.catalogue import FirmProfile

UNDETERMINED_STAGE = "none"

# Subject keys, and the test keys each subject takes (stage, missing and the combinators
# carry their value in the subject key itself).
SUBJECTS = ("all", "any", "not", "answer", "area", "dimension", "stage", "missing", "profile")
TESTS: dict[str, tuple[str, ...]] = {
    "answer": (
        "includes",
        "includes_any",
        "lacks",
        "lacks_all",
        "in",
        "unanswered",
        "below",
        "at_least",
    ),
    "area": ("below",),
    "dimension": ("below",),
    "profile": ("is", "in", "below", "at_least"),
}
_ONE_OPTION = ("includes", "lacks")
_OPTION_LISTS = ("includes_any", "lacks_all", "in")
_NUMBER_TESTS = ("below", "at_least")
_KIND_NAMES = {"single": "a single-choice", "multi": "a multi-choice", "number": "a number"}

Rule = Mapping[str, Any]


class RuleError(ValueError):
    """A rule with problems; `problems` lists every one of them."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid rule:\n" + "\n".join(f"- {p}" for p in problems))


@dataclass(frozen=True)
class RuleFacts:
    """What rules can read of one firm: cleaned answers, 0–100 scores, stage and profile."""

    answers: Mapping[str, Answer] = field(default_factory=dict)
    areas: Mapping[str, int | None] = field(default_factory=dict)
    dimensions: Mapping[str, int | None] = field(default_factory=dict)
    stage: str | None = None
    missing: tuple[str, ...] = ()
    profile: FirmProfile = field(default_factory=FirmProfile)


def facts_from_result(
    answers: Mapping[str, Answer],
    scores: ScoreResult,
    placement: StagePlacement,
    profile: FirmProfile,
) -> RuleFacts:
    """The facts of a diagnostic just scored and placed."""
    return RuleFacts(
        answers=dict(answers),
        areas={code: score.value for code, score in scores.areas.items()},
        dimensions={code: score.value for code, score in scores.dimensions.items()},
        stage=placement.stage,
        missing=tuple(condition.code for condition in placement.missing),
        profile=profile,
    )


def facts_from_stored(
    answers: Mapping[str, Any], stored_result: Mapping[str, Any], profile: FirmProfile
) -> RuleFacts:
    """The facts of a submitted assessment: stored answers and its stored result.

    `stored_result` holds ``{"scores": ScoreResult.to_dict(), "stage": StagePlacement.to_dict()}``.
    """
    scores = stored_result["scores"]
    placement = StagePlacement.from_dict(stored_result["stage"])
    return RuleFacts(
        # JSON gives multi-choice answers back as lists.
        answers={
            code: tuple(value) if isinstance(value, list) else value
            for code, value in answers.items()
        },
        areas={code: score["value"] for code, score in scores["areas"].items()},
        dimensions={code: score["value"] for code, score in scores["dimensions"].items()},
        stage=placement.stage,
        missing=tuple(condition.code for condition in placement.missing),
        profile=profile,
    )


# --- Evaluation ------------------------------------------------------------------------------


def rule_holds(rule: Rule | None, facts: RuleFacts) -> bool:
    """Whether the rule holds for the firm; no rule always holds. RuleError on a bad rule."""
    if rule is None:
        return True
    problems = rule_problems(rule)
    if problems:
        raise RuleError(problems)
    return _holds(rule, facts)


def _holds(rule: Rule, facts: RuleFacts) -> bool:
    if "all" in rule:
        return all(_holds(part, facts) for part in rule["all"])
    if "any" in rule:
        return any(_holds(part, facts) for part in rule["any"])
    if "not" in rule:
        return not _holds(rule["not"], facts)
    if "answer" in rule:
        return _answer_holds(rule, facts.answers.get(rule["answer"]))
    if "area" in rule:
        return _below(facts.areas.get(rule["area"]), rule["below"])
    if "dimension" in rule:
        return _below(facts.dimensions.get(rule["dimension"]), rule["below"])
    if "stage" in rule:
        return (facts.stage or UNDETERMINED_STAGE) in rule["stage"]
    if "missing" in rule:
        return rule["missing"] in facts.missing
    value = getattr(facts.profile, rule["profile"])
    if value is None:
        return False
    if "below" in rule:
        return value < rule["below"]
    if "at_least" in rule:
        return value >= rule["at_least"]
    return value == rule["is"] if "is" in rule else value in rule["in"]


def rule_requires_profile(rule: Rule | None, name: str) -> bool:
    """Whether the rule holds only for some values of the profile field `name` (it tests
    the field outside any `not`): an action made for, say, some sectors."""
    if rule is None:
        return False
    if "all" in rule or "any" in rule:
        return any(rule_requires_profile(part, name) for part in rule.get("all", rule.get("any")))
    return rule.get("profile") == name


def _answer_holds(rule: Rule, answer: Answer | None) -> bool:
    chosen = _chosen(answer)
    if "includes" in rule:
        return rule["includes"] in chosen
    if "includes_any" in rule:
        return not chosen.isdisjoint(rule["includes_any"])
    if "lacks" in rule:
        return rule["lacks"] not in chosen
    if "lacks_all" in rule:
        return chosen.isdisjoint(rule["lacks_all"])
    if "in" in rule:
        return isinstance(answer, str) and answer in rule["in"]
    if "unanswered" in rule:
        return _is_unanswered(answer) == rule["unanswered"]
    # Python counts a bool as an int, but no answer is a bool.
    if isinstance(answer, bool) or not isinstance(answer, int | float):
        return False
    return answer < rule["below"] if "below" in rule else answer >= rule["at_least"]


def _chosen(answer: Answer | None) -> frozenset[str]:
    if isinstance(answer, str):
        return frozenset({answer}) if answer else frozenset()
    if isinstance(answer, tuple | list):
        return frozenset(answer)
    return frozenset()


def _is_unanswered(answer: Answer | None) -> bool:
    return answer is None or (isinstance(answer, str | tuple | list) and not answer)


def _below(score: int | None, threshold: float) -> bool:
    return score is not None and score < threshold


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


# --- Checking --------------------------------------------------------------------------------


def rule_problems(rule: Any, instrument: Instrument | None = None) -> list[str]:
    """Every problem of a rule, in plain English; with an instrument, its codes are checked too."""
    if rule is None:
        return []
    checker = _Checker(instrument)
    checker.rule(rule, "")
    return checker.problems


def _profile_types() -> dict[str, type]:
    """The type of each FirmProfile field, without its None."""
    hints = typing.get_type_hints(FirmProfile)
    types: dict[str, type] = {}
    for profile_field in dataclasses.fields(FirmProfile):
        args = [arg for arg in typing.get_args(hints[profile_field.name]) if arg is not type(None)]
        types[profile_field.name] = args[0]
    return types


PROFILE_TYPES = _profile_types()
_TYPE_NAMES = {str: "text", bool: "true or false", int: "a whole number", Decimal: "a number"}


class _Checker:
    """Walks a rule and collects every problem on the way, each with where it was found."""

    def __init__(self, instrument: Instrument | None) -> None:
        self.instrument = instrument
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}" if where else message)

    def rule(self, rule: Any, where: str) -> None:
        if not isinstance(rule, Mapping):
            self.problem(where, f"a rule must be a mapping like {{stage: [D, E]}}, not {rule!r}")
            return
        subjects = [key for key in rule if key in SUBJECTS]
        if not subjects:
            self.problem(
                where,
                f"a rule must have one of the keys {', '.join(SUBJECTS)}; "
                f"it has {_listed(list(rule)) or 'none'}",
            )
            return
        if len(subjects) > 1:
            self.problem(
                where,
                f"one rule can't test {_listed(subjects)} together; list them under 'all' or 'any'",
            )
            return
        subject = subjects[0]
        tests = TESTS.get(subject, ())
        for key in rule:
            if key != subject and key not in tests:
                allowed = f" (with {subject!r} use {_listed(tests)})" if tests else ""
                self.problem(where, f"unknown key {key!r}{allowed}")
        inner = _at(where, subject)
        if subject in ("all", "any"):
            self.rule_list(rule[subject], inner)
        elif subject == "not":
            self.rule(rule["not"], inner)
        elif subject == "answer":
            self.answer(rule, where)
        elif subject in ("area", "dimension"):
            self.score(rule, subject, where)
        elif subject == "stage":
            self.stages(rule["stage"], inner)
        elif subject == "missing":
            self.condition(rule["missing"], inner)
        else:
            self.profile(rule, where)

    def rule_list(self, rules: Any, where: str) -> None:
        if not isinstance(rules, list) or not rules:
            self.problem(where, f"must be a non-empty list of rules, not {rules!r}")
            return
        for position, rule in enumerate(rules):
            self.rule(rule, f"{where}[{position}]")

    def test(self, rule: Rule, subject: str, where: str) -> str | None:
        """The one test key the rule uses, or None (reported) when it has none or several."""
        used = [key for key in TESTS[subject] if key in rule]
        if len(used) == 1:
            return used[0]
        if used:
            self.problem(
                where, f"one rule can't use {_listed(used)} together; list them under 'all'"
            )
        else:
            self.problem(
                where, f"says what to test but not how: add one of {_listed(TESTS[subject])}"
            )
        return None

    def answer(self, rule: Rule, where: str) -> None:
        code = rule["answer"]
        item = self.item(code, _at(where, "answer"))
        test = self.test(rule, "answer", where)
        if test is None:
            return
        value = rule[test]
        inner = _at(where, test)
        if test in _ONE_OPTION:
            self.option(value, item, inner)
        elif test in _OPTION_LISTS:
            self.option_list(value, item, inner)
        elif test == "unanswered":
            if not isinstance(value, bool):
                self.problem(inner, f"must be true or false, not {value!r}")
        elif not _is_number(value):
            self.problem(inner, f"must be a number, not {value!r}")
        if item is not None:
            self.item_kind(item, test, where)

    def item(self, code: Any, where: str) -> Item | None:
        if not self.code(code, where):
            return None
        if self.instrument is None:
            return None
        item = self.instrument.items.get(code)
        if item is None:
            self.problem(where, f"the instrument {self.instrument.code} has no item {code!r}")
        return item

    def item_kind(self, item: Item, test: str, where: str) -> None:
        kind = _KIND_NAMES[item.kind]
        if test in _NUMBER_TESTS and item.kind != "number":
            self.problem(where, f"{test!r} compares numbers, but {item.code!r} is {kind} question")
        elif test not in _NUMBER_TESTS and test != "unanswered" and item.kind == "number":
            self.problem(
                where,
                f"{test!r} tests chosen answers, but {item.code!r} is a number question; "
                "use 'below' or 'at_least'",
            )
        elif test == "in" and item.kind == "multi":
            self.problem(
                where,
                f"'in' tests a single-choice answer, but {item.code!r} is a multi-choice "
                "question; use 'includes_any'",
            )

    def option(self, code: Any, item: Item | None, where: str) -> None:
        if not self.code(code, where):
            return
        if item is not None and item.kind != "number" and code not in item.option_codes:
            self.problem(where, f"the question {item.code!r} has no answer {code!r}")

    def option_list(self, codes: Any, item: Item | None, where: str) -> None:
        if not isinstance(codes, list) or not codes:
            self.problem(where, f"must be a non-empty list of answer codes, not {codes!r}")
            return
        for position, code in enumerate(codes):
            self.option(code, item, f"{where}[{position}]")

    def code(self, code: Any, where: str) -> bool:
        if isinstance(code, str) and code:
            return True
        # YAML reads an unquoted yes/no/on/off as true/false, and `cross_border_sales` has `no`.
        hint = (
            " (quote it: YAML reads yes/no/on/off as true/false)" if isinstance(code, bool) else ""
        )
        self.problem(where, f"must be a code, not {code!r}{hint}")
        return False

    def score(self, rule: Rule, subject: str, where: str) -> None:
        code = rule[subject]
        inner = _at(where, subject)
        if self.code(code, inner) and self.instrument is not None:
            try:
                if subject == "area":
                    self.instrument.area(code)
                else:
                    self.instrument.dimension(code)
            except KeyError:
                self.problem(
                    inner, f"the instrument {self.instrument.code} has no {subject} {code!r}"
                )
        if "below" not in rule:
            self.problem(where, f"says which {subject} but not how: add 'below'")
            return
        threshold = rule["below"]
        if not (_is_number(threshold) and 0 < threshold <= 100):
            below = _at(where, "below")
            self.problem(below, f"must be a score above 0 and at most 100, not {threshold!r}")

    def stages(self, stages: Any, where: str) -> None:
        allowed = (*STAGES, UNDETERMINED_STAGE)
        if not isinstance(stages, list) or not stages:
            self.problem(where, f"must be a non-empty list of stages like [D, E], not {stages!r}")
            return
        for stage in stages:
            if stage not in allowed:
                self.problem(where, f"{stage!r} is not a stage: use {_listed(allowed)}")

    def condition(self, code: Any, where: str) -> None:
        if code not in CONDITION_CODES:
            self.problem(
                where, f"{code!r} is not a stage condition: use {_listed(CONDITION_CODES)}"
            )

    def profile(self, rule: Rule, where: str) -> None:
        name = rule["profile"]
        inner = _at(where, "profile")
        expected = PROFILE_TYPES.get(name) if isinstance(name, str) else None
        if expected is None:
            self.problem(
                inner, f"{name!r} is not a profile field: use {_listed(list(PROFILE_TYPES))}"
            )
        test = self.test(rule, "profile", where)
        if test is None:
            return
        value = rule[test]
        inner = _at(where, test)
        if test in _NUMBER_TESTS:
            if not _is_number(value):
                self.problem(inner, f"must be a number, not {value!r}")
            elif expected is not None and expected not in (int, Decimal):
                self.problem(inner, f"the profile field {name!r} is not a number")
            return
        values = [value] if test == "is" else value
        if test == "in" and (not isinstance(value, list) or not value):
            self.problem(inner, f"must be a non-empty list of values, not {value!r}")
            return
        if expected is None:
            return
        holds = _TYPE_NAMES.get(expected, expected.__name__)
        for one in values:
            if not _fits(one, expected):
                self.problem(inner, f"the profile field {name!r} holds {holds}, not {one!r}")


def _fits(value: Any, expected: type) -> bool:
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is Decimal:
        return _is_number(value)
    return isinstance(value, expected)


def _at(where: str, key: str) -> str:
    """The path of a key inside the rule at `where`, as problems name it."""
    return f"{where}.{key}" if where else key


def _listed(keys: Any) -> str:
    return ", ".join(repr(key) for key in keys)
