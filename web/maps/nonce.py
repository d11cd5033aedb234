"""The request's CSP nonce on every ``<script>`` and ``<style>`` tag of folium's rendered markup."""
from __future__ import annotations

import re

from markupsafe import Markup

from ..security import csp_nonce

# Opening tags only; markup folium rendered from escaped values cannot contain a literal "<script".
_TAG = re.compile(r"<(script|style)\b(?![^>]*\bnonce=)", re.IGNORECASE)


def with_nonce(html: str) -> Markup:
    """``html`` (folium's header or body part) with this request's nonce on its scripts and styles."""
    nonce = csp_nonce()
    return Markup(_TAG.sub(lambda m: f'<{m.group(1)} nonce="{nonce}"', str(html)))
