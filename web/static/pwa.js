/* The phone pages (/my/shifts, /reports/new) in the field: the service worker that keeps them
 * readable with no connection, the note on a copy shown from the device, and the reports kept on
 * the device (IndexedDB) until they are sent, each exactly once: a report carries the key its
 * device made for it, and the server stores one report per author and key (a resend answers the
 * stored one). Text is set as text only. */
(function () {
  "use strict";
  var kuzet = window.kuzet;
  var fmt = kuzet.fmt;
  var setup = JSON.parse(document.getElementById("pwa-setup").textContent);
  var T = setup.strings;
  var status = document.getElementById("pwa-status");
  var login = status.dataset.login;
  var outbox = document.getElementById("outbox");
  var list = document.getElementById("outbox-list");
  var DB = "kuzet-outbox", STORE = "reports";
  var sending = null;
  var sentNow = {};  // key -> the answer, for the reports this page sent
  var refusedNow = {};  // key -> the server's reasons, for the reports it refused while this page was open

  // -- a copy served by the worker says so, and how old it is; once the server answers again, that
  // the connection is back (the page is still the copy)
  var note = document.getElementById("offline-copy");
  function connectionBack() {
    if (status.dataset.served === "cache" && !note.hidden) {
      note.textContent = fmt(T.back_online, {time: status.dataset.pageTimeText});
    }
  }
  if (status.dataset.served === "cache") {
    var made = Date.parse(status.dataset.pageTime);
    note.textContent = fmt(T.from_cache, {time: status.dataset.pageTimeText,
                                          age: Math.max(0, Math.round((Date.now() - made) / 60000))});
    note.hidden = false;
    document.body.classList.add("offline-copy-shown");
  }

  // -- the worker, and the files of this page kept at once (the worker did not see them load)
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "kept") document.documentElement.dataset.offlineReady = "yes";
    });
    navigator.serviceWorker.register(setup.worker, {scope: "/"}).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var urls = performance.getEntriesByType("resource").map(function (e) { return e.name; });
      setup.pages.forEach(function (path) { urls.push(path); });
      registration.active.postMessage({type: "keep", urls: urls});
      document.documentElement.dataset.worker = "ready";
    }).catch(function () { document.documentElement.dataset.worker = "failed"; });
  }

  // -- IndexedDB: the reports kept on this device
  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, {keyPath: "key"}); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function tx(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var result = work(t.objectStore(STORE));
        t.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : undefined); };
        t.onerror = function () { db.close(); reject(t.error); };
      });
    });
  }
  function all() { return tx("readonly", function (s) { return s.getAll(); }).then(function (r) { return r || []; }); }
  function put(item) { return tx("readwrite", function (s) { s.put(item); }); }
  function drop(key) { return tx("readwrite", function (s) { s.delete(key); }); }

  // -- what the page shows of them
  function line(item) {
    var text, extra = null;
    var answer = sentNow[item.key];
    if (answer) {
      text = fmt(T.sent, {id: answer.id});
      extra = kuzet.el("a", {href: answer.url, text: T.open});
    } else if (item.login !== login) {
      text = fmt(T.other_user, {login: item.login});
    } else if (item.state === "refused") {
      text = fmt(T.refused, {reasons: (item.errors || []).join("; ")});
      extra = kuzet.el("button", {type: "button", "data-discard": item.key, text: T.discard});
    } else if (item.state === "sign-in") {
      text = T.sign_in;
    } else {
      text = T.kept;
    }
    return kuzet.el("li", {className: "outbox-" + (answer ? "sent" : item.state || "kept"), "data-key": item.key}, [
      kuzet.el("strong", {text: item.title}), " ", kuzet.el("span", {className: "outbox-state", text: text}),
      extra ? " " : null, extra]);
  }
  function show() {
    return all().then(function (items) {
      var sent = Object.keys(sentNow).filter(function (key) {
        return !items.some(function (i) { return i.key === key; });
      }).map(function (key) { return sentNow[key].item; });
      var shown = items.concat(sent);
      kuzet.clear(list);
      shown.forEach(function (item) { list.append(line(item)); });
      outbox.hidden = shown.length === 0;
    });
  }
  list.addEventListener("click", function (event) {
    var key = event.target.getAttribute && event.target.getAttribute("data-discard");
    if (key) drop(key).then(show);
  });

  // -- sending: a fresh CSRF token, then the form as it was written, with its photos
  function token() {
    return fetch(setup.token, {credentials: "same-origin", cache: "no-store", headers: {Accept: "application/json"}})
      .then(function (r) {
        if (!r.ok || r.redirected || (r.headers.get("Content-Type") || "").indexOf("json") < 0) throw "sign-in";
        return r.json();
      }).then(function (body) { connectionBack(); return body.csrf_token; });
  }
  function sendOne(item, csrf) {
    var body = new FormData();
    Object.keys(item.fields).forEach(function (name) { body.append(name, item.fields[name]); });
    body.set("csrf_token", csrf);
    body.set("client_key", item.key);
    item.photos.forEach(function (photo) { body.append("photos", photo.blob, photo.name); });
    return fetch(item.action, {method: "POST", body: body, credentials: "same-origin",
                               headers: {Accept: "application/json", "X-CSRFToken": csrf}})
      .then(function (r) {
        var json = (r.headers.get("Content-Type") || "").indexOf("json") >= 0;
        if (!json || r.redirected) { item.state = "sign-in"; return put(item); }
        return r.json().then(function (answer) {
          if (r.ok) {
            sentNow[item.key] = {id: answer.id, url: answer.url, item: item};
            document.dispatchEvent(new CustomEvent("kuzet:report-sent", {detail: {key: item.key, answer: answer}}));
            return drop(item.key);
          }
          item.state = "refused";
          item.errors = answer.errors || [answer.message || String(r.status)];
          refusedNow[item.key] = item.errors;
          document.dispatchEvent(new CustomEvent("kuzet:report-refused", {detail: {key: item.key, errors: item.errors}}));
          return put(item);
        });
      });
  }
  // Every kept report of the signed-in user, one after another; a failed connection stops the round.
  function flush() {
    if (sending) return sending;
    sending = all().then(function (items) {
      var due = items.filter(function (i) { return i.login === login && i.state !== "refused"; });
      if (!due.length) return null;
      return token().then(function (csrf) {
        return due.reduce(function (chain, item) {
          return chain.then(function () { return sendOne(item, csrf); });
        }, Promise.resolve());
      }, function (why) {
        if (why !== "sign-in") throw why;
        return Promise.all(due.map(function (i) { i.state = "sign-in"; return put(i); }));
      });
    }).catch(function () { /* no connection: they stay kept, and go on the next try */ })
      .then(function () { sending = null; return show(); });
    return sending;
  }

  // A report written on this page: kept first (nothing is lost if the send fails), then sent.
  function keep(form, title) {
    var fields = {}, photos = [];
    Array.prototype.forEach.call(form.elements, function (input) {
      if (!input.name || input.disabled) return;
      if (input.type === "file") {
        Array.prototype.forEach.call(input.files, function (f) { photos.push({name: f.name, blob: f}); });
      } else if (input.name !== "csrf_token" && input.name !== "client_key") {
        fields[input.name] = input.value;
      }
    });
    var key = form.elements.client_key.value || (self.crypto && crypto.randomUUID ? crypto.randomUUID()
      : String(Date.now()) + "-" + Math.random().toString(36).slice(2));
    var item = {key: key, login: login, action: form.action, fields: fields, photos: photos, title: title,
                state: "kept", kept_at: new Date().toISOString()};
    return put(item).then(show).then(function () { return item; });
  }

  window.addEventListener("online", function () { connectionBack(); flush(); });
  setInterval(function () { if (navigator.onLine) flush(); }, 30000);
  show().then(flush);
  function sent(key) { return sentNow[key] || null; }
  function refused(key) { return refusedNow[key] || null; }
  function discard(key) { return drop(key).then(show); }
  kuzet.outbox = {keep: keep, flush: flush, show: show, sent: sent, refused: refused, discard: discard};
}());
