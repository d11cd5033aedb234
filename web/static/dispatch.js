/* The dispatcher's page: click a target, see what may be assigned, propose; draw and save areas.
 * Data is only ever put into the page as text (textContent), never as HTML. */
(function () {
  "use strict";
  var kuzet = window.kuzet;
  var fmt = kuzet.fmt, el = kuzet.el, clear = kuzet.clear, local = kuzet.local;
  var setup = JSON.parse(document.getElementById("dispatch-setup").textContent);
  var T = setup.strings;
  var map = window[setup.map];
  var assignments = window[setup.assignments];
  var form = document.getElementById("assign-form");
  var outcome = document.getElementById("outcome");
  var violations = document.getElementById("violations");
  var selection = L.layerGroup().addTo(map);
  var drawn = L.geoJSON(null, {style: {color: "#00897b", weight: 2, fillOpacity: 0.15},
                               onEachFeature: function (feature, layer) {
                                 layer.bindTooltip(el("span", {text: feature.properties.name}), {sticky: true});
                               }}).addTo(map);
  var target = null;      // {kind, id}
  var pendingArea = null; // a layer drawn with Leaflet.draw, not saved yet
  var optionsAsked = 0;   // answers to older questions about options are dropped

  function say(text, good) {
    outcome.textContent = text;
    outcome.className = "outcome " + (good ? "ok" : "bad");
    if (outcome.scrollIntoView) outcome.scrollIntoView({block: "nearest"});  // the message stays in view
  }
  function showViolations(list) {
    clear(violations);
    (list || []).forEach(function (v) {
      violations.append(el("li", {"data-code": v.code}, [
        el("code", {text: v.code}), el("span", {className: "item", title: v.item, text: v.citation}), document.createTextNode(v.message)]));
    });
  }
  function request(method, url, body) { return kuzet.request(setup.api, method, url, body); }

  /* The day's assignments: styled by status, each with a tooltip built from text nodes. */
  function describe(p) {
    var rows = [p.participant ? ["participant", p.participant] : ["formation", p.formation], ["target", p.target_name + " (" + (T.kinds[p.target_kind] || p.target_kind) + ")"],
                ["activity", p.activity], ["shift", local(p.starts_at) + " – " + local(p.ends_at)],
                ["officer", p.officer || T.none], ["members", p.members],
                ["status", T.statuses[p.status] || p.status],
                ["acknowledged", p.acknowledged_at
                  ? (p.acknowledged_by ? fmt(T.acknowledged_by, {who: p.acknowledged_by, at: local(p.acknowledged_at)})
                                       : fmt(T.acknowledged_at, {at: local(p.acknowledged_at)}))
                  : T.not_acknowledged]];
    return el("dl", {className: "assignment-tip"}, rows.reduce(function (out, row) {
      return out.concat([el("dt", {text: T.labels[row[0]]}), el("dd", {text: String(row[1])})]);
    }, []));
  }
  function assignmentStyle(feature) { return setup.styles[feature.properties.status] || setup.styles.proposed; }
  function dressAssignment(feature, layer) { layer.bindTooltip(describe(feature.properties), {sticky: true}); }
  var folded = assignments.options.onEachFeature;
  assignments.options.style = assignmentStyle;
  assignments.options.onEachFeature = function (feature, layer) {
    if (folded) folded(feature, layer);
    dressAssignment(feature, layer);
  };
  assignments.setStyle(assignmentStyle);
  assignments.eachLayer(function (layer) { dressAssignment(layer.feature, layer); });

  /* Choosing a target: every target layer (and the assignments, which point at theirs) is clickable. */
  function onFeatureClick(event) {
    var feature = event.layer && event.layer.feature;
    if (!feature || !feature.properties.target_kind || pendingArea) return;
    pickAt(event.latlng, function () {
      selectTarget(feature.properties.target_kind, feature.properties.target_id, feature);
    });
  }
  setup.targets.concat([setup.assignments]).forEach(function (name) {
    if (window[name]) window[name].on("click", onFeatureClick);
  });
  drawn.on("click", onFeatureClick);
  /* Targets drawn from vector tiles: a tile feature holds its id; its kind is its layer's. The
     outline of the selection is the feature read from the layer API. */
  (setup.tile_targets || []).forEach(function (entry) {
    var grid = window[entry[0]], kind = entry[1], items = entry[2];
    if (!grid) return;
    grid.on("click", function (event) {
      var properties = (event.layer && event.layer.properties) || {};
      if (properties.id === undefined || pendingArea) return;
      var id = Number(properties.id);
      pickAt(event.latlng, function () { selectFetched(kind, id); });
    });
  });

  /* The target's outline: from the page's own layers when it is drawn there, else from the layer API. */
  function embedded(kind, id) {
    var found = null;
    setup.targets.map(function (name) { return window[name]; }).concat([drawn]).forEach(function (layer) {
      if (layer && !found) layer.eachLayer(function (child) {
        var p = child.feature && child.feature.properties;
        if (p && p.target_kind === kind && Number(p.target_id) === id) found = child.feature;
      });
    });
    return found;
  }
  function selectFetched(kind, id) {
    var feature = embedded(kind, id);
    selectTarget(kind, id, feature);
    if (feature) return;
    fetch(setup.api + "/layers/" + encodeURIComponent(kind) + "/" + encodeURIComponent(id), {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (found) {
        if (target && target.kind === kind && target.id === id) outline(found);
      })
      .catch(function () {});
  }

  /* A click on overlapping targets (a public place drawn over a patrol zone) offers each of them:
     the server lists every target within a few pixels of the click; one alone is taken at once. */
  var chooser = L.popup({className: "target-chooser", maxWidth: 320, autoPanPadding: [20, 20]});
  var clickAsked = 0;
  function pickAt(latlng, takeClicked) {
    if (!latlng) { takeClicked(); return; }
    var point = map.latLngToContainerPoint(latlng);
    var radius = Math.max(1, 4 * map.distance(latlng, map.containerPointToLatLng([point.x + 1, point.y])));
    var query = new URLSearchParams({lon: latlng.lng.toFixed(6), lat: latlng.lat.toFixed(6),
                                     radius_m: Math.min(radius, 2000).toFixed(1), date: setup.day});
    var streets = setup.streets && window[setup.streets];
    if (!streets || !map.hasLayer(streets)) query.set("without_streets", "true");
    var asked = ++clickAsked;
    request("GET", "/dispatch/targets?" + query).then(function (answer) {
      if (asked !== clickAsked) return;  // a newer click is on its way
      var found = answer.ok ? answer.data.targets : [];
      if (found.length < 2) { takeClicked(); return; }
      var list = el("ul", {className: "chooser"}, found.map(function (t) {
        var button = el("button", {type: "button", "data-kind": t.kind, "data-id": t.id,
                                   text: t.kind_label + " · " + (t.name || "#" + t.id)});
        button.addEventListener("click", function () {
          map.closePopup(chooser);
          selectFetched(t.kind, Number(t.id));
        });
        return el("li", {}, [button]);
      }));
      chooser.setLatLng(latlng).setContent(el("div", {}, [el("p", {text: T.choose_target}), list])).openOn(map);
    }).catch(function (error) { console.warn(error); takeClicked(); });
  }

  function outline(feature) {
    selection.clearLayers();
    L.geoJSON(feature, {interactive: false, style: {color: "#000", weight: 3, fill: false, dashArray: "2 4"},
                        pointToLayer: function (_, latlng) { return L.circleMarker(latlng, {radius: 10}); }})
      .addTo(selection);
  }

  function selectTarget(kind, id, feature) {
    target = {kind: kind, id: id};
    form.dataset.targetKind = kind;
    form.dataset.targetId = id;
    selection.clearLayers();
    if (feature) outline(feature);
    showViolations([]);
    clear(form.elements.activity);  // the server proposes the new target's first activity
    loadOptions();
  }

  function shiftValues() {
    return {starts_at: form.elements.starts_at.value, ends_at: form.elements.ends_at.value};
  }

  function loadOptions() {
    if (!target) return;
    var shift = shiftValues();
    if (!shift.starts_at || !shift.ends_at || shift.starts_at >= shift.ends_at) {
      optionsAsked++;
      say(T.shift_order, false);
      return;
    }
    var query = new URLSearchParams({target_kind: target.kind, target_id: target.id,
                                     starts_at: shift.starts_at, ends_at: shift.ends_at});
    if (form.elements.activity.value) query.set("activity", form.elements.activity.value);
    document.getElementById("target").textContent = T.loading;
    form.dataset.state = "loading";
    var asked = ++optionsAsked;
    return request("GET", "/dispatch/options?" + query).then(function (answer) {
      if (asked !== optionsAsked) return;  // a newer question is on its way
      form.dataset.state = "ready";
      if (!answer.ok) { say(fmt(T.no_options, {error: answer.data.error}), false); return; }
      renderOptions(answer.data);
    });
  }

  // After a proposal the options are asked again (the formation is booked now) and the dispatcher's
  // choices stay as they were: a second click then repeats the same proposal, which stores nothing.
  var keepChoices = false;
  function renderOptions(options) {
    var kept = keepChoices ? {formation_id: checkedValue("formation_id"), participant_id: checkedValue("participant_id"),
                              officer_id: checkedValue("officer_id")} : null;
    keepChoices = false;
    var t = options.target;
    document.getElementById("target").textContent = t.name + " · " + (T.kinds[t.kind] || t.kind);
    document.getElementById("target-window").textContent =
      t.window ? fmt(T.window, {start: local(t.window.starts_at), end: local(t.window.ends_at)}) : "";
    var select = form.elements.activity;
    clear(select);
    options.activities.forEach(function (a) {
      select.append(el("option", {value: a.code, text: a.code + " · " + a.title}));
    });
    select.value = options.activity || "";
    select.disabled = options.activities.length === 0;
    renderFormations(options.formations);
    renderIndividuals(options.individuals || []);
    renderOfficers(options.officers);
    clear(document.querySelector("#members .choices"));
    if (kept) {
      Object.keys(kept).forEach(function (name) {
        var input = kept[name] === null ? null : form.querySelector("input[name=" + name + "][value='" + kept[name] + "']");
        if (input) input.checked = true;
      });
      if (kept.participant_id !== null) uncheck("formation_id");
      else if (kept.formation_id !== null) loadMembers();
    }
  }

  function reasonsList(items) {
    if (!items.length) return null;
    return el("ul", {className: "reasons"}, items.map(function (text) { return el("li", {text: text}); }));
  }

  function choice(name, value, label, good, reasons, extra) {
    var input = el("input", {type: name === "member" ? "checkbox" : "radio", name: name, value: value});
    var badge = el("span", {className: "badge " + (good ? "ok" : "no"), text: good ? T.eligible : T.not_eligible});
    var item = el("li", {className: good ? "eligible" : "ineligible"},
                  [el("label", {}, [input, document.createTextNode(" " + label), extra || null, badge]),
                   reasonsList(reasons)]);
    return item;
  }

  function renderFormations(formations) {
    var list = document.querySelector("#formations .choices");
    clear(list);
    if (!formations.length) list.append(el("li", {className: "hint", text: T.no_formations}));
    formations.forEach(function (f) {
      var reasons = f.violations.map(function (v) { return v.citation + " · " + v.message; });
      var item = choice("formation_id", f.formation_id, f.name, f.eligible, reasons);
      item.dataset.codes = f.failed_codes.join(" ");
      list.append(item);
    });
    var first = list.querySelector("li.eligible input");
    if (first) { first.checked = true; loadMembers(); }
  }

  /* Individual participants, offered for an item 6 type only: choosing one un-chooses the formation. */
  function renderIndividuals(individuals) {
    var box = document.getElementById("individuals");
    var list = box.querySelector(".choices");
    clear(list);
    box.hidden = individuals.length === 0;
    individuals.forEach(function (i) {
      var reasons = i.violations.map(function (v) { return v.item + " · " + v.message; });
      var item = choice("participant_id", i.participant_id, i.name, i.eligible, reasons);
      item.dataset.codes = i.failed_codes.join(" ");
      list.append(item);
    });
  }
  function uncheck(name) {
    Array.prototype.forEach.call(form.querySelectorAll("input[name=" + name + "]"),
                                 function (input) { input.checked = false; });
  }

  function renderOfficers(officers) {
    var list = document.querySelector("#officers .choices");
    clear(list);
    var none = el("li", {}, [el("label", {}, [el("input", {type: "radio", name: "officer_id", value: ""}),
                                              document.createTextNode(" " + T.no_officer)])]);
    list.append(none);
    if (!officers.length) list.append(el("li", {className: "hint", text: T.no_officers}));
    officers.forEach(function (o) {
      var label = o.name + (o.rank ? ", " + o.rank : "") + (o.service ? " · " + o.service_label : "");
      list.append(choice("officer_id", o.id, label, o.can_supervise, o.reasons));
    });
    var first = list.querySelector("li.eligible input") || none.querySelector("input");
    first.checked = true;
  }

  function loadMembers() {
    var chosen = form.querySelector("input[name=formation_id]:checked");
    var list = document.querySelector("#members .choices");
    clear(list);
    if (!chosen) return;
    var day = shiftValues().starts_at.slice(0, 10);
    request("GET", "/formations/" + chosen.value + "/members?date=" + encodeURIComponent(day)).then(function (answer) {
      if (!answer.ok) return;
      if (!answer.data.members.length) list.append(el("li", {className: "hint", text: T.no_members}));
      answer.data.members.forEach(function (m) {
        var reasons = m.violations.map(function (v) { return v.citation + " · " + v.message; });
        var extra = m.leader ? el("em", {text: " (" + T.leader + ")"}) : null;
        list.append(choice("member", m.id, m.name, m.eligible, reasons, extra));
      });
    });
  }

  function checkedValue(name) {
    var input = form.querySelector("input[name=" + name + "]:checked");
    return input && input.value !== "" ? Number(input.value) : null;
  }

  var button = form.querySelector("button[type=submit]");
  var proposal = {body: null, key: null, pending: false};
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function submit(event) {
    event.preventDefault();
    showViolations([]);
    if (!target) { say(T.pick_target, false); return; }
    var formationId = checkedValue("formation_id"), participantId = checkedValue("participant_id");
    if (formationId === null && participantId === null) { say(T.choose_assignee, false); return; }
    var shift = shiftValues();
    var body = {target_kind: target.kind, target_id: target.id,
                activity: form.elements.activity.value, starts_at: shift.starts_at, ends_at: shift.ends_at,
                officer_id: checkedValue("officer_id")};
    if (participantId !== null) {
      body.participant_id = participantId;  // an item 6 task of one individual participant
    } else {
      body.formation_id = formationId;
      var members = Array.prototype.map.call(form.querySelectorAll("input[name=member]:checked"),
                                             function (input) { return Number(input.value); });
      if (members.length) body.member_ids = members;
    }
    var reason = form.elements.override_reason.value.trim();
    if (reason) { body.override_officer_id = body.officer_id; body.override_reason = reason; }
    // One key per proposal: a double click or a resend of the same form stores one assignment; a
    // changed form is a new proposal with a new key.
    var said = JSON.stringify(body);
    if (said !== proposal.body) proposal = {body: said, key: newKey()};
    if (proposal.pending) return;
    proposal.pending = true;
    button.disabled = true;
    var sent = proposal;
    kuzet.request(setup.api, "POST", "/assignments", body, {"Idempotency-Key": sent.key}).then(function (answer) {
      sent.pending = false;
      button.disabled = false;
      if (answer.ok && answer.status === 200) {
        say(fmt(T.proposed_already, {id: answer.data.properties.id}), true);
      } else if (answer.ok) {
        var p = answer.data.properties;
        assignments.addData(answer.data);
        document.dispatchEvent(new CustomEvent("kuzet:assignment", {detail: {action: "create", feature: answer.data}}));
        say(fmt(T.proposed_ok, {id: p.id, formation: p.formation || p.participant, target: p.target_name,
                                start: local(p.starts_at), end: local(p.ends_at)}), true);
        keepChoices = true;
        loadOptions();
      } else if (answer.data.violations) {
        say(T.refused, false);
        showViolations(answer.data.violations);
      } else {
        say(fmt(T.failed, {error: answer.data.error}), false);
      }
    });
  }

  form.addEventListener("submit", submit);
  form.elements.activity.addEventListener("change", loadOptions);
  form.elements.starts_at.addEventListener("change", loadOptions);
  form.elements.ends_at.addEventListener("change", loadOptions);
  document.getElementById("formations").addEventListener("change", function () {
    uncheck("participant_id");
    loadMembers();
  });
  document.getElementById("individuals").addEventListener("change", function () {
    uncheck("formation_id");
    clear(document.querySelector("#members .choices"));
  });

  /* Drawing a patrol zone or an emergency area, saved through the API (validated by the server). */
  var areaBox = document.getElementById("new-area");
  var areaForm = document.getElementById("area-form");
  var areaError = document.getElementById("area-error");
  function areaKind() { return areaForm.querySelector("input[name=area_kind]:checked").value; }
  function closeArea() {
    if (pendingArea) pendingArea.remove();
    pendingArea = null;
    areaBox.hidden = true;
    areaError.textContent = "";
  }
  map.on(L.Draw.Event.CREATED, function (event) {
    if (pendingArea) pendingArea.remove();
    pendingArea = event.layer;
    areaBox.hidden = false;
    areaForm.elements.name.focus();
  });
  areaForm.addEventListener("change", function () {
    areaForm.querySelector(".period").hidden = areaKind() !== "emergency_area";
  });
  document.getElementById("area-discard").addEventListener("click", closeArea);
  areaForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!pendingArea) return;
    var kind = areaKind();
    var body = {name: areaForm.elements.name.value, geometry: pendingArea.toGeoJSON().geometry};
    if (kind === "emergency_area") {
      body.period = {starts_at: areaForm.elements.period_start.value, ends_at: areaForm.elements.period_end.value || null};
    }
    request("POST", kind === "patrol_zone" ? "/patrol_zones" : "/emergency_areas", body).then(function (answer) {
      if (!answer.ok) { areaError.textContent = answer.data.error; return; }
      closeArea();
      drawn.addData(answer.data);
      say(fmt(T.area_saved, {name: answer.data.properties.name}), true);
      selectTarget(answer.data.properties.target_kind, answer.data.properties.target_id, answer.data);
    });
  });

  /* What the shift board (board.js) shares with the map. */
  kuzet.dispatch = {setup: setup, map: map, assignments: assignments, styles: setup.styles,
                    dressAssignment: dressAssignment};
})();
