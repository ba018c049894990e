// Runs cases through the field app's client rules (static/field/rules/) for the conformance
// suite (tests/field/test_rules_conformance.py), all in one process.
//
// stdin: {"instruments": {name: rules document}, "cases": [case, ...]}, where a case is
//   {"kind": "result", "instrument", "answers", "people"}  scores and stage, as on submit
//   {"kind": "score",  "instrument", "answers", "people"}  scoreAnswers
//   {"kind": "stage",  "instrument", "answers", "rules"}   placeStage
//   {"kind": "item",   "instrument", "item", "answer", "people"}  itemScore
//   {"kind": "level",  "instrument", "score"}             levelFor
//   {"kind": "score_of", "instrument", "exact": "p/q"}    scoreOf
// and with "catalogues": {name: the bundle's catalogue with its "rules"} in stdin too,
//   {"kind": "roadmap", "catalogue", "facts", "today", "limit"}  planRoadmap
// and, each with its own rules document, the calls tests/field/rule_calls.py records:
//   {"kind": "build_roadmap", "rules", "actions", "providers", "matches", "facts", "limit"}
//   {"kind": "evaluate_programme", "rules", "programme", "firm", "today"}
//       the match without its programme, or null
//   {"kind": "rank_matches", "rules", "matches"}  the given matches' positions, ranked
//   {"kind": "rule_holds", "rules", "rule", "facts"}  ruleHolds
// stdout: a JSON list with, for each case in order, {"result": …} or {"error": message}.

import { parseRational } from "../../static/field/rules/fraction.js";
import { itemScore, levelFor, scoreAnswers, scoreOf } from "../../static/field/rules/scoring.js";
import { ruleHolds } from "../../static/field/rules/conditions.js";
import { evaluateProgramme, rankMatches } from "../../static/field/rules/eligibility.js";
import { buildRoadmap, planRoadmap } from "../../static/field/rules/roadmap.js";
import { placeStage } from "../../static/field/rules/stages.js";

function findItem(instrument, code) {
  for (const dimension of instrument.dimensions) {
    for (const area of dimension.areas) {
      const item = area.items.find((candidate) => candidate.code === code);
      if (item) return item;
    }
  }
  throw new Error(`the instrument has no item ${code}`);
}

function run(instruments, catalogues, testCase) {
  const instrument = instruments[testCase.instrument];
  const people = testCase.people ?? null;
  switch (testCase.kind) {
    case "result":
      return {
        scores: scoreAnswers(instrument, testCase.answers, { people }),
        stage: placeStage(instrument, testCase.answers),
      };
    case "score":
      return scoreAnswers(instrument, testCase.answers, { people });
    case "stage":
      return placeStage(instrument, testCase.answers, testCase.rules);
    case "item":
      return itemScore(findItem(instrument, testCase.item), testCase.answer, { people });
    case "level":
      return levelFor(instrument, testCase.score);
    case "score_of":
      return scoreOf(instrument, parseRational(testCase.exact));
    case "roadmap":
      return planRoadmap(catalogues[testCase.catalogue], {
        facts: testCase.facts,
        today: testCase.today,
        limit: testCase.limit,
      });
    case "build_roadmap":
      return buildRoadmap(testCase.rules, testCase);
    case "evaluate_programme": {
      const { rules, programme, firm, today } = testCase;
      const match = evaluateProgramme(rules, programme, firm, today);
      return match === null ? null : { eligible: match.eligible, criteria: match.criteria };
    }
    case "rank_matches":
      return rankMatches(testCase.rules, testCase.matches).map((match) =>
        testCase.matches.indexOf(match),
      );
    case "rule_holds":
      return ruleHolds(testCase.rule, testCase.facts, testCase.rules.tables);
    default:
      throw new Error(`unknown kind of case: ${testCase.kind}`);
  }
}

let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;
const { instruments = {}, catalogues = {}, cases } = JSON.parse(input);
const results = cases.map((testCase) => {
  try {
    return { result: run(instruments, catalogues, testCase) };
  } catch (error) {
    return { error: `${error.name}: ${error.message}` };
  }
});
process.stdout.write(JSON.stringify(results));
