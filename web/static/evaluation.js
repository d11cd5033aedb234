/* The evaluation page (/analysis/evaluation): while the server computes a new evaluation, say so
 * and keep the form from being sent twice. */
(function () {
  "use strict";
  var form = document.getElementById("evaluation-form");
  var status = document.getElementById("evaluation-status");
  if (!form || !status) return;
  form.addEventListener("submit", function () {
    status.textContent = gettext("Computing the evaluation…");
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
  });
})();
