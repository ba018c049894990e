// The field app: a consultant's firms, the questionnaire, the result and its sending, all
// working with no connection. The page comes from the service worker's copy, the data from
// IndexedDB; when online, the app downloads the consultant's bundle and sends what waits.

import { factsFromResult, planRoadmap } from "../rules/roadmap.js";
import { scoreAnswers } from "../rules/scoring.js";
import { placeStage } from "../rules/stages.js";
import { fill, h } from "./dom.js";
import {
  assessment,
  assessmentDelete,
  assessmentSave,
  assessments,
  bundleFor,
  deviceClear,
} from "./store.js";
import { bundleDownload, uploadWaiting } from "./sync.js";
import { firmList, questionnairePage, resultPage, roadmapSection, statusLine } from "./views.js";

const config = JSON.parse(document.getElementById("field-config").textContent);
const { language, texts, urls } = config;
const view = document.getElementById("view");
const status = document.getElementById("status");
// When to try the site again by itself: soon after it did not answer (a failed attempt costs
// nothing offline, and a phone may say it is online, or offline, whatever the truth), and
// every half minute while assessments wait.
const RETRY_UNREACHABLE = 5_000;
const RETRY_WAITING = 30_000;

let bundle = null;
let syncing = false;
let reachable = null; // whether the site answered the last time the app asked
let lastTry = 0;
let problem = null; // "login", or why the phone has no bundle yet ("network", "refused")

/** The record's firm as the bundle has it now, else as it was when the work began. */
function firmOf(record) {
  const firm = bundle.firms.find((one) => one.enrolment_id === record.enrolment_id);
  return firm ?? record.firm ?? { name: "", profile: {} };
}

/** The firm's profile with what was found on the visit, as the site scores with it. */
function profileOf(record) {
  return { ...(firmOf(record).profile ?? {}), ...(record.profile ?? {}) };
}

/** Scores, stage and roadmap, as the site works them out (static/field/rules/). */
function worked(record) {
  const rules = bundle.instrument.rules;
  const profile = profileOf(record);
  const scores = scoreAnswers(rules, record.answers, { people: profile.employees ?? null });
  const placement = placeStage(rules, record.answers);
  const facts = factsFromResult(record.answers, scores, placement, profile);
  const today = new Date().toLocaleDateString("en-CA"); // the phone's date, as YYYY-MM-DD
  // A bundle kept from before the app could plan roadmaps has no rules for it (until the
  // next download): the stage and scores are shown without one.
  const roadmap = bundle.catalogue.rules ? planRoadmap(bundle.catalogue, { facts, today }) : null;
  return { scores, placement, roadmap };
}

/** The stage and scores the phone sends with the assessment, for the site to compare. */
function resultOf(record) {
  const { scores, placement } = worked(record);
  return {
    stage: placement.stage,
    overall: scores.overall.value,
    dimensions: Object.fromEntries(
      Object.entries(scores.dimensions).map(([code, score]) => [code, score.value]),
    ),
  };
}

async function waitingCount() {
  return (await assessments()).filter((record) => record.status === "ready").length;
}

async function renderStatus() {
  statusLine(status, {
    bundle,
    waiting: await waitingCount(),
    syncing,
    online: navigator.onLine && reachable !== false,
    problem,
    texts,
    language,
    urls,
    onSend: () => sync({ asked: true }),
  });
}

async function start(firm, draft, kind) {
  if (draft) {
    location.hash = `#/assess/${draft.client_id}/0`;
    return;
  }
  const latest = firm.latest_assessment;
  const prefilled = kind === "follow_up" && latest ? latest.answers : {};
  const record = {
    client_id: crypto.randomUUID(),
    firm_id: firm.id,
    enrolment_id: firm.enrolment_id,
    // Kept for when the firm leaves the consultant's list before the work is sent.
    firm: { name: firm.name, profile: firm.profile ?? {} },
    kind,
    language,
    instrument: { code: bundle.instrument.code, checksum: bundle.instrument.checksum },
    answers: { ...prefilled },
    profile: {}, // the firm's profile as found on the visit, where the consultant gave it
    prefilled: Object.keys(prefilled).length > 0,
    started_at: new Date().toISOString(),
    finished_at: null,
    based_on: latest ? latest.id : null,
    status: "draft",
    client_result: null,
    server: null,
    error: null,
  };
  await assessmentSave(record);
  location.hash = `#/assess/${record.client_id}/0`;
}

async function showQuestionnaire(clientId, step) {
  let record = await assessment(clientId);
  const pages = bundle.instrument.definition.dimensions.length;
  if (!record || record.status === "sent" || !(step >= 0 && step <= pages)) {
    location.replace("#/");
    return;
  }
  if (record.instrument.checksum !== bundle.instrument.checksum) {
    record = await onNewInstrument(record);
  }
  // Each answer, and each fact of the firm, is kept on the phone as soon as it is given.
  const keeping = (part) => async (code, value) => {
    const values = { ...record[part] };
    if (value === undefined) delete values[code];
    else values[code] = value;
    record = { ...record, [part]: values };
    await assessmentSave(record);
  };
  questionnairePage(view, {
    bundle,
    record,
    firm: firmOf(record),
    step,
    texts,
    language,
    onAnswer: keeping("answers"),
    onProfile: keeping("profile"),
    onMove: async (by) => {
      if (step + by <= pages) {
        location.hash = `#/assess/${clientId}/${step + by}`;
        return;
      }
      record = {
        ...record,
        status: "ready",
        finished_at: new Date().toISOString(),
        client_result: resultOf(record),
      };
      await assessmentSave(record);
      location.hash = `#/result/${clientId}`;
      sync({ asked: true });
    },
  });
}

/** The questionnaire changed since the assessment started: it goes on with the new one,
 * keeping the answers to the questions it still asks (the site checks the rest). */
async function onNewInstrument(record) {
  const asked = new Set(
    bundle.instrument.definition.dimensions.flatMap((dimension) =>
      dimension.areas.flatMap((area) => area.items.map((item) => item.code)),
    ),
  );
  const answers = Object.fromEntries(
    Object.entries(record.answers).filter(([code]) => asked.has(code)),
  );
  const moved = {
    ...record,
    answers,
    instrument: { code: bundle.instrument.code, checksum: bundle.instrument.checksum },
  };
  await assessmentSave(moved);
  return moved;
}

async function showResult(clientId) {
  const record = await assessment(clientId);
  if (!record || record.status === "draft") {
    location.replace("#/");
    return;
  }
  const { placement, roadmap } = worked(record);
  resultPage(view, {
    bundle,
    record,
    firm: firmOf(record),
    result: record.client_result,
    roadmap:
      roadmap &&
      roadmapSection(roadmap, bundle.catalogue, {
        texts,
        language,
        nextStage: placement.next_stage,
      }),
    texts,
    language,
    onEdit: async () => {
      // Changed after the site refused it: a new assessment as far as the site knows.
      const clientId = record.status === "refused" ? crypto.randomUUID() : record.client_id;
      if (clientId !== record.client_id) await assessmentDelete(record.client_id);
      await assessmentSave({ ...record, client_id: clientId, status: "draft", error: null });
      location.hash = `#/assess/${clientId}/0`;
    },
  });
}

async function route() {
  const [, page, id, step] = location.hash.split("/");
  if (bundle && page === "assess") return showQuestionnaire(id, Number(step));
  if (bundle && page === "result") return showResult(id);
  firmList(view, { bundle, records: await assessments(), texts, language, onStart: start });
}

async function refreshBundle() {
  const downloaded = await bundleDownload(urls.bundle);
  if (downloaded.bundle) bundle = downloaded.bundle;
  return downloaded;
}

/** Downloads the bundle, sends what waits, and downloads again if anything was stored. */
async function sync({ asked = false } = {}) {
  if (syncing || (!navigator.onLine && !asked)) return;
  syncing = true;
  lastTry = Date.now();
  renderStatus();
  const version = bundle?.version;
  const downloaded = await refreshBundle();
  // A phone can say it is online with no data getting through: what counts is the answer.
  reachable = downloaded.problem !== "network";
  problem =
    downloaded.problem === "login" || (downloaded.problem && !bundle) ? downloaded.problem : null;
  if (bundle && reachable && problem !== "login") {
    const outcome = await uploadWaiting(bundle, {
      refreshBundle: async () => (await refreshBundle()).bundle ?? null,
    });
    reachable = outcome.problem !== "network";
    problem = outcome.problem === "login" ? "login" : problem;
    if (outcome.sent) await refreshBundle();
  }
  syncing = false;
  await renderStatus();
  // A result is drawn again (sent now, the site's scores); the firm list only when the
  // firms changed and no one is typing a search; a questionnaire page never.
  const onResult = location.hash.startsWith("#/result/");
  const onList = !location.hash.startsWith("#/assess/") && !onResult;
  const typing = document.activeElement?.id === "firm-search";
  if (onResult || (onList && bundle?.version !== version && !typing)) route();
}

async function signOut() {
  const unsent = (await assessments()).filter(
    (record) => record.status === "draft" || record.status === "ready",
  ).length;
  if (unsent && !window.confirm(fill(texts.sign_out_unsent, { count: unsent }))) return;
  // The log-out form needs this session's token, which the bundle carries.
  const token = navigator.onLine ? (await refreshBundle()).bundle?.csrf_token : null;
  await deviceClear();
  if (!token) {
    location.assign(urls.login);
    return;
  }
  const form = h(
    "form",
    { method: "post", action: urls.logout },
    h("input", { type: "hidden", name: "csrfmiddlewaretoken", value: token }),
  );
  document.body.append(form);
  form.submit();
}

async function showStorage() {
  if (!navigator.storage?.estimate) return;
  const { usage } = await navigator.storage.estimate();
  const used = new Intl.NumberFormat(language, {
    style: "unit",
    unit: "megabyte",
    maximumFractionDigits: 1,
  }).format(usage / 1e6);
  document.getElementById("storage").textContent = fill(texts.storage, { used });
}

async function boot() {
  if (!("indexedDB" in window && "serviceWorker" in navigator && window.crypto?.randomUUID)) {
    view.replaceChildren(h("p", { class: "alert alert-warning" }, texts.unsupported));
    return;
  }
  bundle = await bundleFor(language);
  const signOutButton = document.getElementById("sign-out");
  signOutButton.hidden = false;
  signOutButton.addEventListener("click", signOut);
  window.addEventListener("hashchange", route);
  window.addEventListener("online", () => sync());
  window.addEventListener("offline", renderStatus);
  await route();
  await renderStatus();
  navigator.serviceWorker
    .register(urls.service_worker, { scope: urls.app, type: "classic" })
    .catch(() => {});
  navigator.storage?.persist?.();
  setInterval(async () => {
    const due = reachable === false ? RETRY_UNREACHABLE : RETRY_WAITING;
    if (Date.now() - lastTry < due) return;
    if (reachable === false || (await waitingCount())) sync({ asked: true });
  }, RETRY_UNREACHABLE);
  if (navigator.onLine) await sync();
  showStorage();
}

boot();
