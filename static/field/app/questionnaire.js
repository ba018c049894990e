// The questionnaire on the phone: the business today first, then one page per dimension as
// on the site, built from the instrument's definition in the bundle: the same questions,
// options, hints and limits.
// Answers have the shape the site takes: an option's code, a list of codes, or a number.

import { fill, h, localized } from "./dom.js";

/** The number a person typed ("12", "2.5" or "2,5"), or null when it is not one. */
export function parseNumber(text) {
  const cleaned = text.trim().replace(",", ".");
  return /^\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : null;
}

/** How many digits follow the decimal mark: "250.000" is more likely 250 thousand than 250. */
function decimals(text) {
  return text.trim().replace(",", ".").split(".")[1]?.length ?? 0;
}

function hint(item, id, language) {
  const help = localized(item.help, language);
  return help ? h("div", { class: "form-text", id }, help) : null;
}

function choices(item, answer, language, onAnswer) {
  const multi = item.kind === "multi";
  const chosen = new Set(multi ? (answer ?? []) : answer === undefined ? [] : [answer]);
  const inputs = item.options.map((option, index) =>
    h("input", {
      class: "form-check-input",
      type: multi ? "checkbox" : "radio",
      name: item.code,
      id: `${item.code}_${index}`,
      value: option.code,
      checked: chosen.has(option.code),
    }),
  );
  const fieldset = h(
    "fieldset",
    { "aria-describedby": item.help ? `${item.code}_hint` : null },
    h("legend", { class: "form-label" }, localized(item.prompt, language)),
    hint(item, `${item.code}_hint`, language),
    item.options.map((option, index) =>
      h(
        "div",
        { class: "form-check" },
        inputs[index],
        h(
          "label",
          { class: "form-check-label", for: inputs[index].id },
          localized(option.label, language),
        ),
      ),
    ),
  );
  fieldset.addEventListener("change", (event) => {
    if (!multi) {
      onAnswer(item.code, event.target.value);
      return;
    }
    // "None" and the like stand alone: choosing one clears the others, and the reverse.
    const changed = item.options.find((option) => option.code === event.target.value);
    if (event.target.checked) {
      for (const [index, option] of item.options.entries()) {
        if (option !== changed && (changed.exclusive || option.exclusive))
          inputs[index].checked = false;
      }
    }
    const codes = inputs.filter((input) => input.checked).map((input) => input.value);
    onAnswer(item.code, codes.length ? codes : undefined);
  });
  return fieldset;
}

function number(item, answer, language, texts, onAnswer) {
  const id = `${item.code}_input`;
  const errorId = `${item.code}_error`;
  const unit = localized(item.unit, language);
  const input = h("input", {
    class: "form-control",
    type: "text",
    inputmode: "decimal",
    id,
    name: item.code,
    value: answer ?? "",
    // The error (empty until there is one) is read with the hint and the unit.
    "aria-describedby": [
      errorId,
      item.help ? `${item.code}_hint` : "",
      unit ? `${item.code}_unit` : "",
    ]
      .join(" ")
      .trim(),
  });
  const error = h("p", { class: "invalid-feedback", id: errorId, hidden: true });
  input.addEventListener("change", () => {
    const text = input.value;
    const value = parseNumber(text);
    const wrong =
      text.trim() !== "" &&
      (value === null ||
        value < item.min ||
        value > item.max ||
        (item.whole === true && !Number.isInteger(value)) ||
        (item.amount === true && decimals(text) > 2));
    input.classList.toggle("is-invalid", wrong);
    input.toggleAttribute("aria-invalid", wrong);
    error.hidden = !wrong;
    const invalid = item.amount
      ? texts.amount_invalid
      : item.whole
        ? texts.whole_number_invalid
        : texts.number_invalid;
    error.textContent = wrong ? fill(invalid, { min: item.min, max: item.max }) : "";
    onAnswer(item.code, wrong || text.trim() === "" ? undefined : value);
  });
  return h(
    "div",
    {},
    h("label", { class: "form-label", for: id }, localized(item.prompt, language)),
    hint(item, `${item.code}_hint`, language),
    error,
    h(
      "div",
      { class: "input-group number-answer" },
      input,
      unit ? h("span", { class: "input-group-text", id: `${item.code}_unit` }, unit) : null,
    ),
  );
}

/**
 * The questions of one dimension, each answer handed to `onAnswer(code, value)` as it
 * changes (`undefined` when cleared or not a number in range).
 */
export function dimensionQuestions(dimension, { answers, language, texts, onAnswer }) {
  return dimension.areas.map((area) =>
    h(
      "section",
      { class: "area", "aria-labelledby": `area-${area.code}` },
      h("h2", { class: "h4", id: `area-${area.code}` }, localized(area.name, language)),
      area.items.map((item) =>
        h(
          "div",
          { class: "question", id: `item-${item.code}` },
          item.kind === "number"
            ? number(item, answers[item.code], language, texts, onAnswer)
            : choices(item, answers[item.code], language, onAnswer),
        ),
      ),
    ),
  );
}

/** A yes-or-no fact of the firm: neither chosen while unknown, as on the site. */
function yesNo(item, value, texts, onAnswer) {
  const inputs = [true, false].map((choice) =>
    h("input", {
      class: "form-check-input",
      type: "radio",
      name: item.code,
      id: `${item.code}_${choice}`,
      value: String(choice),
      checked: value === choice,
    }),
  );
  const fieldset = h(
    "fieldset",
    { "aria-describedby": item.help ? `${item.code}_hint` : null },
    h("legend", { class: "form-label" }, item.prompt),
    hint(item, `${item.code}_hint`, ""),
    inputs.map((input, index) =>
      h(
        "div",
        { class: "form-check form-check-inline" },
        input,
        h("label", { class: "form-check-label", for: input.id }, index ? texts.no : texts.yes),
      ),
    ),
  );
  fieldset.addEventListener("change", (event) =>
    onAnswer(item.code, event.target.value === "true"),
  );
  return fieldset;
}

/**
 * What the consultant checks of the firm on the visit, as the site's business profile asks
 * it: its figures (what each assessment keeps for the programme's outcomes) and the facts
 * eligibility reads. Each is shown as found (`found`) or as the firm has it (`profile`);
 * `onAnswer(code, value)` as for the questions (the yearly sales as text, as the site keeps
 * amounts; `undefined` when cleared: the firm's figure stays).
 */
export function businessQuestions(found, profile, { texts, onAnswer }) {
  const numbers = [
    {
      code: "employees",
      prompt: texts.employees,
      help: texts.employees_help,
      min: 1,
      max: 100000,
      whole: true,
    },
    {
      code: "annual_turnover",
      prompt: texts.turnover,
      help: texts.turnover_help,
      min: 0,
      max: 999999999999,
      amount: true, // kept to the cent, as the site keeps it
      unit: profile.currency ?? "",
    },
  ];
  const facts = [
    { code: "women_led", prompt: texts.women_led },
    { code: "has_physical_storefront", prompt: texts.storefront },
    { code: "formally_registered", prompt: texts.registered, help: texts.registered_help },
    { code: "exports", prompt: texts.exports },
  ];
  const shown = (code) => found[code] ?? profile[code] ?? undefined;
  const question = (item, body) => h("div", { class: "question", id: `item-${item.code}` }, body);
  return [
    ...numbers.map((item) =>
      question(
        item,
        number(item, shown(item.code), "", texts, (code, value) =>
          onAnswer(code, value === undefined || code === "employees" ? value : String(value)),
        ),
      ),
    ),
    ...facts.map((item) => question(item, yesNo(item, shown(item.code), texts, onAnswer))),
  ];
}

/** The first number on the page that is not one in range, or null. */
export function firstWrongNumber(form) {
  return form.querySelector("input.is-invalid");
}
