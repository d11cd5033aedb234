"""The legal regime in force, as every page and export says it: "Rules: <the regime's title>" in
the reader's language (``REGIME`` setting, ``KUZET_REGIME``)."""
from __future__ import annotations

import csv
import io

from flask import Flask
from flask_babel import gettext as _

from geo.regimes import get_regime

from .config import settings

# The column of a CSV export that says the rules in force, on every row (as the quarterly ``note``):
# the header stays the first line, so spreadsheets, pandas and GDAL's CSV driver read it as before.
CSV_COLUMN = "rules"


def rules_in_force() -> str:
    """"Rules: MIA Order 641 of 27.11.2004 as amended 05.10.2023" in the reader's language."""
    return _("Rules: %(regime)s", regime=_(get_regime(settings().regime).title))


def rules_about() -> dict[str, str]:
    """What an export carries of the regime: its registered name and ``rules_in_force``."""
    return {"regime": settings().regime, "rules": rules_in_force()}


def with_rules_column(text: str) -> str:
    """A CSV export (header first) with a last column ``rules`` holding ``rules_in_force`` on every row;
    its line ends and a byte order mark, if any, kept."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    rows = list(csv.reader(io.StringIO(text[len(bom):], newline="")))
    if not rows:
        return text
    rules = rules_in_force()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if "\r\n" in text else "\n")
    writer.writerow([*rows[0], CSV_COLUMN])
    writer.writerows([*row, rules] for row in rows[1:])
    return bom + out.getvalue()


def init_app(app: Flask) -> None:
    """``rules_in_force()`` for the templates (the footer of every page)."""
    app.jinja_env.globals.update(rules_in_force=rules_in_force)
