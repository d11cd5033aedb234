/* The analyst's page: read the form, post it to /api/v1/analyses with a progress line, open the stored run.
 * A polygon drawn with Leaflet.draw becomes the area. Text only ever goes in as textContent. */
(function () {
  "use strict";
  var kuzet = window.kuzet;
  var csrfToken = kuzet.csrfToken, fmt = kuzet.fmt;
  var setup = JSON.parse(document.getElementById("analysis-setup").textContent);
  var T = setup.strings;
  var map = window[setup.map];
  var drawn = window[setup.drawn];
  var form = document.getElementById("analysis-form");
  var progress = document.getElementById("progress");
  var status = document.getElementById("status");
  var elapsed = document.getElementById("elapsed");
  var problem = document.getElementById("analysis-error");
  var button = document.getElementById("run");

  function value(name) { return form.elements[name].value.trim(); }
  function number(name) { var v = value(name); return v === "" ? null : Number(v); }
  function ticked(name) {
    return Array.prototype.filter.call(form.querySelectorAll('input[name="' + name + '"]'), function (box) {
      return box.checked;
    }).map(function (box) { return box.value; });
  }

  /* The methods' own fieldsets only: Gi* and Local Moran use cells, KDE a bandwidth. */
  function showMethod() {
    var kde = value("method") === "kde";
    form.querySelector(".for-cells").hidden = kde;
    form.querySelector(".for-kde").hidden = !kde;
  }
  form.elements.method.addEventListener("change", showMethod);
  showMethod();

  map.on("draw:created", function (e) {
    drawn.clearLayers();
    drawn.addLayer(e.layer);
    form.elements.polygon.value = JSON.stringify(e.layer.toGeoJSON().geometry);
    form.elements.area.value = "polygon";
    problem.textContent = T.drawn;
  });

  /* A row of the hot spot table shows its cell on the map. */
  Array.prototype.forEach.call(document.querySelectorAll("table.hotspots tr[data-lat]"), function (row) {
    row.addEventListener("click", function () {
      map.setView([Number(row.getAttribute("data-lat")), Number(row.getAttribute("data-lon"))], 16);
    });
  });

  function body() {
    var method = value("method");
    var out = {method: method, start: value("start") || null, end: value("end") || null,
               timezone: value("timezone") || null, deduplicate: form.elements.deduplicate.checked};
    var days = ticked("weekdays").map(Number);
    if (days.length) out.weekdays = days;
    var categories = ticked("categories");
    if (categories.length) out.categories = categories;
    if (value("hour_from") !== "" || value("hour_to") !== "") out.hour_band = [number("hour_from"), number("hour_to")];
    var area = value("area");
    if (area === "polygon") {
      if (!value("polygon")) throw new Error(T.draw_first);
      out.area = {kind: "polygon", geometry: JSON.parse(value("polygon"))};
    } else if (area) {
      var parts = area.split(":");
      out.area = {kind: parts[0], id: Number(parts[1])};
    }
    var source = value("source_filter");
    if (source) {
      var chosen = source.split(":");
      out[chosen[0] === "only" ? "sources" : "exclude_sources"] = [chosen[1]];
    }
    var grid = method === "kde" || ["square", "hexagon"].indexOf(value("aggregation")) >= 0;
    out.crs = number("crs");
    out.weight_field = value("weight_field") || null;
    if (grid) {
      out.extent = value("extent") || null;
      if (value("origin_x") !== "" || value("origin_y") !== "") out.origin = [number("origin_x") || 0, number("origin_y") || 0];
    }
    if (method === "kde") {
      out.bandwidth_m = number("bandwidth_m");
      out.cell_size_m = number("kde_cell_size_m");
      out.kernel = value("kernel");
    } else {
      out.aggregation = value("aggregation");
      if (out.aggregation === "analysis_area" && form.elements.area_set) out.area_set = value("area_set");
      out.cell_size_m = number("cell_size_m");
      out.neighbours = value("neighbours");
      out.distance_m = number("distance_m");
      out.weights = value("weights") || null;
      out.permutations = number("permutations") || 0;
      out.seed = number("seed");
      if (method === "emerging") {  // the space-time cube's step and time neighbourhood
        out.time_step = value("time_step");
        out.time_window = number("time_window");
      }
    }
    return out;
  }

  kuzet.analysisBody = body;  // the selection, read the same way by other methods' scripts (knox.js)

  // Before a run: whether its permutations can reach significance after the false discovery rate
  // for the cells it would test (asked again, quietly, a moment after the form changes).
  var reach = document.getElementById("reach");
  var asked = 0, pause = null;
  function askReach() {
    var request, ticket = ++asked;
    try { request = body(); } catch (error) { reach.hidden = true; return; }
    if (request.method === "kde" || !request.permutations) { reach.hidden = true; return; }
    fetch(setup.reach, {method: "POST", headers: {"Content-Type": "application/json", "Accept": "application/json",
                                                  "X-CSRFToken": csrfToken()}, body: JSON.stringify(request)})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (ticket !== asked) return;  // a newer question is on its way
        reach.textContent = answer && answer.warning ? answer.warning : "";
        reach.hidden = !(answer && answer.warning);
      })
      .catch(function () {});
  }
  function later() { clearTimeout(pause); pause = setTimeout(askReach, 500); }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  map.on("draw:created", later);
  askReach();

  var timer = null;
  function busy(on, method) {
    button.disabled = on;
    progress.hidden = !on;
    clearInterval(timer);
    if (!on) return;
    var began = Date.now();
    status.textContent = fmt(T.running, {method: T.methods[method] || method});
    elapsed.textContent = "";
    timer = setInterval(function () {
      elapsed.textContent = fmt(T.elapsed, {s: Math.round((Date.now() - began) / 1000)});
    }, 500);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    problem.textContent = "";
    var request;
    try { request = body(); } catch (error) { problem.textContent = error.message; return; }
    busy(true, request.method);
    fetch(setup.api, {method: "POST", headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken()},
                      body: JSON.stringify(request)})
      .then(function (response) {
        return response.json().then(function (data) { return {ok: response.ok, data: data}; });
      })
      .then(function (answer) {
        if (!answer.ok) {
          busy(false);
          problem.textContent = fmt(T.failed, {error: answer.data.error || "?"});
          return;
        }
        status.textContent = fmt(T.stored, {id: answer.data.id});
        window.location.assign(setup.page + "?run=" + encodeURIComponent(answer.data.id));
      })
      .catch(function (error) {
        busy(false);
        problem.textContent = fmt(T.network, {error: error.message});
      });
  });
})();
