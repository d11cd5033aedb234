/* The supervisor's page: proposed assignments of the officer's jurisdiction, confirmed or rejected
 * through the API; the list is fetched again after every decision. Data goes in as text only. */
(function () {
  "use strict";
  var kuzet = window.kuzet;
  var fmt = kuzet.fmt, el = kuzet.el, local = kuzet.local;
  var setup = JSON.parse(document.getElementById("supervise-setup").textContent);
  var T = setup.strings;
  var body = document.getElementById("proposals");
  var status = document.getElementById("status");
  var chooser = document.querySelector(".officer-choice select");
  if (chooser) chooser.addEventListener("change", function () { chooser.form.submit(); });
  if (!setup.officer_id || !body) return;

  function request(method, url, body) { return kuzet.request(setup.api, method, url, body); }

  function problem(cell, answer) {
    var items = (answer.data.violations || []).map(function (v) {
      return el("li", {"data-code": v.code, text: v.code + " (" + v.citation + "): " + v.message});
    });
    cell.append(el("div", {className: "problem", text: gettext("Not done: %(error)s", {error: answer.data.error})},
                   [items.length ? el("ul", {}, items) : null]));
  }

  function decide(id, action, payload, cell, done) {
    request("POST", "/assignments/" + id + "/" + action, payload).then(function (answer) {
      if (!answer.ok) { problem(cell, answer); return; }
      status.textContent = fmt(done, {id: id});
      load();
    });
  }

  function row(feature) {
    var p = feature.properties;
    var decision = el("td", {className: "decision"});
    var confirm = el("button", {type: "button", text: gettext("Confirm")});
    var reason = el("input", {type: "text", placeholder: gettext("Reason for rejecting"), "aria-label": gettext("Reason for rejecting")});
    var reject = el("button", {type: "button", text: gettext("Reject")});
    confirm.addEventListener("click", function () {
      decide(p.id, "confirm", {officer_id: setup.officer_id}, decision, gettext("Assignment %(id)s confirmed."));
    });
    reject.addEventListener("click", function () {
      if (!reason.value.trim()) { reason.focus(); status.textContent = gettext("Give a reason to reject."); return; }
      decide(p.id, "reject", {officer_id: setup.officer_id, reason: reason.value}, decision, gettext("Assignment %(id)s rejected."));
    });
    decision.append(confirm, reason, reject);
    return el("tr", {"data-id": p.id}, [
      el("td", {text: local(p.starts_at) + " – " + local(p.ends_at)}),
      el("td", {text: p.target_name + " (" + (T.kinds[p.target_kind] || p.target_kind) + ")"}),
      el("td", {text: p.formation || p.participant}), el("td", {text: p.activity}), el("td", {text: p.officer || gettext("none")}),
      el("td", {text: String(p.members)}), decision]);
  }

  function load() {
    var query = new URLSearchParams({status: "proposed", jurisdiction_of: setup.officer_id});
    request("GET", "/assignments?" + query).then(function (answer) {
      while (body.firstChild) body.removeChild(body.firstChild);
      if (!answer.ok) { status.textContent = gettext("Not done: %(error)s", {error: answer.data.error}); return; }
      if (!answer.data.features.length) body.append(el("tr", {}, [el("td", {colspan: 7, text: gettext("No proposed assignments in this jurisdiction.")})]));
      answer.data.features.forEach(function (feature) { body.append(row(feature)); });
    });
  }

  load();
})();
