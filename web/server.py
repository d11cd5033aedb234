"""The production server: gunicorn (threaded workers) serving the app ``kuzet serve`` was given."""
from __future__ import annotations

import os

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.config import Config

from geo.settings import ServerSettings


def gunicorn_options(server: ServerSettings, host: str, port: int, cores: int | None = None) -> dict:
    """gunicorn's settings for ``server``: ``workers`` processes of ``threads`` threads each (the
    gthread worker: PostgreSQL waits release the GIL, map rendering needs a process per core)."""
    options = {
        "bind": f"{host}:{port}",
        "workers": server.worker_count(cores or os.cpu_count() or 1),
        "worker_class": "gthread",
        "threads": server.threads,
        # A request may run a statement for statement_timeout_s; a worker silent for longer is stuck.
        "timeout": int(server.statement_timeout_s) + 30,
        "graceful_timeout": 10,
        "accesslog": server.access_log,
        "errorlog": "-",
    }
    if "control_socket_disable" in Config().settings:  # gunicorn 24+: no shared socket in $HOME
        options["control_socket_disable"] = True
    return options


class Server(BaseApplication):
    def __init__(self, app: Flask, options: dict):
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def serve(app: Flask, host: str, port: int) -> None:
    """Serve ``app`` with gunicorn until stopped; each worker opens its own connections."""
    engine = app.extensions.get("kuzet_engine")
    if engine is not None:
        engine.dispose()  # no connection of this process is inherited by the forked workers
    Server(app, gunicorn_options(app.extensions["kuzet"].server, host, port)).run()
