"""The phone pages as an installable web app: the manifest and its icons, the service worker's
headers and scope, the CSRF token a kept report is sent with, and the pages that load them."""
from __future__ import annotations

import io
import json

from PIL import Image

from tests.support.leader_clients import as_user, lw  # noqa: F401  (fixtures)


def test_the_manifest_is_json_naming_the_phone_pages_with_icons_that_exist(as_user, lw):
    leader = as_user("leader")
    r = leader.get("/manifest.webmanifest")
    assert r.status_code == 200 and r.mimetype == "application/manifest+json"
    manifest = json.loads(r.get_data(as_text=True))
    assert manifest["start_url"] == "/my/shifts" and manifest["display"] == "standalone"
    assert manifest["name"] and manifest["short_name"] == "kuzet"
    sizes = set()
    for icon in manifest["icons"]:
        assert icon["src"].startswith("/static/") and icon["type"] == "image/png"
        served = leader.get(icon["src"])
        assert served.status_code == 200, icon["src"]
        with Image.open(io.BytesIO(served.data)) as image:
            assert image.format == "PNG" and f"{image.width}x{image.height}" == icon["sizes"]
            sizes.add(image.width)
    assert {192, 512} <= sizes


def test_the_manifest_name_is_in_the_readers_language(as_user, lw):
    r = as_user("leader").get("/manifest.webmanifest", headers={"Accept-Language": "ru"})
    name = r.get_json()["name"] if r.is_json else json.loads(r.get_data(as_text=True))["name"]
    assert name != "kuzet: shifts and reports" and any("\u0400" <= c <= "\u04ff" for c in name)


def test_the_service_worker_is_javascript_from_the_root_always_revalidated(app):
    r = app.test_client().get("/sw.js")  # no sign-in: the browser fetches it for updates
    assert r.status_code == 200
    assert r.mimetype == "text/javascript"
    assert r.headers["Cache-Control"] == "no-cache"
    assert r.headers["Service-Worker-Allowed"] == "/"
    body = r.get_data(as_text=True)
    assert "/my/shifts" in body and "/reports/new" in body and 'addEventListener("fetch"' in body


def test_the_csp_lets_the_worker_and_manifest_come_from_this_server_only(app):
    policy = app.test_client().get("/sw.js").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["worker-src"] == "'self'" and directives["manifest-src"] == "'self'"


def test_both_phone_pages_link_the_manifest_and_load_the_worker_script(as_user, lw):
    leader = as_user("leader")
    for path in ("/my/shifts", "/reports/new"):
        html = leader.get(path).get_data(as_text=True)
        assert 'rel="manifest" href="/manifest.webmanifest"' in html, path
        assert "/static/pwa.js" in html and 'data-served="network"' in html, path
        setup = html.split('<script type="application/json" id="pwa-setup">', 1)[1].split("</script>", 1)[0]
        assert json.loads(setup)["worker"] == "/sw.js"


def test_a_fresh_csrf_token_is_for_the_signed_in_only_and_never_cached(app, as_user, lw):
    r = as_user("leader").get("/pwa/csrf-token")
    assert r.status_code == 200 and r.get_json()["csrf_token"] and r.headers["Cache-Control"] == "no-store"
    assert app.test_client().get("/pwa/csrf-token").status_code == 302  # to the login page


def test_a_shift_card_links_a_report_filed_from_it(as_user, lw):
    html = as_user("leader").get("/my/shifts").get_data(as_text=True)
    assert f"/reports/new?assignment_id={lw.upcoming}" in html
    form = as_user("leader").get(f"/reports/new?assignment_id={lw.upcoming}").get_data(as_text=True)
    assert f'name="assignment_id" value="{lw.upcoming}"' in form and f"Filed from shift {lw.upcoming}" in form
