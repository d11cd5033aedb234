/* What every kuzet page script shares: the CSRF token, building DOM from data as text only (never
 * innerHTML), message formatting with gettext-style %(name)s fields, and JSON calls to the API. */
(function () {
  "use strict";
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }
  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, name) { return String(values[name]); }).replace(/%%/g, "%");
  }
  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      if (key === "text") node.textContent = props[key];
      else if (key === "className") node.className = props[key];
      else node.setAttribute(key, props[key]);
    });
    (children || []).forEach(function (child) { if (child !== null && child !== undefined && child !== false) node.append(child); });
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  // A moment as the page's language writes it, day first and 24-hour, as web/formats.py does on the
  // server: the server sends ISO times already in the regime's zone, so their own wall clock is shown.
  var LANG = (document.documentElement.lang || "en").split(/[-_]/)[0];
  var DAY = new Intl.DateTimeFormat(LANG === "en" ? "en-GB" : LANG, LANG === "en"
    ? {day: "numeric", month: "short", year: "numeric", timeZone: "UTC"}
    : {day: "2-digit", month: "2-digit", year: "numeric", timeZone: "UTC"});
  function day(iso) {
    var p = iso.slice(0, 10).split("-");
    return DAY.format(new Date(Date.UTC(Number(p[0]), Number(p[1]) - 1, Number(p[2]))));
  }
  function clock(iso) { return iso ? iso.slice(11, 16) : "…"; }
  function local(iso) { return iso ? day(iso) + " " + clock(iso) : "…"; }
  // A JSON call; every one carries the CSRF token (Flask-WTF checks the header on changes).
  function request(base, method, url, body, headers) {
    var init = {method: method, headers: {"Accept": "application/json", "X-CSRFToken": csrfToken()}};
    Object.keys(headers || {}).forEach(function (name) { init.headers[name] = headers[name]; });
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(base + url, init).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, status: response.status, data: data}; });
    });
  }
  // A date and a 24-hour time typed apart (fieldset.moment), kept together in its hidden input as
  // YYYY-MM-DDTHH:MM ("" while either is missing or the time is not HH:MM), which fires "change".
  var TIME = /^([01]?[0-9]|2[0-3]):([0-5][0-9])$/;
  function moments(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("fieldset.moment"), function (box) {
      var date = box.querySelector("[data-part=date]"), time = box.querySelector("[data-part=time]");
      var kept = box.querySelector("input[type=hidden]");
      function sync() {
        var m = TIME.exec(time.value.trim());
        var value = date.value && m ? date.value + "T" + ("0" + m[1]).slice(-2) + ":" + m[2] : "";
        time.setCustomValidity(time.value.trim() && !m ? "HH:MM" : "");
        if (value !== kept.value) {
          kept.value = value;
          kept.dispatchEvent(new Event("change", {bubbles: true}));
        }
      }
      date.addEventListener("change", sync);
      time.addEventListener("change", sync);
      time.addEventListener("input", sync);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { moments(document); });

  window.kuzet = {csrfToken: csrfToken, fmt: fmt, el: el, clear: clear, local: local, day: day, clock: clock,
                  request: request};
}());
