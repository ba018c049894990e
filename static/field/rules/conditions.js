// When a catalogue action applies, as recommendations/rules.py `rule_holds` says: a rule is
// data ({all: […]}, {answer: ITEM, includes: OPTION}, {area: AREA, below: N}, …). The rules
// reached the phone checked by the server (the catalogue refuses a bad one), so they are
// only evaluated here, never checked.

import { compare, fromFloat, parseDecimal } from "./fraction.js";

/**
 * What rules read of one firm, as recommendations.rules.RuleFacts holds it.
 * @typedef {{answers: Object<string, *>, areas: Object<string, ?number>,
 *   dimensions: Object<string, ?number>, stage: ?string, missing: string[],
 *   profile: Object<string, *>}} RuleFacts
 */

/**
 * The facts of answers just scored and placed by scoring.js and stages.js, as
 * recommendations.rules.facts_from_result makes them.
 * @param {Object<string, *>} answers
 * @param {{areas: Object, dimensions: Object}} scores what scoreAnswers returns
 * @param {{stage: ?string, missing: {code: string}[]}} placement what placeStage returns
 * @param {Object<string, *>} profile the firm's profile, as the bundle gives it
 * @returns {RuleFacts}
 */
export function factsFromResult(answers, scores, placement, profile) {
  const values = (scored) =>
    Object.fromEntries(Object.entries(scored).map(([code, score]) => [code, score.value]));
  return {
    answers,
    areas: values(scores.areas),
    dimensions: values(scores.dimensions),
    stage: placement.stage ?? null,
    missing: (placement.missing ?? []).map((condition) => condition.code),
    profile,
  };
}

/**
 * Whether the rule holds for the firm; no rule always holds.
 * @param {Object|null} rule
 * @param {RuleFacts} facts
 * @param {Object} tables the roadmap rules' tables (undetermined_stage, decimal_fields)
 */
export function ruleHolds(rule, facts, tables) {
  if (rule === null || rule === undefined) return true;
  return holds(rule, facts, tables);
}

function holds(rule, facts, tables) {
  if ("all" in rule) return rule.all.every((part) => holds(part, facts, tables));
  if ("any" in rule) return rule.any.some((part) => holds(part, facts, tables));
  if ("not" in rule) return !holds(rule.not, facts, tables);
  if ("answer" in rule) return answerHolds(rule, facts.answers[rule.answer]);
  if ("area" in rule) return below(facts.areas[rule.area], rule.below);
  if ("dimension" in rule) return below(facts.dimensions[rule.dimension], rule.below);
  if ("stage" in rule) return rule.stage.includes(facts.stage ?? tables.undetermined_stage);
  if ("missing" in rule) return facts.missing.includes(rule.missing);
  const value = facts.profile[rule.profile] ?? null;
  if (value === null) return false;
  // Decimal fields (turnover, years) travel as text and compare exactly, as Python compares
  // a Decimal with an int or a float.
  const order = tables.decimal_fields.includes(rule.profile)
    ? (limit) => compare(parseDecimal(String(value)), fromFloat(limit))
    : (limit) => (value < limit ? -1 : value > limit ? 1 : 0);
  const equals = (one) =>
    typeof one === "number" && tables.decimal_fields.includes(rule.profile)
      ? order(one) === 0
      : value === one;
  if ("below" in rule) return order(rule.below) < 0;
  if ("at_least" in rule) return order(rule.at_least) >= 0;
  return "is" in rule ? equals(rule.is) : rule.in.some(equals);
}

/**
 * Whether the rule holds only for some values of the profile field `name` (it tests the
 * field outside any `not`): an action made for, say, some sectors.
 */
export function ruleRequiresProfile(rule, name) {
  if (rule === null || rule === undefined) return false;
  if ("all" in rule || "any" in rule) {
    return (rule.all ?? rule.any).some((part) => ruleRequiresProfile(part, name));
  }
  return rule.profile === name;
}

function answerHolds(rule, answer) {
  const chosen = chosenOf(answer);
  if ("includes" in rule) return chosen.has(rule.includes);
  if ("includes_any" in rule) return rule.includes_any.some((option) => chosen.has(option));
  if ("lacks" in rule) return !chosen.has(rule.lacks);
  if ("lacks_all" in rule) return !rule.lacks_all.some((option) => chosen.has(option));
  if ("in" in rule) return typeof answer === "string" && rule.in.includes(answer);
  if ("unanswered" in rule) return isUnanswered(answer) === rule.unanswered;
  if (typeof answer !== "number") return false;
  return "below" in rule ? answer < rule.below : answer >= rule.at_least;
}

function chosenOf(answer) {
  if (typeof answer === "string") return new Set(answer ? [answer] : []);
  if (Array.isArray(answer)) return new Set(answer);
  return new Set();
}

function isUnanswered(answer) {
  return (
    answer === null ||
    answer === undefined ||
    ((typeof answer === "string" || Array.isArray(answer)) && answer.length === 0)
  );
}

function below(score, threshold) {
  return score !== null && score !== undefined && score < threshold;
}
