/* Draws the ward map (Leaflet, no tiles) from the programme's ward GeoJSON and the figures the page
   already shows in its table. The table stays the accessible view; without JavaScript it is the only one. */
(function () {
  "use strict";

  function drawMap() {
    var container = document.getElementById("ward-map");
    var source = document.getElementById("ward-map-data");
    if (!container || !source || typeof window.L === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    fetch(data.geojson, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("ward boundaries: HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (boundaries) {
        container.hidden = false;
        var map = window.L.map(container, {
          zoomSnap: 0.25,
          scrollWheelZoom: false,
          attributionControl: true,
        });
        map.attributionControl.setPrefix(false);
        map.attributionControl.addAttribution("Boundaries: ONS, Open Government Licence v3");
        var layer = window.L.geoJSON(boundaries, {
          style: function (feature) {
            var ward = data.wards[feature.properties.code];
            return {
              color: "#425563",
              weight: 1,
              fillColor: ward ? ward.colour : "#d8dde0",
              fillOpacity: 0.9,
            };
          },
          onEachFeature: function (feature, shape) {
            var ward = data.wards[feature.properties.code];
            var text = feature.properties.name + (ward ? ": " + ward.label : "");
            shape.bindTooltip(text, { sticky: true });
            shape.on("click", function () {
              var row = document.querySelector('#ward-table tr[data-ward="' + feature.properties.code + '"]');
              if (row) {
                var link = row.querySelector("a");
                (link || row).focus();
              }
            });
          },
        }).addTo(map);
        map.fitBounds(layer.getBounds());
      })
      .catch(function () {
        container.hidden = true; // the table beside it still has every figure
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawMap);
  } else {
    drawMap();
  }
})();
