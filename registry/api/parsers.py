"""The API's request parser: JSON within bounds of size, nesting and number of values."""

import codecs
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser, MultiPartParser

import safejson


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("Die Anfrage ist zu groß.")
    default_code = "request_too_large"


class BoundedJSONParser(JSONParser):
    """JSON bodies up to API_MAX_BODY_BYTES, nested at most safejson.MAX_DEPTH levels."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.API_MAX_BODY_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestTooLarge(
                _("Die Anfrage ist größer als %(limit)s Bytes.") % {"limit": limit}
            )
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.decode(raw, encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise exceptions.ParseError(_("Der Inhalt ist kein gültiges UTF-8.")) from exc
        try:
            return safejson.loads(text)
        except safejson.JSONTooComplex as exc:
            raise exceptions.ParseError(
                _(
                    "Das JSON-Dokument ist zu tief verschachtelt oder enthält zu viele Werte "
                    "(höchstens %(depth)s Ebenen, %(values)s Werte)."
                )
                % {"depth": safejson.MAX_DEPTH, "values": safejson.MAX_VALUES}
            ) from exc
        except ValueError as exc:
            raise exceptions.ParseError(
                _("Der Inhalt ist kein gültiges JSON: %(error)s") % {"error": exc}
            ) from exc


class BoundedMultiPartParser(MultiPartParser):
    """Multipart bodies (file uploads) up to API_MAX_UPLOAD_BYTES, refused with 413 from the
    declared Content-Length before any of the body is read."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.API_MAX_UPLOAD_BYTES
        request = (parser_context or {}).get("request")
        meta = request.META if request is not None else {}
        try:
            declared = int(meta.get("CONTENT_LENGTH") or 0)
        except ValueError as exc:
            raise exceptions.ParseError(_("Die Länge der Anfrage ist ungültig.")) from exc
        if declared > limit:
            raise RequestTooLarge(
                _("Die Anfrage ist größer als %(limit)s Bytes.") % {"limit": limit}
            )
        return super().parse(stream, media_type, parser_context)
