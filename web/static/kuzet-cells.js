/* A stored analysis run's cells from its vector tiles (/tiles/analysis/<run>/...): each cell coloured
   by its class, quadrant or band as the page's legend says, a tooltip from the tile's properties,
   the cell under the pointer outlined. Text is set with textContent only (no HTML from data). */
(function () {
  "use strict";

  function key(cfg, properties) {
    return String(properties[cfg.key]);
  }

  function number(value, digits) {
    if (value === undefined || value === null || value === "" || isNaN(Number(value))) return "–";
    return Number(value).toFixed(digits);
  }

  function pValue(value) {
    if (value === undefined || value === null || value === "" || isNaN(Number(value))) return "–";
    var p = Number(value);
    return p < 0.001 ? p.toExponential(2) : p.toFixed(3);
  }

  var SHOWN = {count: function (v) { return number(v, 0); }, z: function (v) { return number(v, 2); },
               p: pValue, p_fdr: pValue};

  function look(cfg, properties, highlighted) {
    var found = cfg.classes[key(cfg, properties)];
    if (!found) return [];
    return {fill: true, fillColor: found[0], fillOpacity: 0.75, color: highlighted ? "#000000" : "#424242",
            weight: highlighted ? 2.5 : 0.5, opacity: 0.7};
  }

  function style(cfg) {
    return function (properties) {
      var drawn = look(cfg, properties, false);
      if (drawn.fill) {
        // how many cells have been drawn: a test (or a benchmark) can wait for it
        var body = document.body;
        body.dataset.tileFeaturesAnalysis = String((Number(body.dataset.tileFeaturesAnalysis) || 0) + 1);
      }
      return drawn;
    };
  }

  function row(box, label, value) {
    var item = document.createElement("div");
    var name = document.createElement("b");
    name.textContent = label + ": ";
    item.appendChild(name);
    item.appendChild(document.createTextNode(value));
    box.appendChild(item);
  }

  function content(cfg, properties) {
    var box = document.createElement("div");
    var found = cfg.classes[key(cfg, properties)];
    row(box, cfg.label, found ? found[1] : "–");
    cfg.fields.forEach(function (f) { row(box, f[1], SHOWN[f[0]](properties[f[0]])); });
    return box;
  }

  function id(feature) {
    return feature.properties.cell_id;
  }

  function bind(layer, map, cfg) {
    var tooltip = L.tooltip({sticky: true});
    var outlined = null;
    layer.on("mouseover", function (e) {
      var properties = e.layer.properties || {};
      tooltip.setContent(content(cfg, properties));
      map.openTooltip(tooltip, e.latlng);
      if (outlined !== null) layer.resetFeatureStyle(outlined);
      outlined = properties.cell_id;
      layer.setFeatureStyle(outlined, look(cfg, properties, true));
    });
    layer.on("mouseout", function () {
      map.closeTooltip(tooltip);
      if (outlined !== null) layer.resetFeatureStyle(outlined);
      outlined = null;
    });
  }

  window.kuzetCells = {style: style, bind: bind, id: id};
})();
