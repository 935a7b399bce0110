"""What an uploaded file must be: one of the allowed types by its content, within the size limit,
with a file name that is safe to show and to offer for download.

The type is read from the bytes (the `filetype` detector for the signature, then the structure
of the container checked here), never from the name or the type the browser sent. Office files
are ZIP containers: an OOXML file needs its `[Content_Types].xml` and main part, an ODF file its
uncompressed `mimetype` entry first; macro-enabled and legacy (OLE) office files are refused.
Images must end where their format ends (nothing appended) and no file may start like HTML,
so that no browser or viewer can be led to read one as a page.
"""

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"

# The allowed types and the extension the download gets, whatever the uploader's name said.
EXTENSIONS = {
    PDF: ".pdf",
    PNG: ".png",
    JPEG: ".jpg",
    DOCX: ".docx",
    XLSX: ".xlsx",
    PPTX: ".pptx",
    ODT: ".odt",
    ODS: ".ods",
    ODP: ".odp",
}
# The main part each OOXML type must contain.
_OOXML_MAIN_PARTS = {
    "word/document.xml": DOCX,
    "xl/workbook.xml": XLSX,
    "ppt/presentation.xml": PPTX,
}
_ODF_TYPES = (ODT, ODS, ODP)
# What browsers look for when they sniff (WHATWG MIME Sniffing, "identifying a resource with
# an unknown MIME type"): a file starting like this could be taken for a page.
_MARKUP = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<body",
    b"<script",
    b"<iframe",
    b"<svg",
    b"<?php",
    b"<a ",
    b"<img",
    b"<style",
    b"<title",
    b"<div",
    b"<table",
    b"<!--",
)
_ACTIVE_CONTENT = (b"<script", b"<html", b"<svg", b"<iframe", b"javascript:")
_SNIFF_BYTES = 1024
MAX_FILE_NAME = 150
_FIELD = "file"


@dataclass(frozen=True)
class CheckedFile:
    """What the checks found out about an uploaded file."""

    content_type: str
    extension: str
    size: int
    sha256: str
    file_name: str


def _refuse(message: str) -> ValidationError:
    return ValidationError({_FIELD: message})


def max_upload_bytes() -> int:
    return int(settings.EVIDENCE_MAX_UPLOAD_BYTES)


def too_large_message() -> str:
    limit_mb = max_upload_bytes() / (1024 * 1024)
    return _("Die Datei ist zu groß: höchstens %(limit)s MB.") % {
        "limit": f"{limit_mb:.0f}" if limit_mb >= 1 else f"{limit_mb:.2f}"
    }


def safe_file_name(name: str, extension: str) -> str:
    """The uploader's name as shown and downloaded: no path, no control or direction characters,
    at most MAX_FILE_NAME characters, ending in the extension of the detected type."""
    name = unicodedata.normalize("NFKC", name)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in ("C", "Z") or ch == " ")
    name = re.sub(r'[<>:"|?*;,%]', "_", name)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = re.sub(r"\s+", " ", stem).strip(" ._-")
    stem = stem[: MAX_FILE_NAME - len(extension)].rstrip(" ._-")
    return (stem or _("Dokument")) + extension


def check_file_name(name: str) -> None:
    """Refuse names that try to reach outside, hide their end or cannot be shown."""
    if not name or not name.strip():
        raise _refuse(_("Die Datei hat keinen Namen."))
    if len(name) > 255:
        raise _refuse(_("Der Dateiname ist zu lang: höchstens 255 Zeichen."))
    if "\x00" in name or any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name):
        raise _refuse(
            _(
                "Der Dateiname enthält Steuer- oder Richtungszeichen. "
                "Bitte benennen Sie die Datei um."
            )
        )
    parts = re.split(r"[/\\]", name)
    if len(parts) > 1 or name.startswith("."):
        raise _refuse(_("Der Dateiname darf keinen Pfad enthalten."))


def _read_all(file: IO[bytes]) -> tuple[bytes, bytes, int, str]:
    """Head, tail, size and SHA-256 of the file, read in chunks; the file is rewound after."""
    file.seek(0)
    digest = hashlib.sha256()
    head = b""
    tail = b""
    size = 0
    limit = max_upload_bytes()
    while chunk := file.read(64 * 1024):
        if len(head) < _SNIFF_BYTES:
            head += chunk[: _SNIFF_BYTES - len(head)]
        tail = (tail + chunk)[-_SNIFF_BYTES:]
        size += len(chunk)
        if size > limit:
            raise _refuse(too_large_message())
        digest.update(chunk)
    file.seek(0)
    return head, tail, size, digest.hexdigest()


def _check_png(file: IO[bytes], size: int) -> None:
    file.seek(8)
    position = 8
    while True:
        header = file.read(8)
        if len(header) < 8:
            raise _refuse(_("Die PNG-Datei ist unvollständig."))
        length = int.from_bytes(header[:4], "big")
        chunk_type = header[4:]
        position += 12 + length
        if position > size:
            raise _refuse(_("Die PNG-Datei ist beschädigt."))
        if chunk_type == b"IEND":
            break
        file.seek(position)
    if position != size:
        raise _refuse(
            _("Hinter dem Bild sind weitere Daten angehängt; solche Dateien sind nicht erlaubt.")
        )


def _check_jpeg(tail: bytes) -> None:
    if not tail.endswith(b"\xff\xd9"):
        raise _refuse(
            _("Hinter dem Bild sind weitere Daten angehängt; solche Dateien sind nicht erlaubt.")
        )


def _scan_for_active_content(file: IO[bytes]) -> None:
    """Images carry no markup; one that does is a polyglot meant for a browser."""
    file.seek(0)
    overlap = b""
    while chunk := file.read(64 * 1024):
        window = (overlap + chunk).lower()
        if any(marker in window for marker in _ACTIVE_CONTENT):
            raise _refuse(_("Das Bild enthält eingebettete Web-Inhalte und wird nicht angenommen."))
        overlap = window[-16:]
    file.seek(0)


def _check_zip_office(file: IO[bytes]) -> str:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if any(n.startswith("/") or ".." in n.split("/") or "\\" in n for n in names):
                raise _refuse(_("Die Office-Datei enthält unzulässige Pfade."))
            if infos and infos[0].filename == "mimetype":
                if infos[0].file_size > 100:
                    raise _refuse(_("Die OpenDocument-Datei ist beschädigt."))
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                if declared in _ODF_TYPES and infos[0].compress_type == zipfile.ZIP_STORED:
                    return declared
                raise _refuse(_("Dieser OpenDocument-Typ ist nicht erlaubt."))
            if "[Content_Types].xml" not in names:
                raise _refuse(
                    _(
                        "Die Datei ist ein ZIP-Archiv, aber kein Office-Dokument; "
                        "Archive sind nicht erlaubt."
                    )
                )
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise _refuse(_("Office-Dateien mit Makros sind nicht erlaubt."))
            found = [kind for part, kind in _OOXML_MAIN_PARTS.items() if part in names]
            if len(found) != 1:
                raise _refuse(_("Die Office-Datei ist beschädigt oder von unbekannter Art."))
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > 1024 * 1024:
                raise _refuse(_("Die Office-Datei ist beschädigt."))
            content_types = archive.read(info).lower()
            if b"macroenabled" in content_types:
                raise _refuse(_("Office-Dateien mit Makros sind nicht erlaubt."))
            return found[0]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, KeyError, ValueError) as exc:
        raise _refuse(_("Die Office-Datei ist beschädigt.")) from exc
    finally:
        file.seek(0)


def check_upload(file: IO[bytes], name: str) -> CheckedFile:
    """The file's type, size and checksum if it may be stored; else a ValidationError on "file"."""
    check_file_name(name)
    head, tail, size, sha256 = _read_all(file)
    if size == 0:
        raise _refuse(_("Die Datei ist leer."))
    lowered = head.lstrip().lower()
    if any(lowered.startswith(marker) for marker in _MARKUP) or b"<script" in head.lower():
        raise _refuse(_("Die Datei enthält HTML oder Skripte und wird nicht angenommen."))
    kind = filetype.guess(head)
    mime = kind.mime if kind is not None else ""
    if mime == PDF and head.startswith(b"%PDF-"):
        if b"%%EOF" not in tail:
            raise _refuse(_("Die PDF-Datei ist unvollständig."))
        content_type = PDF
    elif mime == PNG:
        _check_png(file, size)
        _scan_for_active_content(file)
        content_type = PNG
    elif mime == JPEG:
        _check_jpeg(tail)
        _scan_for_active_content(file)
        content_type = JPEG
    elif head.startswith(b"PK\x03\x04"):
        content_type = _check_zip_office(file)
    elif head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise _refuse(
            _(
                "Alte Office-Formate (.doc, .xls, .ppt) sind nicht erlaubt; bitte als PDF oder im "
                "aktuellen Format (.docx, .xlsx, .pptx, OpenDocument) hochladen."
            )
        )
    else:
        raise _refuse(
            _(
                "Dieser Dateityp ist nicht erlaubt. Erlaubt sind PDF, Office-Dokumente "
                "(Word, Excel, PowerPoint, OpenDocument) sowie PNG- und JPEG-Bilder."
            )
        )
    extension = EXTENSIONS[content_type]
    return CheckedFile(content_type, extension, size, sha256, safe_file_name(name, extension))
