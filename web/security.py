"""Security headers on every response: a Content-Security-Policy with a fresh nonce per request,
no framing, no MIME sniffing and a same-origin referrer.

Scripts run only from this server or with the request's nonce: folium's inline map scripts get it
from :func:`web.maps.nonce.with_nonce`, the templates' inline ``<script>`` blocks from
``{{ csp_nonce() }}``. ``<style>`` elements need the nonce too. Inline style *attributes* are allowed
(``style-src-attr 'unsafe-inline'``): the legends colour their swatches with them and Leaflet
plugins build markup with them; an attribute cannot hold a selector, so it cannot read the page the
way an injected ``<style>`` element could. ``'unsafe-inline'`` in ``style-src`` only serves browsers
that predate nonces; every browser that knows nonces ignores it there.
"""
from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, g, request

from .config import settings

NONCE_BYTES = 16

HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"  # HTTPS requests only (behind a proxy: web/proxy.py)
NONCE = "{nonce}"


def csp_nonce() -> str:
    """This request's nonce, made on first use."""
    nonce = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(NONCE_BYTES)
    return nonce


def tile_source(tiles_url: str) -> str | None:
    """The CSP source the basemap's tiles come from: ``scheme://host[:port]``, a ``{s}`` subdomain
    as ``*``; None for no basemap or tiles from this server."""
    parts = urlsplit(tiles_url)
    if not parts.scheme or not parts.netloc:
        return None
    host = parts.netloc.rsplit("@", 1)[-1]
    if "{" in host:  # {s}.tile.example.org and the like
        host = "*." + host.split(".", 1)[1] if "." in host else "*"
    return f"{parts.scheme}://{host}"


def policy(nonce: str, *, tiles_url: str = "") -> str:
    """The Content-Security-Policy for a response whose inline scripts and styles carry ``nonce``."""
    images = ["'self'", "data:"]
    tiles = tile_source(tiles_url)
    if tiles:
        images.append(tiles)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", f"'nonce-{nonce}'"],
        "style-src": ["'self'", f"'nonce-{nonce}'", "'unsafe-inline'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": images,
        "connect-src": ["'self'"],
        # The phone pages' service worker (/sw.js) and web app manifest come from this server only.
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def init_app(app: Flask) -> None:
    """Expose ``csp_nonce()`` to templates and set the headers on every response the app sends."""
    template = policy(NONCE, tiles_url=settings(app).map.tiles_url)  # built once; the nonce per response

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", template.replace(NONCE, csp_nonce()))
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response

    app.context_processor(lambda: {"csp_nonce": csp_nonce})
