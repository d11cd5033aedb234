/* The new report page: a click on the map, or the device's location, places the report.
 * The place goes into the form's hidden lat/lon/location_source fields; text is set as text only. */
(function () {
  "use strict";
  var kuzet = window.kuzet;
  var fmt = kuzet.fmt;
  var setup = JSON.parse(document.getElementById("report-setup").textContent);
  var T = setup.strings;
  var map = window[setup.map];
  var form = document.getElementById("report-form");
  var place = document.getElementById("place");
  var locate = document.getElementById("locate");
  var marker = null;


  function mark(lat, lon, source, accuracy) {
    form.elements.lat.value = lat.toFixed(6);
    form.elements.lon.value = lon.toFixed(6);
    form.elements.location_source.value = source;
    if (marker) marker.setLatLng([lat, lon]);
    else marker = L.circleMarker([lat, lon], {radius: 9, color: "#6a1b9a", weight: 3, fillColor: "#ce93d8",
                                              fillOpacity: 0.9}).addTo(map);
    var values = {lat: lat.toFixed(5), lon: lon.toFixed(5), accuracy: Math.round(accuracy || 0)};
    place.textContent = fmt(source === "device" ? T.placed_device : T.placed_map, values);
    form.dataset.placed = "yes";
  }

  map.on("click", function (event) { mark(event.latlng.lat, event.latlng.lng, "map"); });

  locate.addEventListener("click", function () {
    if (!("geolocation" in navigator)) { place.textContent = T.no_geolocation; return; }
    place.textContent = T.locating;
    navigator.geolocation.getCurrentPosition(function (position) {
      var c = position.coords;
      mark(c.latitude, c.longitude, "device", c.accuracy);
      map.setView([c.latitude, c.longitude], Math.max(map.getZoom(), 15));
    }, function (error) {
      place.textContent = fmt(T.geolocation_failed, {error: error.message || error.code});
    }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
  });

  // The shift the report is filed from: the address names it (a copy of the page from the device may
  // have been kept from another shift's address); a form shown again after a refusal keeps its own.
  var refused = document.querySelector(".problems") !== null;
  var shiftLine = document.getElementById("report-shift");
  if (!refused) {
    var wanted = new URLSearchParams(location.search).get("assignment_id") || "";
    if (form.elements.assignment_id.value !== wanted) {
      form.elements.assignment_id.value = wanted;
      shiftLine.textContent = wanted ? fmt(T.shift_offline, {id: wanted}) : "";
    }
  }

  // With the outbox (web/static/pwa.js) a report is kept on the device first, then sent; a report
  // the server refuses while the page is open shows its problems here and is not kept.
  var outbox = kuzet.outbox;
  if (outbox && window.indexedDB && window.fetch) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!form.elements.lat.value || !form.elements.lon.value) {
        place.textContent = T.no_place;
        return;
      }
      var title = form.elements.category.selectedOptions[0].textContent.trim() + " · " +
        form.elements.observed_at.value.replace("T", " ");
      outbox.keep(form, title).then(function (item) {
        form.reset();
        form.elements.assignment_id.value = item.fields.assignment_id || "";
        if (marker) { map.removeLayer(marker); marker = null; }
        form.elements.lat.value = ""; form.elements.lon.value = "";
        place.textContent = "";
        return outbox.flush().then(function () {
          // Sent at once: open it, as the form without a script would. Kept: the list above says so.
          var answer = outbox.sent(item.key);
          if (answer) { location.assign(answer.url); return null; }
          var reasons = outbox.refused(item.key);
          if (reasons) return refusedAtOnce(item, reasons);
          return null;
        });
      });
    });
  }

  // Refused while the page is open: the form gets back what was written (photos are chosen again)
  // with every problem, and nothing stays on the device.
  function refusedAtOnce(item, reasons) {
    Object.keys(item.fields).forEach(function (name) {
      var input = form.elements[name];
      if (input && input.type !== "file") input.value = item.fields[name];
    });
    var lat = parseFloat(item.fields.lat), lon = parseFloat(item.fields.lon);
    if (isFinite(lat) && isFinite(lon)) mark(lat, lon, item.fields.location_source || "map");
    var box = document.getElementById("report-problems") ||
      kuzet.el("div", {id: "report-problems", className: "problems", role: "alert"});
    kuzet.clear(box);
    box.append(kuzet.el("ul", {}, reasons.map(function (r) { return kuzet.el("li", {text: r}); })));
    form.parentNode.insertBefore(box, form);
    box.scrollIntoView({block: "center"});
    return outbox.discard(item.key);
  }

  // A form shown again after a refusal keeps the place it had.
  var lat = parseFloat(form.elements.lat.value), lon = parseFloat(form.elements.lon.value);
  if (isFinite(lat) && isFinite(lon)) mark(lat, lon, form.elements.location_source.value || "map");
})();
