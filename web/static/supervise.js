/* The supervisor's page: each proposal with the facts checked now (rendered by the server); one map
 * shows the proposal chosen. Confirm asks once more in the card; reject needs a reason. A decision
 * goes through the API and the card then says what became of it. Data goes in as text only. */
(function () {
  "use strict";
  var kuzet = window.kuzet;
  var fmt = kuzet.fmt;
  var setup = JSON.parse(document.getElementById("supervise-setup").textContent);
  var status = document.getElementById("status");
  var chooser = document.querySelector(".officer-choice select");
  if (chooser) chooser.addEventListener("change", function () { chooser.form.submit(); });
  if (!setup.officer_id) return;

  var map = setup.map ? window[setup.map] : null;
  var caption = document.getElementById("map-caption");
  var shown = null;
  var STYLE = {color: "#00695c", weight: 3, opacity: 1, fill: true, fillColor: "#4db6ac", fillOpacity: 0.35};

  function request(method, url, body) { return kuzet.request(setup.api, method, url, body); }

  function cards() { return Array.prototype.slice.call(document.querySelectorAll("#proposals article.proposal")); }

  function select(card) {
    cards().forEach(function (c) { c.classList.toggle("selected", c === card); });
    if (!map || !card) return;
    var geometry = setup.targets[card.dataset.id];
    if (shown) { map.removeLayer(shown); shown = null; }
    if (caption) caption.textContent = card.querySelector("h2").textContent;
    if (!geometry) return;
    shown = L.geoJSON(geometry, {style: function () { return STYLE; },
                                 pointToLayer: function (f, latlng) { return L.circleMarker(latlng, {radius: 8}); }})
      .addTo(map);
    var bounds = shown.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, {padding: [16, 16], maxZoom: 16, animate: false});
    document.body.dataset.mapShows = card.dataset.id;
  }

  function problem(card, answer) {
    var box = card.querySelector(".problem");
    box.textContent = "";
    box.append(kuzet.el("p", {text: gettext("Not done: %(error)s", {error: answer.data.error})}));
    var items = (answer.data.violations || []).map(function (v) {
      return kuzet.el("li", {"data-code": v.code, text: v.message + " (" + v.citation + ")"});
    });
    if (items.length) box.append(kuzet.el("ul", {}, items));
    if (answer.status === 400 || answer.status === 404 || answer.status === 409) {
      // decided or withdrawn by someone else meanwhile: nothing was changed here
      box.append(kuzet.el("p", {text: gettext("Someone may have decided it meanwhile; reload the page to see the list as it is now.")}));
    }
  }

  function decided(card, text) {
    card.dataset.state = "decided";
    card.querySelector(".decision").replaceChildren(kuzet.el("p", {className: "decided", text: text}));
    status.textContent = text;
  }

  function decide(card, action, payload, done) {
    var buttons = card.querySelectorAll(".decision button");
    buttons.forEach(function (b) { b.disabled = true; });
    request("POST", "/assignments/" + card.dataset.id + "/" + action, payload).then(function (answer) {
      buttons.forEach(function (b) { b.disabled = false; });
      if (!answer.ok) { problem(card, answer); return; }
      decided(card, fmt(done, {id: card.dataset.id}));
    });
  }

  cards().forEach(function (card) {
    var step = card.querySelector(".confirm-step");
    var confirm = card.querySelector("button.confirm");
    var reason = card.querySelector("input[name=reason]");
    card.querySelector("button.show-map").addEventListener("click", function () {
      select(card);
      if (map) map.getContainer().scrollIntoView({block: "nearest"});  // above the cards on a phone
    });
    confirm.addEventListener("click", function () {
      select(card);
      step.hidden = false;
      confirm.hidden = true;
      card.querySelector("button.confirm-yes").focus();
    });
    card.querySelector("button.confirm-no").addEventListener("click", function () {
      step.hidden = true;
      confirm.hidden = false;
      status.textContent = fmt(gettext("Assignment %(id)s was not confirmed; nothing changed."), {id: card.dataset.id});
      confirm.focus();
    });
    card.querySelector("button.confirm-yes").addEventListener("click", function () {
      decide(card, "confirm", {officer_id: setup.officer_id}, gettext("Assignment %(id)s confirmed."));
    });
    card.querySelector("button.reject").addEventListener("click", function () {
      if (!reason.value.trim()) { reason.focus(); status.textContent = gettext("Give a reason to reject."); return; }
      decide(card, "reject", {officer_id: setup.officer_id, reason: reason.value}, gettext("Assignment %(id)s rejected."));
    });
  });

  if (map) {
    // the first proposal is on the map from the start, once the map's opening view is set
    var first = cards()[0];
    if (map._animatingZoom) map.once("zoomend", function () { select(first); }); else select(first);
  }
})();
