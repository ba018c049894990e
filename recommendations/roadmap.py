"""The roadmap (DESIGN 3): which catalogue actions a firm takes first, as a pure function.

Order of choice:

1. The stage gap: for each condition the firm misses for its next stage, in order, at most
   two applicable actions that address it: those made for the firm's line of activity (their
   rule asks for its sector) first, then cheapest. A firm with no internet access is
   pointed at connectivity before anything else (DESIGN 2.3), whatever its stage.
2. The weakest areas: the other actions whose rule (`when`) holds, by area score ascending
   (readiness areas count; unscored areas come last), then cheapest first.
3. Never empty: with fewer than three chosen, the cheapest applicable actions that address
   no stage condition ("deepen / automate / expand") fill up to three.

Each action lists the providers its steps use; those serving the firm's country are shown
with it, in the action's order, whatever the reader's language. Invented example providers
never appear.

Cheapest means cost (free < low < medium < high), then effort, then catalogue order: seed 002
found that firms take up free, good-enough solutions first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from diagnostic.instrument import localized
from recommendations.catalogue import (
    COSTS,
    EFFORTS,
    HORIZONS,
    OFFERED,
    ActionSpec,
    Catalogue,
    FirmProfile,
    ProgrammeMatch,
    ProviderSpec,
)
from recommendations.eligibility import evaluate_programme, rank_matches, serves
from recommendations.rules import RuleError, RuleFacts, rule_holds, rule_requires_profile

REASONS = ("stage_gap", "weak_area", "deepen")
PER_CONDITION = 2  # a choice of two ways to meet a condition, not a list of every tool
CONNECTIVITY = "capability_d_internet"
MIN_ACTIONS = 3
LINKS_PER_ACTION = 3  # programmes, and providers, shown with each action


@dataclass(frozen=True, kw_only=True)
class RoadmapAction:
    """A chosen action, why it was chosen (`reason` for `chosen_for`) and who can help."""

    action: ActionSpec
    reason: str  # one of REASONS
    chosen_for: str  # the missing condition code, or the area code
    programmes: tuple[ProgrammeMatch, ...]
    providers: tuple[ProviderSpec, ...]

    @property
    def code(self) -> str:
        return self.action.code

    @property
    def horizon(self) -> str:
        return self.action.horizon

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "horizon": self.horizon,
            "reason": self.reason,
            "for": self.chosen_for,
            "programmes": [match.programme.code for match in self.programmes],
            "providers": [provider.code for provider in self.providers],
        }


@dataclass(frozen=True, kw_only=True)
class Roadmap:
    """The chosen actions in priority order, and every programme the firm may apply to.

    `not_eligible` keeps the programmes in the firm's area that it does not qualify for, with
    the reasons: the `diagnose` command reports them; pages show only `programmes`.
    """

    actions: tuple[RoadmapAction, ...]
    programmes: tuple[ProgrammeMatch, ...]
    not_eligible: tuple[ProgrammeMatch, ...] = ()

    def by_horizon(self) -> list[tuple[str, tuple[RoadmapAction, ...]]]:
        """The actions grouped by horizon, soonest first, priority order kept inside."""
        groups = [
            (horizon, tuple(action for action in self.actions if action.horizon == horizon))
            for horizon in HORIZONS
        ]
        return [(horizon, actions) for horizon, actions in groups if actions]

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready data, as the `diagnose` command prints it."""
        return {
            "actions": [action.to_dict() for action in self.actions],
            "programmes": [
                {
                    "code": match.programme.code,
                    "eligible": match.eligible,
                    "criteria": [
                        {"code": result.code, "status": result.status, "reason": result.reason}
                        for result in match.criteria
                    ],
                }
                for match in (*self.programmes, *self.not_eligible)
            ],
        }


def build_roadmap(
    *,
    actions: Sequence[ActionSpec],
    providers: Sequence[ProviderSpec],
    matches: Sequence[ProgrammeMatch],
    facts: RuleFacts,
    language: str,
    limit: int = 8,
) -> Roadmap:
    """The firm's prioritised roadmap; `matches` come from recommendations.eligibility."""
    if limit < 1:
        raise ValueError(f"a roadmap needs room for at least one action, not {limit}")
    for action in actions:
        _check_action(action)
    offered = _offered(matches, language)
    return Roadmap(
        actions=tuple(
            RoadmapAction(
                action=action,
                reason=reason,
                chosen_for=chosen_for,
                programmes=_programmes_for(action, offered),
                providers=_providers_for(action, providers, facts.profile),
            )
            for action, reason, chosen_for in _choose(actions, facts, limit)
        ),
        programmes=offered,
        not_eligible=tuple(
            sorted(
                (match for match in matches if match.eligible not in OFFERED),
                key=lambda match: localized(match.programme.name, language).casefold(),
            )
        ),
    )


def _choose(
    actions: Sequence[ActionSpec], facts: RuleFacts, limit: int
) -> list[tuple[ActionSpec, str, str]]:
    """The actions in priority order, each with its reason and what it was chosen for."""
    applicable = [action for action in actions if _applies(action, facts)]
    chosen: list[tuple[ActionSpec, str, str]] = []
    taken: set[str] = set()

    def take(candidates: Iterable[ActionSpec], reason: str, chosen_for: str | None, n: int) -> None:
        for action in candidates:
            if n <= 0 or len(chosen) >= limit:
                return
            if action.code not in taken:
                chosen.append((action, reason, chosen_for or action.area))
                taken.add(action.code)
                n -= 1

    # sorted() is stable, so equal keys keep catalogue order.
    conditions = list(facts.missing)
    if facts.answers.get("internet_access") == "none":
        conditions = [CONNECTIVITY] + [c for c in conditions if c != CONNECTIVITY]
    for condition in conditions:
        addressing = [action for action in applicable if condition in action.addresses]
        take(sorted(addressing, key=_fit), "stage_gap", condition, PER_CONDITION)

    # Actions for a missing condition come only through the stage gap, so the cap holds.
    missing = set(conditions)
    triggered = [
        action
        for action in applicable
        if action.when is not None and missing.isdisjoint(action.addresses)
    ]
    take(
        sorted(triggered, key=lambda action: (_weakness(facts, action), _cheapness(action))),
        "weak_area",
        None,
        len(triggered),
    )

    # Fillers address no stage condition: the firm has met those, or just got two for them.
    fillers = [action for action in applicable if not action.addresses]
    take(sorted(fillers, key=_cheapness), "deepen", None, MIN_ACTIONS - len(chosen))
    return chosen


def _applies(action: ActionSpec, facts: RuleFacts) -> bool:
    try:
        return rule_holds(action.when, facts)
    except RuleError as error:
        raise RuleError([f"action {action.code!r}: {p}" for p in error.problems]) from None


def _fit(action: ActionSpec) -> tuple[bool, int, int]:
    """Made for firms of this activity first (its rule asks for the firm's sector), then
    cheapest: delivery apps before a generic web shop for an urban bakery."""
    return (not rule_requires_profile(action.when, "sector"), *_cheapness(action))


def _cheapness(action: ActionSpec) -> tuple[int, int]:
    return COSTS.index(action.cost), EFFORTS.index(action.effort)


def _weakness(facts: RuleFacts, action: ActionSpec) -> tuple[bool, int]:
    """Weakest area first; an area without a score after every scored one."""
    score = facts.areas.get(action.area)
    return (score is None, score or 0)


def _check_action(action: ActionSpec) -> None:
    for what, value, allowed in (
        ("cost", action.cost, COSTS),
        ("effort", action.effort, EFFORTS),
        ("horizon", action.horizon, HORIZONS),
    ):
        if value not in allowed:
            raise ValueError(
                f"action {action.code!r}: {what} must be one of {', '.join(allowed)}, not {value!r}"
            )


def _offered(matches: Sequence[ProgrammeMatch], language: str) -> tuple[ProgrammeMatch, ...]:
    """Matches the firm may apply to: "yes" before "check", then by name."""
    return tuple(
        sorted(
            (match for match in matches if match.eligible in OFFERED),
            key=lambda match: (
                OFFERED.index(match.eligible),
                localized(match.programme.name, language).casefold(),
                match.programme.code,
            ),
        )
    )


def _programmes_for(
    action: ActionSpec, offered: tuple[ProgrammeMatch, ...]
) -> tuple[ProgrammeMatch, ...]:
    categories = set(action.categories)
    sharing = [match for match in offered if categories.intersection(match.programme.categories)]
    return tuple(sharing[:LINKS_PER_ACTION])


def _providers_for(
    action: ActionSpec, providers: Sequence[ProviderSpec], firm: FirmProfile
) -> tuple[ProviderSpec, ...]:
    """The providers the action's steps use, in the action's order, that surely serve where
    the firm is: a Mexican firm reading in English still sees Clip. Invented examples never."""
    by_code = {provider.code: provider for provider in providers if not provider.is_example}
    suitable = [
        by_code[code]
        for code in action.providers
        if code in by_code and serves(by_code[code].coverage, firm)
    ]
    return tuple(suitable[:LINKS_PER_ACTION])


def plan_roadmap(
    *, catalogue: Catalogue, facts: RuleFacts, language: str, today: date, limit: int = 8
) -> Roadmap:
    """Eligibility for every programme, then the roadmap; call it in the reader's language."""
    matches = [
        match
        for programme in catalogue.programmes
        if (match := evaluate_programme(programme, facts.profile, today=today)) is not None
    ]
    return build_roadmap(
        actions=catalogue.actions,
        providers=catalogue.providers,
        matches=rank_matches(matches),
        facts=facts,
        language=language,
        limit=limit,
    )
