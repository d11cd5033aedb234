"""Reading a photo attached to a field report: JPEG or PNG by its content (Pillow decodes it, the
file's name and declared type are not trusted), within a size limit, re-encoded without metadata.

Re-encoding drops every EXIF and PNG text chunk, the GPS position among them: a photo taken on a
phone often carries where it was taken, and the report already has its place (marked or from the
device, by the reporter's choice). The pixels are turned upright first (EXIF orientation), since
the tag that says how goes with the rest.
"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from ..messages import N_, Message

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}
# Beyond this many pixels a photo is refused before it is decoded (a "decompression bomb").
MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class Photo:
    """A photo as stored: its re-encoded bytes, their type, size in pixels and a JPEG thumbnail."""

    content_type: str
    width: int
    height: int
    data: bytes
    thumbnail: bytes


class PhotoRefused(ValueError):
    """Why a photo was not taken (``msg``, rendered where it is shown)."""

    def __init__(self, msg: Message):
        self.msg = msg
        super().__init__(str(msg))


def read_photo(data: bytes, *, name: str = "", max_bytes: int, thumbnail_px: int = 320) -> Photo:
    """``data`` as a stored :class:`Photo`, or ``PhotoRefused`` saying why (too big, not JPEG/PNG).

    Examples
    --------
    >>> buf = io.BytesIO(); Image.new("RGB", (40, 30), "red").save(buf, "PNG")
    >>> p = read_photo(buf.getvalue(), max_bytes=1_000_000)
    >>> p.content_type, p.width, p.height
    ('image/png', 40, 30)
    """
    label = name or "-"
    if len(data) > max_bytes:
        raise PhotoRefused(Message("photo.too-big", N_("the photo %(name)s is larger than %(mb)s MB"),
                                   name=label, mb=_mb(max_bytes)))
    if not data:
        raise PhotoRefused(Message("photo.empty", N_("the photo %(name)s is empty"), name=label))
    not_image = PhotoRefused(Message("photo.not-image", N_("the photo %(name)s is not a JPEG or PNG image"),
                                     name=label))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in FORMATS:
                    raise not_image
                if probe.width * probe.height > MAX_PIXELS:
                    raise PhotoRefused(Message("photo.too-many-pixels",
                                               N_("the photo %(name)s has more than %(n)s million pixels"),
                                               name=label, n=MAX_PIXELS // 1_000_000))
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                kind = image.format
                upright = ImageOps.exif_transpose(image)
    except PhotoRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombWarning,
            Image.DecompressionBombError) as exc:
        raise not_image from exc
    return Photo(FORMATS[kind], upright.width, upright.height, _encode(upright, kind), _thumbnail(upright, thumbnail_px))


def _mb(n: int) -> str:
    return f"{n / 1_000_000:g}"


def _encode(image: Image.Image, kind: str) -> bytes:
    """The pixels alone: no EXIF, no ICC-less surprises, no text chunks."""
    out = io.BytesIO()
    if kind == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
    else:
        clean = image if image.mode in ("1", "L", "LA", "P", "RGB", "RGBA") else image.convert("RGBA")
        clean.save(out, "PNG", optimize=True)
    return out.getvalue()


def _thumbnail(image: Image.Image, px: int) -> bytes:
    small = image.convert("RGB")
    small.thumbnail((px, px))
    out = io.BytesIO()
    small.save(out, "JPEG", quality=80)
    return out.getvalue()
