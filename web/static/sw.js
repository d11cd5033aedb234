/* kuzet's service worker (served as /sw.js, scope "/"): the phone pages readable with no connection.
 *
 * /my/shifts and /reports/new are fetched from the network first; each answer that is the page
 * itself (not the login page a signed-out visit ends on) is kept, and served when the network
 * fails, marked data-served="cache" so the page says it is a copy and how old. The files under
 * /static/ and the basemap's tiles are kept the same way. Reports written with no connection are
 * not the worker's business: the page keeps them in IndexedDB and sends them (web/static/pwa.js).
 * Signing out (POST /logout) drops every kept copy: the next user of the phone does not see them. */
"use strict";

var PAGES = "kuzet-pages-v1";
var FILES = "kuzet-files-v1";
var OFFLINE_PAGES = ["/my/shifts", "/reports/new"];

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== PAGES && n !== FILES; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function pageKey(url) { return new URL(url).pathname; }

function keepable(url) {
  return url.origin === self.location.origin &&
    (url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/tiles/basemap/") === 0);
}

// The page itself, not the login page it was sent to.
function isPage(response) {
  return response.ok && OFFLINE_PAGES.indexOf(new URL(response.url).pathname) >= 0 &&
    (response.headers.get("Content-Type") || "").indexOf("text/html") === 0;
}

// The files a kept page loads (its scripts, styles, icons), kept with it: the report form opens with
// no connection even when it was never opened before.
var ASSET = /(?:src|href)="(\/static\/[^"]+)"/g;

function keepAssets(html) {
  var urls = [], m;
  ASSET.lastIndex = 0;
  while ((m = ASSET.exec(html)) !== null) urls.push(new URL(m[1].replace(/&amp;/g, "&"), self.location.href).href);
  return caches.open(FILES).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      return cache.match(url).then(function (kept) {
        if (kept) return null;
        return fetch(url, {credentials: "same-origin"}).then(function (r) { return r.ok ? cache.put(url, r) : null; })
          .catch(function () {});
      });
    }));
  });
}

function keepPage(request, response) {
  if (!isPage(response)) return Promise.resolve();
  var copy = response.clone();
  return caches.open(PAGES).then(function (cache) { return cache.put(pageKey(request.url), response); })
    .then(function () { return copy.text(); }).then(keepAssets);
}

function fromCache(request) {
  return caches.open(PAGES).then(function (cache) { return cache.match(pageKey(request.url)); }).then(function (kept) {
    if (!kept) return Response.error();
    return kept.text().then(function (html) {
      var headers = new Headers(kept.headers);
      return new Response(html.replace('data-served="network"', 'data-served="cache"'),
                          {status: 200, headers: headers});
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === "/logout") {
    event.waitUntil(Promise.all([caches.delete(PAGES), caches.delete(FILES)]));
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate" && OFFLINE_PAGES.indexOf(url.pathname) >= 0) {
    // Network first; with none, the copy kept.
    event.respondWith(fetch(request).then(function (response) {
      event.waitUntil(keepPage(request, response.clone()));
      return response;
    }, function () { return fromCache(request); }));
    return;
  }
  if (keepable(url)) {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        event.waitUntil(caches.open(FILES).then(function (cache) { return cache.put(request, copy); }));
      }
      return response;
    }, function () {
      return caches.open(FILES).then(function (cache) { return cache.match(request); })
        .then(function (kept) { return kept || Response.error(); });
    }));
  }
});

// A page loaded before the worker controlled it names itself and its files: fetch and keep them now.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "keep") return;
  var urls = (data.urls || []).map(function (u) { return new URL(u, self.location.href); });
  event.waitUntil(Promise.all(urls.map(function (url) {
    if (OFFLINE_PAGES.indexOf(url.pathname) >= 0) {
      return fetch(url.href, {credentials: "same-origin"}).then(function (response) {
        return keepPage(new Request(url.href), response);
      }).catch(function () {});
    }
    if (!keepable(url)) return null;
    return caches.open(FILES).then(function (cache) {
      return cache.match(url.href).then(function (kept) {
        if (kept) return null;
        return fetch(url.href, {credentials: "same-origin"}).then(function (response) {
          if (response.ok) return cache.put(url.href, response);
          return null;
        });
      });
    }).catch(function () {});
  })).then(function () {
    if (event.source) event.source.postMessage({type: "kept"});
  }));
});
