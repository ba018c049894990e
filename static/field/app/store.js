// What the field app keeps on the phone, in IndexedDB: the bundle each language's app last
// downloaded (firms, instrument, catalogue) and every assessment made here, until the person
// logs out. An assessment is {client_id, firm_id, enrolment_id, kind, language, instrument,
// answers, started_at, finished_at, based_on, status, client_result, server, error}, its
// status "draft" (being answered), "ready" (finished, waiting to be sent), "sent" or
// "refused" (the site said why, in `error`).

const NAME = "ruta-field";
const CACHE_PREFIX = "ruta-field-";
let opened = null;

function request(query) {
  return new Promise((resolve, reject) => {
    query.onsuccess = () => resolve(query.result);
    query.onerror = () => reject(query.error);
  });
}

function database() {
  if (!opened) {
    const opening = indexedDB.open(NAME, 1);
    opening.onupgradeneeded = () => {
      opening.result.createObjectStore("bundles", { keyPath: "language" });
      opening.result.createObjectStore("assessments", { keyPath: "client_id" });
    };
    opened = request(opening).then((db) => {
      // Another tab deleting the database (logging out) must not wait for this one.
      db.onversionchange = () => {
        db.close();
        opened = null;
      };
      return db;
    });
  }
  return opened;
}

// A page left for another (kept in the back-forward cache) lets go of the database, or
// logging out, which deletes it, would wait on a page that cannot answer.
window.addEventListener("pagehide", () => {
  if (opened) opened.then((db) => db.close());
  opened = null;
});

async function store(name, mode = "readonly") {
  return (await database()).transaction(name, mode).objectStore(name);
}

async function written(name, change) {
  const db = await database();
  const transaction = db.transaction(name, "readwrite");
  change(transaction.objectStore(name));
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

export async function bundleFor(language) {
  return (await request((await store("bundles")).get(language))) ?? null;
}

export function bundleSave(bundle) {
  return written("bundles", (bundles) => bundles.put(bundle));
}

export async function assessments() {
  return request((await store("assessments")).getAll());
}

export async function assessment(clientId) {
  return (await request((await store("assessments")).get(clientId))) ?? null;
}

/** Saves the assessment; resolves once it is on the phone's storage. */
export function assessmentSave(record) {
  return written("assessments", (all) =>
    all.put({ ...record, saved_at: new Date().toISOString() }),
  );
}

export function assessmentDelete(clientId) {
  return written("assessments", (all) => all.delete(clientId));
}

/** Erases everything the app keeps on the phone: data, files and service worker. */
export async function deviceClear() {
  if (opened) {
    (await opened).close();
    opened = null;
  }
  await request(indexedDB.deleteDatabase(NAME)).catch(() => {});
  if (window.caches) {
    for (const key of await caches.keys()) {
      if (key.startsWith(CACHE_PREFIX)) await caches.delete(key);
    }
  }
  if (navigator.serviceWorker) {
    for (const registration of await navigator.serviceWorker.getRegistrations()) {
      await registration.unregister();
    }
  }
}
