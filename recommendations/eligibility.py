"""Which support programmes a firm is offered, and whether it qualifies, criterion by criterion.

A programme is offered when it has not closed (status ``closed``, or ``closes_on`` passed) and
covers the firm's country and region; an
offered programme gets one :class:`~recommendations.catalogue.CriterionResult` per rule it
sets: ``met``, ``not_met``, or ``check`` when the profile lacks the fact (DESIGN 3). Reasons
are one sentence in the active language. Limits named ``*_max`` are inclusive: the catalogue
encodes "under €2 m" as 1,999,999.99 and "under 5 years" as 4.

Criterion codes (stable: shown in ``diagnose`` JSON), in the order results come:

- ``coverage_country``, ``coverage_region``, ``coverage_municipality``: where the firm is, when
  the programme restricts it. Regions are ISO 3166-2 codes: the firm's region or any region
  containing it (diagnostic.places); municipalities are names, compared ignoring case, accents
  and spacing. An online programme serves the whole of its countries.
- ``opens_on``: applications are not open yet (always ``check``).
- ``status``: nobody could confirm that the programme takes applications today (status
  ``unknown``): always ``check``, naming the date it was last checked. An analyst signs
  "looks eligible" only for a programme known to be open.
- ``employees_min``, ``employees_max``: people working in the business.
- ``turnover_max``: yearly sales; another currency than the limit's is ``check``, never converted.
- ``years_trading_min``, ``years_trading_max``: the profile counts completed years, so 0 means
  "less than a year": against a fractional limit such as 0.5 it is ``check``.
- ``sectors_included``, ``sectors_excluded``: the firm's main activity.
- ``physical_storefront_required``: a shop or premises open to customers.
- ``town_population_max``: a firm in a "metro" settlement (a city over a million people) does
  not meet a limit under a million even when the profile lacks the town's population.
- ``settlements``: the type of place (metro, city, rural).
- ``women_owned``, ``minority_owned``: "required", or "bonus" (a higher benefit). A bonus is
  information: it never changes the verdict, and is left out for a firm not led by a woman.
- ``formally_registered_required``: formal registration.
- ``other``: one per condition the profile can't tell (always ``check``); may repeat.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import get_language, gettext, ngettext, pgettext
from django_countries import countries

from diagnostic.formats import currency_name, money, number
from diagnostic.instrument import localized
from diagnostic.places import lineage, place_key, subdivision_name

from .catalogue import (
    PROGRAMME_KINDS,
    Coverage,
    CriterionResult,
    FirmProfile,
    Money,
    ProgrammeMatch,
    ProgrammeSpec,
    Verdict,
)

CRITERION_CODES = (
    "coverage_country",
    "coverage_region",
    "coverage_municipality",
    "opens_on",
    "status",
    "employees_min",
    "employees_max",
    "turnover_max",
    "years_trading_min",
    "years_trading_max",
    "sectors_included",
    "sectors_excluded",
    "physical_storefront_required",
    "town_population_max",
    "settlements",
    "women_owned",
    "minority_owned",
    "formally_registered_required",
    "other",
)

# A "metro" settlement is a city of over a million people (diagnostic.models.Settlement).
METRO_POPULATION = 1_000_000

MET, NOT_MET, CHECK = "met", "not_met", "check"


# Every reason a criterion gives, by key: a function of the count its plural agrees with
# (1 when the text has no plural), giving the template in the active language, filled by
# `reason`. The phone's rules (static/field/rules/eligibility.js) get the same templates,
# translated, from recommendations.client_rules, so a text edited here changes both.
MESSAGES: dict[str, Callable[[int], str]] = {
    "opens_on": lambda n: gettext("Applications open on %(date)s."),
    "status_ask": lambda n: gettext("Ask the programme whether it is taking applications now."),
    "status_checked": lambda n: gettext(
        "When we last checked, on %(date)s, we could not confirm that it takes "
        "applications: ask the programme whether it does now."
    ),
    "country_unknown": lambda n: gettext(
        "Your profile doesn’t say which country your business is in: "
        "check that the programme covers it."
    ),
    "region_unknown": lambda n: gettext(
        "Your profile doesn’t say which state or province your business is in: "
        "check that the programme covers it."
    ),
    "municipality_unknown": lambda n: gettext(
        "Your profile doesn’t say which town or city your business is in: "
        "check that the programme covers it."
    ),
    "covered": lambda n: gettext("The programme is open to businesses in %(place)s."),
    "employees_min": lambda n: ngettext(
        "The programme is for businesses with at least %(limit)s person working in them, "
        "and yours has %(employees)s.",
        "The programme is for businesses with at least %(limit)s people working in them, "
        "and yours has %(employees)s.",
        n,
    ),
    "employees_max": lambda n: ngettext(
        "The programme is for businesses with at most %(limit)s person working in them, "
        "and yours has %(employees)s.",
        "The programme is for businesses with at most %(limit)s people working in them, "
        "and yours has %(employees)s.",
        n,
    ),
    "employees_unknown": lambda n: gettext(
        "Your profile doesn’t say how many people work in the business."
    ),
    "turnover_unknown": lambda n: gettext(
        "Your profile doesn’t say how much your business sells in a year."
    ),
    "turnover_no_currency": lambda n: gettext(
        "The limit is %(limit)s and your profile doesn’t say in which currency your sales "
        "are: check with the programme."
    ),
    "turnover_other_currency": lambda n: gettext(
        "The limit is %(limit)s and your sales are in %(currency)s: check with the programme."
    ),
    "turnover_max": lambda n: gettext(
        "The programme is for businesses selling up to %(limit)s a year, and yours sells "
        "%(turnover)s."
    ),
    "years_trading_min_check": lambda n: gettext(
        "The programme asks for at least %(limit)s in business and yours has been trading "
        "for %(years)s: check with the programme whether that is long enough."
    ),
    "years_trading_min": lambda n: gettext(
        "The programme asks for at least %(limit)s in business, and yours has been trading "
        "for %(years)s."
    ),
    "years_trading_max_check": lambda n: gettext(
        "The programme is for businesses trading for at most %(limit)s and yours has been "
        "trading for %(years)s: check with the programme whether that is too long."
    ),
    "years_trading_max": lambda n: gettext(
        "The programme is for businesses trading for at most %(limit)s, and yours has been "
        "trading for %(years)s."
    ),
    "years_unknown": lambda n: gettext(
        "Your profile doesn’t say how long your business has been trading."
    ),
    "less_than_a_year": lambda n: pgettext("years trading", "less than a year"),
    "years": lambda n: ngettext("%(count)s year", "%(count)s years", n),
    "months": lambda n: ngettext("%(count)s month", "%(count)s months", n),
    "sectors_included_met": lambda n: gettext(
        "The programme supports businesses in your line of activity."
    ),
    "sectors_included_not_met": lambda n: gettext(
        "The programme doesn’t support businesses in your line of activity."
    ),
    "sectors_excluded_not_met": lambda n: gettext(
        "The programme excludes businesses in your line of activity."
    ),
    "sectors_excluded_met": lambda n: gettext(
        "The programme doesn’t exclude businesses in your line of activity."
    ),
    "sector_unknown": lambda n: gettext(
        "Your profile doesn’t say what your business’s main activity is."
    ),
    "storefront_unknown": lambda n: gettext(
        "The programme is for businesses with a shop or premises open to customers, and "
        "your profile doesn’t say whether yours has one."
    ),
    "storefront_met": lambda n: gettext(
        "The programme is for businesses with a shop or premises open to customers, and "
        "yours has one."
    ),
    "storefront_not_met": lambda n: gettext(
        "The programme is for businesses with a shop or premises open to customers, and "
        "yours has none."
    ),
    "town_population_max": lambda n: ngettext(
        "The programme is for towns of up to %(limit)s resident, and yours has %(population)s.",
        "The programme is for towns of up to %(limit)s residents, and yours has %(population)s.",
        n,
    ),
    "town_metro": lambda n: ngettext(
        "The programme is for towns of up to %(limit)s resident, and your business is in "
        "a city of over a million people.",
        "The programme is for towns of up to %(limit)s residents, and your business is in "
        "a city of over a million people.",
        n,
    ),
    "town_unknown": lambda n: gettext(
        "Your profile doesn’t say how many people live in your town."
    ),
    "settlement_unknown": lambda n: gettext(
        "Your profile doesn’t say what type of place your business is in."
    ),
    "settlements_met": lambda n: gettext(
        "The programme covers the type of place your business is in."
    ),
    "settlements_not_met": lambda n: gettext(
        "The programme doesn’t cover the type of place your business is in."
    ),
    "women_bonus_met": lambda n: gettext(
        "Businesses led by women may get a higher benefit, and a woman leads yours."
    ),
    "women_bonus_check": lambda n: gettext(
        "Businesses led by women may get a higher benefit, and your profile doesn’t say "
        "whether a woman leads yours."
    ),
    "women_unknown": lambda n: gettext(
        "The programme is for businesses led by women, and your profile doesn’t say "
        "whether a woman leads yours."
    ),
    "women_met": lambda n: gettext(
        "The programme is for businesses led by women, and a woman leads yours."
    ),
    "women_not_met": lambda n: gettext(
        "The programme is for businesses led by women, and your profile says a woman doesn’t "
        "lead yours."
    ),
    "minority_bonus": lambda n: gettext(
        "Minority-owned businesses may get a higher benefit: ask the programme whether "
        "your business qualifies as minority-owned."
    ),
    "minority_required": lambda n: gettext(
        "The programme is for minority-owned businesses: ask the programme whether "
        "your business qualifies as minority-owned."
    ),
    "registered_unknown": lambda n: gettext(
        "Your profile doesn’t say whether your business is formally registered."
    ),
    "registered_met": lambda n: gettext(
        "The programme is for formally registered businesses, and yours is."
    ),
    "registered_not_met": lambda n: gettext(
        "The programme is for formally registered businesses, and yours isn’t registered yet."
    ),
}


def reason(key: str, count: int = 1, /, **params: str) -> str:
    """The reason `key` in the active language, its plural agreeing with `count`."""
    return MESSAGES[key](count) % params


def evaluate_programme(
    programme: ProgrammeSpec, firm: FirmProfile, *, today: date
) -> ProgrammeMatch | None:
    """The firm's match with the programme, or None when the programme isn't offered to it."""
    if programme.status == "closed":
        return None
    if programme.closes_on is not None and programme.closes_on < today:
        return None
    coverage = coverage_results(programme.coverage, firm)
    if coverage is None:
        return None
    results = list(coverage)
    if programme.opens_on is not None and programme.opens_on > today:
        text = reason("opens_on", date=date_format(programme.opens_on))
        results.append(CriterionResult(code="opens_on", status=CHECK, reason=text))
    elif programme.status == "unknown":
        results.append(_status_unknown(programme))
    results += _criteria(programme, firm)
    return ProgrammeMatch(
        programme=programme,
        eligible=_verdict(results, bonuses=_bonuses(programme)),
        criteria=tuple(results),
    )


def _status_unknown(programme: ProgrammeSpec) -> CriterionResult:
    if programme.checked_on is None:
        text = reason("status_ask")
    else:
        text = reason("status_checked", date=date_format(programme.checked_on))
    return CriterionResult(code="status", status=CHECK, reason=text)


def rank_matches(matches: Iterable[ProgrammeMatch]) -> list[ProgrammeMatch]:
    """Matches by verdict (yes, check, no), then programme kind, then name; stable."""
    language = get_language() or "en"

    def key(match: ProgrammeMatch) -> tuple[int, int, str]:
        kind = match.programme.kind
        kind_order = (
            PROGRAMME_KINDS.index(kind) if kind in PROGRAMME_KINDS else len(PROGRAMME_KINDS)
        )
        name = localized(match.programme.name, language).casefold()
        return list(Verdict).index(match.eligible), kind_order, name

    return sorted(matches, key=key)


def _verdict(results: list[CriterionResult], *, bonuses: frozenset[str]) -> Verdict:
    """The programme's verdict from its requirements; bonuses never count."""
    statuses = {result.status for result in results if result.code not in bonuses}
    if NOT_MET in statuses:
        return Verdict.NO
    return Verdict.CHECK if CHECK in statuses else Verdict.YES


def _bonuses(programme: ProgrammeSpec) -> frozenset[str]:
    """The ownership criteria that only raise the benefit: information, not requirements."""
    criteria = programme.criteria
    rules = {"women_owned": criteria.women_owned, "minority_owned": criteria.minority_owned}
    return frozenset(code for code, rule in rules.items() if rule == "bonus")


# --- Coverage ---------------------------------------------------------------------------------


def coverage_results(coverage: Coverage, firm: FirmProfile) -> list[CriterionResult] | None:
    """Where the firm is against where a programme or provider serves: one result per level
    it restricts (country, region, municipality), or None when it doesn't serve the firm."""
    results: list[CriterionResult] = []
    if coverage.countries:
        country = (firm.country or "").strip().upper()
        if not country:
            text = reason("country_unknown")
            results.append(CriterionResult(code="coverage_country", status=CHECK, reason=text))
        elif country in {code.strip().upper() for code in coverage.countries}:
            place = countries.name(country) or country
            results.append(_covered("coverage_country", place))
        else:
            return None
    if coverage.online:
        return results
    if coverage.regions:
        inside = lineage(firm.region)
        matched = next((code for code in inside if code in coverage.regions), None)
        if not inside:
            text = reason("region_unknown")
            results.append(CriterionResult(code="coverage_region", status=CHECK, reason=text))
        elif matched is None:
            return None
        else:
            name = subdivision_name(matched, get_language() or "en")
            results.append(_covered("coverage_region", name))
    if coverage.municipalities:
        town = place_key(firm.municipality)
        served = next((name for name in coverage.municipalities if place_key(name) == town), None)
        if not town:
            text = reason("municipality_unknown")
            results.append(CriterionResult(code="coverage_municipality", status=CHECK, reason=text))
        elif served is None:
            return None
        else:
            results.append(_covered("coverage_municipality", served))
    return results


def serves(coverage: Coverage, firm: FirmProfile) -> bool:
    """Whether a provider surely serves the firm: where the profile can't tell, it doesn't."""
    results = coverage_results(coverage, firm)
    return results is not None and all(result.status == MET for result in results)


def _covered(code: str, place: str) -> CriterionResult:
    return CriterionResult(code=code, status=MET, reason=reason("covered", place=place))


# --- Requirements -----------------------------------------------------------------------------

Outcome = tuple[str, str]  # a criterion's status and reason


def _criteria(programme: ProgrammeSpec, firm: FirmProfile) -> list[CriterionResult]:
    """One result per rule the programme sets, in the order of the codes."""
    criteria = programme.criteria
    outcomes: list[tuple[str, Outcome | None]] = []
    if criteria.employees_min is not None:
        outcomes.append(("employees_min", _employees_min(criteria.employees_min, firm)))
    if criteria.employees_max is not None:
        outcomes.append(("employees_max", _employees_max(criteria.employees_max, firm)))
    if criteria.turnover_max is not None:
        outcomes.append(("turnover_max", _turnover_max(criteria.turnover_max, firm)))
    if criteria.years_trading_min is not None:
        outcomes.append(("years_trading_min", _years_trading_min(criteria.years_trading_min, firm)))
    if criteria.years_trading_max is not None:
        outcomes.append(("years_trading_max", _years_trading_max(criteria.years_trading_max, firm)))
    if criteria.sectors_included:
        outcomes.append(("sectors_included", _sectors_included(criteria.sectors_included, firm)))
    if criteria.sectors_excluded:
        outcomes.append(("sectors_excluded", _sectors_excluded(criteria.sectors_excluded, firm)))
    if criteria.physical_storefront_required:
        outcomes.append(
            (
                "physical_storefront_required",
                _known_fact(firm.has_physical_storefront, "storefront"),
            )
        )
    if criteria.town_population_max is not None:
        limit = criteria.town_population_max
        outcomes.append(("town_population_max", _town_population_max(limit, firm)))
    if criteria.settlements:
        outcomes.append(("settlements", _settlements(criteria.settlements, firm)))
    if criteria.women_owned is not None:
        outcomes.append(("women_owned", _women_owned(criteria.women_owned, firm)))
    if criteria.minority_owned is not None:
        outcomes.append(("minority_owned", _minority_owned(criteria.minority_owned)))
    if criteria.formally_registered_required:
        outcomes.append(
            ("formally_registered_required", _known_fact(firm.formally_registered, "registered"))
        )
    language = get_language() or "en"
    for condition in criteria.other:
        outcomes.append(("other", (CHECK, localized(condition, language))))
    return [
        CriterionResult(code=code, status=outcome[0], reason=outcome[1])
        for code, outcome in outcomes
        if outcome is not None
    ]


def _employees_min(minimum: int, firm: FirmProfile) -> Outcome:
    employees = firm.employees
    if employees is None:
        return CHECK, reason("employees_unknown")
    text = reason(
        "employees_min",
        minimum,
        limit=_number(minimum, firm),
        employees=_number(employees, firm),
    )
    return _met(employees >= minimum), text


def _employees_max(maximum: int, firm: FirmProfile) -> Outcome:
    employees = firm.employees
    if employees is None:
        return CHECK, reason("employees_unknown")
    text = reason(
        "employees_max",
        maximum,
        limit=_number(maximum, firm),
        employees=_number(employees, firm),
    )
    return _met(employees <= maximum), text


def _turnover_max(limit: Money, firm: FirmProfile) -> Outcome:
    turnover = firm.annual_turnover
    language = get_language() or "en"
    limit_text = money(limit.amount, limit.currency, language=language, country=firm.country)
    if turnover is None:
        return CHECK, reason("turnover_unknown")
    currency = (firm.currency or "").strip().upper()
    if not currency:
        return CHECK, reason("turnover_no_currency", limit=limit_text)
    if currency != limit.currency.strip().upper():
        name = currency_name(currency, language=language, count=2)
        return CHECK, reason("turnover_other_currency", limit=limit_text, currency=name)
    turnover_text = money(turnover, currency, language=language, country=firm.country)
    text = reason("turnover_max", limit=limit_text, turnover=turnover_text)
    return _met(turnover <= limit.amount), text


def _years_trading_min(minimum: Decimal, firm: FirmProfile) -> Outcome:
    """The profile's completed years y mean from y to just under y + 1 years in business."""
    years = firm.years_trading
    if years is None:
        return CHECK, reason("years_unknown")
    params = {"limit": _duration(minimum), "years": _years_trading(years)}
    if years < minimum < years + 1:
        return CHECK, reason("years_trading_min_check", **params)
    return _met(years >= minimum), reason("years_trading_min", **params)


def _years_trading_max(maximum: Decimal, firm: FirmProfile) -> Outcome:
    """A whole-year limit counts completed years: at most 4 means under 5 years in business."""
    years = firm.years_trading
    if years is None:
        return CHECK, reason("years_unknown")
    params = {"limit": _duration(maximum), "years": _years_trading(years)}
    if years < maximum < years + 1:
        return CHECK, reason("years_trading_max_check", **params)
    return _met(years <= maximum), reason("years_trading_max", **params)


def _years_trading(years: Decimal) -> str:
    """The firm's completed years as a duration; 0 is less than a year."""
    if years < 1:
        return reason("less_than_a_year")
    return _duration(years)


def _duration(years: Decimal) -> str:
    """Years as "2 years", or in whole months when the years aren't whole ("6 months")."""
    if years == years.to_integral_value():
        count = int(years)
        return reason("years", count, count=str(count))
    count = int((years * 12).to_integral_value())
    return reason("months", count, count=str(count))


def _sectors_included(sectors: tuple[str, ...], firm: FirmProfile) -> Outcome:
    if firm.sector is None:
        return CHECK, reason("sector_unknown")
    if firm.sector in sectors:
        return MET, reason("sectors_included_met")
    return NOT_MET, reason("sectors_included_not_met")


def _sectors_excluded(sectors: tuple[str, ...], firm: FirmProfile) -> Outcome:
    if firm.sector is None:
        return CHECK, reason("sector_unknown")
    if firm.sector in sectors:
        return NOT_MET, reason("sectors_excluded_not_met")
    return MET, reason("sectors_excluded_met")


def _known_fact(fact: bool | None, messages: str) -> Outcome:
    """A criterion the firm meets by a yes (a storefront, being registered): to check when
    unknown. `messages` names its reasons: "<messages>_unknown", "_met", "_not_met"."""
    if fact is None:
        return CHECK, reason(f"{messages}_unknown")
    if fact:
        return MET, reason(f"{messages}_met")
    return NOT_MET, reason(f"{messages}_not_met")


def _town_population_max(maximum: int, firm: FirmProfile) -> Outcome:
    population = firm.town_population
    limit = _number(maximum, firm)
    if population is not None:
        text = reason(
            "town_population_max", maximum, limit=limit, population=_number(population, firm)
        )
        return _met(population <= maximum), text
    if firm.settlement == "metro" and maximum < METRO_POPULATION:
        return NOT_MET, reason("town_metro", maximum, limit=limit)
    return CHECK, reason("town_unknown")


def _settlements(settlements: tuple[str, ...], firm: FirmProfile) -> Outcome:
    if firm.settlement is None:
        return CHECK, reason("settlement_unknown")
    if firm.settlement in settlements:
        return MET, reason("settlements_met")
    return NOT_MET, reason("settlements_not_met")


def _women_owned(rule: str, firm: FirmProfile) -> Outcome | None:
    """A bonus is met or to check, never not met: None for a firm a woman doesn't lead."""
    if rule == "bonus":
        if firm.women_led is False:
            return None
        if firm.women_led:
            return MET, reason("women_bonus_met")
        return CHECK, reason("women_bonus_check")
    if firm.women_led is None:
        return CHECK, reason("women_unknown")
    if firm.women_led:
        return MET, reason("women_met")
    return NOT_MET, reason("women_not_met")


def _minority_owned(rule: str) -> Outcome:
    """The profile never says whether a business is minority-owned."""
    if rule == "bonus":
        return CHECK, reason("minority_bonus")
    return CHECK, reason("minority_required")


def _met(condition: bool) -> str:
    return MET if condition else NOT_MET


def _number(value: int, firm: FirmProfile) -> str:
    """A count with the grouping of the reader's language in the firm's country."""
    return number(value, language=get_language() or "en", country=firm.country)
