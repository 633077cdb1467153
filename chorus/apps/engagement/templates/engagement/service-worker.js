// Chorus service worker: the connector's form opens with no signal. Scope: the whole site.
// Pages under {{ record_url }}: network first, the last copy when there is no signal. Static files: the cached copy.
// Any other page: the network, untouched; only when a page cannot be reached at all, the offline page (kept at
// install, the same for everyone). No other page is kept: pages outside {{ record_url }} carry personal data.
// A form posted while the signal drops is kept in the same outbox the page uses, never lost; it is marked
// with the owner the page names (the form's data-owner travels as the field "owner"), so only they send it.
const CACHE = "chorus-record-{{ version }}";
const RECORD_URL = "{{ record_url }}";
const OFFLINE_URL = "{{ offline_url }}";
const FILES = {{ files_json|safe }};
const DB_NAME = "chorus-offline";
const STORE = "outbox";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([...FILES, RECORD_URL, OFFLINE_URL]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("chorus-record-") && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

function openOutbox() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "submission_key" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function keepPosted(request) {
  const form = await request.formData();
  const fields = {};
  for (const [name, value] of form.entries()) {
    if (!["csrfmiddlewaretoken", "owner"].includes(name) && typeof value === "string") fields[name] = value;
  }
  if (!fields.submission_key) throw new Error("no submission key");
  const db = await openOutbox();
  await new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, "readwrite");
    tx.objectStore(STORE).put({
      submission_key: fields.submission_key,
      owner: form.get("owner") || "",
      fields,
      send_url: `${new URL(request.url).pathname.replace(/\/$/, "")}/send/`,
      saved_at: new Date().toISOString(),
      refused: null,
    });
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
  return Response.redirect(`${new URL(request.url).pathname}?kept=1`, 303);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && request.mode === "navigate" && url.pathname.startsWith(RECORD_URL)) {
    const copy = request.clone();
    event.respondWith(fetch(request).catch(() => keepPosted(copy)));
    return;
  }
  if (request.method !== "GET") return;
  if (FILES.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
    return;
  }
  if (request.mode === "navigate" && url.pathname.startsWith(RECORD_URL) && !url.pathname.startsWith(`${RECORD_URL}saved/`)) {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && !response.redirected) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
          }
          return response;
        })
        .catch(() => caches.match(url.pathname).then((hit) => hit || caches.match(RECORD_URL))),
    );
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE_URL).then((hit) => hit || Response.error())));
  }
});
