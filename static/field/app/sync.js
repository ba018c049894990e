// The field app and the site: downloading the bundle, sending what was assessed offline.
// Each assessment carries the id the phone gave it, so sending it twice (a lost answer, a
// retry, a second phone) stores it once; the site scores it again and its result wins.

import { assessmentSave, assessments, bundleSave } from "./store.js";

const JSON_HEADERS = { Accept: "application/json" };
// The site's answers that mean "not this assessment, as it is": sending it again won't help.
const REFUSALS = new Set([400, 404, 409]);

async function jsonOf(response) {
  try {
    return await response.json();
  } catch {
    return {};
  }
}

/**
 * Downloads the consultant's bundle and keeps it: {bundle} or {problem}, where problem is
 * "login" (signed out), "network" or "refused" (with the site's `message`).
 */
export async function bundleDownload(url) {
  let response;
  try {
    response = await fetch(url, {
      headers: JSON_HEADERS,
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    return { problem: "network" };
  }
  const body = await jsonOf(response);
  if (response.status === 403 && body.error !== "not_a_consultant") return { problem: "login" };
  if (!response.ok || !body.format) return { problem: "refused", message: body.message ?? "" };
  const bundle = { ...body, downloaded_at: new Date().toISOString() };
  await bundleSave(bundle);
  return { bundle };
}

/** What the site stores of an assessment (README, "The field app's server"). */
export function uploadOf(record) {
  return {
    client_id: record.client_id,
    firm_id: record.firm_id,
    enrolment_id: record.enrolment_id,
    kind: record.kind,
    instrument: record.instrument,
    language: record.language,
    answers: record.answers,
    started_at: record.started_at,
    finished_at: record.finished_at,
    based_on: record.based_on,
    client_result: record.client_result,
    // The firm's profile as found on the visit; none from an app older than that page.
    ...(Object.keys(record.profile ?? {}).length ? { profile: record.profile } : {}),
  };
}

async function send(record, bundle) {
  try {
    const response = await fetch(bundle.upload_url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        ...JSON_HEADERS,
        "Content-Type": "application/json",
        "X-CSRFToken": bundle.csrf_token,
      },
      body: JSON.stringify(uploadOf(record)),
    });
    return { status: response.status, body: await jsonOf(response) };
  } catch {
    return { status: 0, body: {} };
  }
}

/**
 * Sends every finished assessment, oldest first. Resolves to {sent, waiting, problem}:
 * problem "login" when the session has ended, "network" when the site could not be reached,
 * "busy" when it answered but took nothing (too many sent for now, or failing) — each stops
 * the round: the rest wait for the next — and null otherwise. A refused assessment is marked
 * with the site's reasons and the others go on.
 */
export async function uploadWaiting(bundle, { refreshBundle }) {
  const waiting = (await assessments())
    .filter((record) => record.status === "ready")
    .sort((a, b) => a.finished_at.localeCompare(b.finished_at));
  let sent = 0;
  let current = bundle;
  for (const [index, record] of waiting.entries()) {
    let answer = await send(record, current);
    if (answer.status === 403 && answer.body.error === "csrf_failed") {
      // The token changed (a new log-in): take the new one and try once more.
      const fresh = await refreshBundle();
      if (!fresh) return { sent, waiting: waiting.length - index, problem: "login" };
      current = fresh;
      answer = await send(record, current);
    }
    const { status, body } = answer;
    if (status === 200 || status === 201) {
      await assessmentSave({ ...record, status: "sent", server: body, error: null });
      sent += 1;
    } else if (REFUSALS.has(status) || body.error === "not_a_consultant") {
      const error = {
        status,
        code: body.error ?? "",
        message: body.message ?? "",
        problems: body.problems ?? [],
      };
      await assessmentSave({ ...record, status: "refused", error });
    } else {
      // Signed out, the site unreachable, busy (429) or failing: everything waits for later.
      const problem = status === 403 ? "login" : status === 0 ? "network" : "busy";
      return { sent, waiting: waiting.length - index, problem };
    }
  }
  return { sent, waiting: 0, problem: null };
}
