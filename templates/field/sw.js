{% autoescape off %}// The field app's service worker: keeps the app's page and files on the phone, so that the
// app starts with no connection; the firms and assessments live in IndexedDB (store.js).
// Served by field.views.service_worker, which writes SETTINGS: a new version whenever the
// page, a translation or a file changes.
const SETTINGS = {{ settings }};
const PREFIX = "ruta-field-";
const CACHE = PREFIX + SETTINGS.version;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      for (const url of SETTINGS.precache) {
        const response = await fetch(url, { cache: "reload", credentials: "same-origin" });
        // A redirect (to the login page) or an error must never stand in for the app.
        if (!response.ok || response.redirected) throw new Error(`could not keep ${url}`);
        await cache.put(url, response);
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      // Only this language's older copies: the other language's app has its own worker.
      const language = SETTINGS.version.split("-")[0];
      for (const name of await caches.keys()) {
        if (name.startsWith(`${PREFIX}${language}-`) && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // The app's page, whatever its query or fragment: the copy kept, so it opens at once.
  const key = request.mode === "navigate" && url.pathname === SETTINGS.shell ? SETTINGS.shell : url.pathname;
  if (!SETTINGS.precache.includes(key)) return; // the bundle and uploads go to the network
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      return (await cache.match(key)) || fetch(request);
    })(),
  );
});
{% endautoescape %}