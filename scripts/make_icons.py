"""Draw the web app's icons (web/static/icons/icon-192.png, icon-512.png) from the favicon's design:
the dark shield with the light-blue ring of web/static/favicon.svg, on a square that a launcher may
mask to a circle (the shield sits inside the manifest's "maskable" safe zone).

    .venv/bin/python scripts/make_icons.py
"""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "web" / "static" / "icons"
SHIELD = "#263238"
RING = "#4fc3f7"
BACKGROUND = "#eceff1"
# favicon.svg's shield path in its 32-unit box: M16 2 4 7v8c0 7.5 5.1 13.2 12 15 6.9-1.8 12-7.5 12-15V7z
OUTLINE = [(16, 2), (4, 7), (4, 15), (4.6, 19.5), (6.6, 23.6), (10, 27.2), (16, 30), (22, 27.2), (25.4, 23.6),
           (27.4, 19.5), (28, 15), (28, 7)]


def icon(px: int) -> Image.Image:
    scale = 4  # drawn large, then shrunk: smooth edges without an SVG renderer
    size = px * scale
    image = Image.new("RGB", (size, size), BACKGROUND)
    draw = ImageDraw.Draw(image)
    unit = size * 0.7 / 32  # the shield fills 70 % of the square: inside the maskable safe zone
    offset = (size - 32 * unit) / 2
    draw.polygon([(offset + x * unit, offset + y * unit) for x, y in OUTLINE], fill=SHIELD)
    cx, cy, r, w = offset + 16 * unit, offset + 15 * unit, 5 * unit, 2.5 * unit
    draw.ellipse([cx - r - w / 2, cy - r - w / 2, cx + r + w / 2, cy + r + w / 2], outline=RING, width=round(w))
    return image.resize((px, px), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for px in (192, 512):
        icon(px).save(OUT / f"icon-{px}.png", optimize=True)


if __name__ == "__main__":
    main()
