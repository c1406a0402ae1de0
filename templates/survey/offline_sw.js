/* Service worker of the offline form: the page and its files from the cache when there is
 * no connection; the API always from the network (the page keeps its data in IndexedDB). */
{% autoescape off %}const CACHE = "cdht-offline-{{ version }}";
const SHELL = [{% for url in urls %}"{{ url }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
const PAGE = "{{ scope }}";{% endautoescape %}

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  // A new version: drop the caches of the old ones (never IndexedDB).
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("cdht-offline-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (event.request.mode === "navigate" && url.pathname === PAGE) {
    // The page from the network when it answers (a new version, a signed-out session),
    // else the cached one.
    event.respondWith(
      fetch(event.request).then((response) => {
        if (response.ok && !response.redirected) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(PAGE, copy));
          return response;
        }
        return caches.match(PAGE).then((cached) => cached || response);
      }).catch(() => caches.match(PAGE))
    );
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((cached) => cached || fetch(event.request)));
  }
});
