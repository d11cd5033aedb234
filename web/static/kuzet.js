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
  function local(iso) { return iso ? iso.slice(0, 16).replace("T", " ") : "…"; }
  // A JSON call; every one carries the CSRF token (Flask-WTF checks the header on changes).
  function request(base, method, url, body) {
    var init = {method: method, headers: {"Accept": "application/json", "X-CSRFToken": csrfToken()}};
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(base + url, init).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, status: response.status, data: data}; });
    });
  }
  window.kuzet = {csrfToken: csrfToken, fmt: fmt, el: el, clear: clear, local: local, request: request};
}());
