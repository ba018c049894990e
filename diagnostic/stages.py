"""Placement on the A–E digital journey (DESIGN 2.3), by what the firm does, not by its score.

The stage is the highest one whose channel and capability conditions both hold. Only the
canonical items (DESIGN 2.4) are read. The rules come in versions, chosen by the instrument
version (:func:`stage_rules_for`): a stored result is always explained by the rules that
placed it.

Version 2 (``mydigitalsme-v2`` and later), as data in ``V2_CHANNELS`` and ``V2_A_SOFTWARE``:
each stage has its own channels (a global marketplace is a channel of A and of B); A also
needs three kinds of business software (not cloud storage) and a way to be paid from abroad,
D needs internet access; B and C need nothing more, since a marketplace collects the payment.
A website, map listing or social profile without online sales is not a channel: the firm is
E, and told so. Without an answer to ``sales_channels`` the stage is undetermined (None).

Version 1 (stored v1 results), described below: a higher channel implies the lower ones, and
when neither ``sales_channels`` nor ``online_presence`` is answered the stage is undetermined.

Condition codes (stable: the roadmap maps them to actions):

- ``channel_a``: sells on a global marketplace, or sells abroad regularly
  (``cross_border_sales`` = ``regular``) through its own online store or a national marketplace.
- ``capability_a_software``: uses at least three kinds of business software among
  accounting, inventory, ERP, CRM, e-invoicing and cloud storage;
  params ``have`` (how many now) and ``need`` (3).
- ``capability_a_payments``: accepts payments through an online gateway or from abroad.
- ``channel_b``: sells on a national marketplace (or meets ``channel_a``).
- ``capability_b_payments``: accepts card, mobile-wallet, online-gateway or cross-border payments.
- ``channel_c``: sells through its own online store or a local marketplace or delivery app
  (or meets ``channel_b``).
- ``channel_d``: has any online presence, or sells through messaging apps or social media
  (or meets ``channel_c``).
- ``capability_d_internet``: ``internet_access`` is not ``none`` (unanswered does not block).

Version 2 adds the facts ``sells_b2b_online``, ``sells_public_procurement``,
``paid_from_abroad``, ``has_website``, ``has_maps_listing``, ``has_social_profile``,
``has_messaging_profile`` and ``no_online_sales``.

Fact codes (why a firm is where it is): ``sells_global_marketplace``,
``sells_regularly_abroad``, ``sells_national_marketplace``, ``sells_own_store``,
``sells_local_marketplace``, ``has_online_presence``, ``sells_messaging_social``,
``uses_business_software``, ``accepts_online_payments``, ``accepts_digital_payments``,
``has_internet``, and for stage E ``no_online_channel`` and ``no_internet``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import (
    gettext,
    gettext_lazy,
    ngettext,
    npgettext,
    pgettext,
    pgettext_lazy,
)

from diagnostic.instrument import Answer

STAGES: dict[str, Promise] = {
    "A": gettext_lazy("Global digital firm"),
    "B": gettext_lazy("Marketplace seller"),
    "C": gettext_lazy("Online store seller"),
    "D": gettext_lazy("Social seller"),
    "E": gettext_lazy("Incipient digitizer"),
}

A_SOFTWARE = frozenset({"accounting", "inventory", "erp", "crm", "e_invoicing", "cloud_storage"})
A_SOFTWARE_NEEDED = 3
A_PAYMENTS = frozenset({"online_gateway", "cross_border"})
B_PAYMENTS = frozenset({"card_terminal", "mobile_wallet", "online_gateway", "cross_border"})

# Version 2 (DESIGN 2.3): the facts that are a channel of each stage, any one of them.
V2_CHANNELS: dict[str, tuple[str, ...]] = {
    "A": ("sells_global_marketplace", "sells_regularly_abroad"),
    "B": ("sells_global_marketplace", "sells_national_marketplace"),
    "C": (
        "sells_own_store",
        "sells_local_marketplace",
        "sells_b2b_online",
        "sells_public_procurement",
    ),
    "D": ("sells_messaging_social",),
}
# Kinds of business software that count for stage A; free cloud storage alone does not.
V2_A_SOFTWARE = A_SOFTWARE - {"cloud_storage"}
# The channels through which regular sales abroad make a stage A channel.
ABROAD_THROUGH = ("sells_own_store", "sells_national_marketplace", "sells_b2b_online")
PRESENCE_FACTS = {
    "website": "has_website",
    "maps_listing": "has_maps_listing",
    "social_profile": "has_social_profile",
    "messaging_business": "has_messaging_profile",
}

# Every condition code a placement can report missing (see the module docstring).
CONDITION_CODES: tuple[str, ...] = (
    "channel_a",
    "capability_a_software",
    "capability_a_payments",
    "channel_b",
    "capability_b_payments",
    "channel_c",
    "channel_d",
    "capability_d_internet",
)

# The answers without which the stage stays undetermined.
PLACEMENT_ITEMS = ("sales_channels", "online_presence")

# Channel facts by the stage whose channel condition they satisfy.
CHANNEL_FACTS: dict[str, tuple[str, ...]] = {
    "A": ("sells_global_marketplace", "sells_regularly_abroad"),
    "B": ("sells_national_marketplace",),
    "C": ("sells_own_store", "sells_local_marketplace"),
    "D": ("has_online_presence", "sells_messaging_social"),
}


@dataclass(frozen=True)
class Condition:
    """One condition of a stage; `code` is stable, `params` holds counts for the message."""

    code: str
    params: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}


@dataclass(frozen=True)
class Gap:
    """A higher stage whose channel condition holds (`facts`) but whose capability does not."""

    stage: str
    facts: tuple[str, ...]
    missing: tuple[Condition, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "facts": list(self.facts),
            "missing": [condition.to_dict() for condition in self.missing],
        }


@dataclass(frozen=True)
class StagePlacement:
    """Where a firm stands, why, and what it lacks for the next stage; None: undetermined."""

    stage: str | None
    facts: tuple[str, ...] = ()
    blocked: tuple[Gap, ...] = ()
    next_stage: str | None = None
    missing: tuple[Condition, ...] = ()
    missing_answers: tuple[str, ...] = ()
    rules: str = "v1"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rules": self.rules,
            "stage": self.stage,
            "facts": list(self.facts),
            "blocked": [gap.to_dict() for gap in self.blocked],
            "next_stage": self.next_stage,
            "missing": [condition.to_dict() for condition in self.missing],
            "missing_answers": list(self.missing_answers),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StagePlacement:
        """The placement stored by `to_dict`, as submitted assessments keep it."""
        return cls(
            stage=data["stage"],
            facts=tuple(data["facts"]),
            blocked=tuple(
                Gap(
                    stage=gap["stage"],
                    facts=tuple(gap["facts"]),
                    missing=tuple(Condition(**condition) for condition in gap["missing"]),
                )
                for gap in data["blocked"]
            ),
            next_stage=data["next_stage"],
            missing=tuple(Condition(**condition) for condition in data["missing"]),
            missing_answers=tuple(data["missing_answers"]),
            rules=data.get("rules", "v1"),
        )


@dataclass(frozen=True)
class Explanation:
    """A placement in sentences of the active language."""

    summary: str
    gaps: tuple[str, ...]
    next_steps: tuple[str, ...]
    missing_answers: str


def stage_rules_for(instrument_code: str) -> str:
    """The version of the stage rules that places answers to this instrument version."""
    return "v1" if instrument_code == "mydigitalsme-v1" else "v2"


def place_stage(answers: Mapping[str, Answer], rules: str = "v1") -> StagePlacement:
    """The A–E stage of a firm from its cleaned answers (DESIGN 2.3); never a guess."""
    if rules == "v2":
        return _place_v2(answers)
    if not any(_chosen(answers, code) for code in PLACEMENT_ITEMS):
        return StagePlacement(stage=None, missing_answers=PLACEMENT_ITEMS)
    firm = _Firm(answers)
    blocked: list[Gap] = []
    for stage in ("A", "B", "C", "D"):
        if not firm.channel_facts(stage):
            continue
        unmet = firm.unmet_capability(stage)
        if not unmet:
            return _placement(firm, stage, blocked)
        blocked.append(Gap(stage, firm.channel_facts(stage), unmet))
    return _placement(firm, "E", blocked)


def _placement(firm: _Firm, stage: str, blocked: list[Gap]) -> StagePlacement:
    if stage == "E":
        facts: tuple[str, ...] = ("no_online_channel",) if not firm.channel_facts("D") else ()
        facts += ("no_internet",) if firm.internet == "none" else ()
    else:
        facts = firm.channel_facts(stage) + firm.capability_facts(stage)
    next_stage = {"B": "A", "C": "B", "D": "C", "E": "D"}.get(stage)
    missing: tuple[Condition, ...] = ()
    if next_stage:
        if not firm.channel_facts(next_stage):
            missing += (Condition(f"channel_{next_stage.lower()}"),)
        missing += firm.unmet_capability(next_stage)
    return StagePlacement(
        stage=stage, facts=facts, blocked=tuple(blocked), next_stage=next_stage, missing=missing
    )


class _Firm:
    """The canonical answers that matter for placement, as sets of chosen codes."""

    def __init__(self, answers: Mapping[str, Answer]) -> None:
        self.sales = _chosen(answers, "sales_channels")
        self.presence = _chosen(answers, "online_presence") - {"none"}
        self.payments = _chosen(answers, "payments_accepted")
        self.software = _chosen(answers, "business_software") & A_SOFTWARE
        internet = _chosen(answers, "internet_access")
        self.internet = next(iter(internet)) if internet else None
        cross_border = _chosen(answers, "cross_border_sales")
        self.sells_abroad_regularly = "regular" in cross_border and bool(
            self.sales & {"own_online_store", "national_marketplace"}
        )

    @cached_property
    def facts(self) -> dict[str, bool]:
        return {
            "sells_global_marketplace": "global_marketplace" in self.sales,
            "sells_regularly_abroad": self.sells_abroad_regularly,
            "sells_national_marketplace": "national_marketplace" in self.sales,
            "sells_own_store": "own_online_store" in self.sales,
            "sells_local_marketplace": "local_marketplace_or_app" in self.sales,
            "has_online_presence": bool(self.presence),
            "sells_messaging_social": bool(self.sales & {"messaging_apps", "social_media"}),
        }

    def channel_facts(self, stage: str) -> tuple[str, ...]:
        """The facts meeting the stage's channel condition, its own or a higher stage's."""
        stages = "ABCD"[: "ABCD".index(stage) + 1]
        return tuple(f for s in stages for f in CHANNEL_FACTS[s] if self.facts[f])

    def unmet_capability(self, stage: str) -> tuple[Condition, ...]:
        unmet: list[Condition] = []
        if stage == "A":
            if len(self.software) < A_SOFTWARE_NEEDED:
                params = {"have": len(self.software), "need": A_SOFTWARE_NEEDED}
                unmet.append(Condition("capability_a_software", params))
            if not self.payments & A_PAYMENTS:
                unmet.append(Condition("capability_a_payments"))
        elif stage == "B" and not self.payments & B_PAYMENTS:
            unmet.append(Condition("capability_b_payments"))
        elif stage == "D" and self.internet == "none":
            unmet.append(Condition("capability_d_internet"))
        return tuple(unmet)

    def capability_facts(self, stage: str) -> tuple[str, ...]:
        if stage == "A":
            return ("uses_business_software", "accepts_online_payments")
        if stage == "B":
            return ("accepts_digital_payments",)
        if stage == "D" and self.internet is not None:
            return ("has_internet",)
        return ()


def _place_v2(answers: Mapping[str, Answer]) -> StagePlacement:
    if not _chosen(answers, "sales_channels"):
        return StagePlacement(stage=None, missing_answers=("sales_channels",), rules="v2")
    firm = _FirmV2(answers)
    blocked: list[Gap] = []
    stage = "E"
    for candidate in ("A", "B", "C", "D"):
        channels = firm.channel_facts(candidate)
        if not channels:
            continue
        unmet = firm.unmet_capability(candidate)
        if not unmet:
            stage = candidate
            break
        blocked.append(Gap(candidate, channels, unmet))
    if stage == "E":
        facts = firm.presence_facts + ("no_online_sales",)
        facts += ("no_internet",) if firm.internet == "none" else ()
    else:
        facts = firm.channel_facts(stage) + firm.capability_facts(stage)
    next_stage = firm.next_stage(stage)
    missing: tuple[Condition, ...] = ()
    if next_stage:
        if not firm.channel_facts(next_stage):
            missing += (Condition(f"channel_{next_stage.lower()}"),)
        missing += firm.unmet_capability(next_stage)
    return StagePlacement(
        stage=stage,
        facts=facts,
        blocked=tuple(blocked),
        next_stage=next_stage,
        missing=missing,
        rules="v2",
    )


class _FirmV2:
    """The canonical answers as version 2 of the rules reads them."""

    def __init__(self, answers: Mapping[str, Answer]) -> None:
        self.sales = _chosen(answers, "sales_channels")
        self.presence = _chosen(answers, "online_presence") - {"none"}
        self.payments = _chosen(answers, "payments_accepted")
        self.software = _chosen(answers, "business_software") & V2_A_SOFTWARE
        internet = _chosen(answers, "internet_access")
        self.internet = next(iter(internet)) if internet else None
        regular = "regular" in _chosen(answers, "cross_border_sales")
        self.facts = {
            "sells_global_marketplace": "global_marketplace" in self.sales,
            "sells_regularly_abroad": regular
            and bool(self.sales & {"own_online_store", "national_marketplace", "b2b_online"}),
            "sells_national_marketplace": "national_marketplace" in self.sales,
            "sells_own_store": "own_online_store" in self.sales,
            "sells_local_marketplace": "local_marketplace_or_app" in self.sales,
            "sells_b2b_online": "b2b_online" in self.sales,
            "sells_public_procurement": "public_procurement" in self.sales,
            "sells_messaging_social": bool(self.sales & {"messaging_apps", "social_media"}),
        }
        self.presence_facts = tuple(
            fact for code, fact in PRESENCE_FACTS.items() if code in self.presence
        )

    def channel_facts(self, stage: str) -> tuple[str, ...]:
        facts = tuple(fact for fact in V2_CHANNELS[stage] if self.facts[fact])
        if stage == "A" and self.facts["sells_regularly_abroad"]:
            # and through which channel it sells abroad
            facts += tuple(fact for fact in ABROAD_THROUGH if self.facts[fact])
        return facts

    def paid_from_abroad(self) -> bool:
        return bool(
            self.payments & A_PAYMENTS
            or self.facts["sells_global_marketplace"]  # the marketplace collects and pays out
            or ("bank_transfer" in self.payments and self.facts["sells_b2b_online"])
        )

    def unmet_capability(self, stage: str) -> tuple[Condition, ...]:
        unmet: list[Condition] = []
        if stage == "A":
            if len(self.software) < A_SOFTWARE_NEEDED:
                params = {"have": len(self.software), "need": A_SOFTWARE_NEEDED}
                unmet.append(Condition("capability_a_software", params))
            if not self.paid_from_abroad():
                unmet.append(Condition("capability_a_payments"))
        elif stage == "D" and self.internet == "none":
            unmet.append(Condition("capability_d_internet"))
        return tuple(unmet)

    def capability_facts(self, stage: str) -> tuple[str, ...]:
        if stage == "A":
            return ("uses_business_software", "paid_from_abroad")
        if stage == "D" and self.internet is not None:
            return ("has_internet",)
        return ()

    def next_stage(self, stage: str) -> str | None:
        """The stage to aim at: business-to-business sellers go for A, not for marketplaces."""
        if stage == "C" and self.facts["sells_b2b_online"]:
            return "A"
        return {"B": "A", "C": "B", "D": "C", "E": "D"}.get(stage)


def _chosen(answers: Mapping[str, Answer], code: str) -> frozenset[str]:
    answer = answers.get(code)
    if answer is None or answer == "":
        return frozenset()
    if isinstance(answer, str):
        return frozenset({answer})
    if isinstance(answer, tuple | list):
        return frozenset(answer)
    raise ValueError(f"{code!r} needs option codes, not {answer!r}")


# --- Explanation ------------------------------------------------------------------------------

# Clauses that complete "because …" (and, capitalised, start a gap sentence).
_FACTS: dict[str, Promise] = {
    "sells_global_marketplace": pgettext_lazy("stage fact", "you sell on a global marketplace"),
    "sells_regularly_abroad": pgettext_lazy(
        "stage fact",
        "you sell abroad regularly through your own online store or a national marketplace",
    ),
    "sells_national_marketplace": pgettext_lazy("stage fact", "you sell on a national marketplace"),
    "sells_own_store": pgettext_lazy("stage fact", "you sell through your own online store"),
    "sells_local_marketplace": pgettext_lazy(
        "stage fact", "you sell through a local marketplace or delivery app"
    ),
    "has_online_presence": pgettext_lazy("stage fact", "you have an online presence"),
    "sells_messaging_social": pgettext_lazy(
        "stage fact", "you sell through messaging apps or social media"
    ),
    "uses_business_software": pgettext_lazy(
        "stage fact", "you use at least three kinds of business software"
    ),
    "accepts_online_payments": pgettext_lazy("stage fact", "you accept online payments"),
    "accepts_digital_payments": pgettext_lazy(
        "stage fact", "you accept card, mobile-wallet or online payments"
    ),
    "has_internet": pgettext_lazy("stage fact", "you have internet access"),
    "no_online_channel": pgettext_lazy(
        "stage fact", "you don’t sell or show your business online yet"
    ),
    "no_internet": pgettext_lazy("stage fact", "you have no internet access"),
    # Version 2
    "sells_b2b_online": pgettext_lazy(
        "stage fact", "business clients order from you by e-mail or B2B platforms"
    ),
    "sells_public_procurement": pgettext_lazy(
        "stage fact", "you sell to government through e-procurement portals"
    ),
    "paid_from_abroad": pgettext_lazy("stage fact", "you can be paid from abroad"),
    "has_website": pgettext_lazy("stage fact", "you have a website"),
    "has_maps_listing": pgettext_lazy("stage fact", "your business is on online maps"),
    "has_social_profile": pgettext_lazy("stage fact", "you have a social media profile"),
    "has_messaging_profile": pgettext_lazy("stage fact", "you have a business messaging profile"),
    "no_online_sales": pgettext_lazy("stage fact", "you don’t sell online yet"),
}
# Version 2 facts worded for its rules where version 1 says something else.
_FACTS_V2: dict[str, Promise] = {
    "sells_regularly_abroad": pgettext_lazy("stage fact", "you sell abroad regularly"),
    "sells_local_marketplace": pgettext_lazy(
        "stage fact", "you sell through a local delivery or booking app"
    ),
    "uses_business_software": pgettext_lazy(
        "stage fact", "you use at least three kinds of business software for your operations"
    ),
}

# Clauses that complete "you need to …"; capability_a_software has its own, with counts.
_CONDITIONS: dict[str, Promise] = {
    "channel_a": pgettext_lazy(
        "stage condition",
        "sell on a global marketplace, or sell abroad regularly through your own online "
        "store or a national marketplace",
    ),
    "capability_a_payments": pgettext_lazy(
        "stage condition", "accept online payments through a payment gateway or from abroad"
    ),
    "channel_b": pgettext_lazy("stage condition", "sell on a national marketplace"),
    "capability_b_payments": pgettext_lazy(
        "stage condition", "accept card, mobile-wallet or online payments"
    ),
    "channel_c": pgettext_lazy(
        "stage condition",
        "sell through your own online store or a local marketplace or delivery app",
    ),
    "channel_d": pgettext_lazy(
        "stage condition",
        "show your business online, or sell through messaging apps or social media",
    ),
    "capability_d_internet": pgettext_lazy("stage condition", "have internet access"),
}

_CONDITIONS_V2: dict[str, Promise] = {
    "channel_a": pgettext_lazy(
        "stage condition",
        "sell on a global marketplace, or sell abroad regularly through your own online "
        "store, a national marketplace or orders from business clients",
    ),
    "capability_a_payments": pgettext_lazy(
        "stage condition",
        "be able to get paid from abroad: an online payment gateway, international payments, "
        "or a global marketplace that collects for you",
    ),
    "channel_b": pgettext_lazy(
        "stage condition", "sell on a national or global marketplace that collects for you"
    ),
    "channel_c": pgettext_lazy(
        "stage condition",
        "sell through your own online store or a delivery app, or take orders online from "
        "business or government clients",
    ),
    "channel_d": pgettext_lazy("stage condition", "sell through messaging apps or social media"),
}

_ANSWER_NAMES: dict[str, Promise] = {
    "sales_channels": pgettext_lazy("missing answer", "how you sell"),
    "online_presence": pgettext_lazy("missing answer", "where your business can be found online"),
}


def explain_stage(placement: StagePlacement) -> Explanation:
    """The placement in sentences of the active language (wrap in `translation.override`)."""
    if placement.stage is None:
        answers = _join([str(_ANSWER_NAMES[code]) for code in placement.missing_answers])
        return Explanation(
            summary=gettext("Your stage can’t be set yet because we don’t know %(answers)s.")
            % {"answers": answers},
            gaps=(),
            next_steps=(),
            missing_answers=ngettext(
                "Answer the question about %(answers)s to find out your stage.",
                "Answer the questions about %(answers)s to find out your stage.",
                len(placement.missing_answers),
            )
            % {"answers": answers},
        )
    summary = gettext("You are at stage %(stage)s, %(name)s, because %(facts)s.") % {
        "stage": placement.stage,
        "name": STAGES[placement.stage],
        "facts": _join([_fact(fact, placement.rules) for fact in placement.facts]),
    }
    gaps = tuple(
        gettext("%(facts)s; to be a stage %(stage)s firm you also need to %(needs)s.")
        % {
            "facts": capfirst(_join([_fact(fact, placement.rules) for fact in gap.facts])),
            "stage": gap.stage,
            "needs": _join([_condition(c, placement.rules) for c in gap.missing]),
        }
        for gap in placement.blocked
    )
    next_steps: tuple[str, ...] = ()
    if placement.next_stage:
        next_steps = tuple(
            gettext("To reach stage %(stage)s, %(name)s, you need to %(condition)s.")
            % {
                "stage": placement.next_stage,
                "name": STAGES[placement.next_stage],
                "condition": _condition(condition, placement.rules),
            }
            for condition in placement.missing
        )
    return Explanation(summary=summary, gaps=gaps, next_steps=next_steps, missing_answers="")


def _fact(code: str, rules: str) -> str:
    if rules == "v2" and code in _FACTS_V2:
        return str(_FACTS_V2[code])
    return str(_FACTS[code])


def _condition(condition: Condition, rules: str) -> str:
    if rules == "v2" and condition.code in _CONDITIONS_V2:
        return str(_CONDITIONS_V2[condition.code])
    if condition.code != "capability_a_software":
        return str(_CONDITIONS[condition.code])
    have = condition.params["have"]
    if rules == "v2":
        return npgettext(
            "stage condition",
            "use at least %(need)s kinds of business software among accounting, inventory, "
            "ERP, CRM and e-invoicing (you use %(have)s kind now)",
            "use at least %(need)s kinds of business software among accounting, inventory, "
            "ERP, CRM and e-invoicing (you use %(have)s kinds now)",
            have,
        ) % {"need": condition.params["need"], "have": have}
    return npgettext(
        "stage condition",
        "use at least %(need)s kinds of business software (you use %(have)s kind now)",
        "use at least %(need)s kinds of business software (you use %(have)s kinds now)",
        have,
    ) % {"need": condition.params["need"], "have": have}


def _join(phrases: Sequence[str]) -> str:
    """Phrases as one list in the active language: "a", "a and b", "a, b and c"."""
    if len(phrases) <= 1:
        return "".join(phrases)
    head = phrases[0]
    for phrase in phrases[1:-1]:
        head = pgettext("list", "%(items)s, %(item)s") % {"items": head, "item": phrase}
    return pgettext("list", "%(items)s and %(last)s") % {"items": head, "last": phrases[-1]}
