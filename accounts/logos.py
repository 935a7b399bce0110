"""An organisation's logo: a PNG or JPEG checked with Pillow, stored under a name nobody chose.

The file lies in the default storage (MEDIA_ROOT, which no URL serves) and is read only by the
public logo view and the transparency report's PDF. An SVG is never accepted: it can carry
scripts. The storage name comes from random bits and the checked image type, never from the
uploader's file name.
"""

import io
import re
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_LOGO_BYTES = 1024 * 1024
MAX_LOGO_PIXELS = 2000
# Pillow's format name: the file's extension in storage and the type it is served with.
LOGO_TYPES = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg")}
CONTENT_TYPES = dict(LOGO_TYPES.values())
LOGO_KEY = re.compile(r"[0-9a-f]{64}\.(?:png|jpg)")


@dataclass(frozen=True)
class Logo:
    """A stored logo's bytes and type, for embedding into a document."""

    content: bytes
    content_type: str


def logo_storage() -> Storage:
    """Where logos are stored: the default storage, never served by its own URLs."""
    return default_storage


def new_logo_name(extension: str) -> str:
    """A fresh storage name: 256 random bits and the checked type's extension."""
    token = secrets.token_hex(32)
    return f"logos/{token[:2]}/{token}.{extension}"


def logo_name(key: str) -> str | None:
    """The storage name behind the last part of a logo's address; None for a malformed key."""
    if not LOGO_KEY.fullmatch(key):
        return None
    return f"logos/{key[:2]}/{key}"


def _refuse(message: str) -> ValidationError:
    return ValidationError({"logo": message})


def check_logo(upload: File) -> str:  # type: ignore[type-arg]
    """The Pillow format of an upload that is a real, complete PNG or JPEG of at most 1 MB and
    2000 × 2000 pixels; ValidationError naming the field otherwise."""
    if upload.size is not None and upload.size > MAX_LOGO_BYTES:
        raise _refuse(_("Das Logo darf höchstens 1 MB groß sein."))
    upload.seek(0)
    content = upload.read(MAX_LOGO_BYTES + 1)
    upload.seek(0)
    if len(content) > MAX_LOGO_BYTES:
        raise _refuse(_("Das Logo darf höchstens 1 MB groß sein."))
    not_an_image = _refuse(_("Das Logo muss ein PNG- oder JPEG-Bild sein."))
    try:
        # Only the two accepted decoders are tried: nothing else is even parsed.
        with Image.open(io.BytesIO(content), formats=list(LOGO_TYPES)) as image:
            kind = image.format
            width, height = image.size
            if width > MAX_LOGO_PIXELS or height > MAX_LOGO_PIXELS:
                raise _refuse(_("Das Logo darf höchstens 2000 × 2000 Pixel groß sein."))
            # A PNG's chunks and checksums, to its end.
            image.verify()
        with Image.open(io.BytesIO(content), formats=list(LOGO_TYPES)) as image:
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_an_image from None
    # WeasyPrint switches on Pillow's LOAD_TRUNCATED_IMAGES for the whole process, so decoding
    # alone does not find a cut-off JPEG: it must end with its end-of-image marker.
    if kind == "JPEG" and not content.rstrip(b"\0\r\n ").endswith(b"\xff\xd9"):
        raise not_an_image
    if kind not in LOGO_TYPES:
        raise not_an_image
    return kind


def store_logo(upload: File) -> str:  # type: ignore[type-arg]
    """Check an upload and store it under a fresh name; returns the storage name."""
    extension = LOGO_TYPES[check_logo(upload)][0]
    return logo_storage().save(new_logo_name(extension), upload)


def logo_content_type(name: str) -> str:
    """The type a stored logo is served with, from the extension its checked type gave it."""
    return CONTENT_TYPES[name.rsplit(".", 1)[-1]]


def read_logo(name: str) -> Logo | None:
    """A stored logo's bytes, or None when there is none or its file is gone."""
    if not name:
        return None
    try:
        with logo_storage().open(name, "rb") as handle:
            return Logo(handle.read(), logo_content_type(name))
    except (OSError, KeyError):
        return None
