"""Every call the roadmap's own tests make gives the same answer on the phone (issue 15).

tests/recommendations/test_roadmap.py, test_rules.py and test_eligibility.py call
``build_roadmap``, ``rule_holds``, ``evaluate_programme`` and ``rank_matches`` with actions,
providers, matches, rules, programmes and firms of their own, built to reach each rule's
corners. Those modules run here in a pytest of their own with tests/field/rule_calls.py
writing down each call and the server's answer; then, in one ``node`` process
(tools/field/run_rules.mjs), the field app's ``buildRoadmap``, ``ruleHolds``,
``evaluateProgramme`` and ``rankMatches`` take the same calls, each with the rules document
the bundle would carry in the language active at the call. The JSON answers must be
identical, and a call the server refuses must be refused by the client with the same words.

One kind of call is not replayed: one whose action or rule the catalogue reader refuses
(``parse_action``), as no bundle can carry it (the client never checks rules). The server
must refuse each of those too.
"""

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.field.rule_calls import VARIABLE
from tests.field.test_roadmap_conformance import run_node
from tests.field.test_rules_conformance import first_difference

pytestmark = pytest.mark.xdist_group("field_rules")

ROOT = Path(__file__).resolve().parents[2]
MODULES = (
    "tests/recommendations/test_roadmap.py",
    "tests/recommendations/test_rules.py",
    "tests/recommendations/test_eligibility.py",
)
# Fewer replayed calls, or fewer tests making them, means the recorder lost its hold on a
# module (a renamed import, say): these are a little under what the modules make today.
FLOORS = {
    "build_roadmap": (300, 22),
    "rule_holds": (60, 55),
    "evaluate_programme": (95, 90),
    "rank_matches": (2, 2),
}


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> list[dict[str, Any]]:
    path = tmp_path_factory.mktemp("rule-calls") / "calls.jsonl"
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("PYTEST_")
    }
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        + ["-p", "tests.field.record_rule_calls", *MODULES],
        cwd=ROOT,
        env={**environment, VARIABLE: str(path)},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def case_of(call: dict[str, Any]) -> dict[str, Any]:
    left_out = {"function", "test", "expected", "refused_by_catalogue"}
    return {"kind": call["function"]} | {k: v for k, v in call.items() if k not in left_out}


def words(error: str) -> str:
    """An error's message without its type's name, which the two languages name apart."""
    return error.split(": ", 1)[-1]


def difference(expected: dict[str, Any], got: dict[str, Any]) -> str | None:
    if "error" in expected or "error" in got:
        if (
            "error" in expected
            and "error" in got
            and words(expected["error"]) == words(got["error"])
        ):
            return None
        return f"server {expected}, client {got}"
    if json.dumps(expected, sort_keys=True) == json.dumps(got, sort_keys=True):
        return None
    return first_difference(expected, got)


def test_the_client_answers_every_call_the_rule_tests_make_as_the_server_does(recorded):
    refused = [call for call in recorded if call.get("refused_by_catalogue")]
    replayed = [call for call in recorded if not call.get("refused_by_catalogue")]
    answered = [call for call in refused if "error" not in call["expected"]]
    assert not answered, (
        f"{len(answered)} calls the server answers with data no bundle can carry; the first, "
        f"{answered[0]['test']}: {answered[0]['refused_by_catalogue']}"
    )

    results = run_node({"cases": [case_of(call) for call in replayed]})

    assert len(results) == len(replayed)
    differences = [
        f"{call['test']} ({call['function']}): {found}"
        for call, got in zip(replayed, results, strict=True)
        if (found := difference(call["expected"], got)) is not None
    ]
    assert not differences, f"{len(differences)} of {len(replayed)} calls differ:\n" + "\n".join(
        differences[:5]
    )


def test_the_replayed_calls_come_from_every_module_and_reach_refusals(recorded):
    replayed = [call for call in recorded if not call.get("refused_by_catalogue")]
    calls = Counter(call["function"] for call in replayed)
    tests = {
        function: {call["test"] for call in replayed if call["function"] == function}
        for function in FLOORS
    }
    for function, (least_calls, least_tests) in FLOORS.items():
        assert calls[function] >= least_calls, f"{function}: only {calls[function]} calls"
        assert len(tests[function]) >= least_tests, f"{function}: only {len(tests[function])}"
    assert {call["test"].split("::")[0] for call in replayed} == set(MODULES)
    # Both languages, both verdict kinds of refusal, and answers both ways.
    assert {call["rules"]["language"] for call in replayed} == {"en", "es"}
    assert any("error" in call["expected"] for call in replayed)  # a limit below one
    assert any(call.get("refused_by_catalogue") for call in recorded)  # a broken rule
    assert {
        call["expected"]["result"] for call in replayed if call["function"] == "rule_holds"
    } == {
        True,
        False,
    }
    assert None in [
        call["expected"].get("result")
        for call in replayed
        if call["function"] == "evaluate_programme"
    ]
