/* The near repeat (Knox) method on the analyst's page: its bands fieldset, and a run posted to
 * /api/v1/analyses/knox with the page's selection (analysis.js reads it); then its table's page. */
(function () {
  "use strict";
  var kuzet = window.kuzet;
  var setup = JSON.parse(document.getElementById("knox-setup").textContent);
  var T = setup.strings;
  var form = document.getElementById("analysis-form");
  var problem = document.getElementById("analysis-error");
  var progress = document.getElementById("progress");
  var status = document.getElementById("status");
  var button = document.getElementById("run");
  var SELECTION = ["start", "end", "timezone", "deduplicate", "weekdays", "categories", "hour_band", "area",
                   "sources", "exclude_sources"];

  function isKnox() { return form.elements.method.value === "knox"; }
  function number(name) { var v = form.elements[name].value.trim(); return v === "" ? null : Number(v); }

  function show() {
    var knox = isKnox();
    form.querySelector(".for-knox").hidden = !knox;
    form.querySelector(".for-grid").hidden = knox;
    if (knox) {
      form.querySelector(".for-cells").hidden = true;
      form.querySelector(".for-kde").hidden = true;
      document.getElementById("reach").hidden = true;
    }
  }
  form.elements.method.addEventListener("change", show);
  show();

  function body() {
    var all = kuzet.analysisBody(), out = {};
    SELECTION.forEach(function (name) { if (all[name] !== undefined && all[name] !== null) out[name] = all[name]; });
    out.band_m = number("band_m");
    out.bands = number("bands");
    out.band_days = number("band_days");
    out.time_bands = number("time_bands");
    out.metric = form.elements.metric.value;
    out.permutations = number("knox_permutations");
    out.seed = number("knox_seed");
    return out;
  }

  // Registered for the capture phase: at the form itself it runs before analysis.js's handler,
  // which it stops when the method is the Knox test.
  form.addEventListener("submit", function (event) {
    if (!isKnox()) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    problem.textContent = "";
    var request;
    try { request = body(); } catch (error) { problem.textContent = error.message; return; }
    button.disabled = true;
    progress.hidden = false;
    status.textContent = T.running;
    function failed(text) { button.disabled = false; progress.hidden = true; problem.textContent = text; }
    fetch(setup.api, {method: "POST", headers: {"Content-Type": "application/json", "Accept": "application/json",
                                                "X-CSRFToken": kuzet.csrfToken()}, body: JSON.stringify(request)})
      .then(function (response) {
        return response.json().then(function (data) { return {ok: response.ok, data: data}; });
      })
      .then(function (answer) {
        if (!answer.ok) { failed(kuzet.fmt(T.failed, {error: answer.data.error || "?"})); return; }
        status.textContent = kuzet.fmt(T.stored, {id: answer.data.id});
        window.location.assign(answer.data.page);
      })
      .catch(function (error) { failed(kuzet.fmt(T.network, {error: error.message})); });
  }, true);
})();
