"""The field app's client rules (static/field/rules/) give the server's results (issue 15).

Every scoring and stage case of tests/diagnostic/cases/ and a few thousand seeded random
answer sets to each shipped instrument version go through the Python rules and, in one
``node`` process (tools/field/run_rules.mjs), through the JavaScript ones; the two JSON
results must be identical. The client reads the instrument from ``instrument_for_client``.

The random answers are what the server scores: cleaned answers (``clean_answers``), plus
answers of the right type that cleaning would refuse (options out of order, an exclusive
option with others, a repeated option, an empty list, a key without answer), and answers
that both sides must refuse (an unknown item or option, a wrong type, a number below the
first band). ``people`` is a whole number or unknown, as ``Firm.employees`` is (0 and below
count as unknown).
"""

import json
import random
import shutil
import subprocess
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from diagnostic.client_rules import instrument_for_client
from diagnostic.instrument import Instrument, Item
from diagnostic.scoring import Score, item_score, level_for, score_answers
from diagnostic.services import INSTRUMENTS_DIR
from diagnostic.stages import place_stage, stage_rules_for
from tests.diagnostic.cases import cleaned, instrument_named, load_cases

# One worker runs both tests (pytest -n --dist=loadgroup), so the cases are scored once.
pytestmark = pytest.mark.xdist_group("field_rules")

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "tools" / "field" / "run_rules.mjs"
SEED = 15
ANSWER_SETS = 400  # random answer sets per instrument version, besides the targeted ones
REFUSED_SETS = 100  # answer sets per instrument version with one answer both must refuse
# The small instruments of the scoring cases reach paths no shipped version does (decimal
# weights and thresholds); they get fewer sets.
TEST_INSTRUMENT_SETS = 150
PEOPLE = (None, 0, -2, 1, 2, 3, 4, 5, 7, 10, 12, 45, 50, 99, 100, 101, 250, 1000, 100000)
# The instrument whose tables place the stage cases (every document carries every table).
CURRENT = "mydigitalsme-v3"

SHIPPED = tuple(path.stem for path in sorted(INSTRUMENTS_DIR.glob("*.yaml")))


# --- Cases ------------------------------------------------------------------------------------


def data_cases() -> Iterator[dict[str, Any]]:
    """Every case of tests/diagnostic/cases/, as the runner takes them."""
    scoring = load_cases("scoring")
    for case in scoring["scores"] + scoring["refused"]:
        yield {
            "origin": f"scoring.yaml {case['name']}",
            "kind": "score",
            "instrument": case["instrument"],
            "answers": case["answers"],
            "people": case.get("people"),
        }
    for group in scoring["items"]:
        for number, case in enumerate(group["cases"]):
            yield {
                "origin": f"scoring.yaml {group['name']} #{number}",
                "kind": "item",
                "instrument": group["instrument"],
                "item": group["item"],
                "answer": case["answer"],
                "people": case.get("people"),
            }
    for case in scoring["rounding"]:
        yield {
            "origin": f"scoring.yaml rounding {case['exact']}",
            "kind": "score_of",
            "instrument": "tiny",
            "exact": case["exact"],
        }
    for case in scoring["levels"]:
        yield {
            "origin": f"scoring.yaml level {case['score']}",
            "kind": "level",
            "instrument": "tiny",
            "score": case["score"],
        }
    for rules, cases in load_cases("stages").items():
        for case in cases:
            yield {
                "origin": f"stages.yaml {rules} {case['name']}",
                "kind": "stage",
                "instrument": CURRENT,
                "answers": case["answers"],
                "rules": rules,
            }


def generated_cases(
    instrument: Instrument, *, answer_sets: int = ANSWER_SETS, refused_sets: int = REFUSED_SETS
) -> Iterator[dict[str, Any]]:
    """Seeded answer sets to one instrument version: first each option, each way of not
    answering and each boundary number of each item, then random sets, then refused ones."""
    rng = random.Random(f"{SEED}:{instrument.code}")
    case_number = 0

    def case(answers: dict[str, Any], people: int | None, what: str) -> dict[str, Any]:
        nonlocal case_number
        case_number += 1
        return {
            "origin": f"generated {instrument.code} #{case_number} ({what})",
            "kind": "result",
            "instrument": instrument.code,
            "answers": answers,
            "people": people,
        }

    for item in instrument.items.values():
        for answer, people in targeted_answers(item, rng):
            answers = random_answers(instrument, rng, skip=rng.random())
            answers.pop(item.code, None)
            if answer is not _UNANSWERED:
                answers[item.code] = answer
            yield case(answers, people, f"{item.code} = {answer!r}")
    other_rules = "v2" if stage_rules_for(instrument.code) == "v1" else "v1"
    for _ in range(answer_sets):
        skip = rng.choice((0, 0, 0.1, 0.25, 0.5, 0.75, 0.9, 1))
        people = rng.choice(PEOPLE) if rng.random() < 0.8 else rng.randint(1, 500)
        answers = random_answers(instrument, rng, skip=skip, unclean=0.1)
        yield case(answers, people, "random")
        # The other version of the stage rules too, which place_stage accepts as well.
        yield case(answers, people, f"random, placed by the {other_rules} rules") | {
            "kind": "stage",
            "rules": other_rules,
        }
    for _ in range(refused_sets):
        answers = random_answers(instrument, rng, skip=0.3)
        what = refuse_one(instrument, answers, rng)
        yield case(answers, rng.choice(PEOPLE), f"refused: {what}")


_UNANSWERED = object()


def targeted_answers(item: Item, rng: random.Random) -> Iterator[tuple[Any, int | None]]:
    """Each option of the item, unanswered and answered with null; for a number item every
    band's threshold and its neighbours, the limits and a few odd floats, with and without
    the number of people."""
    yield _UNANSWERED, rng.choice(PEOPLE)
    yield None, rng.choice(PEOPLE)
    if item.kind == "single":
        for option in item.options:
            yield option.code, rng.choice(PEOPLE)
        return
    if item.kind == "multi":
        for option in item.options:
            yield [option.code], rng.choice(PEOPLE)
        others = [o.code for o in item.options if not o.exclusive]
        yield others, rng.choice(PEOPLE)
        for count in range(len(others) + 1):  # every breadth
            yield sorted(rng.sample(others, count), key=others.index), rng.choice(PEOPLE)
        return
    assert item.minimum is not None and item.maximum is not None
    low, high = item.minimum, item.maximum
    values = {low, high, 1e-7, 5e-324, 0.1, 0.3, 1 / 3, 2.5, 4.99, high - 0.01}
    for threshold, _score in item.bands:
        exact = Fraction(str(threshold))
        for delta in (0, Fraction(1, 100), Fraction(1, 10**9), 1):
            values |= {float(exact - delta), float(exact + delta)}
    for value in sorted(v for v in values if low <= v <= high):
        yield value, rng.choice(PEOPLE)
        if item.per_person:
            yield value, rng.choice((None, 1))
    if item.per_person:
        # Exactly at each band's share of the people, and just either side of it.
        for people in (1, 3, 4, 45, 100, 101, 250, 1000):
            for threshold, _score in item.bands:
                at = Fraction(str(threshold)) * people
                for value in (at, at - Fraction(1, 100), at + Fraction(1, 100)):
                    if low <= value <= high:
                        yield (int(value) if value.denominator == 1 else float(value)), people


def random_answers(
    instrument: Instrument, rng: random.Random, *, skip: float, unclean: float = 0
) -> dict[str, Any]:
    """A random answer to each item, each left unanswered with the chance `skip`; with the
    chance `unclean`, an answer of the right type that cleaning would refuse."""
    answers: dict[str, Any] = {}
    for item in instrument.items.values():
        if rng.random() < skip:
            continue
        answers[item.code] = random_answer(item, rng, unclean=rng.random() < unclean)
    return answers


def random_answer(item: Item, rng: random.Random, *, unclean: bool) -> Any:
    if item.kind == "single":
        return rng.choice(item.option_codes) if not unclean or rng.random() < 0.7 else None
    if item.kind == "number":
        assert item.minimum is not None and item.maximum is not None
        low, high = int(item.minimum), int(item.maximum)
        return rng.choice(
            (
                rng.randint(low, min(high, 20)),
                rng.randint(low, high),
                round(rng.uniform(low, min(high, 20)), 2),
                rng.uniform(low, high),
            )
        )
    exclusive = [o.code for o in item.options if o.exclusive]
    others = [o.code for o in item.options if not o.exclusive]
    if exclusive and rng.random() < 0.2:
        chosen = [rng.choice(exclusive)]
    else:
        chosen = sorted(rng.sample(others, rng.randint(1, len(others))), key=others.index)
    if not unclean:
        return chosen
    match rng.choice(("shuffled", "exclusive_and_others", "repeated", "empty", "null")):
        case "shuffled":
            return rng.sample(chosen, len(chosen))
        case "exclusive_and_others" if exclusive:
            return [*chosen, rng.choice(exclusive)]
        case "repeated":
            return [*chosen, rng.choice(chosen)]
        case "empty":
            return []
        case _:
            return None


def refuse_one(instrument: Instrument, answers: dict[str, Any], rng: random.Random) -> str:
    """Make one answer one that the rules refuse (ValueError); say which."""
    item = rng.choice(list(instrument.items.values()))
    if rng.random() < 0.15:
        answers["no_such_item"] = "x"
        return "an unknown item"
    if item.kind == "number":
        answers[item.code] = rng.choice(("3", [3], "", item.minimum - rng.choice((1, 0.5))))
        if isinstance(answers[item.code], str | list):
            return f"{item.code}: not a number"
        # Below the first band; without the number of people a per-person item has no score.
        return f"{item.code}: below the first band"
    wrong = ["no_such_option"] if item.kind == "multi" else "no_such_option"
    answers[item.code] = rng.choice(
        (wrong, "", 3, item.option_codes[0] if item.kind == "multi" else [item.option_codes[0]])
    )
    return f"{item.code}: {answers[item.code]!r}"


# --- Running ----------------------------------------------------------------------------------


def python_result(case: dict[str, Any], instruments: dict[str, Instrument]) -> dict[str, Any]:
    """The server's result of a case, or that it refused it."""
    instrument = instruments.get(case["instrument"])
    people = case.get("people")
    try:
        match case["kind"]:
            case "result":
                assert instrument is not None
                answers = cleaned(case["answers"])
                result: Any = {
                    "scores": score_answers(instrument, answers, people=people).to_dict(),
                    "stage": place_stage(answers, stage_rules_for(instrument.code)).to_dict(),
                }
            case "score":
                assert instrument is not None
                answers = cleaned(case["answers"])
                result = score_answers(instrument, answers, people=people).to_dict()
            case "stage":
                result = place_stage(cleaned(case["answers"]), case["rules"]).to_dict()
            case "item":
                assert instrument is not None
                answer = case["answer"]
                answer = tuple(answer) if isinstance(answer, list) else answer
                result = item_score(instrument.items[case["item"]], answer, people=people)
            case "score_of":
                result = Score.of(Fraction(case["exact"])).to_dict()
            case "level":
                result = level_for(case["score"])
    except ValueError as error:
        return {"error": f"ValueError: {error}"}
    return {"result": result}


def client_results(cases: list[dict[str, Any]], instruments: dict[str, Instrument]) -> list[Any]:
    node = shutil.which("node")
    assert node, "node is not installed: run `make quality-tools` (Debian's nodejs)"
    documents = {code: instrument_for_client(spec) for code, spec in instruments.items()}
    sent = [{k: v for k, v in case.items() if k != "origin"} for case in cases]
    completed = subprocess.run(
        [node, str(RUNNER)],
        input=json.dumps({"instruments": documents, "cases": sent}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, f"the runner failed:\n{completed.stderr}"
    return json.loads(completed.stdout)


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def first_difference(python: Any, client: Any, where: str = "") -> str:
    """Where two JSON values first differ, and how."""
    if isinstance(python, dict) and isinstance(client, dict):
        for key in sorted(python.keys() | client.keys()):
            if key not in python or key not in client:
                return f"{where}.{key}: only the {'server' if key in python else 'client'} has it"
            if canonical(python[key]) != canonical(client[key]):
                return first_difference(python[key], client[key], f"{where}.{key}")
    if isinstance(python, list) and isinstance(client, list) and len(python) == len(client):
        for index, (left, right) in enumerate(zip(python, client, strict=True)):
            if canonical(left) != canonical(right):
                return first_difference(left, right, f"{where}[{index}]")
    where = where or "(the whole result)"
    return f"{where}: server {canonical(python)}, client {canonical(client)}"


TEST_INSTRUMENTS = tuple(load_cases("scoring")["instruments"])


def all_instruments() -> dict[str, Instrument]:
    return {name: instrument_named(name) for name in (*SHIPPED, *TEST_INSTRUMENTS)}


def all_cases(instruments: dict[str, Instrument]) -> list[dict[str, Any]]:
    cases = list(data_cases())
    for code in SHIPPED:
        cases.extend(generated_cases(instruments[code]))
    for name in TEST_INSTRUMENTS:
        sets = TEST_INSTRUMENT_SETS
        cases.extend(generated_cases(instruments[name], answer_sets=sets, refused_sets=sets // 5))
    return cases


# --- Tests ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def instruments() -> dict[str, Instrument]:
    return all_instruments()


@pytest.fixture(scope="module")
def cases(instruments) -> list[dict[str, Any]]:
    return all_cases(instruments)


@pytest.fixture(scope="module")
def expected(cases, instruments) -> list[dict[str, Any]]:
    return [python_result(case, instruments) for case in cases]


def test_the_client_rules_give_the_servers_result_for_every_case(cases, expected, instruments):
    got = client_results(cases, instruments)

    assert len(got) == len(cases)
    differing = [
        number
        for number, (python, client) in enumerate(zip(expected, got, strict=True))
        if ("error" in python) != ("error" in client)
        or canonical(python.get("result")) != canonical(client.get("result"))
    ]
    if differing:
        number = differing[0]
        case = cases[number]
        pytest.fail(
            f"{len(differing)} of {len(cases)} cases differ; the first, {case['origin']}:\n"
            f"  case: {canonical({k: v for k, v in case.items() if k != 'origin'})}\n"
            f"  {first_difference(expected[number], got[number])}"
        )


def test_the_cases_cover_every_item_option_version_and_stage(cases, expected, instruments):
    generated = [case for case in cases if case["kind"] == "result"]
    for code in SHIPPED:
        of_version = [case["answers"] for case in generated if case["instrument"] == code]
        for item in instruments[code].items.values():
            answered = [answers[item.code] for answers in of_version if item.code in answers]
            assert len(answered) < len(of_version), f"{code} {item.code}: never unanswered"
            assert None in answered, f"{code} {item.code}: never null"
            chosen = {
                option
                for answer in answered
                for option in (answer if isinstance(answer, list) else [answer])
            }
            missing = set(item.option_codes) - chosen
            assert not missing, f"{code} {item.code}: options never chosen: {sorted(missing)}"
    results = [
        result for case, result in zip(cases, expected, strict=True) if case["kind"] == "result"
    ]
    placed = [result["result"]["stage"] for result in results if "result" in result]
    for rules in ("v1", "v2"):
        stages = {placement["stage"] for placement in placed if placement["rules"] == rules}
        assert stages == {"A", "B", "C", "D", "E", None}, f"{rules} reaches only {stages}"
    scores = [result["result"]["scores"] for result in results if "result" in result]
    assert {score["overall"]["value"] is None for score in scores} == {True, False}
    assert sum("error" in result for result in results) >= REFUSED_SETS * len(SHIPPED) // 2
