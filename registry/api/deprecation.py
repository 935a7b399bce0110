"""The deprecation of /api/v1/'s public records for /api/v2/'s: the headers every answer carries.

`Deprecation` (RFC 9745) says since when, `Sunset` (RFC 8594) until when v1 is answered
(setting PUBLIC_API_V1_SUNSET), and `Link: rel="successor-version"` where v2 has the same.
"""

import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.http import http_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

V1_DEPRECATED_ON = datetime.date(2026, 12, 2)
V1_PREFIX = "/api/v1/"
V2_PREFIX = "/api/v2/"


def _midnight_utc(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), datetime.UTC)


def sunset() -> datetime.date:
    """The day from which /api/v1/'s public records may no longer be answered."""
    return datetime.date.fromisoformat(settings.PUBLIC_API_V1_SUNSET)


def successor(request: HttpRequest) -> str:
    """The absolute address of the /api/v2/ answer to the same request (query included)."""
    # get_full_path() percent-encodes what a Link header's <…> cannot hold.
    return request.build_absolute_uri(V2_PREFIX + request.get_full_path().removeprefix(V1_PREFIX))


def deprecation_headers(request: HttpRequest) -> dict[str, str]:
    """The headers that mark an answer of /api/v1/'s public records as deprecated."""
    deprecated_at = int(_midnight_utc(V1_DEPRECATED_ON).timestamp())
    return {
        "Deprecation": f"@{deprecated_at}",
        "Sunset": http_date(_midnight_utc(sunset()).timestamp()),
        "Link": f'<{successor(request)}>; rel="successor-version"',
    }


def deprecation_headers_schema() -> list[OpenApiParameter]:
    """The same headers as the OpenAPI description states them for a 200 answer."""
    return [
        OpenApiParameter(
            "Deprecation",
            OpenApiTypes.STR,
            OpenApiParameter.HEADER,
            response=["200"],
            required=True,
            description=(
                "Seit wann diese Version veraltet ist (RFC 9745, Unix-Zeit nach @); "
                "Nachfolger: /api/v2/public/use-cases/"
            ),
            pattern="^@[0-9]+$",
        ),
        OpenApiParameter(
            "Sunset",
            OpenApiTypes.STR,
            OpenApiParameter.HEADER,
            response=["200"],
            required=True,
            description="Ab wann diese Version nicht mehr beantwortet wird (RFC 8594, HTTP-Datum)",
        ),
        OpenApiParameter(
            "Link",
            OpenApiTypes.STR,
            OpenApiParameter.HEADER,
            response=["200"],
            required=True,
            description='Dieselbe Anfrage in Version 2 (rel="successor-version")',
        ),
    ]


class DeprecatedV1Mixin:
    """For a view of /api/v1/'s public records: every answer carries the deprecation headers."""

    def finalize_response(
        self, request: HttpRequest, response: HttpResponseBase, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        for name, value in deprecation_headers(request).items():
            response[name] = value
        return response
