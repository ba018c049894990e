// The roadmap (DESIGN 3) on the phone, as recommendations/roadmap.py `plan_roadmap` plans it:
// eligibility for every programme, then the actions in priority order (the stage gap, the
// weakest areas, then fillers up to three), each with its programmes and providers. It reads
// the bundle's catalogue (`catalogue.actions`, `.programmes`, `.providers`) and the document
// recommendations/client_rules.py makes (`catalogue.rules`), and returns exactly what
// `Roadmap.to_dict()` gives.

import { ruleHolds, ruleRequiresProfile } from "./conditions.js";
import {
  casefold,
  compareKeys,
  evaluateProgramme,
  localized,
  rankMatches,
  serves,
} from "./eligibility.js";

export { factsFromResult } from "./conditions.js";

/**
 * The firm's roadmap, as `Roadmap.to_dict()`:
 * {actions: [{code, horizon, reason, for, programmes, providers}],
 *  programmes: [{code, eligible, criteria: [{code, status, reason}]}]}
 * (programmes it may apply to, "yes" before "check", then the others in its area).
 * @param {{actions: Object[], programmes: Object[], providers: Object[], rules: Object}} catalogue
 *   the bundle's catalogue, with the rules document made in the reader's language
 * @param {{facts: import("./conditions.js").RuleFacts, today: string, limit?: number}} options
 *   `facts.profile` is the firm's profile (decimals as text); `today` an ISO date
 */
export function planRoadmap(catalogue, { facts, today, limit = 8 }) {
  const rules = catalogue.rules;
  const matches = rankMatches(
    rules,
    catalogue.programmes
      .map((programme) => evaluateProgramme(rules, programme, facts.profile, today))
      .filter((match) => match !== null),
  );
  const { actions, providers } = catalogue;
  return buildRoadmap(rules, { actions, providers, matches, facts, limit });
}

/**
 * The roadmap from programmes already evaluated (`matches`, as `evaluateProgramme` gives
 * them), as recommendations/roadmap.py `build_roadmap` makes it.
 * @param {Object} rules the roadmap rules' document, in the reader's language
 * @param {{actions: Object[], providers: Object[], matches: Object[],
 *   facts: import("./conditions.js").RuleFacts, limit?: number}} options
 */
export function buildRoadmap(rules, { actions, providers, matches, facts, limit = 8 }) {
  if (limit < 1) throw new RangeError(`a roadmap needs room for at least one action, not ${limit}`);
  const { offered: offeredVerdicts } = rules.tables;
  const name = (match) => casefold(localized(match.programme.name, rules.language));
  const offered = sortBy(
    matches.filter((match) => offeredVerdicts.includes(match.eligible)),
    (match) => [offeredVerdicts.indexOf(match.eligible), name(match), match.programme.code],
  );
  const notEligible = sortBy(
    matches.filter((match) => !offeredVerdicts.includes(match.eligible)),
    (match) => [name(match)],
  );
  return {
    actions: choose(rules, actions, facts, limit).map(([action, reason, chosenFor]) => ({
      code: action.code,
      horizon: action.horizon,
      reason,
      for: chosenFor,
      programmes: programmesFor(rules, action, offered),
      providers: providersFor(rules, action, providers, facts.profile),
    })),
    programmes: [...offered, ...notEligible].map((match) => ({
      code: match.programme.code,
      eligible: match.eligible,
      criteria: match.criteria.map(({ code, status, reason }) => ({ code, status, reason })),
    })),
  };
}

/** A stable sort on a key tuple, compared as Python compares tuples. */
function sortBy(items, key) {
  return items
    .map((item) => [key(item), item])
    .sort((a, b) => compareKeys(a[0], b[0]))
    .map(([, item]) => item);
}

function choose(rules, actions, facts, limit) {
  const tables = rules.tables;
  const applicable = actions.filter((action) => ruleHolds(action.when, facts, tables));
  const chosen = [];
  const taken = new Set();
  const cheapness = (action) => [
    tables.costs.indexOf(action.cost),
    tables.efforts.indexOf(action.effort),
  ];

  const take = (candidates, reason, chosenFor, n) => {
    for (const action of candidates) {
      if (n <= 0 || chosen.length >= limit) return;
      if (!taken.has(action.code)) {
        chosen.push([action, reason, chosenFor ?? action.area]);
        taken.add(action.code);
        n -= 1;
      }
    }
  };

  let conditions = [...facts.missing];
  if (facts.answers.internet_access === "none") {
    conditions = [tables.connectivity, ...conditions.filter((c) => c !== tables.connectivity)];
  }
  for (const condition of conditions) {
    const addressing = applicable.filter((action) => action.addresses.includes(condition));
    // Made for the firm's line of activity first, then cheapest.
    const fit = (action) => [
      ruleRequiresProfile(action.when, "sector") ? 0 : 1,
      ...cheapness(action),
    ];
    take(sortBy(addressing, fit), "stage_gap", condition, tables.per_condition);
  }

  // Actions for a missing condition come only through the stage gap, so the cap holds.
  const missing = new Set(conditions);
  const triggered = applicable.filter(
    (action) =>
      action.when !== null &&
      action.when !== undefined &&
      !action.addresses.some((code) => missing.has(code)),
  );
  const weakness = (action) => {
    const score = facts.areas[action.area] ?? null;
    return [score === null ? 1 : 0, score ?? 0];
  };
  take(
    sortBy(triggered, (action) => [...weakness(action), ...cheapness(action)]),
    "weak_area",
    null,
    triggered.length,
  );

  // Fillers address no stage condition: the firm has met those, or just got two for them.
  const fillers = applicable.filter((action) => action.addresses.length === 0);
  take(sortBy(fillers, cheapness), "deepen", null, tables.min_actions - chosen.length);
  return chosen;
}

function programmesFor(rules, action, offered) {
  const categories = new Set(action.categories);
  return offered
    .filter((match) => match.programme.categories.some((category) => categories.has(category)))
    .slice(0, rules.tables.links_per_action)
    .map((match) => match.programme.code);
}

/** The providers the action's steps use, in its order, that surely serve where the firm is. */
function providersFor(rules, action, providers, firm) {
  const byCode = new Map(
    providers
      .filter((provider) => !provider.is_example)
      .map((provider) => [provider.code, provider]),
  );
  return action.providers
    .filter((code) => byCode.has(code) && serves(rules, byCode.get(code).coverage, firm))
    .slice(0, rules.tables.links_per_action);
}
