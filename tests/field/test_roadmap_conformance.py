"""The field app's roadmap (static/field/rules/roadmap.js) gives the server's (issue 15).

Seeded random firms go through ``recommendations.roadmap.plan_roadmap`` and, in one ``node``
process (tools/field/run_rules.mjs), through ``planRoadmap``, in Spanish and in English; the
two ``Roadmap.to_dict()`` JSON results must be identical, reasons included. The client reads
the catalogue as the bundle carries it (field.bundle's entries) with the document
``recommendations.client_rules.roadmap_rules`` makes.

Three catalogues: the shipped one (recommendations/catalogue/*.yaml), the programmes
tests/recommendations/test_eligibility.py holds at their limits, and one whose programmes
are random (every criterion, limits of 0, 1 and many, fractional years, limits in several
currencies, dates either side of today, names differing only in case and accents) with the
shipped actions and providers. Firms are random: countries of the catalogue and others,
their regions, parent regions, unknown and malformed ones, towns written in other cases and
accents, every settlement and sector, sizes, turnovers in several currencies, years trading,
unknowns; their answers are random clean answers to the current instrument, scored and
placed by the server's rules. With them, the firms of test_eligibility.py (each as it is, with
each fact unknown, and each number either side of its limit) and of test_roadmap.py.
"""

import dataclasses
import json
import random
import shutil
import subprocess
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pycountry
import pytest
from django.utils import translation

from diagnostic.instrument import Instrument, Item
from diagnostic.instrument_file import load_instrument_file, parse_instrument
from diagnostic.models import Sector, Settlement
from diagnostic.scoring import score_answers
from diagnostic.services import INSTRUMENTS_DIR
from diagnostic.stages import place_stage, stage_rules_for
from field.bundle import action_entry, programme_entry, provider_entry
from recommendations.catalogue import ActionSpec, Catalogue, FirmProfile, ProgrammeSpec
from recommendations.client_rules import roadmap_rules
from recommendations.parsing import parse_programme
from recommendations.roadmap import plan_roadmap
from recommendations.rules import facts_from_result
from recommendations.services import CATALOGUE_DIR, catalogue_read
from tests.field.rule_calls import facts_json
from tests.field.test_rules_conformance import first_difference, random_answers
from tests.recommendations import test_eligibility as eligibility_cases
from tests.recommendations import test_roadmap as roadmap_cases

pytestmark = pytest.mark.xdist_group("field_rules")

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "tools" / "field" / "run_rules.mjs"
SEED = 15
FIRMS = 1000  # random firms per catalogue and language
LANGUAGES = ("es", "en")
INSTRUMENT = "mydigitalsme-v3"
TODAY = date(2026, 12, 4)
# Countries of firms: those of the catalogue, some it doesn't name, none.
EXTRA_COUNTRIES = ("DE", "FR", "KE", "PT", "JP")
CURRENCIES = ("EUR", "USD", "MXN", "CLF", "JPY", "GBP", "eur", " usd ")


# --- Catalogues -------------------------------------------------------------------------------


def random_programmes(rng: random.Random, count: int = 60) -> list[ProgrammeSpec]:
    """Programmes with random coverage, dates and criteria, parsed as the catalogue's are."""
    names = (
        "Álamo",
        "alamo",
        "Alamo",
        "Ñandú",
        "nandu",
        "Zeta",
        "zeta",
        "Straße",
        "STRASSE",
        "Éxito",
    )
    kinds = ("grant", "voucher", "training", "mentoring", "financing", "marketplace_onboarding")
    categories = ("marketplace", "social_media", "web_presence", "payments", "digital_skills")
    programmes = []
    for number in range(count):
        country = rng.choice(("MX", "ES", "US", "IE", "AR", "IN"))
        coverage: dict[str, Any] = {"online": rng.random() < 0.2}
        if rng.random() < 0.85:
            coverage["countries"] = [country] if rng.random() < 0.8 else [country, "CO"]
        if rng.random() < 0.4:
            subdivisions = list(pycountry.subdivisions.get(country_code=country))
            coverage["regions"] = [s.code for s in rng.sample(subdivisions, 2)]
        if rng.random() < 0.15:
            coverage["municipalities"] = rng.sample(["Madrid", "Ciudad de México", "Dublin"], 2)
        criteria: dict[str, Any] = {}
        pick = rng.random
        if pick() < 0.3:
            criteria["employees_min"] = rng.choice((0, 1, 2, 5))
        if pick() < 0.4:
            criteria["employees_max"] = rng.choice((1, 9, 49, 250, 1000))
        if pick() < 0.4:
            criteria["turnover_max"] = {
                "amount": rng.choice(
                    ("1", "1999999.99", "2000000", "50000.5", "1234.5678", "1999.125", "10.12345")
                ),
                "currency": rng.choice(("EUR", "USD", "CLF")),
            }
        if pick() < 0.3:
            criteria["years_trading_min"] = rng.choice(("0.25", "0.5", "1", "2", "0.125", "0.375"))
        if pick() < 0.2:
            criteria["years_trading_max"] = rng.choice(("4", "4.99", "1.5", "10", "0.875"))
        if pick() < 0.2:
            criteria["sectors_included"] = rng.sample(Sector.values, 2)
        elif pick() < 0.2:
            criteria["sectors_excluded"] = rng.sample(Sector.values, 2)
        if pick() < 0.2:
            criteria["physical_storefront_required"] = True
        if pick() < 0.3:
            criteria["town_population_max"] = rng.choice((1, 20_000, 999_999, 1_000_000, 5_000_000))
        if pick() < 0.2:
            criteria["settlements"] = rng.sample(Settlement.values, rng.randint(1, 2))
        if pick() < 0.3:
            criteria["women_owned"] = rng.choice(("required", "bonus"))
        if pick() < 0.15:
            criteria["minority_owned"] = rng.choice(("required", "bonus"))
        if pick() < 0.2:
            criteria["formally_registered_required"] = True
        if pick() < 0.2:
            criteria["other"] = [
                {"en": "Be a member of the chamber", "es": "Ser socio de la cámara"}
            ]
        day = TODAY + timedelta(days=rng.choice((-30, -1, 0, 1, 30)))
        data = {
            "code": f"random_{number}",
            "name": {"en": f"{rng.choice(names)} {number % 7}", "es": f"{rng.choice(names)}"},
            "organisation": "Someone",
            "kind": rng.choice(kinds),
            "benefit": {"en": "Help", "es": "Ayuda"},
            "description": {"en": "Help", "es": "Ayuda"},
            "url": "",
            "contact": "",
            "coverage": coverage,
            "opens_on": day.isoformat() if pick() < 0.2 else None,
            "closes_on": day.isoformat() if pick() < 0.2 else None,
            "status": rng.choice(("open", "open", "unknown", "closed")),
            "checked_on": (TODAY - timedelta(days=rng.randint(0, 400))).isoformat()
            if pick() < 0.7
            else None,
            "sources": ["A test"],
            "categories": rng.sample(categories, rng.randint(1, 3)),
            "criteria": criteria,
        }
        spec, _problems = parse_programme(data, f"random programme {number}")
        if spec is not None:  # a few draws set a minimum above their maximum
            programmes.append(spec)
    return programmes


def random_actions(actions: list[ActionSpec], rng: random.Random) -> list[ActionSpec]:
    """The shipped actions in another order, with a few copies that have no rule and address
    no condition: every shipped action has a rule, and only such actions fill a short
    roadmap ("deepen")."""
    fillers = [
        dataclasses.replace(action, code=f"{action.code}_always", when=None, addresses=())
        for action in rng.sample(actions, 6)
    ]
    # Rules on the profile's decimals, at floats a decimal is never exactly equal to.
    exact = [
        dataclasses.replace(action, code=f"{action.code}_{number}", when=when)
        for number, (action, when) in enumerate(
            zip(
                rng.sample(actions, 4),
                (
                    {"profile": "annual_turnover", "below": 12345678.9},
                    {"profile": "annual_turnover", "in": [1999999.99, 2000000]},
                    {"profile": "years_trading", "at_least": 0.1},
                    {"profile": "years_trading", "is": 2},
                ),
                strict=True,
            )
        )
    ]
    every = [*actions, *fillers, *exact]
    return rng.sample(every, len(every))


def catalogues() -> dict[str, Catalogue]:
    actions, programmes, providers = catalogue_read(CATALOGUE_DIR)
    rng = random.Random(f"{SEED}:programmes")
    return {
        "shipped": Catalogue(
            version="shipped",
            actions=tuple(actions),
            programmes=tuple(programmes),
            providers=tuple(providers),
        ),
        "tested": Catalogue(
            version="tested",
            actions=tuple(actions),
            programmes=tuple(seed_programmes()),
            providers=tuple(providers),
        ),
        "random": Catalogue(
            version="random",
            actions=tuple(random_actions(actions, rng)),
            programmes=tuple(random_programmes(rng)),
            providers=tuple(providers),
        ),
    }


def seed_programmes() -> list[ProgrammeSpec]:
    """The programmes tests/recommendations/test_eligibility.py holds at their limits, and
    one covering a state by its code, as the coverage tests do."""
    return [
        eligibility_cases.DUBLIN_VOUCHER,
        eligibility_cases.NI_RURAL_GRANT,
        eligibility_cases.NEWPORT_NEWS_GRANT,
        eligibility_cases.MERCADO_593,
        eligibility_cases.ONTARIO_GRANT,
        eligibility_cases.SINGAPORE_BOOSTER,
        eligibility_cases.programme("Querétaro state", coverage=eligibility_cases.QUERETARO),
    ]


def seed_firms() -> list[FirmProfile]:
    """The firms of test_eligibility.py as they are, with each fact unknown in turn, and with
    each number just either side of where it is (every one of them sits at a limit)."""
    firms = []
    for firm in (
        eligibility_cases.DUBLIN_FIRM,
        eligibility_cases.NI_FIRM,
        eligibility_cases.NEWPORT_NEWS_FIRM,
        eligibility_cases.GUAYACO_FIRM,
        eligibility_cases.ONTARIO_FIRM,
        eligibility_cases.SINGAPORE_FIRM,
        eligibility_cases.IN_QUERETARO,
    ):
        firms.append(FirmProfile(**firm))
        for name, value in firm.items():
            firms.append(FirmProfile(**{**firm, name: None}))
            if isinstance(value, int | Decimal) and not isinstance(value, bool):
                step = Decimal("0.01") if name == "annual_turnover" else 1
                for changed in (value - step, value + step):
                    firms.append(FirmProfile(**{**firm, name: changed}))
    return firms


def client_catalogue(
    catalogue: Catalogue, countries: set[str], currencies: set[str]
) -> dict[str, Any]:
    """The catalogue as the bundle carries it, with its rules in the active language."""
    return {
        "actions": [action_entry(action) for action in catalogue.actions],
        "programmes": [programme_entry(programme) for programme in catalogue.programmes],
        "providers": [provider_entry(provider) for provider in catalogue.providers],
        "rules": roadmap_rules(
            programmes=catalogue.programmes,
            providers=catalogue.providers,
            countries=countries,
            currencies=currencies,
        ),
    }


# --- Firms ------------------------------------------------------------------------------------


def random_profile(rng: random.Random, countries: list[str]) -> FirmProfile:
    def maybe(value: Any, unknown: float = 0.15) -> Any:
        return None if rng.random() < unknown else value

    country = maybe(rng.choice(countries), 0.08)
    region = None
    if country and rng.random() < 0.85:
        subdivisions = list(pycountry.subdivisions.get(country_code=country) or ())
        if subdivisions and rng.random() < 0.9:
            region = rng.choice(subdivisions).code
            region = region.lower() if rng.random() < 0.05 else region
        else:
            region = rng.choice(("XX-ZZZ", "Madrid", ""))
    return FirmProfile(
        country=country.lower() if country and rng.random() < 0.05 else country,
        region=region,
        municipality=maybe(
            rng.choice(
                (
                    "Madrid",
                    "MADRID",
                    "ciudad de mexico",
                    "Ciudad de México",
                    "Dublín",
                    "Springfield",
                )
            ),
            0.3,
        ),
        settlement=maybe(rng.choice(Settlement.values)),
        town_population=maybe(rng.choice((0, 1, 500, 20_000, 999_999, 1_000_000, 12_345_678)), 0.4),
        sector=maybe(rng.choice(Sector.values)),
        employees=maybe(rng.choice((0, 1, 2, 5, 9, 10, 49, 50, 250, 1000, 12345))),
        annual_turnover=maybe(
            Decimal(
                rng.choice(
                    ("0", "1", "1.00", "999.5", "50000.50", "1999999.99", "2000000", "12345678.9")
                )
            ),
            0.3,
        ),
        currency=maybe(rng.choice(CURRENCIES), 0.2),
        years_trading=maybe(Decimal(rng.choice(("0", "0.1", "1", "2", "4", "5", "10"))), 0.2),
        women_led=maybe(rng.random() < 0.5, 0.3),
        has_physical_storefront=maybe(rng.random() < 0.5, 0.3),
        formally_registered=maybe(rng.random() < 0.5, 0.3),
        exports=maybe(rng.random() < 0.3, 0.3),
    )


def strong_answers(instrument: Instrument, rng: random.Random) -> dict[str, Any]:
    """A firm doing nearly everything well, which few rules pick actions for: what the
    fillers ("deepen") are for. Each item gets its best answer, a few a random one."""
    answers: dict[str, Any] = {}
    for item in instrument.items.values():
        if rng.random() < 0.1:
            answers.update(random_answers_of(instrument, item, rng))
        elif item.kind == "single":
            answers[item.code] = max(item.options, key=lambda o: o.score or -1).code
        elif item.kind == "multi":
            answers[item.code] = tuple(o.code for o in item.options if not o.exclusive)
        else:
            answers[item.code] = item.maximum
    return answers


def random_answers_of(instrument: Instrument, item: Item, rng: random.Random) -> dict[str, Any]:
    one = random_answers(instrument, rng, skip=0)[item.code]
    return {item.code: tuple(one) if isinstance(one, list) else one}


# --- Running ----------------------------------------------------------------------------------


def run_node(payload: dict[str, Any]) -> list[Any]:
    node = shutil.which("node")
    assert node, "node is not installed: run `make quality-tools` (Debian's nodejs)"
    completed = subprocess.run(
        [node, str(RUNNER)],
        input=json.dumps(payload, ensure_ascii=False),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def test_the_client_roadmap_is_the_servers_for_random_firms_in_both_languages():
    instrument = parse_instrument(load_instrument_file(INSTRUMENTS_DIR / f"{INSTRUMENT}.yaml"))
    rules = stage_rules_for(INSTRUMENT)
    rng = random.Random(f"{SEED}:roadmap")
    found = catalogues()
    named = {
        code
        for catalogue in found.values()
        for entry in (*catalogue.programmes, *catalogue.providers)
        for code in entry.coverage.countries
    }
    countries = sorted(named) + list(EXTRA_COUNTRIES)
    firms = []
    for _ in range(FIRMS):
        if rng.random() < 0.15:
            answers = strong_answers(instrument, rng)
        else:
            answers = random_answers(instrument, rng, skip=rng.choice((0, 0, 0.2, 0.5, 1)))
            answers = {code: tuple(v) if isinstance(v, list) else v for code, v in answers.items()}
        profile = random_profile(rng, countries)
        scores = score_answers(instrument, answers, people=profile.employees)
        facts = facts_from_result(answers, scores, place_stage(answers, rules), profile)
        today = TODAY + timedelta(days=rng.choice((-31, -1, 0, 0, 0, 1, 31)))
        firms.append((facts, today, rng.choice((8, 8, 8, 3, 1))))

    # The eligibility tests' firms, with random answers, on their day and around it.
    for profile in seed_firms():
        answers = strong_answers(instrument, rng) if rng.random() < 0.3 else {}
        scores = score_answers(instrument, answers, people=profile.employees)
        facts = facts_from_result(answers, scores, place_stage(answers, rules), profile)
        for today in (eligibility_cases.TODAY, TODAY):
            firms.append((facts, today, 8))
    # The roadmap tests' firms, whose scores and stage are given.
    for facts in (roadmap_cases.SOCIAL_SELLER, roadmap_cases.GLOBAL_FIRM):
        for limit in (8, 3, 1):
            firms.append((facts, TODAY, limit))

    # As the bundle does, the document names the firms' currencies.
    currencies = {facts.profile.currency for facts, _, _ in firms if facts.profile.currency}

    expected: list[dict[str, Any]] = []
    cases: list[dict[str, Any]] = []
    client: dict[str, Any] = {}
    for language in LANGUAGES:
        with translation.override(language):
            for name, catalogue in found.items():
                client[f"{name}-{language}"] = client_catalogue(
                    catalogue, set(countries), currencies
                )
                for number, (facts, today, limit) in enumerate(firms):
                    roadmap = plan_roadmap(
                        catalogue=catalogue,
                        facts=facts,
                        language=language,
                        today=today,
                        limit=limit,
                    )
                    expected.append(roadmap.to_dict())
                    cases.append(
                        {
                            "origin": f"{name} catalogue, {language}, firm #{number}",
                            "kind": "roadmap",
                            "catalogue": f"{name}-{language}",
                            "facts": facts_json(facts),
                            "today": today.isoformat(),
                            "limit": limit,
                        }
                    )
    results = run_node({"catalogues": client, "cases": cases})

    differences = []
    for case, python, outcome in zip(cases, expected, results, strict=True):
        if outcome != {"result": python}:
            differences.append(f"{case['origin']}: {first_difference({'result': python}, outcome)}")
    assert not differences, f"{len(differences)} of {len(cases)} differ:\n" + "\n".join(
        differences[:5]
    )
    # The cases reach every verdict and every criterion status, and give reasons in both.
    programmes = [p for roadmap in expected for p in roadmap["programmes"]]
    assert {p["eligible"] for p in programmes} == {"yes", "check", "no"}
    codes = {(c["code"], c["status"]) for p in programmes for c in p["criteria"]}
    assert len(codes) > 40, sorted(codes)
    assert {a["reason"] for roadmap in expected for a in roadmap["actions"]} == {
        "stage_gap",
        "weak_area",
        "deepen",
    }
