"""A rendered sheet page as PDF, by WeasyPrint: the page's own stylesheet, and no fetching at all
(the map is inline SVG, the fonts are the system's), so a sheet renders offline and can never make
the server request a URL."""
from __future__ import annotations

from pathlib import Path

from flask import current_app


def _refuse(url: str, *args, **kwargs):
    raise ValueError(f"a shift sheet fetches nothing ({url})")


def html_to_pdf(html: str, *, stylesheet: str = "sheet.css") -> bytes:
    """The PDF of ``html``, styled by ``stylesheet`` from web/static (print media: one A4 page a sheet)."""
    from weasyprint import CSS, HTML  # heavy; only the PDF routes need it

    css = CSS(filename=str(Path(current_app.static_folder) / stylesheet), url_fetcher=_refuse)
    return HTML(string=html, url_fetcher=_refuse).write_pdf(stylesheets=[css])
