"""A report's photo is read by its content and stored without its metadata (geo.ingest.photos)."""
from __future__ import annotations

import io

import pytest
from PIL import Image, PngImagePlugin

from geo.ingest.photos import PhotoRefused, read_photo


def _jpeg_rotated() -> bytes:
    """A 40×20 photo whose EXIF says "turn me 90°" (orientation 6) and where it was taken."""
    exif = Image.Exif()
    exif[0x0112] = 6
    exif.get_ifd(0x8825).update({1: "N", 2: (43.0, 15.0, 0.0)})
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_a_jpeg_is_turned_upright_and_loses_its_exif_gps_included():
    photo = read_photo(_jpeg_rotated(), name="a.jpg", max_bytes=1_000_000)
    assert (photo.content_type, photo.width, photo.height) == ("image/jpeg", 20, 40)
    with Image.open(io.BytesIO(photo.data)) as stored:
        assert dict(stored.getexif()) == {} and "exif" not in stored.info


def test_a_png_loses_its_text_chunks_and_gets_a_jpeg_thumbnail():
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "43.25 76.92")
    out = io.BytesIO()
    Image.new("RGB", (1000, 500), "blue").save(out, "PNG", pnginfo=info)
    photo = read_photo(out.getvalue(), name="b.png", max_bytes=1_000_000, thumbnail_px=100)
    with Image.open(io.BytesIO(photo.data)) as stored:
        assert stored.format == "PNG" and "Location" not in stored.info
    with Image.open(io.BytesIO(photo.thumbnail)) as thumb:
        assert thumb.format == "JPEG" and thumb.size == (100, 50)


@pytest.mark.parametrize("data,code", [
    (b"", "photo.empty"),
    (b"GIF89a" + b"\x00" * 40, "photo.not-image"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 40, "photo.not-image"),  # a JPEG's first bytes, nothing after
    (b"x" * 2_001, "photo.too-big"),
])
def test_what_is_not_a_jpeg_or_png_within_the_limit_is_refused_with_its_reason(data, code):
    with pytest.raises(PhotoRefused) as refused:
        read_photo(data, name="f", max_bytes=2_000)
    assert refused.value.msg.code == code
