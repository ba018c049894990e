"""The catalogue as plain data: actions, support programmes and providers.

The roadmap builder and the eligibility evaluator work on these frozen dataclasses, never
on models, so a view, a task, the `diagnose` command and a test all call the same code.
Texts are dicts by language ({"es": …, "en": …}), read with `diagnostic.instrument.localized`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

Texts = dict[str, str]

COSTS = ("free", "low", "medium", "high")
EFFORTS = ("low", "medium", "high")
HORIZONS = ("30_days", "3_months", "12_months")
PROGRAMME_KINDS = (
    "grant",
    "voucher",
    "training",
    "mentoring",
    "marketplace_onboarding",
    "payments_onboarding",
    "financing",
)
# Whether a programme takes applications, as its source said on `checked_on`.
PROGRAMME_STATUSES = ("open", "closed", "unknown")
PRICE_TIERS = ("free", "low", "medium", "high")
# Solution categories link actions, programmes and providers.
CATEGORIES = (
    "online_store",
    "marketplace",
    "payments",
    "e_invoicing",
    "accounting",
    "email_marketing",
    "social_media",
    "messaging",
    "branding",
    "web_presence",
    "analytics",
    "advertising",
    "logistics",
    "inventory",
    "crm",
    "cloud",
    "cybersecurity",
    "digital_skills",
    "connectivity",
    "devices",
    "export",
    "strategy",
)
# Criterion requirement for women- or minority-owned firms.
OWNERSHIP_RULES = ("required", "bonus")


@dataclass(frozen=True, kw_only=True)
class ActionSpec:
    """A concrete step a firm can take; `when` is a rule (see recommendations.rules)."""

    code: str
    dimension: str
    area: str
    categories: tuple[str, ...]
    cost: str
    effort: str
    horizon: str
    title: Texts
    why: Texts
    steps: dict[str, tuple[str, ...]]
    addresses: tuple[str, ...] = ()  # stage-gap condition codes (diagnostic.stages) it meets
    when: dict[str, Any] | None = None
    # The providers whose service this action's steps use, best first (codes of ProviderSpec):
    # only these are shown with it, where they serve the firm's country.
    providers: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Coverage:
    """Where a programme or provider serves: no countries means everywhere.

    `regions` are ISO 3166-2 codes at any level (a firm in a province of the Community of
    Madrid is in ES-MD); `municipalities` are names of the towns or cities served. `online`
    serves the whole of its countries.
    """

    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    municipalities: tuple[str, ...] = ()
    online: bool = False


@dataclass(frozen=True, kw_only=True)
class Money:
    amount: Decimal
    currency: str


@dataclass(frozen=True, kw_only=True)
class Criteria:
    """Eligibility rules of a programme; None means the programme sets no such rule."""

    employees_min: int | None = None
    employees_max: int | None = None
    turnover_max: Money | None = None
    years_trading_min: Decimal | None = None
    years_trading_max: Decimal | None = None
    sectors_included: tuple[str, ...] = ()
    sectors_excluded: tuple[str, ...] = ()
    physical_storefront_required: bool = False
    town_population_max: int | None = None
    settlements: tuple[str, ...] = ()
    women_owned: str | None = None  # "required" or "bonus"
    minority_owned: str | None = None  # "required" or "bonus"
    formally_registered_required: bool = False
    other: tuple[Texts, ...] = ()  # conditions the profile can't tell: always "check"


@dataclass(frozen=True, kw_only=True)
class ProgrammeSpec:
    code: str
    name: Texts
    organisation: str
    kind: str
    benefit: Texts
    description: Texts
    url: str
    contact: str = ""
    coverage: Coverage = field(default_factory=Coverage)
    opens_on: date | None = None
    closes_on: date | None = None
    status: str = "unknown"  # PROGRAMME_STATUSES; a closed programme is never offered
    checked_on: date | None = None  # when a person last checked it against its sources
    sources: tuple[str, ...] = ()  # the pages its facts come from
    categories: tuple[str, ...] = ()
    criteria: Criteria = field(default_factory=Criteria)
    catalogue_of: int | None = None  # an organisation's own programme; None: the site's


@dataclass(frozen=True, kw_only=True)
class ProviderSpec:
    code: str
    name: str
    categories: tuple[str, ...]
    description: Texts
    coverage: Coverage = field(default_factory=Coverage)
    languages: tuple[str, ...] = ()
    price_tier: str = "free"
    url: str = ""
    contact: str = ""
    is_example: bool = False  # an invented provider for demonstrations: never in a roadmap
    catalogue_of: int | None = None  # an organisation's own provider; None: the site's


@dataclass(frozen=True, kw_only=True)
class FirmProfile:
    """What eligibility reads of a firm; None means the profile doesn't say."""

    country: str | None = None
    region: str | None = None
    municipality: str | None = None
    settlement: str | None = None
    town_population: int | None = None
    sector: str | None = None
    employees: int | None = None
    annual_turnover: Decimal | None = None
    currency: str | None = None
    years_trading: Decimal | None = None
    women_led: bool | None = None
    has_physical_storefront: bool | None = None
    formally_registered: bool | None = None
    exports: bool | None = None


@dataclass(frozen=True, kw_only=True)
class Catalogue:
    """One consistent version of the whole catalogue."""

    version: str
    actions: tuple[ActionSpec, ...]
    programmes: tuple[ProgrammeSpec, ...]
    providers: tuple[ProviderSpec, ...]

    def seen_by(self, organisations: frozenset[int]) -> Catalogue:
        """What a firm sees: the site's programmes and providers, and the own ones of the
        organisations whose cohorts it is in."""
        return replace(
            self,
            programmes=tuple(
                p
                for p in self.programmes
                if p.catalogue_of is None or p.catalogue_of in organisations
            ),
            providers=tuple(
                p
                for p in self.providers
                if p.catalogue_of is None or p.catalogue_of in organisations
            ),
        )


class Verdict(StrEnum):
    """What the eligibility evaluator (recommendations.eligibility) says of a programme as a
    whole, best first: the roadmap, the pages and the dashboard read it."""

    YES = "yes"  # every requirement met (bonuses are information)
    CHECK = "check"  # nothing unmet, something to check with the programme
    NO = "no"


# The verdicts worth offering a firm, best first.
OFFERED = (Verdict.YES, Verdict.CHECK)

# What it says of one criterion.
CRITERION_STATUSES = ("met", "not_met", "check")  # one criterion


@dataclass(frozen=True, kw_only=True)
class CriterionResult:
    code: str  # e.g. "employees_max", "turnover_max", "coverage_region"
    status: str  # "met", "not_met" or "check"
    reason: str  # one sentence in the active language


@dataclass(frozen=True, kw_only=True)
class ProgrammeMatch:
    """An offered programme (in coverage and open) with its criterion-by-criterion verdict."""

    programme: ProgrammeSpec
    eligible: Verdict
    criteria: tuple[CriterionResult, ...]
