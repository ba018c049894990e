// The field app's pages: the firm list, a page of the questionnaire, the result, and the
// status line. Each takes what it shows and the functions its buttons call; app.js decides
// which page is shown and keeps the data.

import { fill, h, localized, show } from "./dom.js";
import { businessQuestions, dimensionQuestions, firstWrongNumber } from "./questionnaire.js";

function dateText(iso, language) {
  return new Intl.DateTimeFormat(language, { dateStyle: "medium" }).format(new Date(iso));
}

/** Lower case without accents, for searching names as people type them. */
function plain(text) {
  return text
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLocaleLowerCase();
}

function statusBadge(record, texts) {
  return h(
    "span",
    { class: `badge field-badge field-${record.status}` },
    texts[`status_${record.status}`],
  );
}

function firmCard(firm, records, { texts, language, onStart }) {
  const latest = firm.latest_assessment;
  const draft = records.find((record) => record.status === "draft");
  const done = records.filter((record) => record.status !== "draft");
  const heading = `firm-${firm.enrolment_id}`; // names the card's button for screen readers
  const kind = latest || done.length ? "follow_up" : "baseline";
  const label = draft
    ? texts.continue_draft
    : kind === "follow_up"
      ? texts.start_follow_up
      : texts.start_baseline;
  return h(
    "li",
    { class: "firm-card", "data-name": plain(firm.name) },
    h("h2", { class: "h5 mb-1", id: heading }, firm.name),
    h(
      "p",
      { class: "small mb-1" },
      [firm.region_name, firm.cohort_name].filter(Boolean).join(" · "),
    ),
    h(
      "p",
      { class: "mb-1" },
      latest
        ? fill(texts.last_result, {
            stage: latest.stage ?? "–",
            date: dateText(latest.submitted_at, language),
          })
        : texts.no_result,
    ),
    done.length
      ? h(
          "ul",
          { class: "list-unstyled small mb-2" },
          done.map((record) =>
            h(
              "li",
              {},
              statusBadge(record, texts),
              " ",
              h(
                "a",
                { href: `#/result/${record.client_id}` },
                `${texts[`kind_${record.kind}`]}, ${dateText(record.finished_at, language)}`,
              ),
            ),
          ),
        )
      : null,
    h(
      "button",
      {
        class: "btn btn-primary",
        type: "button",
        "aria-describedby": heading,
        onclick: () => onStart(firm, draft, kind),
      },
      label,
    ),
  );
}

/** Work on the phone for firms no longer in the bundle: the consultant no longer assesses
 * them. It is still sent, and a refusal is shown on its result. */
function goneFirms(records, { texts, language }) {
  if (!records.length) return null;
  return h(
    "section",
    { "aria-labelledby": "gone-firms" },
    h("h2", { class: "h5", id: "gone-firms" }, texts.gone_firms),
    h("p", { class: "small" }, texts.gone_firms_help),
    h(
      "ul",
      { class: "list-unstyled" },
      records.map((record) =>
        h(
          "li",
          { class: "mb-1" },
          statusBadge(record, texts),
          " ",
          h(
            "a",
            {
              href:
                record.status === "draft"
                  ? `#/assess/${record.client_id}/0`
                  : `#/result/${record.client_id}`,
            },
            [
              record.firm?.name || texts.gone_firm,
              texts[`kind_${record.kind}`],
              dateText(record.finished_at ?? record.started_at, language),
            ].join(", "),
          ),
        ),
      ),
    ),
  );
}

export function firmList(view, { bundle, records, texts, language, onStart }) {
  const heading = h("h1", {}, texts.firms);
  if (!bundle) {
    show(view, heading, h("p", {}, texts.needs_download));
    return;
  }
  const cohorts = new Map(bundle.cohorts.map((cohort) => [cohort.id, cohort.name]));
  const listed = new Set(bundle.firms.map((firm) => firm.enrolment_id));
  const gone = goneFirms(
    records.filter((record) => !listed.has(record.enrolment_id)),
    { texts, language },
  );
  const cards = bundle.firms.map((firm) =>
    firmCard(
      { ...firm, cohort_name: bundle.cohorts.length > 1 ? cohorts.get(firm.cohort_id) : "" },
      records.filter((record) => record.enrolment_id === firm.enrolment_id),
      { texts, language, onStart },
    ),
  );
  const empty = h("p", { hidden: true }, texts.no_match);
  const search = h("input", {
    class: "form-control",
    type: "search",
    id: "firm-search",
    autocomplete: "off",
  });
  search.addEventListener("input", () => {
    const wanted = plain(search.value.trim());
    let shown = 0;
    for (const card of cards) {
      card.hidden = !card.dataset.name.includes(wanted);
      shown += card.hidden ? 0 : 1;
    }
    empty.hidden = shown > 0;
  });
  if (!cards.length) {
    show(view, heading, h("p", {}, texts.no_firms), gone);
    return;
  }
  show(
    view,
    heading,
    h(
      "div",
      { class: "mb-3" },
      h("label", { class: "form-label", for: "firm-search" }, texts.search),
      search,
    ),
    empty,
    h("ul", { class: "firm-list list-unstyled" }, cards),
    gone,
  );
}

/**
 * A page of the assessment: the business today (step 0), then one per dimension;
 * `onAnswer` saves each answer, `onProfile` each fact of the firm, `onMove(±1)` leaves it.
 */
export function questionnairePage(
  view,
  { bundle, record, firm, step, texts, language, onAnswer, onProfile, onMove },
) {
  const dimensions = bundle.instrument.definition.dimensions;
  const dimension = step > 0 ? dimensions[step - 1] : null;
  const last = step === dimensions.length;
  const alert = h(
    "div",
    { class: "alert alert-danger", role: "alert", hidden: true },
    texts.fix_numbers,
  );
  const form = h(
    "form",
    { novalidate: true },
    dimension
      ? dimensionQuestions(dimension, { answers: record.answers, language, texts, onAnswer })
      : businessQuestions(record.profile ?? {}, firm.profile ?? {}, { texts, onAnswer: onProfile }),
    h(
      "div",
      { class: "step-buttons d-flex flex-wrap gap-2 mt-4" },
      h(
        "button",
        { class: "btn btn-primary btn-lg", type: "submit" },
        last ? texts.finish : texts.next,
      ),
      step > 0
        ? h(
            "button",
            {
              class: "btn btn-outline-secondary btn-lg",
              type: "button",
              onclick: () => onMove(-1),
            },
            texts.back,
          )
        : null,
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const wrong = firstWrongNumber(form);
    if (wrong) {
      alert.hidden = false;
      wrong.focus();
      return;
    }
    onMove(1);
  });
  const intro = dimension ? localized(dimension.intro, language) : texts.business_intro;
  // The business page counts as a step, as the business profile does on the site.
  const total = dimensions.length + 1;
  show(
    view,
    h(
      "p",
      { class: "step-count mb-1", id: "step-count" },
      `${firm.name} · ${fill(texts.step, { number: step + 1, total })}`,
    ),
    h("progress", {
      class: "step-progress mb-3",
      max: total,
      value: step + 1,
      "aria-labelledby": "step-count",
    }),
    h("h1", {}, dimension ? localized(dimension.name, language) : texts.business_title),
    intro ? h("p", {}, intro) : null,
    dimension && record.prefilled
      ? h("div", { class: "alert alert-warning", role: "note" }, texts.prefilled)
      : null,
    dimension ? h("p", { class: "small text-body-secondary" }, texts.answer_what_you_can) : null,
    alert,
    form,
  );
}

function scoreText(value, texts) {
  return value === null || value === undefined
    ? texts.no_score
    : fill(texts.score_of, { score: value });
}

/** The stage and scores: the site's once it has them, the phone's until then. */
export function resultPage(
  view,
  { bundle, record, firm, result, texts, language, onEdit, roadmap },
) {
  const shown = record.status === "sent" ? record.server.result : result;
  const dimensions = bundle.instrument.definition.dimensions.filter(
    (dimension) => dimension.scored !== false,
  );
  const status = [statusBadge(record, texts)];
  if (record.status === "sent") {
    if (record.server.conflicts?.length) status.push(" ", texts.conflict_noted);
    status.push(" ", h("a", { href: record.server.roadmap_url }, texts.open_roadmap));
  }
  if (record.status === "refused") {
    status.push(" ", fill(texts.refused, { message: record.error.message }));
  }
  show(
    view,
    h("h1", {}, fill(texts.result_title, { firm: firm.name })),
    // Where the assessment stands comes first: sent or not is what the consultant checks.
    h("p", { class: "result-status" }, status),
    record.status === "refused" && record.error.problems.length
      ? h(
          "ul",
          {},
          record.error.problems.map((problem) => h("li", {}, problem.message)),
        )
      : null,
    h(
      "p",
      { class: "lead" },
      shown.stage
        ? [
            h("span", { class: "stage-badge" }, shown.stage),
            " ",
            fill(texts.stage_is, { stage: shown.stage, name: texts.stages[shown.stage] }),
          ]
        : texts.stage_unknown,
    ),
    h("p", {}, h("strong", {}, `${texts.overall}: `), scoreText(shown.overall, texts)),
    h(
      "table",
      { class: "table score-table" },
      h("caption", { class: "visually-hidden" }, texts.scores_by_dimension),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, texts.dimension),
          h("th", { scope: "col" }, texts.score),
        ),
      ),
      h(
        "tbody",
        {},
        dimensions.map((dimension) =>
          h(
            "tr",
            {},
            h("th", { scope: "row" }, localized(dimension.name, language)),
            h("td", {}, scoreText(shown.dimensions[dimension.code], texts)),
          ),
        ),
      ),
    ),
    h(
      "p",
      { class: "d-flex flex-wrap gap-2" },
      record.status === "sent"
        ? null
        : h(
            "button",
            { class: "btn btn-outline-secondary", type: "button", onclick: onEdit },
            texts.edit_answers,
          ),
      h("a", { class: "btn btn-primary", href: "#/" }, texts.to_firms),
    ),
    roadmap ?? null,
  );
}

/** The line under the header: connection, what waits to be sent, the last download. */
export function statusLine(
  element,
  { bundle, waiting, syncing, online, problem, texts, language, urls, onSend },
) {
  const parts = [
    h("span", { class: online ? "online" : "offline" }, online ? texts.online : texts.offline),
  ];
  if (syncing) parts.push(h("span", {}, texts.sending));
  else if (waiting) parts.push(h("span", {}, fill(texts.waiting, { count: waiting })));
  else if (bundle) parts.push(h("span", {}, texts.all_sent));
  if (problem === "login")
    parts.push(h("span", {}, texts.log_in_again, " ", h("a", { href: urls.login }, texts.log_in)));
  else if (problem) parts.push(h("span", {}, texts.download_failed));
  if (waiting && !syncing) {
    parts.push(
      h(
        "button",
        { class: "btn btn-sm btn-primary", type: "button", onclick: onSend },
        texts.send_now,
      ),
    );
  }
  if (bundle) {
    parts.push(
      h(
        "span",
        { class: "small" },
        fill(texts.downloaded, {
          count: bundle.firms.length,
          date: dateText(bundle.downloaded_at, language),
        }),
      ),
    );
  }
  element.replaceChildren(
    h("div", { class: "container d-flex flex-wrap align-items-center gap-2 py-2" }, parts),
  );
}

function stepsOf(action, language) {
  const steps = action.steps;
  return (
    steps[language] ?? steps[language.split("-")[0]] ?? steps.en ?? Object.values(steps)[0] ?? []
  );
}

/** A link only to a web address: a catalogue's text never becomes a script. */
function webLink(url) {
  return /^https?:\/\//i.test(url ?? "") ? h("p", {}, h("a", { href: url }, url)) : null;
}

/**
 * The roadmap the phone worked out (static/field/rules/roadmap.js, as `Roadmap.to_dict()`),
 * shown as the site's roadmap page shows it: the actions by horizon, then the programmes the
 * firm may apply to, with the reasons of each criterion.
 */
export function roadmapSection(roadmap, catalogue, { texts, language, nextStage }) {
  const labels = texts.roadmap;
  const actions = new Map(catalogue.actions.map((action) => [action.code, action]));
  const programmes = new Map(catalogue.programmes.map((programme) => [programme.code, programme]));
  const providers = new Map(catalogue.providers.map((provider) => [provider.code, provider]));
  const names = (codes, catalogueOf, name) =>
    codes.map((code) => name(catalogueOf.get(code))).join(", ");
  const offered = roadmap.programmes.filter((match) => match.eligible !== "no");
  const horizons = Object.keys(labels.horizons)
    .map((horizon) => [horizon, roadmap.actions.filter((chosen) => chosen.horizon === horizon)])
    .filter(([, chosen]) => chosen.length);
  return h(
    "section",
    { class: "roadmap", "aria-labelledby": "roadmap-title" },
    h("h2", { class: "h3", id: "roadmap-title" }, labels.title),
    h("p", {}, labels.intro),
    horizons.map(([horizon, chosen]) => [
      h("h3", { class: "h5" }, labels.horizons[horizon]),
      chosen.map((choice) => {
        const action = actions.get(choice.code);
        const tags = [labels.costs[action.cost], labels.efforts[action.effort]];
        if (choice.reason === "stage_gap" && nextStage)
          tags.push(fill(labels.needed_for, { stage: nextStage }));
        return h(
          "article",
          { class: "action" },
          h("h4", { class: "h6 mb-1" }, localized(action.title, language)),
          h("p", { class: "tags" }, tags.join(" · ")),
          h("p", {}, localized(action.why, language)),
          h(
            "ol",
            {},
            stepsOf(action, language).map((step) => h("li", {}, step)),
          ),
          choice.programmes.length
            ? h(
                "p",
                { class: "tags" },
                labels.programmes_for_action,
                " ",
                names(choice.programmes, programmes, (programme) =>
                  localized(programme.name, language),
                ),
              )
            : null,
          choice.providers.length
            ? h(
                "p",
                { class: "tags" },
                labels.providers_for_action,
                " ",
                names(choice.providers, providers, (provider) => provider.name),
              )
            : null,
        );
      }),
    ]),
    h("h3", { class: "h5" }, labels.programmes),
    offered.length
      ? offered.map((match) => {
          const programme = programmes.get(match.code);
          return h(
            "article",
            { class: "programme" },
            h("h4", { class: "h6 mb-1" }, localized(programme.name, language)),
            h(
              "p",
              { class: "tags" },
              `${programme.organisation} · ${labels.kinds[programme.kind]} · `,
              h(
                "span",
                { class: `status status-${match.eligible}` },
                labels.verdicts[match.eligible],
              ),
            ),
            h("p", {}, localized(programme.benefit, language)),
            h(
              "ul",
              { class: "criteria" },
              match.criteria.map((criterion) =>
                h(
                  "li",
                  {},
                  h(
                    "span",
                    { class: `status status-${criterion.status}` },
                    labels.statuses[criterion.status],
                  ),
                  " ",
                  criterion.reason,
                ),
              ),
            ),
            webLink(programme.url),
          );
        })
      : h("p", {}, labels.no_programmes),
  );
}
