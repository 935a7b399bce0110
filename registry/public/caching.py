"""Conditional requests and the page cache of everything the public reads.

A public answer is identified by its entity tag: the version of the data it shows, its address
and its language (public_etag), never its bytes, so the tag costs one indexed query. Anonymous
visitors holding the current tag get 304; shared caches may keep anonymous answers for
PUBLIC_CACHE_MAX_AGE; a signed-in person's page is never stored. Rendered anonymous pages and
serialized public API pages are kept in Django's cache under their tag: rendered once per data
version, address and language, and never served once the data has changed.
"""

import datetime
import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language


def public_etag(request: HttpRequest, *parts: Any) -> str:
    """An entity tag for a public answer: its data version, address and language."""
    key = repr((parts, request.get_full_path(), get_language()))
    return quote_etag(hashlib.sha256(key.encode()).hexdigest()[:32])


def not_modified(
    request: HttpRequest, etag: str, last_modified: datetime.datetime | None
) -> HttpResponseBase | None:
    """The 304 answer when the visitor's copy is current; anonymous visitors only."""
    if request.user.is_authenticated:
        return None
    timestamp = int(last_modified.timestamp()) if last_modified else None
    return get_conditional_response(request, etag=etag, last_modified=timestamp)


def revalidate(
    request: HttpRequest, version: datetime.datetime | None, *parts: Any
) -> tuple[str, HttpResponseBase | None]:
    """The tag of an answer about one versioned record, and the 304 when the visitor's copy is
    current. A record without a version (never published) gets no 304: it stays a 404."""
    etag = public_etag(request, version, *parts)
    if version is None:
        return etag, None
    return etag, not_modified(request, etag, version)


def cache_headers(
    request: HttpRequest,
    response: HttpResponseBase,
    etag: str | None = None,
    last_modified: datetime.datetime | None = None,
) -> HttpResponseBase:
    """Shared caches may keep anonymous answers; a signed-in person's page is never stored."""
    patch_vary_headers(response, ["Cookie"])
    if request.user.is_authenticated:
        add_never_cache_headers(response)
        return response
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_MAX_AGE)
    if etag:
        response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    return response


def _cacheable(request: HttpRequest, version: Any) -> bool:
    """Only anonymous answers about data that has a version, and no page carrying a one-time
    message for this visitor, go into the cache."""
    return (
        version is not None
        and not request.user.is_authenticated
        and not len(messages.get_messages(request))
    )


def render_cached(
    request: HttpRequest,
    etag: str,
    version: Any,
    template: str,
    context: Callable[[], dict[str, Any]],
) -> HttpResponse:
    """Render a public page, or answer with the HTML rendered before under the same tag."""
    cacheable = _cacheable(request, version)
    key = f"public-page:{etag}"
    if cacheable:
        content = cache.get(key)
        if content is not None:
            return HttpResponse(content)
    response = render(request, template, context())
    if cacheable and response.status_code == 200:
        cache.set(key, response.content, settings.PUBLIC_PAGE_CACHE_SECONDS)
    return response


def cached_data(request: HttpRequest, etag: str, version: Any, build: Callable[[], Any]) -> Any:
    """Serialized data for an anonymous answer, built once per tag (the public API's pages)."""
    if not _cacheable(request, version):
        return build()
    key = f"public-data:{etag}"
    data = cache.get(key)
    if data is None:
        data = build()
        cache.set(key, data, settings.PUBLIC_PAGE_CACHE_SECONDS)
    return data
