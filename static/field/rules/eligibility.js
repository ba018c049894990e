// Which support programmes a firm is offered, and whether it qualifies, criterion by
// criterion, as recommendations/eligibility.py says. Reasons are the server's templates in
// the bundle's language (`rules.messages`), filled here; dates, place and currency names
// and how numbers are written come from the same document (recommendations/client_rules.py).

import { add, compare, fraction, multiply, parseDecimal } from "./fraction.js";

const MET = "met";
const NOT_MET = "not_met";
const CHECK = "check";
const ONE = fraction(1n);

/**
 * The reason `key`, its plural agreeing with `count`, filled with `params` as Python's
 * `template % params` fills "%(name)s".
 */
export function say(rules, key, count = 1, params = {}) {
  const [singular, plural] = rules.messages[key];
  const template = count === 1 ? singular : plural;
  return template.replace(/%\((\w+)\)s|%%/g, (found, name) =>
    name === undefined ? "%" : String(params[name]),
  );
}

/**
 * The text in `language`, else its base language, else English, else any (as
 * diagnostic.instrument.localized).
 */
export function localized(texts, language) {
  if (!texts || Object.keys(texts).length === 0) return "";
  const wanted = language.toLowerCase().replaceAll("_", "-");
  for (const candidate of [wanted, wanted.split("-")[0], "en"]) {
    if (texts[candidate]) return texts[candidate];
  }
  return Object.values(texts)[0];
}

// Python's str.casefold() beyond toLowerCase: the full foldings of the letters a name may hold.
const FOLDS = {
  ß: "ss",
  ẞ: "ss",
  ς: "σ",
  ſ: "s",
  µ: "μ",
  ŉ: "ʼn",
  ﬀ: "ff",
  ﬁ: "fi",
  ﬂ: "fl",
  ﬃ: "ffi",
  ﬄ: "ffl",
  ﬅ: "st",
  ﬆ: "st",
  "\u0345": "ι",
};

/** Python's str.casefold(), for the names programmes are ordered by. */
export function casefold(text) {
  return Array.from(text.toLowerCase(), (char) => FOLDS[char] ?? char).join("");
}

/** Python's ordering of strings: by code point (JavaScript's < compares UTF-16 units). */
export function compareText(a, b) {
  const left = Array.from(a);
  const right = Array.from(b);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i].codePointAt(0);
    const y = right[i].codePointAt(0);
    if (x !== y) return x < y ? -1 : 1;
  }
  return left.length - right.length < 0 ? -1 : left.length > right.length ? 1 : 0;
}

/** Tuples compared in order, as Python compares sort keys; strings by code point. */
export function compareKeys(a, b) {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    const order = typeof x === "string" ? compareText(x, y) : x < y ? -1 : x > y ? 1 : 0;
    if (order !== 0) return order;
  }
  return 0;
}

/** A name compared as people mean it: no case, accents, dots or extra spaces (place_key). */
export function placeKey(name) {
  const decomposed = casefold(name ?? "").normalize("NFKD");
  const letters = decomposed.replace(/\p{Mn}/gu, "");
  return letters.replaceAll(".", " ").replaceAll(",", " ").split(/\s+/u).filter(Boolean).join(" ");
}

const strip = (text) => (text ?? "").trim();

/** The region and every subdivision containing it, innermost first (places.lineage). */
function lineage(rules, code) {
  const found = [];
  let current = code ? code.toUpperCase() : null;
  while (current !== null && current in rules.subdivisions) {
    found.push(current);
    current = rules.subdivisions[current] || null;
  }
  return found;
}

// --- Numbers ----------------------------------------------------------------------------------

function numberFormat(rules, country) {
  const key = strip(country).toUpperCase();
  return rules.numbers[key] ?? rules.numbers[""];
}

function groupDigits(digits, format) {
  // Babel's grouping: the last `grouping[0]` digits, then groups of `grouping[1]`.
  let [size, next] = format.grouping;
  let rest = digits;
  let grouped = "";
  while (rest.length > size) {
    grouped = format.group + rest.slice(-size) + grouped;
    rest = rest.slice(0, -size);
    size = next;
  }
  return rest + grouped;
}

/** A whole count with the reader's grouping in the firm's country (diagnostic.formats.number). */
function formatCount(rules, value, country) {
  const format = numberFormat(rules, country);
  const sign = value < 0 ? "-" : "";
  return sign + groupDigits(String(Math.abs(value)), format);
}

/** `amount` (decimal text) rounded half to even to `places` decimals, as digit strings. */
function roundDecimal(amount, places) {
  const scaled = multiply(amount, fraction(10n ** BigInt(places)));
  const negative = scaled.n < 0n;
  const n = negative ? -scaled.n : scaled.n;
  let units = n / scaled.d;
  const twice = 2n * (n % scaled.d);
  if (twice > scaled.d || (twice === scaled.d && units % 2n === 1n)) units += 1n;
  const digits = units.toString().padStart(places + 1, "0");
  return {
    negative: negative && units !== 0n,
    whole: digits.slice(0, digits.length - places),
    decimals: digits.slice(digits.length - places),
  };
}

/** An amount with its currency named in words (diagnostic.formats.money). */
function formatMoney(rules, amountText, currency, country) {
  const format = numberFormat(rules, country);
  const amount = parseDecimal(amountText);
  const isWhole = amount.d === 1n;
  const names = format.currencies[currency];
  const places = isWhole ? 0 : names.digits;
  const { negative, whole, decimals } = roundDecimal(amount, places);
  const sign = negative ? "-" : "";
  const number = sign + groupDigits(whole, format) + (decimals ? format.decimal + decimals : "");
  // The plural of the amount as written in the profile: "1.00" is one in Spanish only.
  const shown = /[.]/.test(amountText) ? amountText.split(".")[1].replace(/e.*$/i, "") : "";
  const one = compare(amount, ONE) === 0 && (rules.one_with_decimals || shown.length === 0);
  const pattern = one ? names.pattern_one : names.pattern_other;
  return pattern.replace("{0}", number).replace("{1}", one ? names.one : names.other);
}

// --- Coverage ---------------------------------------------------------------------------------

/**
 * Where the firm is against where a programme or provider serves: one result per level it
 * restricts, or null when it doesn't serve the firm (eligibility.coverage_results).
 */
export function coverageResults(rules, coverage, firm) {
  const results = [];
  const check = (code, key) => ({ code, status: CHECK, reason: say(rules, key) });
  const covered = (code, place) => ({
    code,
    status: MET,
    reason: say(rules, "covered", 1, { place }),
  });
  if (coverage.countries.length) {
    const country = strip(firm.country).toUpperCase();
    if (!country) {
      results.push(check("coverage_country", "country_unknown"));
    } else if (coverage.countries.some((code) => strip(code).toUpperCase() === country)) {
      results.push(covered("coverage_country", rules.countries[country] || country));
    } else {
      return null;
    }
  }
  if (coverage.online) return results;
  if (coverage.regions.length) {
    const inside = lineage(rules, firm.region);
    const matched = inside.find((code) => coverage.regions.includes(code));
    if (!inside.length) {
      results.push(check("coverage_region", "region_unknown"));
    } else if (matched === undefined) {
      return null;
    } else {
      results.push(covered("coverage_region", rules.region_names[matched]));
    }
  }
  if (coverage.municipalities.length) {
    const town = placeKey(firm.municipality);
    const served = coverage.municipalities.find((name) => placeKey(name) === town);
    if (!town) {
      results.push(check("coverage_municipality", "municipality_unknown"));
    } else if (served === undefined) {
      return null;
    } else {
      results.push(covered("coverage_municipality", served));
    }
  }
  return results;
}

/** Whether a provider surely serves the firm: where the profile can't tell, it doesn't. */
export function serves(rules, coverage, firm) {
  const results = coverageResults(rules, coverage, firm);
  return results !== null && results.every((result) => result.status === MET);
}

// --- Programmes -------------------------------------------------------------------------------

/**
 * The firm's match with the programme (a bundle entry), or null when it isn't offered to it:
 * {programme, eligible, criteria: [{code, status, reason}]}.
 * @param {Object} rules the roadmap rules' document
 * @param {Object} programme
 * @param {Object} firm the firm's profile (decimals as text)
 * @param {string} today ISO date
 */
export function evaluateProgramme(rules, programme, firm, today) {
  if (programme.status === "closed") return null;
  if (programme.closes_on !== null && programme.closes_on < today) return null;
  const coverage = coverageResults(rules, programme.coverage, firm);
  if (coverage === null) return null;
  const results = [...coverage];
  if (programme.opens_on !== null && programme.opens_on > today) {
    const reason = say(rules, "opens_on", 1, { date: rules.dates[programme.opens_on] });
    results.push({ code: "opens_on", status: CHECK, reason });
  } else if (programme.status === "unknown") {
    const reason =
      programme.checked_on === null
        ? say(rules, "status_ask")
        : say(rules, "status_checked", 1, { date: rules.dates[programme.checked_on] });
    results.push({ code: "status", status: CHECK, reason });
  }
  results.push(...criteriaResults(rules, programme, firm));
  const criteria = programme.criteria;
  const bonuses = ["women_owned", "minority_owned"].filter((code) => criteria[code] === "bonus");
  const statuses = new Set(
    results.filter((result) => !bonuses.includes(result.code)).map((result) => result.status),
  );
  const eligible = statuses.has(NOT_MET) ? "no" : statuses.has(CHECK) ? "check" : "yes";
  return { programme, eligible, criteria: results };
}

/** Matches by verdict (yes, check, no), then programme kind, then name; stable. */
export function rankMatches(rules, matches) {
  const { verdicts, programme_kinds: kinds } = rules.tables;
  const key = (match) => {
    const kind = kinds.indexOf(match.programme.kind);
    return [
      verdicts.indexOf(match.eligible),
      kind === -1 ? kinds.length : kind,
      casefold(localized(match.programme.name, rules.language)),
    ];
  };
  return matches
    .map((match) => [key(match), match])
    .sort((a, b) => compareKeys(a[0], b[0]))
    .map(([, match]) => match);
}

const met = (condition) => (condition ? MET : NOT_MET);

/** A criterion the firm meets by a yes (a storefront, being registered): to check when
 * unknown. `messages` names its reasons: "<messages>_unknown", "_met", "_not_met". */
function knownFact(rules, fact, messages) {
  if (fact === null || fact === undefined) return [CHECK, say(rules, `${messages}_unknown`)];
  return fact ? [MET, say(rules, `${messages}_met`)] : [NOT_MET, say(rules, `${messages}_not_met`)];
}

function criteriaResults(rules, programme, firm) {
  const c = programme.criteria;
  const has = (name) => c[name] !== undefined && c[name] !== null;
  const count = (value) => formatCount(rules, value, firm.country);
  const outcomes = [];
  const record = (code, outcome) => {
    if (outcome !== null) outcomes.push({ code, status: outcome[0], reason: outcome[1] });
  };
  const employees = firm.employees ?? null;
  for (const [code, holds] of [
    ["employees_min", (limit) => employees >= limit],
    ["employees_max", (limit) => employees <= limit],
  ]) {
    if (!has(code)) continue;
    if (employees === null) record(code, [CHECK, say(rules, "employees_unknown")]);
    else {
      const params = { limit: count(c[code]), employees: count(employees) };
      const reason = say(rules, code, c[code], params);
      record(code, [met(holds(c[code])), reason]);
    }
  }
  if (has("turnover_max")) record("turnover_max", turnoverMax(rules, c.turnover_max, firm));
  for (const [code, check] of [
    ["years_trading_min", (years, limit) => compare(years, limit) >= 0],
    ["years_trading_max", (years, limit) => compare(years, limit) <= 0],
  ]) {
    if (!has(code)) continue;
    record(code, yearsTrading(rules, code, parseDecimal(String(c[code])), firm, check));
  }
  const sector = firm.sector ?? null;
  if (c.sectors_included?.length) {
    record(
      "sectors_included",
      sector === null
        ? [CHECK, say(rules, "sector_unknown")]
        : c.sectors_included.includes(sector)
          ? [MET, say(rules, "sectors_included_met")]
          : [NOT_MET, say(rules, "sectors_included_not_met")],
    );
  }
  if (c.sectors_excluded?.length) {
    record(
      "sectors_excluded",
      sector === null
        ? [CHECK, say(rules, "sector_unknown")]
        : c.sectors_excluded.includes(sector)
          ? [NOT_MET, say(rules, "sectors_excluded_not_met")]
          : [MET, say(rules, "sectors_excluded_met")],
    );
  }
  if (c.physical_storefront_required) {
    record(
      "physical_storefront_required",
      knownFact(rules, firm.has_physical_storefront, "storefront"),
    );
  }
  if (has("town_population_max")) {
    const maximum = c.town_population_max;
    const population = firm.town_population ?? null;
    const limit = count(maximum);
    let outcome;
    if (population !== null) {
      outcome = [
        met(population <= maximum),
        say(rules, "town_population_max", maximum, { limit, population: count(population) }),
      ];
    } else if (firm.settlement === "metro" && maximum < rules.tables.metro_population) {
      outcome = [NOT_MET, say(rules, "town_metro", maximum, { limit })];
    } else {
      outcome = [CHECK, say(rules, "town_unknown")];
    }
    record("town_population_max", outcome);
  }
  if (c.settlements?.length) {
    const settlement = firm.settlement ?? null;
    record(
      "settlements",
      settlement === null
        ? [CHECK, say(rules, "settlement_unknown")]
        : c.settlements.includes(settlement)
          ? [MET, say(rules, "settlements_met")]
          : [NOT_MET, say(rules, "settlements_not_met")],
    );
  }
  if (has("women_owned")) record("women_owned", womenOwned(rules, c.women_owned, firm));
  if (has("minority_owned")) {
    const key = c.minority_owned === "bonus" ? "minority_bonus" : "minority_required";
    record("minority_owned", [CHECK, say(rules, key)]);
  }
  if (c.formally_registered_required) {
    record(
      "formally_registered_required",
      knownFact(rules, firm.formally_registered, "registered"),
    );
  }
  for (const condition of c.other ?? []) {
    record("other", [CHECK, localized(condition, rules.language)]);
  }
  return outcomes;
}

function turnoverMax(rules, limit, firm) {
  const turnover = firm.annual_turnover ?? null;
  if (turnover === null) return [CHECK, say(rules, "turnover_unknown")];
  const limitText = formatMoney(rules, String(limit.amount), limit.currency, firm.country);
  const currency = strip(firm.currency).toUpperCase();
  if (!currency) return [CHECK, say(rules, "turnover_no_currency", 1, { limit: limitText })];
  if (currency !== strip(limit.currency).toUpperCase()) {
    const name = rules.currency_names[currency] ?? currency;
    return [CHECK, say(rules, "turnover_other_currency", 1, { limit: limitText, currency: name })];
  }
  const turnoverText = formatMoney(rules, String(turnover), currency, firm.country);
  const reason = say(rules, "turnover_max", 1, { limit: limitText, turnover: turnoverText });
  const within = compare(parseDecimal(String(turnover)), parseDecimal(String(limit.amount))) <= 0;
  return [met(within), reason];
}

/** The profile's completed years y mean from y to just under y + 1 years in business. */
function yearsTrading(rules, code, limit, firm, holds) {
  if (firm.years_trading === null || firm.years_trading === undefined) {
    return [CHECK, say(rules, "years_unknown")];
  }
  const years = parseDecimal(String(firm.years_trading));
  const params = {
    limit: duration(rules, limit),
    years: compare(years, ONE) < 0 ? say(rules, "less_than_a_year") : duration(rules, years),
  };
  if (compare(years, limit) < 0 && compare(limit, add(years, ONE)) < 0) {
    return [CHECK, say(rules, `${code}_check`, 1, params)];
  }
  return [met(holds(years, limit)), say(rules, code, 1, params)];
}

/** Years as "2 years", or in whole months (rounded half to even) when they aren't whole. */
function duration(rules, years) {
  if (years.d === 1n) {
    const count = Number(years.n);
    return say(rules, "years", count, { count });
  }
  const { negative, whole } = roundDecimal(multiply(years, fraction(12n)), 0);
  const count = Number(whole) * (negative ? -1 : 1);
  return say(rules, "months", count, { count });
}

function womenOwned(rules, rule, firm) {
  const led = firm.women_led ?? null;
  if (rule === "bonus") {
    if (led === false) return null;
    return led ? [MET, say(rules, "women_bonus_met")] : [CHECK, say(rules, "women_bonus_check")];
  }
  if (led === null) return [CHECK, say(rules, "women_unknown")];
  return led ? [MET, say(rules, "women_met")] : [NOT_MET, say(rules, "women_not_met")];
}
