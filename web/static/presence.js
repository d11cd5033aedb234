/* Presence on a shift (/my/shifts): the participant's location consent, check in and check out, and,
 * only while checked in with consent and not stopped, the device's location sent every N minutes
 * (navigator.geolocation) with a visible "being sent" line and a Stop button. Nothing is sent before
 * check-in, after check-out or after Stop; a refused position says why. Text is set as text only. */
(function () {
  "use strict";
  var kuzet = window.kuzet;
  var box = document.getElementById("location-consent");
  if (!box) return;
  var consentUrl = box.dataset.url;                      // /api/v1/my/consent
  var api = consentUrl.replace(/\/my\/consent$/, "");   // /api/v1
  var every = Math.max(1000, Number(box.dataset.intervalMs) || 120000);
  var timers = {};  // assignment id -> interval of the one shift being sent

  function call(method, url, body) { return kuzet.request(api, method, url, body); }
  function reasons(answer) {
    var data = answer.data || {};
    var list = (data.violations || []).map(function (v) { return v.message; });
    return list.length ? list.join(" ") : (data.message || String(answer.status));
  }
  function say(card, text) {
    var p = card.querySelector(".presence-error");
    p.textContent = text || "";
    p.hidden = !text;
  }

  // -- consent
  function showConsent(given, at) {
    box.dataset.given = given ? "yes" : "no";
    box.querySelector(".consent-give").hidden = given;
    box.querySelector(".consent-withdraw").hidden = !given;
    box.querySelector(".consent-state").textContent = given
      ? kuzet.fmt(gettext("You consented on %(at)s."), {at: kuzet.local(at)})
      : gettext("You have not consented: only check-in and check-out times are stored.");
  }
  function setConsent(given) {
    return call("POST", "/my/consent", {given: given}).then(function (answer) {
      if (!answer.ok) return;
      showConsent(answer.data.given, answer.data.at);
      Array.prototype.forEach.call(document.querySelectorAll(".presence"), function (card) {
        if (!given) { stop(card); card.dataset.tracking = "no"; }
        render(card);
      });
    });
  }
  box.querySelector(".consent-give").addEventListener("click", function () { setConsent(true); });
  box.querySelector(".consent-withdraw").addEventListener("click", function () { setConsent(false); });

  // -- one shift's card
  function render(card) {
    var inAt = card.dataset.checkedIn, outAt = card.dataset.checkedOut;
    var on = inAt && !outAt && card.dataset.tracking === "yes";
    card.querySelector(".check-in").hidden = Boolean(inAt);
    card.querySelector(".check-out").hidden = !inAt || Boolean(outAt);
    card.querySelector(".start-sending").hidden = !(inAt && !outAt && !on && box.dataset.given === "yes");
    card.querySelector(".sending").hidden = !on;
    card.querySelector(".presence-state").textContent = outAt
      ? kuzet.fmt(gettext("Checked out at %(at)s."), {at: kuzet.local(outAt)})
      : inAt ? kuzet.fmt(gettext("Checked in at %(at)s."), {at: kuzet.local(inAt)}) : gettext("Not checked in.");
    if (on) start(card); else stop(card);
  }
  function apply(card, state) {
    card.dataset.checkedIn = state.checked_in_at || "";
    card.dataset.checkedOut = state.checked_out_at || "";
    card.dataset.tracking = state.tracking ? "yes" : "no";
    render(card);
  }
  function send(card) {
    if (!navigator.geolocation) { say(card, gettext("This device cannot tell its location.")); return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      if (card.dataset.tracking !== "yes" || card.dataset.checkedOut) return;  // stopped meanwhile
      call("POST", "/assignments/" + card.dataset.assignment + "/positions", {
        lon: pos.coords.longitude, lat: pos.coords.latitude, accuracy_m: pos.coords.accuracy || 0,
        // when the page got it (asked with maximumAge 0, so fresh): some browsers stamp an emulated or
        // kept fix with the time it was first set, which would read as before the check-in
        at: new Date().toISOString()
      }).then(function (answer) {
        if (answer.ok) {
          card.dataset.sent = String(Number(card.dataset.sent || 0) + 1);
          card.querySelector(".sending-text").textContent = kuzet.fmt(
            gettext("Your location is being sent (last at %(time)s)."), {time: kuzet.clock(answer.data.at.slice(0, 16)) });
          say(card, "");
        } else {
          say(card, kuzet.fmt(gettext("A position was refused: %(reasons)s"), {reasons: reasons(answer)}));
        }
      }, function () { say(card, gettext("No connection: this position was not sent.")); });
    }, function () {
      say(card, gettext("The location is not available; allow this page to use it, or press Stop."));
    }, {enableHighAccuracy: true, maximumAge: 0, timeout: 30000});
  }
  function start(card) {
    var id = card.dataset.assignment;
    if (timers[id]) return;
    send(card);
    timers[id] = setInterval(function () { send(card); }, every);
  }
  function stop(card) {
    var id = card.dataset.assignment;
    if (timers[id]) { clearInterval(timers[id]); delete timers[id]; }
  }
  function act(card, url, body) {
    say(card, "");
    return call("POST", "/assignments/" + card.dataset.assignment + url, body).then(function (answer) {
      if (answer.ok) apply(card, answer.data); else say(card, reasons(answer));
    }, function () { say(card, gettext("No connection: try again.")); });
  }
  Array.prototype.forEach.call(document.querySelectorAll(".presence"), function (card) {
    card.querySelector(".check-in").addEventListener("click", function () { act(card, "/check-in"); });
    card.querySelector(".check-out").addEventListener("click", function () { stop(card); act(card, "/check-out"); });
    card.querySelector(".stop-sending").addEventListener("click", function () {
      stop(card);
      card.dataset.tracking = "no";
      act(card, "/tracking", {on: false});
    });
    card.querySelector(".start-sending").addEventListener("click", function () { act(card, "/tracking", {on: true}); });
    render(card);
  });
}());
