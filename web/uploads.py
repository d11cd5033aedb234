"""Request bodies larger than ``MAX_CONTENT_LENGTH`` where a route takes files: a field report's photos."""
from __future__ import annotations

from flask import request

from .config import settings

PHOTO_ENDPOINTS = ("reports.file_report",)


def allow_report_photos() -> None:
    """A report form may be as large as its photos at their limit (``PHOTO_MAX_BYTES`` × ``PHOTO_MAX_COUNT``)."""
    if request.method == "POST" and request.endpoint in PHOTO_ENDPOINTS:
        request.max_content_length = settings().photos.max_request_bytes
