/* Emerging hot spots on the analyst's page: the cube's options shown with their method, and for a
 * cell clicked on the map (or in the table) its incidents and Gi* z per time step, drawn as SVG.
 * Text only ever goes in as textContent; the chart is built with createElementNS (no HTML strings). */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var form = document.getElementById("analysis-form");
  var options = form && form.querySelector(".for-emerging");
  function showOptions() {
    if (options) options.hidden = form.elements.method.value !== "emerging";
  }
  if (form && options) {
    form.elements.method.addEventListener("change", showOptions);
    showOptions();
  }

  var setupNode = document.getElementById("emerging-setup");
  if (!setupNode) return;
  var setup = JSON.parse(setupNode.textContent);
  var page = JSON.parse(document.getElementById("analysis-setup").textContent);
  var map = window[page.map];
  var layer = page.result ? window[page.result] : null;
  var panel = document.getElementById("emerging-series");
  var fmt = window.kuzetI18n.format;

  function el(name, attributes, text) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, String(attributes[key])); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function number(value, digits) {
    return value === null || value === undefined || isNaN(Number(value)) ? "–" : Number(value).toFixed(digits);
  }

  function pValue(value) {
    if (value === null || value === undefined || isNaN(Number(value))) return "–";
    return Number(value) < 0.001 ? Number(value).toExponential(1) : Number(value).toFixed(3);
  }

  /* One panel of the chart: bars (counts) or points joined by a line (z), over the steps. */
  function drawPanel(svg, steps, values, top, height, kind, alpha) {
    var left = 40, width = 360, n = steps.length;
    var slot = width / Math.max(n, 1);
    var finite = values.filter(function (v) { return v !== null; });
    var hi = Math.max.apply(null, finite.concat([kind === "z" ? 2 : 1]));
    var lo = kind === "z" ? Math.min.apply(null, finite.concat([-2])) : 0;
    function y(v) { return top + height - (v - lo) / (hi - lo) * height; }
    svg.appendChild(el("line", {x1: left, x2: left + width, y1: y(lo === 0 ? 0 : 0), y2: y(0), stroke: "#757575"}));
    svg.appendChild(el("text", {x: left - 4, y: top + 8, "text-anchor": "end", "font-size": 9}, number(hi, kind === "z" ? 1 : 0)));
    svg.appendChild(el("text", {x: left - 4, y: top + height, "text-anchor": "end", "font-size": 9}, number(lo, kind === "z" ? 1 : 0)));
    var path = [];
    steps.forEach(function (step, i) {
      var v = values[i];
      if (v === null) return;
      var x = left + slot * i + slot / 2;
      if (kind === "count") {
        var bar = el("rect", {x: left + slot * i + slot * 0.1, width: Math.max(slot * 0.8, 1), y: y(v),
                              height: Math.max(y(0) - y(v), 0), fill: "#6d4c41", "class": "series-count"});
        bar.appendChild(el("title", {}, step.start + ": " + number(v, 0)));
        svg.appendChild(bar);
      } else {
        path.push((path.length ? "L" : "M") + x.toFixed(1) + " " + y(v).toFixed(1));
        var significant = step.p !== null && step.p < alpha;
        var dot = el("circle", {cx: x, cy: y(v), r: 3, "class": "series-z",
                                fill: significant ? (v > 0 ? "#b2182b" : "#2166ac") : "#bdbdbd", stroke: "#424242"});
        dot.appendChild(el("title", {}, step.start + ": z = " + number(v, 2) + ", p = " + pValue(step.p)));
        svg.appendChild(dot);
      }
    });
    if (path.length) svg.insertBefore(el("path", {d: path.join(" "), fill: "none", stroke: "#424242"}), svg.firstChild);
  }

  function show(answer) {
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    var found = setup.patterns[answer.pattern] || ["#bdbdbd", answer.pattern];
    var heading = document.createElement("h3");
    heading.textContent = fmt(gettext("Cell %(id)s: %(pattern)s"), {id: answer.cell_id, pattern: found[1]});
    panel.appendChild(heading);
    var facts = document.createElement("p");
    facts.className = "hint";
    facts.textContent = fmt(gettext("%(n)s incidents. Trend of counts: z = %(cz)s, p = %(cp)s. Trend of Gi* z: z = %(zz)s, p = %(zp)s."),
                            {n: number(answer.count, 0), cz: number(answer.count_trend.z, 2), cp: pValue(answer.count_trend.p),
                             zz: number(answer.z_trend.z, 2), zp: pValue(answer.z_trend.p)});
    panel.appendChild(facts);
    var steps = answer.steps;
    var svg = el("svg", {viewBox: "0 0 410 190", role: "img", "class": "emerging-chart",
                         "aria-label": gettext("Incidents and Gi* z per time step")});
    svg.appendChild(el("text", {x: 40, y: 10, "font-size": 10}, gettext("Incidents per step")));
    drawPanel(svg, steps, steps.map(function (s) { return s.count; }), 14, 60, "count", answer.alpha);
    svg.appendChild(el("text", {x: 40, y: 94, "font-size": 10}, gettext("Gi* z per step (red, blue: significant hot, cold)")));
    drawPanel(svg, steps, steps.map(function (s) { return s.z; }), 98, 70, "z", answer.alpha);
    if (steps.length) {
      svg.appendChild(el("text", {x: 40, y: 186, "font-size": 9}, steps[0].start));
      svg.appendChild(el("text", {x: 400, y: 186, "font-size": 9, "text-anchor": "end"}, steps[steps.length - 1].start));
    }
    var figure = document.createElement("figure");
    figure.className = "chart";
    figure.appendChild(svg);
    panel.appendChild(figure);
    panel.dataset.cell = String(answer.cell_id);
  }

  function problem(text) {
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    var p = document.createElement("p");
    p.className = "error";
    p.textContent = text;
    panel.appendChild(p);
  }

  function open(cellId) {
    fetch(setup.series + encodeURIComponent(cellId) + "/series", {headers: {"Accept": "application/json"}})
      .then(function (response) {
        return response.json().then(function (data) { return {ok: response.ok, data: data}; });
      })
      .then(function (answer) {
        if (!answer.ok) { problem(fmt(gettext("No series: %(error)s"), {error: answer.data.error || "?"})); return; }
        show(answer.data);
      })
      .catch(function (error) { problem(fmt(gettext("The server did not answer: %(error)s"), {error: error.message})); });
  }

  if (layer) {
    layer.on("click", function (e) {
      var properties = (e.layer && e.layer.properties) || {};
      if (properties.cell_id !== undefined) open(properties.cell_id);
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("tr[data-cell]"), function (row) {
    row.addEventListener("click", function () { open(row.getAttribute("data-cell")); });
  });
  window.kuzetEmerging = {open: open, map: map};
})();
