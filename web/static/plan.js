/* The planner's page: propose a plan for a shift, draw it, accept all or some of its assignments.
 * Data is only ever put into the page as text (textContent), never as HTML. */
(function () {
  "use strict";
  var kuzet = window.kuzet;
  var csrfToken = kuzet.csrfToken, fmt = kuzet.fmt, el = kuzet.el, clear = kuzet.clear, local = kuzet.local;
  var setup = JSON.parse(document.getElementById("plan-setup").textContent);
  var T = setup.strings;
  var map = window[setup.map];
  var form = document.getElementById("plan-form");
  var status = document.getElementById("plan-status");
  var result = document.getElementById("plan-result");
  var rows = document.getElementById("plan-items");
  var acceptOutcome = document.getElementById("accept-outcome");
  var proposal = null;
  var asked = 0;  // answers to older proposals are dropped

  function say(state, text) {
    status.dataset.state = state;
    status.querySelector(".text").textContent = text;
  }
  function post(url, body) {
    return fetch(setup.api + url, {
      method: "POST", body: JSON.stringify(body),
      headers: {"Accept": "application/json", "Content-Type": "application/json", "X-CSRFToken": csrfToken()}
    }).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, status: response.status, data: data}; });
    });
  }

  /* The proposal on the map: each target styled by its outcome, with a tooltip of text nodes. */
  function describe(p) {
    var lines = [["kind", T.kinds[p.target_kind] || p.target_kind], ["state", T.states[p.state] || p.state],
                 ["weight", p.weight], ["need", p.need], ["staffed", p.staffed],
                 ["formations", p.formations.length ? p.formations.join(", ") : T.none]];
    if (p.note) lines.push(["note", p.note]);
    return el("div", {className: "plan-tip"}, [el("strong", {text: p.name}),
      el("dl", {}, lines.reduce(function (out, line) {
        return out.concat([el("dt", {text: T.labels[line[0]]}), el("dd", {text: String(line[1])})]);
      }, []))]);
  }
  var targets = L.geoJSON(null, {
    style: function (feature) { return setup.styles[feature.properties.state]; },
    pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, {radius: 7}); },
    onEachFeature: function (feature, layer) { layer.bindTooltip(describe(feature.properties), {sticky: true}); }
  }).addTo(map);

  function shiftOf() {
    var day = form.elements.date.value, start = form.elements.start.value, end = form.elements.end.value;
    var endDay = day;
    if (end <= start) {  // a shift over midnight ends the next day
      var next = new Date(day + "T00:00:00Z");
      next.setUTCDate(next.getUTCDate() + 1);
      endDay = next.toISOString().slice(0, 10);
    }
    return {starts_at: day + "T" + start, ends_at: endDay + "T" + end};
  }
  function options() {
    var kinds = Array.prototype.filter.call(form.elements.kind, function (box) { return box.checked; })
      .map(function (box) { return box.value; });
    var body = shiftOf();
    body.kind = kinds;
    ["lookback_days", "members_per_target"].forEach(function (name) {
      if (form.elements[name].value) body[name] = parseInt(form.elements[name].value, 10);
    });
    ["members_per_1000_attendees", "near_m"].forEach(function (name) {
      if (form.elements[name].value) body[name] = parseFloat(form.elements[name].value);
    });
    body.include_synthetic = form.elements.include_synthetic.checked;
    return body;
  }

  function propose() {
    var body = options();
    if (!body.kind.length) { say("bad", T.no_kind); return; }
    var query = new URLSearchParams({date: form.elements.date.value, start: form.elements.start.value,
                                     end: form.elements.end.value});
    body.kind.forEach(function (kind) { query.append("kind", kind); });
    history.replaceState(null, "", "?" + query);
    var mine = ++asked;
    say("solving", T.solving);
    form.elements.propose.disabled = true;
    return post("/plans", body).then(function (answer) {
      if (mine !== asked) return;
      form.elements.propose.disabled = false;
      if (!answer.ok) { say("bad", fmt(T.failed, {error: answer.data.error})); return; }
      proposal = answer.data;
      say("done", fmt(T.solved, {seconds: (answer.data.runtime_ms / 1000).toFixed(1),
                                 status: T.statuses[answer.data.status] || answer.data.status}));
      show(answer.data);
    }, function (error) {
      form.elements.propose.disabled = false;
      say("bad", fmt(T.failed, {error: error}));
    });
  }

  function show(data) {
    result.hidden = false;
    document.getElementById("coverage").textContent = fmt(T.coverage, {pct: data.coverage_percent.toFixed(1)});
    var explanation = document.getElementById("explanation");
    clear(explanation);
    data.explanation.forEach(function (line) { explanation.append(el("li", {text: line})); });
    targets.clearLayers();
    targets.addData(data.targets);
    targets.eachLayer(function (layer) {  // events over the zones around them; idle targets underneath
      if (layer.feature.properties.is_event) layer.bringToFront();
      else if (layer.feature.properties.state === "no_demand") layer.bringToBack();
    });
    var shown = L.featureGroup();
    targets.eachLayer(function (layer) { if (layer.feature.properties.state !== "no_demand") shown.addLayer(layer); });
    if (shown.getLayers().length) map.fitBounds(shown.getBounds().pad(0.2), {maxZoom: 15});
    clear(rows);
    clear(acceptOutcome);
    data.items.forEach(function (item, index) {
      var box = el("input", {type: "checkbox", "data-index": index, "aria-label": item.formation});
      box.checked = true;
      rows.append(el("tr", {"data-index": index, className: item.is_event ? "event" : ""}, [
        el("td", {}, [box]), el("td", {text: item.formation}),
        el("td", {text: item.target_name + " (" + (T.kinds[item.target_kind] || item.target_kind) + ", " + item.activity + ")"}),
        el("td", {text: kuzet.clock(item.starts_at) + "–" + kuzet.clock(item.ends_at)}),
        el("td", {text: item.officer || T.none}), el("td", {text: String(item.members)}),
        el("td", {className: "result"})]));
    });
    if (!data.items.length) rows.append(el("tr", {}, [el("td", {colspan: 7, text: T.no_items})]));
    var uncovered = document.getElementById("uncovered");
    clear(uncovered);
    data.uncovered.forEach(function (u) {
      uncovered.append(el("li", {}, [el("strong", {text: u.name}),
        document.createTextNode(" · " + fmt(T.incidents, {n: u.weight}) + " · " + (u.message || ""))]));
    });
    document.getElementById("uncovered-section").hidden = !data.uncovered.length;
    document.getElementById("tick-all").checked = true;
    document.getElementById("accept-selected").disabled = !data.items.length;
    document.getElementById("accept-all").disabled = !data.items.length;
  }

  function request(item) {
    return {formation_id: item.formation_id, target_kind: item.target_kind, target_id: item.target_id,
            activity: item.activity, starts_at: item.starts_at, ends_at: item.ends_at,
            officer_id: item.officer_id, member_ids: item.member_ids};
  }
  function accept(indices) {
    if (!indices.length) { acceptOutcome.textContent = T.none_selected; acceptOutcome.className = "outcome bad"; return; }
    acceptOutcome.textContent = T.accepting;
    acceptOutcome.className = "outcome";
    return post("/plans/accept", {items: indices.map(function (i) { return request(proposal.items[i]); })})
      .then(function (answer) {
        if (!answer.ok) {
          acceptOutcome.textContent = fmt(T.failed, {error: answer.data.error});
          acceptOutcome.className = "outcome bad";
          return;
        }
        answer.data.results.forEach(function (r) { mark(indices[r.index], r); });
        clear(acceptOutcome);
        acceptOutcome.className = "outcome " + (answer.data.refused ? "bad" : "ok");
        acceptOutcome.append(document.createTextNode(fmt(T.accepted, answer.data) + " "),
                             el("a", {href: setup.dispatch + "?date=" + form.elements.date.value, text: T.see_dispatch}));
      });
  }
  function mark(index, r) {
    var row = rows.querySelector('tr[data-index="' + index + '"]');
    var cell = row.querySelector(".result");
    clear(cell);
    row.dataset.result = r.stored ? "stored" : "refused";
    if (r.stored) {
      cell.textContent = fmt(T.stored, {id: r.assignment_id});
      var box = row.querySelector("input[type=checkbox]");
      box.checked = false;
      box.disabled = true;
      return;
    }
    var list = el("ul", {className: "violations"});
    (r.violations.length ? r.violations : [{code: "", item: "", citation: "", message: r.error}]).forEach(function (v) {
      list.append(el("li", {"data-code": v.code}, [el("code", {text: v.code}),
        el("span", {className: "item", title: v.item, text: v.citation}), document.createTextNode(" " + v.message)]));
    });
    cell.append(el("span", {text: T.refused}), list);
  }
  function ticked() {
    return Array.prototype.map.call(rows.querySelectorAll("input[type=checkbox]:checked"), function (box) {
      return parseInt(box.dataset.index, 10);
    });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); propose(); });
  document.getElementById("accept-selected").addEventListener("click", function () { accept(ticked()); });
  document.getElementById("accept-all").addEventListener("click", function () {
    accept(Array.prototype.map.call(rows.querySelectorAll("input[type=checkbox]:not(:disabled)"), function (box) {
      return parseInt(box.dataset.index, 10);
    }));
  });
  document.getElementById("tick-all").addEventListener("change", function (event) {
    rows.querySelectorAll("input[type=checkbox]:not(:disabled)").forEach(function (box) { box.checked = event.target.checked; });
  });
  if (setup.auto) propose();
})();
