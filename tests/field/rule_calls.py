"""The calls some tests make to the roadmap's rules, written down for
tests/field/test_rule_calls_conformance.py to replay through the field app's JavaScript.

Registered by the plugin tests/field/record_rule_calls.py (``RULE_CALLS=<file>``), the
recorder wraps the names ``build_roadmap``, ``evaluate_programme``, ``rank_matches`` and
``rule_holds`` in each collected test module, so every call a test makes, through its own
helpers too, is written as one JSON line: what the client would be given (the bundle's
entries, and a rules document made in the language active at the call, as the bundle makes
it) and what the server answered, or the error it raised.
"""

import functools
import json
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from field.bundle import action_entry, programme_entry, provider_entry
from recommendations.catalogue import FirmProfile, ProgrammeMatch, ProgrammeSpec, ProviderSpec
from recommendations.client_rules import roadmap_rules
from recommendations.parsing import parse_action
from recommendations.rules import RuleFacts

VARIABLE = "RULE_CALLS"


def profile_json(profile: FirmProfile) -> dict[str, Any]:
    """The profile as the bundle gives it: decimals as text."""
    return {
        name: str(value) if isinstance(value, Decimal) else value
        for name, value in profile.__dict__.items()
    }


def facts_json(facts: RuleFacts) -> dict[str, Any]:
    return {
        "answers": {
            code: list(value) if isinstance(value, tuple | list) else value
            for code, value in facts.answers.items()
        },
        "areas": dict(facts.areas),
        "dimensions": dict(facts.dimensions),
        "stage": facts.stage,
        "missing": list(facts.missing),
        "profile": profile_json(facts.profile),
    }


def match_json(match: ProgrammeMatch) -> dict[str, Any]:
    return {
        "programme": programme_entry(match.programme),
        "eligible": str(match.eligible),
        "criteria": [
            {"code": result.code, "status": result.status, "reason": result.reason}
            for result in match.criteria
        ],
    }


def rules_for(
    programmes: Iterable[ProgrammeSpec],
    providers: Iterable[ProviderSpec],
    firms: Iterable[FirmProfile],
) -> dict[str, Any]:
    """The rules document the bundle would carry for these programmes, providers and firms,
    in the language active now."""
    firms = list(firms)
    return roadmap_rules(
        programmes=programmes,
        providers=providers,
        countries=[firm.country for firm in firms if firm.country],
        currencies=[firm.currency for firm in firms if firm.currency],
    )


# Texts the catalogue reader takes, in place of the tests' own (a test's action has one step,
# or none in Spanish): the rules never read them.
TEXTS = {
    "title": {"en": "Recorded", "es": "Grabada"},
    "why": {"en": "Recorded.", "es": "Grabada."},
    "steps": {"en": ["One.", "Two.", "Three."], "es": ["Uno.", "Dos.", "Tres."]},
}


def refused_by_catalogue(actions: Iterable[dict[str, Any]]) -> list[str]:
    """Why the catalogue reader would refuse these actions whatever their texts (so no
    bundle carries them): a broken rule, an unknown cost, effort or horizon, …"""
    return [
        problem
        for number, entry in enumerate(actions)
        for problem in parse_action(entry | TEXTS, f"action {number}")[1]
    ]


def build_roadmap_call(arguments: dict[str, Any]) -> dict[str, Any]:
    facts = arguments["facts"]
    matches = list(arguments["matches"])
    actions = [action_entry(action) for action in arguments["actions"]]
    with translation.override(arguments["language"]):
        rules = rules_for([m.programme for m in matches], arguments["providers"], [facts.profile])
    return {
        "rules": rules,
        "actions": actions,
        "providers": [provider_entry(provider) for provider in arguments["providers"]],
        "matches": [match_json(match) for match in matches],
        "facts": facts_json(facts),
        "limit": arguments.get("limit", 8),
        "refused_by_catalogue": refused_by_catalogue(actions),
    }


def evaluate_programme_call(arguments: dict[str, Any]) -> dict[str, Any]:
    programme, firm = arguments["programme"], arguments["firm"]
    return {
        "rules": rules_for([programme], [], [firm]),
        "programme": programme_entry(programme),
        "firm": profile_json(firm),
        "today": arguments["today"].isoformat(),
    }


def rank_matches_call(arguments: dict[str, Any]) -> dict[str, Any]:
    matches = list(arguments["matches"])
    arguments["matches"] = matches  # a generator would be spent
    return {
        "rules": rules_for([m.programme for m in matches], [], []),
        "matches": [match_json(match) for match in matches],
    }


def rule_holds_call(arguments: dict[str, Any]) -> dict[str, Any]:
    rule = arguments["rule"]
    entry = {
        "code": "recorded",
        "dimension": "ecommerce",
        "area": "online_store",
        "categories": ["online_store"],
        "cost": "free",
        "effort": "low",
        "horizon": "30_days",
        "when": rule,
    }
    return {
        "rules": rules_for([], [], [arguments["facts"].profile]),
        "rule": rule,
        "facts": facts_json(arguments["facts"]),
        "refused_by_catalogue": refused_by_catalogue([entry]),
    }


def evaluate_programme_result(match: ProgrammeMatch | None, arguments: dict[str, Any]) -> Any:
    if match is None:
        return None
    return {key: value for key, value in match_json(match).items() if key != "programme"}


def rank_matches_result(ranked: list[ProgrammeMatch], arguments: dict[str, Any]) -> list[int]:
    """Where each ranked match was among those given (the same match may be given twice)."""
    given = arguments["matches"]
    return [next(n for n, one in enumerate(given) if one is match) for match in ranked]


# What each wrapped function's call and answer become: its parameters' names, the call as
# the client takes it, and the answer as the client gives it.
RECORDED: dict[str, tuple[tuple[str, ...], Callable[..., Any], Callable[..., Any]]] = {
    "build_roadmap": (
        ("actions", "providers", "matches", "facts", "language", "limit"),
        build_roadmap_call,
        lambda roadmap, arguments: roadmap.to_dict(),
    ),
    "evaluate_programme": (
        ("programme", "firm", "today"),
        evaluate_programme_call,
        evaluate_programme_result,
    ),
    "rank_matches": (("matches",), rank_matches_call, rank_matches_result),
    "rule_holds": (("rule", "facts"), rule_holds_call, lambda holds, arguments: holds),
}


class Recorder:
    def __init__(self, path: Path) -> None:
        self.out = path.open("w", encoding="utf-8")
        self.test = ""

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        parameters, call_json, result_json = RECORDED[name]

        @functools.wraps(function)
        def recorded(*args: Any, **kwargs: Any) -> Any:
            arguments = dict(zip(parameters, args, strict=False)) | kwargs
            call = call_json(arguments)
            try:
                result = function(**arguments)
            except Exception as error:
                outcome: dict[str, Any] = {"error": f"{type(error).__name__}: {error}"}
                raise
            else:
                outcome = {"result": result_json(result, arguments)}
                return result
            finally:
                line = {"function": name, "test": self.test, **call, "expected": outcome}
                self.out.write(json.dumps(line, ensure_ascii=False, default=repr) + "\n")

        return recorded

    @pytest.hookimpl
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        modules = {id(m): m for item in items if (m := getattr(item, "module", None)) is not None}
        for module in modules.values():
            for name in RECORDED:
                if callable(getattr(module, name, None)):
                    setattr(module, name, self.wrap(name, getattr(module, name)))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Any:
        self.test = item.nodeid
        return (yield)

    @pytest.hookimpl
    def pytest_unconfigure(self) -> None:
        self.out.close()
