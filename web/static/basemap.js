/* Street names over kuzet's vector basemap (VectorGrid draws no text). From zoom 16, each loaded tile
   names every street that runs half the tile or more, once, at the middle of its longest
   piece; the names go with their tile when it unloads. Text is set with textContent, never as HTML. */
(function () {
  "use strict";
  var FROM_ZOOM = 16;

  function longestPieces(layer) {
    var best = {};
    layer.features.forEach(function (feature) {
      var name = feature.properties && feature.properties.name;
      if (!name) { return; }
      (feature.geometry || []).forEach(function (line) {
        var length = 0;
        for (var i = 1; i < line.length; i++) {
          length += Math.hypot(line[i].x - line[i - 1].x, line[i].y - line[i - 1].y);
        }
        if (!best[name] || best[name].length < length) { best[name] = {length: length, line: line}; }
      });
    });
    return best;
  }

  function middle(line, length) {
    var half = length / 2;
    for (var i = 1; i < line.length; i++) {
      var step = Math.hypot(line[i].x - line[i - 1].x, line[i].y - line[i - 1].y);
      if (step >= half && step > 0) {
        var t = half / step;
        return {x: line[i - 1].x + t * (line[i].x - line[i - 1].x), y: line[i - 1].y + t * (line[i].y - line[i - 1].y)};
      }
      half -= step;
    }
    return line[line.length - 1];
  }

  function label(latlng, name) {
    var text = document.createElement("span");
    text.textContent = name;
    return L.marker(latlng, {icon: L.divIcon({className: "kuzet-street-label", html: text, iconSize: null}),
                             interactive: false, keyboard: false});
  }

  window.kuzetStreetLabels = function (map, grid) {
    var byTile = {};
    var load = grid._getVectorTilePromise;
    grid._getVectorTilePromise = function (coords) {
      return load.apply(this, arguments).then(function (tile) {
        var layer = tile.layers && tile.layers.streets;
        if (coords.z >= FROM_ZOOM && layer && layer.features) {
          var size = grid.getTileSize(), scale = size.x / layer.extent, origin = coords.scaleBy(size);
          var group = L.layerGroup(), best = longestPieces(layer);
          Object.keys(best).forEach(function (name) {
            if (best[name].length < layer.extent / 2) { return; }
            var p = middle(best[name].line, best[name].length);
            group.addLayer(label(map.unproject(origin.add(L.point(p.x * scale, p.y * scale)), coords.z), name));
          });
          byTile[grid._tileCoordsToKey(coords)] = group.addTo(map);
        }
        return tile;
      });
    };
    grid.on("tileunload", function (event) {
      var key = grid._tileCoordsToKey(event.coords);
      if (byTile[key]) { map.removeLayer(byTile[key]); delete byTile[key]; }
    });
  };
}());
