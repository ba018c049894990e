// The questionnaire on the phone: the firm's figures first, then one page per dimension as
// on the site, built from the instrument's definition in the bundle: the same questions,
// options, hints and limits.
// Answers have the shape the site takes: an option's code, a list of codes, or a number.

import { fill, h, localized } from "./dom.js";

/** The number a person typed ("12", "2.5" or "2,5"), or null when it is not one. */
export function parseNumber(text) {
  const cleaned = text.trim().replace(",", ".");
  return /^\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : null;
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
        (item.whole === true && !Number.isInteger(value)));
    input.classList.toggle("is-invalid", wrong);
    input.toggleAttribute("aria-invalid", wrong);
    error.hidden = !wrong;
    const invalid = item.whole ? texts.whole_number_invalid : texts.number_invalid;
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

/**
 * The firm's figures the consultant checks on the visit, as the site's business profile asks
 * them, each shown as found (`figures`) or as the firm has it (`profile`); `onAnswer(code,
 * value)` as for the questions (the yearly sales as text, as the site keeps amounts).
 */
export function businessQuestions(figures, profile, { texts, onAnswer }) {
  const items = [
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
      unit: profile.currency ?? "",
    },
  ];
  return items.map((item) =>
    h(
      "div",
      { class: "question", id: `item-${item.code}` },
      number(
        item,
        figures[item.code] ?? profile[item.code] ?? undefined,
        "",
        texts,
        (code, value) =>
          onAnswer(code, value === undefined || code === "employees" ? value : String(value)),
      ),
    ),
  );
}

/** The first number on the page that is not one in range, or null. */
export function firstWrongNumber(form) {
  return form.querySelector("input.is-invalid");
}
