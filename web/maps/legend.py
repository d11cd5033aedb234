"""The map legend: a branca MacroElement whose Jinja template escapes every value it shows."""
from __future__ import annotations

from dataclasses import dataclass

from branca.element import MacroElement
from folium.template import Template


@dataclass(frozen=True)
class LegendEntry:
    """One row of the legend: a swatch, the overlay's title and how many features it shows."""

    title: str
    colour: str
    fill_colour: str
    point: bool
    detail: str
    note: str | None = None


class Legend(MacroElement):
    """A Leaflet control listing the overlays; added to a folium.Map."""

    # folium's Jinja environment does not autoescape, so every value goes through |e.
    _template = Template("""
        {% macro html(this, kwargs) %}
        <div id="{{ this.get_name()|e }}" class="kuzet-legend leaflet-control" tabindex="0">
          <h2>{{ this.heading|e }}</h2>
          <ul>
          {% for entry in this.entries %}
            <li>
              <span class="swatch{% if entry.point %} point{% endif %}"
                    style="border-color: {{ entry.colour|e }}; background: {{ entry.fill_colour|e }};"></span>
              <span class="title">{{ entry.title|e }}</span>
              <span class="detail">{{ entry.detail|e }}</span>
              {% if entry.note %}<div class="note">{{ entry.note|e }}</div>{% endif %}
            </li>
          {% endfor %}
          </ul>
          {% if this.footer %}<p class="footer">{{ this.footer|e }}</p>{% endif %}
        </div>
        {% endmacro %}

        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = document.getElementById({{ this.get_name()|tojson }});
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, heading: str, entries: list[LegendEntry], *, footer: str | None = None) -> None:
        super().__init__()
        self._name = "Legend"
        self.heading = heading
        self.entries = entries
        self.footer = footer
