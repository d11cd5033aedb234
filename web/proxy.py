"""Behind a reverse proxy: trust its ``X-Forwarded-*`` headers (the ``PROXY_FIX`` setting, the number
of proxies), so ``request.is_secure`` tells an HTTPS request; such a request gets HSTS
(web/security.py) and the session cookie ``Secure`` (web/sessions.py)."""
from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import settings


def init_app(app: Flask) -> None:
    proxies = settings(app).server.proxy_fix
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies,
                                x_prefix=proxies)
