// Placement on the A–E digital journey, as diagnostic/stages.py places a firm (DESIGN 2.3),
// for the field app offline: by what the firm does, never by its score. The tables of the
// rules come from the document of diagnostic.client_rules.instrument_for_client (its
// "stages" part); tests/field/test_rules_conformance.py holds the results equal to the
// server's. Results carry codes only: the page words them.

const NEXT_STAGE = { B: "A", C: "B", D: "C", E: "D" };
const describe = (value) => JSON.stringify(value) ?? String(value);

/**
 * The version of the stage rules that places answers to this instrument ("v1" or "v2").
 * Mirrors stages.stage_rules_for, whose answer the rules document carries.
 * @param {object} instrument the rules document of instrument_for_client
 * @returns {string}
 */
export function stageRulesFor(instrument) {
  return instrument.stages.rules;
}

/**
 * The A–E stage of a firm from its cleaned answers; never a guess. The result is
 * StagePlacement.to_dict(): rules, stage (null: undetermined), facts, blocked (higher stages
 * whose channel holds but not their capability), next_stage, missing (conditions for the
 * next stage, as {code, params}) and missing_answers. Mirrors stages.place_stage.
 * @param {object} instrument the rules document of instrument_for_client
 * @param {Object<string, string|string[]|number|null>} answers cleaned answers by item code
 * @param {string} [rules] "v2" places by version 2, anything else by version 1, as in Python
 * @returns {object}
 */
export function placeStage(instrument, answers, rules = stageRulesFor(instrument)) {
  const tables = instrument.stages;
  if (rules === "v2") return placeV2(tables, answers);
  if (!tables.placement_items.some((code) => chosen(answers, code).size)) {
    return placement({ stage: null, missingAnswers: tables.placement_items, rules: "v1" });
  }
  const firm = firmV1(tables, answers);
  const blocked = [];
  for (const stage of ["A", "B", "C", "D"]) {
    const channels = firm.channelFacts(stage);
    if (!channels.length) continue;
    const unmet = firm.unmetCapability(stage);
    if (!unmet.length) return placedV1(firm, stage, blocked);
    blocked.push(gap(stage, channels, unmet));
  }
  return placedV1(firm, "E", blocked);
}

function placedV1(firm, stage, blocked) {
  let facts;
  if (stage === "E") {
    facts = firm.channelFacts("D").length ? [] : ["no_online_channel"];
    if (firm.internet === "none") facts.push("no_internet");
  } else {
    facts = [...firm.channelFacts(stage), ...firm.capabilityFacts(stage)];
  }
  const nextStage = NEXT_STAGE[stage] ?? null;
  return placement({
    stage,
    facts,
    blocked,
    nextStage,
    missing: nextStage ? missingFor(firm, nextStage) : [],
    rules: "v1",
  });
}

/** The conditions a firm lacks for a stage: its channel, then its capability. */
function missingFor(firm, stage) {
  const missing = firm.channelFacts(stage).length
    ? []
    : [condition(`channel_${stage.toLowerCase()}`)];
  return [...missing, ...firm.unmetCapability(stage)];
}

/** The canonical answers as version 1 of the rules reads them. */
function firmV1(tables, answers) {
  const sales = chosen(answers, "sales_channels");
  const presence = without(chosen(answers, "online_presence"), "none");
  const payments = chosen(answers, "payments_accepted");
  const software = intersection(chosen(answers, "business_software"), tables.a_software);
  const internet = soleCode(chosen(answers, "internet_access"));
  const crossBorder = chosen(answers, "cross_border_sales");
  const facts = {
    sells_global_marketplace: sales.has("global_marketplace"),
    sells_regularly_abroad:
      crossBorder.has("regular") && anyOf(sales, ["own_online_store", "national_marketplace"]),
    sells_national_marketplace: sales.has("national_marketplace"),
    sells_own_store: sales.has("own_online_store"),
    sells_local_marketplace: sales.has("local_marketplace_or_app"),
    has_online_presence: presence.size > 0,
    sells_messaging_social: anyOf(sales, ["messaging_apps", "social_media"]),
  };
  return {
    internet,
    /** The facts meeting the stage's channel condition, its own or a higher stage's. */
    channelFacts(stage) {
      const stages = "ABCD".slice(0, "ABCD".indexOf(stage) + 1);
      return [...stages].flatMap((s) => tables.channel_facts[s].filter((fact) => facts[fact]));
    },
    unmetCapability(stage) {
      const unmet = [];
      if (stage === "A") {
        if (software.size < tables.a_software_needed) {
          unmet.push(softwareCondition(tables, software));
        }
        if (!anyOf(payments, tables.a_payments)) unmet.push(condition("capability_a_payments"));
      } else if (stage === "B" && !anyOf(payments, tables.b_payments)) {
        unmet.push(condition("capability_b_payments"));
      } else if (stage === "D" && internet === "none") {
        unmet.push(condition("capability_d_internet"));
      }
      return unmet;
    },
    capabilityFacts(stage) {
      if (stage === "A") return ["uses_business_software", "accepts_online_payments"];
      if (stage === "B") return ["accepts_digital_payments"];
      if (stage === "D" && internet !== null) return ["has_internet"];
      return [];
    },
  };
}

function placeV2(tables, answers) {
  if (!chosen(answers, "sales_channels").size) {
    return placement({ stage: null, missingAnswers: ["sales_channels"], rules: "v2" });
  }
  const firm = firmV2(tables, answers);
  const blocked = [];
  let stage = "E";
  for (const candidate of ["A", "B", "C", "D"]) {
    const channels = firm.channelFacts(candidate);
    if (!channels.length) continue;
    const unmet = firm.unmetCapability(candidate);
    if (!unmet.length) {
      stage = candidate;
      break;
    }
    blocked.push(gap(candidate, channels, unmet));
  }
  let facts;
  if (stage === "E") {
    facts = [...firm.presenceFacts, "no_online_sales"];
    if (firm.internet === "none") facts.push("no_internet");
  } else {
    facts = [...firm.channelFacts(stage), ...firm.capabilityFacts(stage)];
  }
  const nextStage = firm.nextStage(stage);
  return placement({
    stage,
    facts,
    blocked,
    nextStage,
    missing: nextStage ? missingFor(firm, nextStage) : [],
    rules: "v2",
  });
}

/** The canonical answers as version 2 of the rules reads them. */
function firmV2(tables, answers) {
  const sales = chosen(answers, "sales_channels");
  const presence = without(chosen(answers, "online_presence"), "none");
  const payments = chosen(answers, "payments_accepted");
  const software = intersection(chosen(answers, "business_software"), tables.v2_a_software);
  const internet = soleCode(chosen(answers, "internet_access"));
  const regular = chosen(answers, "cross_border_sales").has("regular");
  const facts = {
    sells_global_marketplace: sales.has("global_marketplace"),
    sells_regularly_abroad:
      regular && anyOf(sales, ["own_online_store", "national_marketplace", "b2b_online"]),
    sells_national_marketplace: sales.has("national_marketplace"),
    sells_own_store: sales.has("own_online_store"),
    sells_local_marketplace: sales.has("local_marketplace_or_app"),
    sells_b2b_online: sales.has("b2b_online"),
    sells_public_procurement: sales.has("public_procurement"),
    sells_messaging_social: anyOf(sales, ["messaging_apps", "social_media"]),
  };
  // Paid from abroad: a gateway or cross-border payments, a global marketplace that collects
  // and pays out, or bank transfers from business clients.
  const paidFromAbroad =
    anyOf(payments, tables.a_payments) ||
    facts.sells_global_marketplace ||
    (payments.has("bank_transfer") && facts.sells_b2b_online);
  return {
    internet,
    presenceFacts: Object.entries(tables.v2_presence_facts)
      .filter(([code]) => presence.has(code))
      .map(([, fact]) => fact),
    channelFacts(stage) {
      const found = tables.v2_channels[stage].filter((fact) => facts[fact]);
      if (stage === "A" && facts.sells_regularly_abroad) {
        // and through which channel it sells abroad
        found.push(...tables.v2_abroad_through.filter((fact) => facts[fact]));
      }
      return found;
    },
    unmetCapability(stage) {
      const unmet = [];
      if (stage === "A") {
        if (software.size < tables.a_software_needed) {
          unmet.push(softwareCondition(tables, software));
        }
        if (!paidFromAbroad) unmet.push(condition("capability_a_payments"));
      } else if (stage === "D" && internet === "none") {
        unmet.push(condition("capability_d_internet"));
      }
      return unmet;
    },
    capabilityFacts(stage) {
      if (stage === "A") return ["uses_business_software", "paid_from_abroad"];
      if (stage === "D" && internet !== null) return ["has_internet"];
      return [];
    },
    /** The stage to aim at: business-to-business sellers go for A, not for marketplaces. */
    nextStage(stage) {
      if (stage === "C" && facts.sells_b2b_online) return "A";
      return NEXT_STAGE[stage] ?? null;
    },
  };
}

function placement({
  stage,
  facts = [],
  blocked = [],
  nextStage = null,
  missing = [],
  missingAnswers = [],
  rules,
}) {
  return {
    rules,
    stage,
    facts,
    blocked,
    next_stage: nextStage,
    missing,
    missing_answers: [...missingAnswers],
  };
}

function gap(stage, facts, missing) {
  return { stage, facts, missing };
}

function condition(code, params = {}) {
  return { code, params };
}

function softwareCondition(tables, software) {
  return condition("capability_a_software", {
    have: software.size,
    need: tables.a_software_needed,
  });
}

/** The codes chosen in an answer, as a set; empty when unanswered. */
function chosen(answers, code) {
  const answer = Object.hasOwn(answers, code) ? answers[code] : null;
  if (answer === null || answer === undefined || answer === "") return new Set();
  if (typeof answer === "string") return new Set([answer]);
  if (Array.isArray(answer)) return new Set(answer);
  throw new TypeError(`'${code}' needs option codes, not ${describe(answer)}`);
}

/**
 * The one code of a single-choice answer; null when unanswered. Python takes any element
 * of a set of several (which one depends on string hashing), so only one is well defined.
 */
function soleCode(codes) {
  if (codes.size > 1) throw new TypeError(`one answer expected, not ${describe([...codes])}`);
  return codes.size ? [...codes][0] : null;
}

function without(codes, code) {
  return new Set([...codes].filter((c) => c !== code));
}

function intersection(codes, allowed) {
  return new Set([...codes].filter((c) => allowed.includes(c)));
}

function anyOf(codes, wanted) {
  return wanted.some((code) => codes.has(code));
}
