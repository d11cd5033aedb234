"""Every response carries the security headers: a CSP with a fresh nonce, no framing, nosniff, a
same-origin referrer; the nonce the policy names is the one on the page's inline scripts and styles."""
from __future__ import annotations

import re

import pytest

from tests.conftest import make_app

from web.security import tile_source

FIXED = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}
NONCE = re.compile(r"'nonce-([A-Za-z0-9_-]{16,})'")


def directives(response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy")
    assert policy, f"{response.request.path} has no Content-Security-Policy"
    return {name: sources for name, *sources in (d.split() for d in policy.split(";") if d.strip())}


def assert_secured(response) -> None:
    for name, value in FIXED.items():
        assert response.headers.get(name) == value, (response.request.path, name)
    csp = directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"][0] == "'self'" and NONCE.fullmatch(csp["script-src"][1])
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"] and csp["img-src"][:2] == ["'self'", "data:"]


@pytest.mark.parametrize("path, status", [
    ("/", 200),
    ("/quarterly", 200),
    ("/api/v1/layers/district?limit=1", 200),
    ("/api/v1/openapi.json", 200),
    ("/static/kuzet.css", 200),
    ("/static/vendor/leaflet/leaflet.js", 200),
    ("/no/such/page", 404),
    ("/api/v1/layers/checkpoints", 404),
    ("/api/v1/layers/district?limit=ten", 400),
    ("/reports/999999999", 404),
])
def test_every_response_of_a_signed_in_user_carries_the_headers(client, path, status):
    r = client.get(path)
    assert r.status_code == status, path
    assert_secured(r)


@pytest.mark.parametrize("method, path", [("GET", "/login"), ("HEAD", "/login"), ("GET", "/"),
                                          ("GET", "/api/v1/layers/district"), ("POST", "/logout")])
def test_responses_to_anonymous_clients_and_redirects_carry_them_too(anonymous, method, path):
    assert_secured(anonymous.open(path, method=method))


def test_a_json_post_with_a_bad_body_carries_them(client):
    r = client.post("/api/v1/patrol_zones", data="{not json", content_type="application/json")
    assert 400 <= r.status_code < 500
    assert_secured(r)


def test_each_response_has_a_fresh_nonce_and_the_page_uses_it(client):
    first, second = client.get("/"), client.get("/")
    nonces = [NONCE.search(r.headers["Content-Security-Policy"]).group(1) for r in (first, second)]
    assert nonces[0] != nonces[1]
    page = first.get_data(as_text=True)
    inline = re.findall(r"<(?:script|style)\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", page)
    assert inline, "the map page has inline scripts and styles"
    assert all(f'nonce="{nonces[0]}"' in tag for tag in inline), [t for t in inline if nonces[0] not in t]


def test_the_basemaps_host_may_serve_images(connection):
    app = make_app(connection, TILES_URL="https://{s}.tile.example.org/{z}/{x}/{y}.png")
    r = app.test_client().get("/login")
    assert directives(r)["img-src"] == ["'self'", "data:", "https://*.tile.example.org"]


@pytest.mark.parametrize("url, source", [
    ("", None),
    ("/tiles/{z}/{x}/{y}.png", None),
    ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
    ("http://127.0.0.1:8080/{z}/{x}/{y}.png", "http://127.0.0.1:8080"),
    ("https://{s}.tiles.example.org/{z}/{x}/{y}.png", "https://*.tiles.example.org"),
])
def test_the_tile_source_is_the_scheme_and_host_of_the_tiles_url(url, source):
    assert tile_source(url) == source
