// Scores of a diagnostic, as diagnostic/scoring.py computes them (DESIGN 2.2), for the field
// app offline. It reads the instrument and the rules' constants from the document that
// diagnostic.client_rules.instrument_for_client makes; tests/field/test_rules_conformance.py
// holds its results equal to the server's. Item scores are 0–4 or null; area, dimension and
// overall scores are exact fractions rounded half up only when returned. A document is only
// read, never changed: what is worked out from it is kept per document.

import {
  ZERO,
  add,
  compare,
  divide,
  fraction,
  fromFloat,
  fromShortestDecimal,
  multiply,
  parseRational,
  roundHalfUp,
} from "./fraction.js";

const describe = (value) => JSON.stringify(value) ?? String(value);

// The few distinct weights and thresholds of a document, each parsed once.
const rationals = new Map();
function rational(text) {
  let value = rationals.get(text);
  if (value === undefined) {
    value = parseRational(text);
    rationals.set(text, value);
  }
  return value;
}

// Every item of a document in questionnaire order, and their codes, worked out once.
const itemLists = new WeakMap();
function itemsOf(instrument) {
  let list = itemLists.get(instrument);
  if (list === undefined) {
    const items = instrument.dimensions.flatMap((d) => d.areas.flatMap((a) => a.items));
    list = { items, codes: new Set(items.map((item) => item.code)) };
    itemLists.set(instrument, list);
  }
  return list;
}

/**
 * The level code of a rounded 0–100 score; null for no score. Mirrors scoring.level_for.
 * @param {object} instrument the rules document of instrument_for_client
 * @param {number|null} score
 * @returns {string|null}
 */
export function levelFor(instrument, score) {
  if (score === null) return null;
  const floors = instrument.scoring.level_floors;
  const found = floors.find(([lowest]) => score >= lowest);
  if (!found) throw new RangeError(`no level for the score ${score}`);
  return found[1];
}

/**
 * A 0–100 score and its level, {value, level}, from an exact fraction (rounded half up) or
 * null. Mirrors scoring.Score.of(...).to_dict().
 * @param {object} instrument the rules document of instrument_for_client
 * @param {{n: bigint, d: bigint}|null} exact
 * @returns {{value: number|null, level: string|null}}
 */
export function scoreOf(instrument, exact) {
  const value = exact === null ? null : roundHalfUp(exact);
  return { value, level: levelFor(instrument, value) };
}

/**
 * The 0–4 score of one cleaned answer; null when unanswered or not applicable, and for a
 * per-person item when the number of people is unknown. Mirrors scoring.item_score.
 * @param {object} item an item of the rules document
 * @param {string|string[]|number|null|undefined} answer
 * @param {{people?: number|null}} [options] people working in the business
 * @returns {number|null}
 */
export function itemScore(item, answer, { people = null } = {}) {
  if (answer === null || answer === undefined) return null;
  if (item.kind === "number") {
    if (typeof answer !== "number") {
      throw new TypeError(`item '${item.code}' needs a number, not ${describe(answer)}`);
    }
    if (!item.per_person) return band(item.bands, fromFloat(answer), item.code);
    if (!people || people < 1) return null;
    if (!Number.isInteger(people)) {
      throw new TypeError(`people must be a whole number, not ${describe(people)}`);
    }
    const share = divide(fromShortestDecimal(answer), fraction(BigInt(people)));
    return band(item.bands, share, item.code);
  }
  if (item.kind === "single") {
    if (typeof answer !== "string") {
      throw new TypeError(`item '${item.code}' needs one option code, not ${describe(answer)}`);
    }
    return option(item, answer).score;
  }
  if (!Array.isArray(answer)) {
    throw new TypeError(`item '${item.code}' needs a list of option codes, not ${describe(answer)}`);
  }
  const chosen = answer.map((code) => option(item, code));
  const scores = chosen.map((o) => o.score).filter((score) => score !== null);
  if (scores.length === 0) return null;
  if (!item.breadth) return Math.max(...scores);
  const breadth = chosen.filter((o) => o.score !== null && !o.exclusive).length;
  // Only an exclusive option such as "none" was chosen: it carries its own score.
  if (breadth === 0) return Math.max(...scores);
  return band(item.breadth, fraction(BigInt(breadth)), item.code);
}

function option(item, code) {
  const found = item.options.find((o) => o.code === code);
  if (!found) throw new RangeError(`item '${item.code}' has no option ${describe(code)}`);
  return found;
}

/** The score of the highest threshold at or below the exact value. */
function band(bands, value, itemCode) {
  const reached = bands.filter(([threshold]) => compare(rational(threshold), value) <= 0);
  if (reached.length === 0) {
    throw new RangeError(`item '${itemCode}': the value is below its first band`);
  }
  return reached[reached.length - 1][1];
}

/** Σ(w·s) / Σ(w) over the pairs with a score; null when none has. */
function weightedMean(pairs) {
  let total = ZERO;
  let weights = ZERO;
  for (const [weight, score] of pairs) {
    if (score === null) continue;
    total = add(total, multiply(weight, score));
    weights = add(weights, weight);
  }
  return weights.n === 0n ? null : divide(total, weights);
}

/** The answer to an item, null when there is none (never an inherited property). */
function answerTo(answers, code) {
  return Object.hasOwn(answers, code) ? answers[code] : null;
}

/** An answer without a score that isn't "don't know": the item does not apply. */
function notApplicable(instrument, answer) {
  if (answer === null || answer === undefined) return false;
  const chosen = Array.isArray(answer) ? answer : [answer];
  return !chosen.some((code) => instrument.scoring.unknown_options.includes(code));
}

function completenessOf(instrument, dimension, answers, items) {
  let scored = 0;
  let applicable = 0;
  for (const area of dimension.areas) {
    for (const item of area.items) {
      if (!item.scored) continue;
      if (items[item.code] !== null) {
        scored += 1;
        applicable += 1;
      } else if (!notApplicable(instrument, answerTo(answers, item.code))) {
        applicable += 1;
      }
    }
  }
  return { scored, applicable };
}

/** At least half the applicable items scored (Completeness.enough). */
const enough = (part) => 2 * part.scored >= part.applicable;

/** Scored areas, best first or worst first; ties keep instrument order. */
function ranked(areas, scoredAreas, bestFirst) {
  const sign = bestFirst ? -1 : 1;
  return scoredAreas
    .map((code, position) => ({ code, position, value: areas[code].value }))
    .filter(({ value }) => value !== null)
    .sort((a, b) => sign * a.value - sign * b.value || a.position - b.position)
    .map(({ code }) => code);
}

function strongestAreas(areas, scoredAreas, n = 3) {
  const best = ranked(areas, scoredAreas, true);
  const half = Math.floor((best.length + 1) / 2);
  return best.slice(0, Math.min(n, half)).filter((code) => areas[code].value);
}

function weakestAreas(areas, scoredAreas, n = 3) {
  const strongest = new Set(strongestAreas(areas, scoredAreas, n));
  const worst = ranked(areas, scoredAreas, false);
  const half = Math.floor(worst.length / 2);
  return worst
    .filter((code) => !strongest.has(code))
    .slice(0, Math.min(n, half))
    .filter((code) => areas[code].value !== 100);
}

/**
 * All scores of one diagnostic, as ScoreResult.to_dict() stores them with a submitted
 * assessment: scoring_version, overall, dimensions, areas, items, answered, total,
 * completeness, rests_on, strongest_areas, weakest_areas. Mirrors scoring.score_answers.
 * @param {object} instrument the rules document of instrument_for_client
 * @param {Object<string, string|string[]|number|null>} answers cleaned answers by item code
 * @param {{people?: number|null}} [options] people working in the business, for the items
 *   counted per person (without it they have no score)
 * @returns {object}
 */
export function scoreAnswers(instrument, answers, { people = null } = {}) {
  const { items: allItems, codes: known } = itemsOf(instrument);
  const unknown = Object.keys(answers)
    .filter((code) => !known.has(code))
    .sort();
  if (unknown.length) throw new RangeError(`answers to unknown items: ${unknown.join(", ")}`);
  const items = {};
  for (const item of allItems) {
    items[item.code] = itemScore(item, answerTo(answers, item.code), { people });
  }
  const scale = fraction(BigInt(instrument.scoring.scale));
  const dimensions = {};
  const areas = {};
  const completeness = {};
  const scoredDimensions = [];
  const scoredAreas = [];
  const overallParts = [];
  for (const dimension of instrument.dimensions) {
    const part = completenessOf(instrument, dimension, answers, items);
    completeness[dimension.code] = part;
    const areaScores = [];
    for (const area of dimension.areas) {
      let exact = weightedMean(
        area.items.map((item) => [rational(item.weight), exactScore(items[item.code])]),
      );
      exact = exact === null || !enough(part) ? null : multiply(exact, scale);
      areas[area.code] = scoreOf(instrument, exact);
      areaScores.push([rational(area.weight), exact]);
      if (dimension.scored) scoredAreas.push(area.code);
    }
    const exact = weightedMean(areaScores);
    dimensions[dimension.code] = scoreOf(instrument, exact);
    if (dimension.scored) {
      scoredDimensions.push([rational(dimension.weight), exact]);
      overallParts.push(part);
    }
  }
  const complete = overallParts.every(enough);
  return {
    scoring_version: instrument.scoring.version,
    overall: scoreOf(instrument, complete ? weightedMean(scoredDimensions) : null),
    dimensions,
    areas,
    items,
    answered: allItems.filter((item) => Object.hasOwn(answers, item.code)).length,
    total: allItems.length,
    completeness,
    rests_on: overallParts.reduce(
      (sum, part) => ({
        scored: sum.scored + part.scored,
        applicable: sum.applicable + part.applicable,
      }),
      { scored: 0, applicable: 0 },
    ),
    strongest_areas: strongestAreas(areas, scoredAreas),
    weakest_areas: weakestAreas(areas, scoredAreas),
  };
}

function exactScore(score) {
  return score === null ? null : fraction(BigInt(score));
}
