/* Vector-tile overlays (Leaflet.VectorGrid): styles, tooltips from tile properties, and a click's
   detail fetched from the layer API. Text is set with textContent only (no HTML from data). */
(function () {
  "use strict";

  function placePoints() {
    // VectorGrid's point features are circle markers placed in tile pixels (_point), with no _latlng;
    // Leaflet 1.9 asks a small circle under the mouse for its getLatLng() on every mouse event, which
    // then threw ("reading 'lat'") and no tooltip or click reached the layer. Their place, from the
    // tile. (Patched when a layer is bound: this file may load before Leaflet.)
    var proto = L.CircleMarker.prototype;
    if (proto.kuzetPlaced) return;
    var circleLatLng = proto.getLatLng;
    proto.getLatLng = function () {
      var tile = this._renderer;
      if (this._latlng || !this._point || !tile || !tile._tileCoord) return circleLatLng.call(this);
      var c = tile._tileCoord, size = tile._size;
      return L.CRS.EPSG3857.pointToLatLng(L.point(c.x * size.x, c.y * size.y).add(this._point), c.z);
    };
    proto.kuzetPlaced = true;
  }

  // A page may name one tile layer that leads (the overview's incidents): the others wait to be added
  // to the map until it has drawn its first feature, or loaded its tiles with none in view, or
  // LEAD_WAIT_MS have passed. Added all at once, a dozen layers create some two hundred tiles and
  // fetches in one task, and the leading layer's first tiles wait behind them.
  var LEAD_WAIT_MS = 1500;
  var leader = null, waiting = [];

  function release() {
    leader = null;
    var now = waiting;
    waiting = [];
    // after the drawing in hand: the leading layer's first tile is painted before the rest is built
    setTimeout(function () { now.forEach(function (w) { w.map.addLayer(w.layer); }); }, 0);
  }

  function lead(layer, name) {
    leader = name;
    layer.once("load", function () { if (leader === name) release(); });
    setTimeout(function () { if (leader === name) release(); }, LEAD_WAIT_MS);
  }

  function later(layer, map) {
    // added after the leading layer's first drawing (at once when no layer leads, or it has drawn)
    if (leader === null) map.addLayer(layer);
    else waiting.push({layer: layer, map: map});
  }

  function seen(layer) {
    // How many features of a layer have been drawn: a page (or a benchmark) can wait for it.
    var body = document.body;
    var key = "tileFeatures" + layer.charAt(0).toUpperCase() + layer.slice(1).replace(/_(.)/g,
      function (_m, c) { return c.toUpperCase(); });
    var count = Number(body.dataset[key]) || 0;
    // the first feature's time from navigation start, in the page's performance timeline
    if (count === 0 && window.performance && performance.mark) performance.mark("kuzet-first-feature-" + layer);
    body.dataset[key] = String(count + 1);
    if (count === 0 && leader === layer) release();
  }

  function row(list, label, value) {
    if (value === undefined || value === null || value === "") return;
    var item = document.createElement("div");
    var name = document.createElement("b");
    name.textContent = label + ": ";
    item.appendChild(name);
    item.appendChild(document.createTextNode(String(value)));
    list.appendChild(item);
  }

  // A timestamptz as PostgreSQL writes it in a tile ("2026-09-12 13:00:00+00") or as the API does
  // (ISO 8601 with an offset), shown in the area's zone as the embedded layers show it ("2026-09-12 18:00")
  var STAMP = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d(?::\d\d(?:\.\d+)?)?)([+-]\d\d)(?::?(\d\d))?$/;
  function when(zone, value) {
    if (typeof value !== "string") return value;
    var m = STAMP.exec(value);
    var moment = m ? new Date(m[1] + "T" + m[2] + m[3] + ":" + (m[4] || "00")) : new Date(value);
    if (!zone || isNaN(moment.getTime())) return value;
    var parts = {};
    new Intl.DateTimeFormat("en-CA", {timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
                                      hour: "2-digit", minute: "2-digit", hourCycle: "h23"})
      .formatToParts(moment).forEach(function (p) { parts[p.type] = p.value; });
    return parts.year + "-" + parts.month + "-" + parts.day + " " + parts.hour + ":" + parts.minute;
  }

  function shown(cfg, column, value) {
    // a coded value's label (cfg.values), a time in cfg.timezone (cfg.times), else the value itself
    if (value === undefined || value === null || value === "") return value;
    var labels = cfg.values && cfg.values[column];
    if (labels && Object.prototype.hasOwnProperty.call(labels, value)) return labels[value];
    if (cfg.times && cfg.times.indexOf(column) >= 0) return when(cfg.timezone, value);
    return value;
  }

  function style(cfg) {
    return function (properties) {
      if (cfg.keep && (String(properties[cfg.keep[0]]) === cfg.keep[1]) !== cfg.keep[2]) return [];
      seen(cfg.layer);
      var count = Number(properties.count) || 1;
      var synthetic = cfg.synthetic && properties.source === cfg.synthetic.source;
      var look = synthetic ? cfg.synthetic : cfg;
      return {
        radius: properties.id === undefined ? Math.min(18, 4 + 2.5 * Math.log2(count)) : look.radius,
        color: look.colour, fillColor: look.fill, fill: cfg.filled !== false, fillOpacity: look.opacity,
        weight: look.weight || 1, opacity: 1, dashArray: look.dash || null
      };
    };
  }

  function content(cfg, properties) {
    var box = document.createElement("div");
    if (properties.id === undefined) {
      row(box, cfg.labels.count, properties.count);
      var hint = document.createElement("div");
      hint.textContent = cfg.labels.zoom;
      box.appendChild(hint);
      return box;
    }
    if (cfg.synthetic && properties.source === cfg.synthetic.source) row(box, cfg.labels.note, cfg.synthetic.note);
    cfg.fields.forEach(function (f) { row(box, f[1], shown(cfg, f[0], properties[f[0]])); });
    return box;
  }

  function bind(layer, map, cfg) {
    placePoints();
    if (cfg.leads) lead(layer, cfg.layer);
    if (cfg.later) later(layer, map);
    var tooltip = L.tooltip({sticky: true});
    layer.on("mouseover", function (e) {
      tooltip.setContent(content(cfg, e.layer.properties || {}));
      map.openTooltip(tooltip, e.latlng);
    });
    layer.on("mouseout", function () { map.closeTooltip(tooltip); });
    layer.on("click", function (e) {
      var properties = e.layer.properties || {};
      if (properties.id === undefined) {
        map.setView(e.latlng, Math.min(map.getZoom() + 2, cfg.pointsZoom));
        return;
      }
      if (cfg.popup === false) return;  // the page's own script handles the click
      fetch(cfg.detail + encodeURIComponent(properties.id), {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (feature) {
          var box = document.createElement("div");
          box.className = "kuzet-tile-detail";
          var p = feature.properties || feature || {};  // a GeoJSON feature, or a plain record
          cfg.detailFields.forEach(function (f) { row(box, f[1], shown(cfg, f[0], p[f[0]])); });
          if (cfg.link) {
            var link = document.createElement("a");
            link.href = cfg.link.href + encodeURIComponent(properties.id);
            link.textContent = cfg.link.label;
            box.appendChild(link);
          }
          L.popup().setLatLng(e.latlng).setContent(box).openOn(map);
        })
        .catch(function () {});
    });
  }

  window.kuzetTiles = {style: style, bind: bind, later: later};
})();
