from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from recommendations.catalogue import (
    Coverage,
    Criteria,
    CriterionResult,
    FirmProfile,
    Money,
    ProgrammeMatch,
    ProgrammeSpec,
)
from recommendations.eligibility import CRITERION_CODES, evaluate_programme, rank_matches

pytestmark = pytest.mark.usefixtures("english")

TODAY = date(2026, 6, 1)


def programme(name: str = "Test programme", kind: str = "grant", **fields) -> ProgrammeSpec:
    return ProgrammeSpec(
        **{
            "code": name.lower().replace(" ", "-"),
            "name": {"en": name, "es": f"{name} (es)"},
            "organisation": "Test agency",
            "kind": kind,
            "benefit": {"en": "Money", "es": "Dinero"},
            "description": {"en": "A programme", "es": "Un programa"},
            "url": "https://example.com",
            "status": "open",
            **fields,
        }
    )


def with_criteria(**criteria) -> ProgrammeSpec:
    return programme(criteria=Criteria(**criteria))


def evaluate(spec: ProgrammeSpec, **firm) -> ProgrammeMatch:
    match = evaluate_programme(spec, FirmProfile(**firm), today=TODAY)
    assert match is not None, "the programme should be offered"
    return match


def criterion(match: ProgrammeMatch, code: str) -> CriterionResult:
    [result] = [result for result in match.criteria if result.code == code]
    assert result.reason
    return result


def status(spec: ProgrammeSpec, code: str, **firm) -> str:
    return criterion(evaluate(spec, **firm), code).status


# --- The seed programmes, just inside and just outside each limit ------------------------------

# "Turnover under €2 m": *_max limits are inclusive and sales are kept to the cent, so the
# largest turnover under €2 m is 1,999,999.99; encoding 2,000,000 would let exactly €2 m in.
DUBLIN_VOUCHER = programme(
    "Dublin Trading Online Voucher",
    kind="voucher",
    coverage=Coverage(countries=("IE",), regions=("IE-D",), municipalities=("Dublin",)),
    criteria=Criteria(
        employees_max=10,
        turnover_max=Money(amount=Decimal("1999999.99"), currency="EUR"),
        years_trading_min=Decimal("0.5"),
    ),
)
DUBLIN_FIRM: dict[str, Any] = {
    "country": "IE",
    "region": "IE-D",
    "municipality": "Dublin",
    "employees": 10,
    "annual_turnover": Decimal("1900000"),
    "currency": "EUR",
    "years_trading": Decimal(1),
}


def test_dublin_voucher_with_ten_employees_turnover_under_2m_and_a_year_trading_is_yes():
    match = evaluate(DUBLIN_VOUCHER, **DUBLIN_FIRM)

    assert match.eligible == "yes"
    assert [result.code for result in match.criteria] == [
        "coverage_country",
        "coverage_region",
        "coverage_municipality",
        "employees_max",
        "turnover_max",
        "years_trading_min",
    ]
    assert criterion(match, "coverage_country").reason == (
        "The programme is open to businesses in Ireland."
    )
    assert criterion(match, "employees_max").reason == (
        "The programme is for businesses with at most 10 people working in them, and yours has 10."
    )
    assert criterion(match, "turnover_max").reason == (
        "The programme is for businesses selling up to 1,999,999.99 euros a year, "
        "and yours sells 1,900,000 euros."
    )


def test_dublin_voucher_with_eleven_employees_is_no():
    match = evaluate(DUBLIN_VOUCHER, **{**DUBLIN_FIRM, "employees": 11})

    assert match.eligible == "no"
    assert criterion(match, "employees_max").status == "not_met"


@pytest.mark.parametrize(
    ("turnover", "expected"),
    [("1900000", "met"), ("1999999.99", "met"), ("2000000", "not_met"), ("2100000", "not_met")],
)
def test_dublin_voucher_turnover_must_be_under_2m(turnover, expected):
    firm = {**DUBLIN_FIRM, "annual_turnover": Decimal(turnover)}

    assert status(DUBLIN_VOUCHER, "turnover_max", **firm) == expected


def test_dublin_voucher_with_less_than_a_year_trading_is_to_check():
    match = evaluate(DUBLIN_VOUCHER, **{**DUBLIN_FIRM, "years_trading": Decimal(0)})

    assert match.eligible == "check"
    assert criterion(match, "years_trading_min") == CriterionResult(
        code="years_trading_min",
        status="check",
        reason="The programme asks for at least 6 months in business and yours has been "
        "trading for less than a year: check with the programme whether that is long enough.",
    )


def test_dublin_voucher_is_not_offered_in_cork():
    firm = FirmProfile(**{**DUBLIN_FIRM, "region": "IE-CO", "municipality": "Cork"})

    assert evaluate_programme(DUBLIN_VOUCHER, firm, today=TODAY) is None


NI_RURAL_GRANT = programme(
    "Northern Ireland Rural Business Development Grant",
    coverage=Coverage(countries=("GB",), regions=("GB-NIR",)),
    criteria=Criteria(town_population_max=4999),  # "towns under 5,000 residents"
)
NI_FIRM: dict[str, Any] = {"country": "GB", "region": "GB-FMO", "settlement": "rural"}


@pytest.mark.parametrize(("population", "expected"), [(4999, "met"), (5000, "not_met")])
def test_ni_rural_grant_is_for_towns_under_5000(population, expected):
    match = evaluate(NI_RURAL_GRANT, **NI_FIRM, town_population=population)

    assert criterion(match, "town_population_max").status == expected
    assert match.eligible == {"met": "yes", "not_met": "no"}[expected]


def test_ni_rural_grant_reason_gives_both_populations():
    match = evaluate(NI_RURAL_GRANT, **NI_FIRM, town_population=5000)

    assert criterion(match, "town_population_max").reason == (
        "The programme is for towns of up to 4,999 residents, and yours has 5,000."
    )


def test_ni_rural_grant_with_unknown_town_population_is_to_check():
    match = evaluate(NI_RURAL_GRANT, **NI_FIRM)

    assert match.eligible == "check"
    assert criterion(match, "town_population_max").reason == (
        "Your profile doesn’t say how many people live in your town."
    )


def test_ni_rural_grant_in_a_metro_area_is_no_even_without_the_population():
    match = evaluate(NI_RURAL_GRANT, **{**NI_FIRM, "settlement": "metro"})

    assert match.eligible == "no"
    assert criterion(match, "town_population_max").status == "not_met"


def test_a_metro_settlement_says_nothing_about_a_limit_over_a_million():
    spec = with_criteria(town_population_max=2_000_000)

    assert status(spec, "town_population_max", settlement="metro") == "check"


NEWPORT_NEWS_GRANT = programme(
    "Newport News e-commerce grant",
    coverage=Coverage(countries=("US",), regions=("US-VA",), municipalities=("Newport News",)),
    criteria=Criteria(women_owned="bonus", minority_owned="bonus"),
)
NEWPORT_NEWS_FIRM: dict[str, Any] = {
    "country": "US",
    "region": "US-VA",
    "municipality": "Newport News",
}


@pytest.mark.parametrize("women_led", [True, False, None])
def test_newport_news_grant_ownership_bonuses_never_make_it_no_nor_to_check(women_led):
    match = evaluate(NEWPORT_NEWS_GRANT, **NEWPORT_NEWS_FIRM, women_led=women_led)

    assert match.eligible == "yes"
    assert criterion(match, "coverage_municipality").reason == (
        "The programme is open to businesses in Newport News."
    )
    assert criterion(match, "minority_owned").status == "check"


def test_newport_news_grant_tells_a_woman_led_firm_of_the_higher_benefit():
    match = evaluate(NEWPORT_NEWS_GRANT, **NEWPORT_NEWS_FIRM, women_led=True)

    assert criterion(match, "women_owned") == CriterionResult(
        code="women_owned",
        status="met",
        reason="Businesses led by women may get a higher benefit, and a woman leads yours.",
    )


def test_newport_news_grant_leaves_out_the_women_bonus_for_a_firm_a_woman_doesnt_lead():
    match = evaluate(NEWPORT_NEWS_GRANT, **NEWPORT_NEWS_FIRM, women_led=False)

    assert "women_owned" not in [result.code for result in match.criteria]


def test_newport_news_grant_asks_to_check_the_women_bonus_when_unknown():
    assert status(NEWPORT_NEWS_GRANT, "women_owned", **NEWPORT_NEWS_FIRM) == "check"


MERCADO_593 = programme(
    "Mercado 593 Guayaco",
    kind="marketplace_onboarding",
    coverage=Coverage(countries=("EC",), regions=("EC-G",), municipalities=("Guayaquil",)),
    criteria=Criteria(
        years_trading_max=Decimal(4),  # "under 5 years": completed years, so 4 at most
        employees_max=48,  # "under 49"
        turnover_max=Money(amount=Decimal("999999.99"), currency="USD"),  # "under 1 m"
    ),
)
GUAYACO_FIRM: dict[str, Any] = {
    "country": "EC",
    "region": "EC-G",
    "municipality": "Guayaquil",
    "years_trading": Decimal(4),
    "employees": 48,
    "annual_turnover": Decimal("999999.99"),
    "currency": "USD",
}


def test_mercado_593_at_each_limit_is_yes():
    assert evaluate(MERCADO_593, **GUAYACO_FIRM).eligible == "yes"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("years_trading", Decimal(5), "years_trading_max"),
        ("employees", 49, "employees_max"),
        ("annual_turnover", Decimal("1000000"), "turnover_max"),
    ],
)
def test_mercado_593_just_past_each_limit_is_no(field, value, code):
    match = evaluate(MERCADO_593, **{**GUAYACO_FIRM, field: value})

    assert match.eligible == "no"
    assert [result.code for result in match.criteria if result.status == "not_met"] == [code]


def test_mercado_593_years_reason_counts_whole_years():
    match = evaluate(MERCADO_593, **{**GUAYACO_FIRM, "years_trading": Decimal(5)})

    assert criterion(match, "years_trading_max").reason == (
        "The programme is for businesses trading for at most 4 years, "
        "and yours has been trading for 5 years."
    )


ONTARIO_GRANT = programme(
    "Ontario Digital Transformation Grant",
    coverage=Coverage(countries=("CA",), regions=("CA-ON",)),
    criteria=Criteria(
        employees_min=1,
        employees_max=50,
        sectors_excluded=("it_digital_services",),
        other=(
            {"en": "Franchises can't apply.", "es": "Las franquicias no pueden solicitarla."},
            {"en": "Non-profits can't apply.", "es": "Las entidades sin fines de lucro no."},
            {"en": "Purely online businesses can't apply.", "es": "Solo en línea no."},
        ),
    ),
)
ONTARIO_FIRM: dict[str, Any] = {
    "country": "CA",
    "region": "CA-ON",
    "sector": "retail_goods",
    "employees": 1,
}


@pytest.mark.parametrize("employees", [1, 50])
def test_ontario_grant_within_1_to_50_employees_is_to_check_for_its_other_conditions(employees):
    match = evaluate(ONTARIO_GRANT, **{**ONTARIO_FIRM, "employees": employees})

    assert match.eligible == "check"
    assert {result.code: result.status for result in match.criteria if result.code != "other"} == {
        "coverage_country": "met",
        "coverage_region": "met",
        "employees_min": "met",
        "employees_max": "met",
        "sectors_excluded": "met",
    }
    assert [(result.status, result.reason) for result in match.criteria[-3:]] == [
        ("check", "Franchises can't apply."),
        ("check", "Non-profits can't apply."),
        ("check", "Purely online businesses can't apply."),
    ]


@pytest.mark.parametrize(("employees", "code"), [(0, "employees_min"), (51, "employees_max")])
def test_ontario_grant_outside_1_to_50_employees_is_no(employees, code):
    match = evaluate(ONTARIO_GRANT, **{**ONTARIO_FIRM, "employees": employees})

    assert match.eligible == "no"
    assert criterion(match, code).status == "not_met"


def test_ontario_grant_minimum_uses_the_singular_for_one_person():
    assert criterion(evaluate(ONTARIO_GRANT, **ONTARIO_FIRM), "employees_min").reason == (
        "The programme is for businesses with at least 1 person working in them, and yours has 1."
    )


def test_ontario_grant_excludes_it_and_digital_services():
    firm = {**ONTARIO_FIRM, "sector": "it_digital_services"}

    assert status(ONTARIO_GRANT, "sectors_excluded", **firm) == "not_met"


def test_ontario_grant_other_conditions_are_in_the_active_language():
    with translation.override("es"):
        match = evaluate(ONTARIO_GRANT, **ONTARIO_FIRM)

    assert [result.reason for result in match.criteria if result.code == "other"] == [
        "Las franquicias no pueden solicitarla.",
        "Las entidades sin fines de lucro no.",
        "Solo en línea no.",
    ]


SINGAPORE_BOOSTER = programme(
    "Singapore E-Commerce Booster",
    coverage=Coverage(countries=("SG",)),
    criteria=Criteria(
        physical_storefront_required=True,
        employees_max=200,
        turnover_max=Money(amount=Decimal("100000000"), currency="SGD"),  # "up to S$100 m"
        other=({"en": "At least 30 % local shareholding.", "es": "Al menos 30 % local."},),
    ),
)
SINGAPORE_FIRM: dict[str, Any] = {
    "country": "SG",
    "has_physical_storefront": True,
    "employees": 200,
    "annual_turnover": Decimal("100000000"),
    "currency": "SGD",
}


def test_singapore_booster_at_its_limits_is_to_check_for_local_shareholding():
    match = evaluate(SINGAPORE_BOOSTER, **SINGAPORE_FIRM)

    assert match.eligible == "check"
    assert [result.code for result in match.criteria if result.status == "check"] == ["other"]
    assert criterion(match, "other").reason == "At least 30 % local shareholding."


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("has_physical_storefront", False, "physical_storefront_required"),
        ("employees", 201, "employees_max"),
        ("annual_turnover", Decimal("100000000.01"), "turnover_max"),
    ],
)
def test_singapore_booster_just_past_each_limit_is_no(field, value, code):
    match = evaluate(SINGAPORE_BOOSTER, **{**SINGAPORE_FIRM, field: value})

    assert match.eligible == "no"
    assert criterion(match, code).status == "not_met"


def test_singapore_booster_without_knowing_about_a_storefront_is_to_check():
    firm = {**SINGAPORE_FIRM, "has_physical_storefront": None}

    assert status(SINGAPORE_BOOSTER, "physical_storefront_required", **firm) == "check"


# --- Criterion by criterion -------------------------------------------------------------------


def test_unknown_employees_are_to_check_for_each_limit():
    match = evaluate(with_criteria(employees_min=2, employees_max=10))

    assert [(result.code, result.status, result.reason) for result in match.criteria] == [
        (
            "employees_min",
            "check",
            "Your profile doesn’t say how many people work in the business.",
        ),
        (
            "employees_max",
            "check",
            "Your profile doesn’t say how many people work in the business.",
        ),
    ]


def test_unknown_turnover_is_to_check():
    spec = with_criteria(turnover_max=Money(amount=Decimal(100), currency="EUR"))

    assert criterion(evaluate(spec, currency="EUR"), "turnover_max") == CriterionResult(
        code="turnover_max",
        status="check",
        reason="Your profile doesn’t say how much your business sells in a year.",
    )


def test_turnover_in_another_currency_is_to_check_and_never_converted():
    spec = with_criteria(turnover_max=Money(amount=Decimal(2_000_000), currency="EUR"))

    match = evaluate(spec, annual_turnover=Decimal(1), currency="MXN")

    assert match.eligible == "check"
    assert criterion(match, "turnover_max").reason == (
        "The limit is 2,000,000 euros and your sales are in Mexican pesos: check with the "
        "programme."
    )


def test_turnover_currency_is_compared_without_case():
    spec = with_criteria(turnover_max=Money(amount=Decimal(100), currency="EUR"))

    assert status(spec, "turnover_max", annual_turnover=Decimal(100), currency="eur") == "met"


def test_turnover_without_a_currency_is_to_check():
    spec = with_criteria(turnover_max=Money(amount=Decimal(100), currency="EUR"))

    assert status(spec, "turnover_max", annual_turnover=Decimal(50)) == "check"


@pytest.mark.parametrize(
    ("minimum", "years", "expected"),
    [
        ("2", 2, "met"),
        ("2", 1, "not_met"),
        ("1", 0, "not_met"),
        ("0.5", 0, "check"),
        ("0.5", 1, "met"),
        ("1.5", 1, "check"),
    ],
)
def test_years_trading_min_against_completed_years(minimum, years, expected):
    spec = with_criteria(years_trading_min=Decimal(minimum))

    assert status(spec, "years_trading_min", years_trading=Decimal(years)) == expected


@pytest.mark.parametrize(
    ("maximum", "years", "expected"),
    [("4", 4, "met"), ("4", 5, "not_met"), ("4.5", 3, "met"), ("4.5", 4, "check")],
)
def test_years_trading_max_against_completed_years(maximum, years, expected):
    spec = with_criteria(years_trading_max=Decimal(maximum))

    assert status(spec, "years_trading_max", years_trading=Decimal(years)) == expected


def test_years_trading_reason_says_less_than_a_year_for_zero():
    match = evaluate(with_criteria(years_trading_min=Decimal(1)), years_trading=Decimal(0))

    assert criterion(match, "years_trading_min").reason == (
        "The programme asks for at least 1 year in business, "
        "and yours has been trading for less than a year."
    )


def test_unknown_years_trading_is_to_check():
    match = evaluate(with_criteria(years_trading_min=Decimal(1), years_trading_max=Decimal(5)))

    assert {result.status for result in match.criteria} == {"check"}
    assert criterion(match, "years_trading_max").reason == (
        "Your profile doesn’t say how long your business has been trading."
    )


@pytest.mark.parametrize(
    ("sector", "expected"), [("agrifood", "met"), ("manufacturing", "not_met"), (None, "check")]
)
def test_sectors_included(sector, expected):
    spec = with_criteria(sectors_included=("agrifood", "crafts_textiles"))

    assert status(spec, "sectors_included", sector=sector) == expected


@pytest.mark.parametrize(
    ("sector", "expected"), [("agrifood", "not_met"), ("manufacturing", "met"), (None, "check")]
)
def test_sectors_excluded(sector, expected):
    spec = with_criteria(sectors_excluded=("agrifood",))

    assert status(spec, "sectors_excluded", sector=sector) == expected


@pytest.mark.parametrize(
    ("settlement", "expected"), [("rural", "met"), ("metro", "not_met"), (None, "check")]
)
def test_settlements(settlement, expected):
    spec = with_criteria(settlements=("rural", "city"))

    assert status(spec, "settlements", settlement=settlement) == expected


@pytest.mark.parametrize(
    ("women_led", "expected"), [(True, "met"), (False, "not_met"), (None, "check")]
)
def test_women_owned_required(women_led, expected):
    match = evaluate(with_criteria(women_owned="required"), women_led=women_led)

    assert criterion(match, "women_owned").status == expected
    assert match.eligible == {"met": "yes", "not_met": "no", "check": "check"}[expected]


def test_minority_owned_required_is_to_check_with_the_programme():
    match = evaluate(with_criteria(minority_owned="required"))

    assert match.eligible == "check"
    assert criterion(match, "minority_owned").reason == (
        "The programme is for minority-owned businesses: ask the programme whether "
        "your business qualifies as minority-owned."
    )


@pytest.mark.parametrize(
    ("registered", "expected"), [(True, "met"), (False, "not_met"), (None, "check")]
)
def test_formally_registered_required(registered, expected):
    spec = with_criteria(formally_registered_required=True)

    assert status(spec, "formally_registered_required", formally_registered=registered) == (
        expected
    )


def test_rules_left_unset_give_no_criteria_and_a_yes():
    match = evaluate(programme(), employees=3, women_led=False, has_physical_storefront=False)

    assert match.criteria == ()
    assert match.eligible == "yes"


def test_every_criterion_code_is_documented():
    spec = programme(
        coverage=Coverage(countries=("MX",), regions=("MX-QUE",), municipalities=("Querétaro",)),
        opens_on=date(2026, 7, 1),
        criteria=Criteria(
            employees_min=1,
            employees_max=10,
            turnover_max=Money(amount=Decimal(1), currency="MXN"),
            years_trading_min=Decimal(1),
            years_trading_max=Decimal(5),
            sectors_included=("agrifood",),
            sectors_excluded=("manufacturing",),
            physical_storefront_required=True,
            town_population_max=5000,
            settlements=("rural",),
            women_owned="required",
            minority_owned="bonus",
            formally_registered_required=True,
            other=({"en": "Ask.", "es": "Pregunte."},),
        ),
    )

    unconfirmed = replace(spec, opens_on=None, status="unknown")

    results = [
        result
        for firm_match in (evaluate(spec, **IN_QUERETARO), evaluate(unconfirmed, **IN_QUERETARO))
        for result in firm_match.criteria
    ]  # fmt: skip

    # A call that opens later already says when: "status" comes only without opens_on.
    assert sorted({result.code for result in results}) == sorted(CRITERION_CODES)
    assert all(result.reason for result in results)


# --- Coverage and dates -----------------------------------------------------------------------

QUERETARO = Coverage(countries=("MX",), regions=("MX-QUE",))
IN_QUERETARO = {"country": "MX", "region": "MX-QUE", "municipality": "Querétaro"}


def test_a_firm_in_a_covered_state_is_covered_and_told_its_name():
    match = evaluate(programme(coverage=QUERETARO), country="MX", region="MX-QUE")

    assert criterion(match, "coverage_region") == CriterionResult(
        code="coverage_region",
        status="met",
        reason="The programme is open to businesses in Querétaro.",
    )


def test_a_programme_of_a_larger_region_covers_the_provinces_inside_it():
    community_of_madrid = programme(coverage=Coverage(countries=("ES",), regions=("ES-MD",)))

    match = evaluate(community_of_madrid, country="ES", region="ES-M")

    assert criterion(match, "coverage_region").reason == (
        "The programme is open to businesses in Comunidad de Madrid."
    )


def test_a_firm_in_alcala_de_henares_is_not_offered_the_city_of_madrid_s_programmes():
    city_of_madrid = programme(
        coverage=Coverage(countries=("ES",), regions=("ES-MD",), municipalities=("Madrid",))
    )
    alcala = FirmProfile(country="ES", region="ES-M", municipality="Alcalá de Henares")

    assert evaluate_programme(city_of_madrid, alcala, today=TODAY) is None
    in_madrid = evaluate(city_of_madrid, country="ES", region="ES-M", municipality=" MADRID ")
    assert criterion(in_madrid, "coverage_municipality").status == "met"


def test_a_firm_in_la_plata_is_not_offered_buenos_aires_city_s_programmes():
    buenos_aires_city = programme(coverage=Coverage(countries=("AR",), regions=("AR-C",)))
    la_plata = FirmProfile(country="AR", region="AR-B", municipality="La Plata")

    assert evaluate_programme(buenos_aires_city, la_plata, today=TODAY) is None


def test_a_city_programme_asks_a_firm_that_gave_no_town_to_check():
    city_of_madrid = programme(
        coverage=Coverage(countries=("ES",), regions=("ES-MD",), municipalities=("Madrid",))
    )

    match = evaluate(city_of_madrid, country="ES", region="ES-M")

    assert match.eligible == "check"
    assert criterion(match, "coverage_municipality").status == "check"


def test_a_region_typed_as_a_name_before_regions_were_codes_is_to_check():
    match = evaluate(programme(coverage=QUERETARO), country="MX", region="Queretaro")

    assert criterion(match, "coverage_region").status == "check"


def test_another_region_is_not_offered():
    firm = FirmProfile(country="MX", region="MX-JAL", municipality="Guadalajara")

    assert evaluate_programme(programme(coverage=QUERETARO), firm, today=TODAY) is None


def test_unknown_region_is_offered_to_check():
    match = evaluate(programme(coverage=QUERETARO), country="MX")

    assert match.eligible == "check"
    assert criterion(match, "coverage_region").reason == (
        "Your profile doesn’t say which state or province your business is in: "
        "check that the programme covers it."
    )


def test_another_country_is_not_offered():
    firm = FirmProfile(country="CO", region="CO-ANT")

    assert evaluate_programme(programme(coverage=QUERETARO), firm, today=TODAY) is None


def test_unknown_country_is_offered_to_check():
    match = evaluate(programme(coverage=Coverage(countries=("MX",))))

    assert match.eligible == "check"
    assert criterion(match, "coverage_country").status == "check"


def test_online_programme_serves_every_region_of_its_countries():
    spec = programme(coverage=Coverage(countries=("MX",), regions=("MX-QUE",), online=True))

    match = evaluate(spec, country="MX", region="MX-YUC")

    assert [result.code for result in match.criteria] == ["coverage_country"]
    assert evaluate_programme(spec, FirmProfile(country="PE"), today=TODAY) is None


def test_online_programme_without_countries_serves_everywhere():
    match = evaluate(programme(coverage=Coverage(online=True)), country="KE", region="Nairobi")

    assert match.criteria == ()
    assert match.eligible == "yes"


def test_closed_programme_is_not_offered():
    spec = programme(closes_on=date(2026, 5, 31))

    assert evaluate_programme(spec, FirmProfile(), today=TODAY) is None


def test_programme_closing_today_is_still_offered():
    assert evaluate(programme(opens_on=date(2026, 1, 1), closes_on=TODAY)).eligible == "yes"


def test_programme_opening_later_is_offered_to_check():
    match = evaluate(programme(opens_on=date(2026, 9, 15)))

    assert match.eligible == "check"
    assert criterion(match, "opens_on") == CriterionResult(
        code="opens_on", status="check", reason="Applications open on Sept. 15, 2026."
    )


def test_programme_marked_closed_is_never_offered_even_without_a_closing_date():
    spec = programme(status="closed", criteria=Criteria(employees_max=49))

    assert evaluate_programme(spec, FirmProfile(employees=5), today=TODAY) is None


def test_programme_not_confirmed_open_is_at_best_check_naming_the_date_it_was_checked():
    spec = programme(status="unknown", checked_on=date(2026, 11, 30))

    match = evaluate(spec)

    assert match.eligible == "check"
    assert criterion(match, "status") == CriterionResult(
        code="status",
        status="check",
        reason="When we last checked, on Nov. 30, 2026, we could not confirm that it takes "
        "applications: ask the programme whether it does now.",
    )


def test_programme_never_checked_asks_the_firm_to_confirm_it_is_open():
    match = evaluate(programme(status="unknown"))

    assert match.eligible == "check"
    assert criterion(match, "status").reason == (
        "Ask the programme whether it is taking applications now."
    )


# --- Languages --------------------------------------------------------------------------------


def test_reasons_are_in_the_active_language():
    with translation.override("es"):
        match = evaluate(DUBLIN_VOUCHER, **{**DUBLIN_FIRM, "employees": 11})

    reasons = [result.reason for result in match.criteria]
    assert all(reasons)
    assert "Irlanda" in criterion(match, "coverage_country").reason
    assert "1.999.999,99 euros al año" in criterion(match, "turnover_max").reason


def test_money_is_written_as_read_in_the_firm_s_country():
    spec = with_criteria(turnover_max=Money(amount=Decimal("2000000.50"), currency="MXN"))
    with translation.override("es"):
        in_mexico = evaluate(spec, country="MX", annual_turnover=Decimal(1_500_000), currency="MXN")
        in_spain = evaluate(
            with_criteria(turnover_max=Money(amount=Decimal(2_000_000), currency="EUR")),
            country="ES",
            annual_turnover=Decimal(1_500_000),
            currency="EUR",
        )

    assert criterion(in_mexico, "turnover_max").reason == (
        "El programa es para negocios que venden hasta 2,000,000.50 pesos mexicanos al año, "
        "y el suyo vende 1,500,000 pesos mexicanos."
    )
    assert "hasta 2.000.000 euros al año, y el suyo vende 1.500.000 euros" in (
        criterion(in_spain, "turnover_max").reason
    )


def test_dates_are_in_the_active_language():
    with translation.override("es"):
        match = evaluate(programme(opens_on=date(2026, 9, 15)))

    assert "septiembre" in criterion(match, "opens_on").reason


# --- Ranking ----------------------------------------------------------------------------------


def test_rank_matches_puts_yes_then_check_then_no_then_kind_then_name():
    def match(name: str, kind: str, eligible: str) -> ProgrammeMatch:
        return ProgrammeMatch(programme=programme(name, kind), eligible=eligible, criteria=())

    matches = [
        match("Zeta loans", "financing", "no"),
        match("Beta course", "training", "check"),
        match("Alpha voucher", "voucher", "yes"),
        match("Omega grant", "grant", "check"),
        match("beta grant", "grant", "yes"),
        match("Alpha grant", "grant", "yes"),
    ]

    ranked = rank_matches(matches)

    assert [m.programme.name["en"] for m in ranked] == [
        "Alpha grant",
        "beta grant",
        "Alpha voucher",
        "Omega grant",
        "Beta course",
        "Zeta loans",
    ]


def test_rank_matches_keeps_equal_matches_in_their_order():
    first = ProgrammeMatch(programme=programme("Same"), eligible="yes", criteria=())
    second = replace(first, programme=replace(first.programme, code="other"))

    assert rank_matches([second, first]) == [second, first]


def test_unknown_region_with_another_municipality_is_offered_to_check():
    match = evaluate(programme(coverage=QUERETARO), country="MX", municipality="Guadalajara")

    assert criterion(match, "coverage_region").status == "check"
