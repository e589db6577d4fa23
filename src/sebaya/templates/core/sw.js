/* Sebaya's service worker: visited and saved pages stay readable without signal.
   Pages: network first; a copy of each page read is kept (the last {{ max_pages }}), and pages
   the reader saves are kept until removed. Static files: cache first (their names change with
   their content in production). Responses marked no-store (signed-in pages) are never kept. */
"use strict";
const VERSION = "{{ version }}";
const STATIC_CACHE = "sebaya-static-" + VERSION;
const PAGE_CACHE = "{{ page_cache }}";
const SAVED_CACHE = "{{ saved_cache }}";
const OFFLINE_URL = "{{ offline_url }}";
const MAX_PAGES = {{ max_pages }};
const PRECACHE = [{% for url in precache %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
const NEVER_KEEP = ["/admin/", "/masuk/", "/keluar/", "/api/", "/i18n/"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(STATIC_CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((names) =>
      Promise.all(
        names
          .filter((name) => name.startsWith("sebaya-static-") && name !== STATIC_CACHE)
          .map((name) => caches.delete(name))
      )
    ).then(() => self.clients.claim())
  );
});

function keepable(url, response) {
  if (!response || !response.ok || response.type !== "basic") return false;
  if ((response.headers.get("Cache-Control") || "").includes("no-store")) return false;
  if (!(response.headers.get("Content-Type") || "").startsWith("text/html")) return false;
  return !NEVER_KEEP.some((prefix) => url.pathname.startsWith(prefix));
}

async function trim(cache) {
  const keys = await cache.keys();
  for (let i = 0; i < keys.length - MAX_PAGES; i++) await cache.delete(keys[i]);
}

async function page(request) {
  const url = new URL(request.url);
  try {
    const response = await fetch(request);
    if (keepable(url, response)) {
      const cache = await caches.open(PAGE_CACHE);
      await cache.delete(url.href, { ignoreVary: true });
      await cache.put(url.href, response.clone());
      await trim(cache);
    }
    return response;
  } catch (error) {
    const kept = await caches.match(url.href, { ignoreVary: true });
    if (kept) return kept;
    const offline = await caches.match(OFFLINE_URL, { ignoreVary: true });
    return offline || Response.error();
  }
}

async function asset(request) {
  const kept = await caches.match(request, { ignoreVary: true });
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) (await caches.open(STATIC_CACHE)).put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (url.pathname.startsWith("{{ static_prefix }}")) {
    event.respondWith(asset(request));
  }
});
