"""Behind a reverse proxy: trust its ``X-Forwarded-*`` headers (the ``PROXY_FIX`` setting, the number
of proxies), so ``request.is_secure`` tells an HTTPS request; such a request gets HSTS (and the
session cookie ``Secure``, web/sessions.py)."""
from __future__ import annotations

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

HSTS = "max-age=31536000; includeSubDomains"


def add_hsts(response):
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask, proxies: int) -> None:
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies,
                                x_prefix=proxies)
    app.after_request(add_hsts)
