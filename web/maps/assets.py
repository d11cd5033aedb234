"""Serve every JS and CSS asset of a folium figure from web/static, never from a CDN.

folium elements declare their assets as ``default_js``/``default_css`` lists of ``(name, url)``
pointing at CDNs. :func:`localize` rewrites each entry by its name to a vendored file under
``web/static/vendor`` (see the README there) and refuses names it does not know, so adding a plugin
whose files are not vendored fails loudly instead of quietly loading a CDN.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

import folium
from branca.element import CssLink, Element, Figure, JavascriptLink
from flask import url_for

# folium asset name → file under web/static
VENDORED: dict[str, str] = {
    "leaflet": "vendor/leaflet/leaflet.js",
    "leaflet_css": "vendor/leaflet/leaflet.css",
    "leaflet_draw_js": "vendor/leaflet-draw/leaflet.draw.js",
    "leaflet_draw_css": "vendor/leaflet-draw/leaflet.draw.css",
    "markerclusterjs": "vendor/leaflet.markercluster/leaflet.markercluster.js",
    "markerclustercss": "vendor/leaflet.markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "vendor/leaflet.markercluster/MarkerCluster.Default.css",
    "vectorGrid": "vendor/leaflet.vectorgrid/Leaflet.VectorGrid.bundled.min.js",
}

# folium.Map's defaults that only folium.Icon markers and HTML popups use; our pages use neither
# (circle markers and tooltips), so they are dropped rather than vendored.
MAP_UNUSED = frozenset({
    "jquery", "bootstrap", "awesome_markers", "bootstrap_css", "glyphicons_css",
    "awesome_markers_font_css", "awesome_markers_css", "awesome_rotate_css",
})


class UnknownAsset(LookupError):
    """A folium element wants an asset that is not vendored under web/static."""


def _elements(element: Element) -> Iterator[Element]:
    yield element
    if isinstance(element, Figure):
        for part in (element.header, element.html, element.script):
            yield from _elements(part)
    for child in list(element._children.values()):
        yield from _elements(child)


def _static_url(filename: str) -> str:
    return url_for("static", filename=filename)


def _local(element: Element, assets: list[tuple[str, str]],
           static_url: Callable[[str], str]) -> list[tuple[str, str]]:
    out = []
    for name, url in assets:
        if name in VENDORED:
            out.append((name, static_url(VENDORED[name])))
        elif isinstance(element, folium.Map) and name in MAP_UNUSED:
            if name == "jquery" and element.objects_to_stay_in_front:
                raise UnknownAsset("Map.keep_in_front needs jQuery, which is not vendored")
        else:
            raise UnknownAsset(f"{type(element).__name__} needs asset {name!r} ({url}); vendor it "
                               "under web/static/vendor and add it to web.maps.assets.VENDORED")
    return out


def localize(figure: Figure, *, static_url: Callable[[str], str] = _static_url) -> None:
    """Point every element's ``default_js``/``default_css`` at web/static; call before rendering.

    Lists are replaced on the instances, so folium's class-level defaults stay untouched.
    """
    for element in _elements(figure):
        for attr in ("default_js", "default_css"):
            assets = getattr(element, attr, None)
            if assets:
                setattr(element, attr, _local(element, assets, static_url))


def external_links(figure: Figure, *, static_prefix: str) -> list[str]:
    """URLs of script/stylesheet links in a rendered figure's header that are not under ``static_prefix``.

    Catches elements that add links while rendering instead of through ``default_js``.
    """
    return [child.url for child in figure.header._children.values()
            if isinstance(child, (JavascriptLink, CssLink)) and not child.url.startswith(static_prefix)]
