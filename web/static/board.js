/* The dispatcher's shift board beside the map: every assignment of the day with its state and flags,
 * filtered by state and text; a row shows its target on the map, and is edited or cancelled through
 * the API (the rules run again there); the dispatcher's own last action can be undone for a while.
 * Data is only ever put into the page as text (textContent), never as HTML. */
(function () {
  "use strict";
  var kuzet = window.kuzet, D = kuzet.dispatch;
  if (!D) return;
  var fmt = kuzet.fmt, el = kuzet.el, clear = kuzet.clear, local = kuzet.local, clock = kuzet.clock;
  var setup = D.setup, map = D.map, T = setup.strings.board, K = setup.strings.kinds;
  var rows = document.getElementById("board-rows");
  var note = document.getElementById("board-note");
  var counted = document.getElementById("board-count");
  var stateFilter = document.getElementById("board-state");
  var textFilter = document.getElementById("board-text");
  var undoBox = document.getElementById("undo");
  var undoText = document.getElementById("undo-text");
  var undoButton = document.getElementById("undo-button");
  var highlight = L.layerGroup().addTo(map);
  var features = [];
  var loaded = 0;

  function request(method, url, body) { return kuzet.request(setup.api, method, url, body); }
  function say(text, good) {
    note.textContent = text;
    note.className = "hint " + (good === undefined ? "" : good ? "ok" : "bad");
  }

  function load() {
    var asked = ++loaded;
    return request("GET", "/dispatch/board?date=" + encodeURIComponent(setup.day)).then(function (answer) {
      if (asked !== loaded) return;
      if (!answer.ok) { say(fmt(T.failed, {error: answer.data.error}), false); return; }
      features = answer.data.features;
      rows.dataset.loaded = String(asked);
      redrawMap();
      render();
    });
  }

  /* The map's layer of the day's assignments keeps the live ones, as the page first drew them. */
  function redrawMap() {
    D.assignments.clearLayers();
    D.assignments.addData({type: "FeatureCollection", features: features.filter(function (f) {
      return f.properties.status === "proposed" || f.properties.status === "confirmed";
    })});
  }

  function assignee(p) { return p.formation || p.participant || "?"; }
  function matches(p) {
    var state = stateFilter.value, text = textFilter.value.trim().toLowerCase();
    if (state && p.state !== state) return false;
    if (!text) return true;
    return [assignee(p), p.officer || "", p.target_name || "", K[p.target_kind] || ""].some(function (v) {
      return v.toLowerCase().indexOf(text) !== -1;
    });
  }
  function span(p) {
    var sameDay = p.starts_at.slice(0, 10) === p.ends_at.slice(0, 10);
    return local(p.starts_at) + " – " + (sameDay ? clock(p.ends_at) : local(p.ends_at));
  }

  function render() {
    clear(rows);
    var shown = features.filter(function (f) { return matches(f.properties); });
    shown.forEach(function (f) { rows.append(row(f)); });
    counted.textContent = !features.length ? T.empty : !shown.length ? T.none_shown
      : fmt(T.count, {shown: shown.length, total: features.length});
  }

  function button(text, cls, handler) {
    var b = el("button", {type: "button", className: cls, text: text});
    b.addEventListener("click", function (event) { event.stopPropagation(); handler(); });
    return b;
  }

  // The dosage of a shift: minutes checked in, and with positions sent, minutes inside the target,
  // visits and the share of the route walked ("no route" where it has none).
  function presence(d) {
    if (!d || (!d.minutes_checked_in && !d.positions)) return null;
    var parts = [kuzet.fmt(gettext("checked in %(minutes)s min"), {minutes: Math.round(d.minutes_checked_in)})];
    if (d.minutes_inside === null) {
      parts.push(gettext("no location sent"));
    } else {
      parts.push(kuzet.fmt(gettext("inside the target %(minutes)s min"), {minutes: Math.round(d.minutes_inside)}));
      parts.push(kuzet.fmt(gettext("visits %(num)s"), {num: d.visits}));
      parts.push(d.has_route ? kuzet.fmt(gettext("route walked %(share)s"), {share: Math.round(100 * d.route_share) + " %"})
                             : gettext("no route"));
    }
    return el("div", {className: "presence-dosage", text: parts.join(" · ")});
  }

  function row(f) {
    var p = f.properties, live = p.status === "proposed" || p.status === "confirmed";
    var flags = (p.flags || []).map(function (v) {
      return el("li", {"data-code": v.code}, [el("span", {className: "item", title: v.item, text: v.citation}),
                                              document.createTextNode(" " + v.message)]);
    });
    var item = el("li", {className: "board-row state-" + p.state + (flags.length ? " flagged" : ""),
                         "data-id": f.id, "data-state": p.state, tabindex: "0"}, [
      el("div", {className: "who"}, [el("strong", {text: assignee(p)}),
                                     el("span", {className: "state " + p.state, text: T.states[p.state] || p.state})]),
      el("div", {className: "where", text: p.target_name + " · " + (K[p.target_kind] || p.target_kind) + " · " + p.activity}),
      el("div", {className: "when", text: span(p) + " · " + (p.officer || T.no_officer)}),
      flags.length ? el("ul", {className: "flags", "aria-label": T.flags}, flags) : null,
      presence(p.presence),
      el("div", {className: "actions"}, [
        button(T.show, "show", function () { show(f, item); }),
        live ? button(T.edit, "edit", function () { editor(f, item); }) : null,
        live ? button(T.cancel, "cancel", function () { canceller(f, item); }) : null,
        live ? button(T.plan_route, "plan-route", function () { router(f, item); }) : null]),
      el("div", {className: "row-form"}),
      el("p", {className: "route-summary hint", hidden: "hidden"}),
      el("ul", {className: "violations"})]);
    item.addEventListener("click", function (event) {
      if (event.target.closest("button, input, select, label, .row-form")) return;
      show(f, item);
    });
    item.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target === item) show(f, item);
    });
    return item;
  }

  /* The row's target on the map: zoomed to and outlined until another row is shown. */
  function show(f, item) {
    Array.prototype.forEach.call(rows.querySelectorAll(".board-row.current"), function (r) {
      r.classList.remove("current");
    });
    item.classList.add("current");
    highlight.clearLayers();
    if (!f.geometry) { say(T.no_geometry, false); return; }
    var layer = L.geoJSON(f, {interactive: false, style: {color: "#6a1b9a", weight: 5, fillOpacity: 0.1},
                              pointToLayer: function (_, latlng) { return L.circleMarker(latlng, {radius: 12}); }});
    layer.addTo(highlight);
    // fitBounds (its zoom animation), not flyTo: the vector tiles were left scaled after a flight
    map.fitBounds(layer.getBounds(), {maxZoom: 16, padding: [40, 40]});
    // on a phone the board lies under the map: bring the map into view
    if (window.matchMedia && window.matchMedia("(max-width: 640px)").matches) {
      map.getContainer().scrollIntoView({block: "start"});
    }
    map.getContainer().dataset.shown = f.properties.target_kind + ":" + f.properties.target_id;
  }

  function violationsOf(item, list) {
    var box = item.querySelector(".violations");
    clear(box);
    (list || []).forEach(function (v) {
      box.append(el("li", {"data-code": v.code}, [el("code", {text: v.code}),
        el("span", {className: "item", title: v.item, text: v.citation}), document.createTextNode(v.message)]));
    });
  }

  /* A date and a 24-hour time, typed apart as the proposal form's; "" while either is not valid. */
  var TIME = /^([01]?[0-9]|2[0-3]):([0-5][0-9])$/;
  function moment(label, iso, name) {
    var date = el("input", {type: "date", "data-part": "date", value: iso.slice(0, 10), "aria-label": label});
    var time = el("input", {type: "text", "data-part": "time", value: iso.slice(11, 16), inputmode: "numeric",
                            maxlength: "5", size: "5", placeholder: "18:00", "aria-label": label});
    var box = el("fieldset", {className: "moment", "data-moment": name}, [el("legend", {text: label}), date, time]);
    box.value = function () {
      var m = TIME.exec(time.value.trim());
      return date.value && m ? date.value + "T" + ("0" + m[1]).slice(-2) + ":" + m[2] : "";
    };
    return box;
  }

  function editor(f, item) {
    var holder = item.querySelector(".row-form");
    if (holder.firstChild) { clear(holder); return; }
    var p = f.properties;
    var starts = moment(T.starts, p.starts_at, "starts_at"), ends = moment(T.ends, p.ends_at, "ends_at");
    // The officer: those the rules allow for this target and shift first (asked of the server, as the
    // dispatcher's form asks), the one named now kept whatever the answer.
    var officer = el("select", {name: "officer_id"}, [el("option", {value: "", text: T.no_officer})]);
    if (p.officer_id) officer.append(el("option", {value: String(p.officer_id), text: p.officer || ""}));
    officer.value = p.officer_id ? String(p.officer_id) : "";
    var query = new URLSearchParams({target_kind: p.target_kind, target_id: p.target_id,
                                     starts_at: p.starts_at, ends_at: p.ends_at, activity: p.activity});
    request("GET", "/dispatch/options?" + query).then(function (answer) {
      if (!answer.ok) return;
      answer.data.officers.forEach(function (o) {
        var text = o.name + (o.rank ? ", " + o.rank : "") + (o.can_supervise ? "" : " (" + T.not_eligible + ")");
        var known = officer.querySelector("option[value='" + o.id + "']");
        if (known) known.textContent = text;
        else officer.append(el("option", {value: String(o.id), text: text}));
      });
    });
    var form = el("form", {className: "edit-form", novalidate: "novalidate"}, [
      starts, ends, el("p", {className: "hint", text: T.time_hint}),
      el("label", {className: "officer"}, [document.createTextNode(T.officer + " "), officer]),
      el("div", {className: "buttons"}, [el("button", {type: "submit", text: T.save}),
                                         button(T.close, "close", function () { clear(holder); })])]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = {starts_at: starts.value(), ends_at: ends.value()};
      if (officer.value !== (p.officer_id ? String(p.officer_id) : "")) {
        body.officer_id = officer.value ? Number(officer.value) : null;
      }
      if (!body.starts_at || !body.ends_at) { violationsOf(item, []); say(T.bad_time, false); return; }
      change(item, "PATCH", "/assignments/" + f.id, body, "update", T.saved);
    });
    holder.append(form);
    starts.querySelector("[data-part=time]").focus();
  }

  function canceller(f, item) {
    var holder = item.querySelector(".row-form");
    if (holder.firstChild) { clear(holder); return; }
    var reason = el("input", {type: "text", name: "reason", maxlength: "500", required: "required"});
    var form = el("form", {className: "cancel-form", novalidate: "novalidate"}, [
      el("label", {}, [document.createTextNode(T.reason + " "), reason]),
      el("div", {className: "buttons"}, [el("button", {type: "submit", text: T.confirm_cancel}),
                                         button(T.close, "close", function () { clear(holder); })])]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      change(item, "POST", "/assignments/" + f.id + "/cancel", {reason: reason.value}, "cancelled", T.cancelled);
    });
    holder.append(form);
    reason.focus();
  }

  /* The walking route of a row's assignment: a start chosen among the places near the target (or a
     point clicked on the map), planned by the server, drawn on the map with its length and time. */
  var routeLayer = L.layerGroup().addTo(map);
  function km(m) { return (m / 1000).toFixed(1); }
  function drawRoute(route, item) {
    routeLayer.clearLayers();
    var p = route.properties;
    var line = L.geoJSON(route, {interactive: false, style: {color: "#1f4e9c", weight: 4, opacity: 0.85}});
    line.addTo(routeLayer);
    L.circleMarker([p.start.lat, p.start.lon], {radius: 8, color: "#1f4e9c", fillColor: "#fff", fillOpacity: 1,
                                                interactive: false}).addTo(routeLayer);
    p.stops.forEach(function (s) {
      L.circleMarker([s.lat, s.lon], {radius: 5, color: "#1f4e9c", fillColor: "#1f4e9c", fillOpacity: 0.9,
                                      interactive: false}).addTo(routeLayer);
    });
    map.fitBounds(line.getBounds(), {maxZoom: 17, padding: [30, 30]});
    if (window.matchMedia && window.matchMedia("(max-width: 640px)").matches) {
      map.getContainer().scrollIntoView({block: "start"});  // on a phone the board lies under the map
    }
    map.getContainer().dataset.route = String(p.assignment_id);
    var summary = item.querySelector(".route-summary");
    summary.textContent = fmt(T.route_summary, {km: km(p.length_m), minutes: Math.round(p.minutes),
                                                walking: Math.round(p.walking_minutes), stops: p.stops.length,
                                                weight: p.weight, available: p.weight_available});
    summary.hidden = false;
  }
  function router(f, item) {
    var holder = item.querySelector(".row-form");
    if (holder.firstChild) { clear(holder); return; }
    var choice = el("select", {name: "start"}, [el("option", {value: "", text: T.loading})]);
    choice.disabled = true;
    var picked = el("p", {className: "hint picked", text: ""});
    var point = null;
    var submit = el("button", {type: "submit", text: T.route_plan});
    var form = el("form", {className: "route-form", novalidate: "novalidate"}, [
      el("label", {}, [document.createTextNode(T.route_start + " "), choice]), picked,
      el("div", {className: "buttons"}, [submit, button(T.close, "close", function () { clear(holder); })])]);
    request("GET", "/assignments/" + f.id + "/route/starts").then(function (answer) {
      clear(choice);
      choice.disabled = false;
      var starts = answer.ok ? answer.data.starts : [];
      starts.forEach(function (s) {
        choice.append(el("option", {value: s.kind + ":" + s.id,
                                    text: fmt(T.route_place, {name: s.name || "?", m: Math.round(s.distance_m)})}));
      });
      choice.append(el("option", {value: "point", text: T.route_point}));
      if (!starts.length) { choice.value = "point"; pick(); }
    });
    if (f.properties.has_route) {  // the route planned before: drawn until a new one replaces it
      request("GET", "/assignments/" + f.id + "/route").then(function (answer) {
        if (answer.ok) drawRoute(answer.data, item);
      });
    }
    function clicked(event) {
      point = {lon: event.latlng.lng, lat: event.latlng.lat};
      picked.textContent = fmt(T.route_picked, {lat: point.lat.toFixed(5), lon: point.lon.toFixed(5)});
    }
    function pick() {
      picked.textContent = T.route_click;
      map.off("click", clicked);
      map.on("click", clicked);
    }
    choice.addEventListener("change", function () {
      if (choice.value === "point") pick(); else { picked.textContent = ""; point = null; map.off("click", clicked); }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body;
      if (choice.value === "point") {
        if (!point) { say(T.route_click, false); return; }
        body = point;
      } else {
        var parts = choice.value.split(":");
        body = {start_kind: parts[0], start_id: Number(parts[1])};
      }
      submit.disabled = true;
      say(T.route_planning);
      request("POST", "/assignments/" + f.id + "/route", body).then(function (answer) {
        submit.disabled = false;
        if (!answer.ok) { say(fmt(T.route_failed, {error: answer.data.error}), false); return; }
        map.off("click", clicked);
        drawRoute(answer.data, item);
        say(answer.data.properties.start_moved ? T.route_moved : T.route_done, true);
      });
    });
    holder.append(form);
  }

  function change(item, method, url, body, action, done) {
    Array.prototype.forEach.call(item.querySelectorAll("button"), function (b) { b.disabled = true; });
    request(method, url, body).then(function (answer) {
      Array.prototype.forEach.call(item.querySelectorAll("button"), function (b) { b.disabled = false; });
      if (answer.ok) {
        say(fmt(done, {id: answer.data.id}), true);
        offerUndo();
        load();
      } else if (answer.data.violations && answer.data.violations.length) {
        say(T.refused, false);
        violationsOf(item, answer.data.violations);
      } else {
        say(fmt(T.not_changed, {error: answer.data.error}), false);
      }
    });
  }

  /* Undo: offered for the setting's seconds after each of the dispatcher's own actions on the page;
     the server decides (its clock, and nobody acted on the assignment since). */
  var undoTimer = null, undoUntil = 0;
  function tick() {
    var left = Math.ceil((undoUntil - Date.now()) / 1000);
    if (left <= 0) { undoBox.hidden = true; clearInterval(undoTimer); undoTimer = null; return; }
    undoText.textContent = fmt(T.undo_offer, {seconds: left});
  }
  function offerUndo() {
    undoUntil = Date.now() + setup.undo_window_s * 1000;
    undoBox.hidden = false;
    undoButton.disabled = false;
    if (!undoTimer) undoTimer = setInterval(tick, 1000);
    tick();
  }
  undoButton.addEventListener("click", function () {
    undoButton.disabled = true;
    request("POST", "/dispatch/undo", {}).then(function (answer) {
      undoBox.hidden = true;
      if (answer.ok) {
        var p = answer.data.assignment.properties;
        say(fmt(T.undone, {id: answer.data.assignment.id, state: T.states[p.status] || p.status}), true);
      } else {
        say(fmt(T.not_undone, {error: answer.data.error}), false);
      }
      load();
    });
  });

  document.addEventListener("kuzet:assignment", function () { offerUndo(); load(); });
  stateFilter.addEventListener("change", render);
  textFilter.addEventListener("input", render);
  counted.textContent = T.loading;
  load();
}());
