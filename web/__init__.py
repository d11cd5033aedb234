"""The kuzet web app: thin views over geo.services."""
from __future__ import annotations

from flask import Flask

from .config import DEFAULTS, settings_from


def create_app(test_config: dict | None = None, *, pages: bool = True) -> Flask:
    """Application factory: defaults, then ``KUZET_*`` environment, then ``test_config``.

    The kuzet settings are read from that configuration once, here (``web.config.settings``).
    ``pages=False`` leaves out the pages and the API (``register_pages``): the command line's app,
    which then starts without importing the map and analysis stack.
    """
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("KUZET")
    if test_config:
        app.config.update(test_config)
    app.extensions["kuzet"] = settings_from(app.config)

    from . import auth, cli, db, errors, formats, i18n, proxy, rules, security, uploads
    from .api.bodies import IdConverter
    from .sessions import DatabaseSessionInterface

    # Every ``<int:...>`` path id of the app fits PostgreSQL's integer; a larger one is a 404.
    app.url_map.converters["int"] = IdConverter

    db.init_app(app)
    # First of the before-request hooks: a session store that could not be read answers 503.
    app.before_request(DatabaseSessionInterface.refuse_unavailable)
    errors.init_app(app)
    # Before CSRF reads the form: a report's form may carry photos, larger than MAX_CONTENT_LENGTH.
    app.before_request(uploads.allow_report_photos)
    proxy.init_app(app)
    i18n.init_app(app)
    rules.init_app(app)
    formats.init_app(app)
    cli.init_app(app)
    auth.init_app(app)
    security.init_app(app)
    if pages:
        register_pages(app)
    return app


def register_pages(app: Flask) -> None:
    """The pages and the API on ``app`` (their modules import folium, geopandas and the analysis stack);
    once: on an app that has them, nothing."""
    if "maps" in app.blueprints:
        return
    from .analysis import bp as analysis_bp
    from .api import bp as api_bp
    from .basemap import bp as basemap_bp
    from .dispatch import bp as dispatch_bp
    from .maps import bp as maps_bp
    from .ogc import bp as ogc_bp
    from .planning import bp as planning_bp
    from .accountability import bp as accountability_bp
    from .account import bp as account_bp
    from .leader import bp as leader_bp
    from .pwa import bp as pwa_bp
    from .reports import bp as reports_bp
    from .sheets import bp as sheets_bp
    from .tiles import bp as tiles_bp

    app.register_blueprint(api_bp)
    app.register_blueprint(maps_bp)
    app.register_blueprint(ogc_bp)
    app.register_blueprint(dispatch_bp)
    app.register_blueprint(planning_bp)
    app.register_blueprint(analysis_bp)
    app.register_blueprint(leader_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(sheets_bp)
    app.register_blueprint(pwa_bp)
    app.register_blueprint(accountability_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(basemap_bp)
    app.register_blueprint(tiles_bp)
    from . import mail

    mail.init_app(app)  # the server's background e-mail sender (the CLI's own app sends with `kuzet mail send`)
