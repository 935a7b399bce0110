"""Every operation of /api/v1/ and /api/v2/, read from the URL configuration."""

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

API_PREFIXES = ("api/v1/", "api/v2/")
METHODS = ("get", "post", "put", "patch", "delete")


def _walk(patterns: list, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        else:
            yield route, pattern


def _methods(pattern: URLPattern) -> list[str]:
    callback = pattern.callback
    actions = getattr(callback, "actions", None)
    if actions is not None:
        return [m for m in METHODS if m in actions]
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    return [m for m in METHODS if view_class is not None and hasattr(view_class, m)]


def api_operations() -> list[tuple[str, str]]:
    """(url name, method) for every operation under /api/v1/ and /api/v2/."""
    operations = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if not route.startswith(API_PREFIXES):
            continue
        for method in _methods(pattern):
            operations.append((pattern.name or route, method))
    return sorted(set(operations))
