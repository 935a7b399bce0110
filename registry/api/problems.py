"""Every API error as one RFC 9457 problem document (application/problem+json).

`type` is a URN naming the kind of problem, `title` a short German (or English) summary, `detail`
the specific message, `instance` the request path, and `errors` the messages by field for
validation problems (nested fields joined with dots: `legal_bases.0.law`).
"""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:ki-register:problem:"


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = gettext_lazy(
        "Bitte senden Sie den ETag der gelesenen Fassung im Kopf If-Match."
    )
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = gettext_lazy(
        "Der Datensatz wurde inzwischen geändert. Bitte laden Sie ihn neu und wiederholen Sie "
        "die Änderung."
    )
    default_code = "precondition_failed"


# Problem kinds by status: the `type` URN suffix and a translatable title.
KINDS: dict[int, tuple[str, Any]] = {
    400: ("validation-error", gettext_lazy("Die Anfrage ist ungültig.")),
    401: ("not-authenticated", gettext_lazy("Anmeldung erforderlich.")),
    403: ("permission-denied", gettext_lazy("Keine Berechtigung.")),
    404: ("not-found", gettext_lazy("Nicht gefunden.")),
    405: ("method-not-allowed", gettext_lazy("Methode nicht erlaubt.")),
    406: ("not-acceptable", gettext_lazy("Antwortformat nicht verfügbar.")),
    409: ("conflict", gettext_lazy("Konflikt mit dem Zustand des Datensatzes.")),
    412: ("precondition-failed", gettext_lazy("Der Datensatz wurde inzwischen geändert.")),
    413: ("request-too-large", gettext_lazy("Die Anfrage ist zu groß.")),
    415: ("unsupported-media-type", gettext_lazy("Inhaltstyp nicht unterstützt.")),
    428: ("precondition-required", gettext_lazy("If-Match fehlt.")),
    429: ("throttled", gettext_lazy("Zu viele Anfragen.")),
    500: ("server-error", gettext_lazy("Interner Fehler.")),
    503: ("service-unavailable", gettext_lazy("Dienst vorübergehend nicht erreichbar.")),
}


class ProblemSerializer(serializers.Serializer):
    """An RFC 9457 problem document (documentation only; the handler builds the dict)."""

    type = serializers.CharField(
        help_text="URN der Fehlerart, z. B. urn:ki-register:problem:not-found"
    )
    title = serializers.CharField(help_text="Kurze Zusammenfassung in der Sprache der Anfrage")
    status = serializers.IntegerField(help_text="HTTP-Statuscode")
    detail = serializers.CharField(help_text="Was genau nicht stimmt")
    instance = serializers.CharField(help_text="Pfad der Anfrage")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Fehlermeldungen je Feld (verschachtelte Felder mit Punkten: legal_bases.0.law)",
    )


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure as {dotted.field: [messages]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "non_field_errors" if key in {"__all__", "non_field_errors"} else str(key)
            for sub, messages in flatten_errors(value, f"{prefix}{name}.").items():
                flat.setdefault(sub, []).extend(messages)
    elif (
        isinstance(detail, list) and detail and all(not isinstance(d, dict | list) for d in detail)
    ):
        flat[prefix.rstrip(".") or "non_field_errors"] = [str(d) for d in detail]
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if value:
                flat.update(flatten_errors(value, f"{prefix}{index}."))
    else:
        flat[prefix.rstrip(".") or "non_field_errors"] = [str(detail)]
    return flat


def django_validation_error_to_dict(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A model or service ValidationError as field → messages; service child keys become dotted."""
    if not hasattr(exc, "error_dict"):
        return {"non_field_errors": list(exc.messages)}
    result: dict[str, list[str]] = {}
    for key, messages in exc.message_dict.items():
        # registry.services names child-row errors "legal_bases-0-law".
        name = "non_field_errors" if key == "__all__" else key.replace("-", ".")
        result.setdefault(name, []).extend(messages)
    return result


def problem_response(
    status_code: int,
    *,
    detail: str,
    instance: str,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    slug, title = KINDS.get(status_code, ("error", "Fehler."))
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + slug,
        "title": str(title),
        "status": status_code,
        "detail": detail,
        "instance": instance,
    }
    if errors is not None:
        body["errors"] = errors
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler, answering every error as a problem document."""
    request = context.get("request")
    instance = request.path if request is not None else ""
    if isinstance(exc, DjangoValidationError):
        return problem_response(
            400,
            detail=_("Bitte prüfen Sie die markierten Angaben."),
            instance=instance,
            errors=django_validation_error_to_dict(exc),
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Nicht gefunden."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or _("Sie dürfen das nicht."))
    response = exception_handler(exc, context)
    if response is None:
        return None
    headers = {
        name: value
        for name, value in response.items()
        if name.lower() in {"www-authenticate", "allow", "retry-after"}
    }
    if isinstance(exc, exceptions.ValidationError):
        return problem_response(
            400,
            detail=_("Bitte prüfen Sie die markierten Angaben."),
            instance=instance,
            errors=flatten_errors(exc.detail),
            headers=headers,
        )
    assert isinstance(exc, exceptions.APIException)
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    return problem_response(
        response.status_code, detail=str(detail), instance=instance, headers=headers
    )


@csrf_exempt
def api_not_found(request: Any, *args: Any, **kwargs: Any) -> Any:
    """404 for any /api/ address no route matches, as a problem document like every other error."""
    from django.http import JsonResponse

    slug, title = KINDS[404]
    return JsonResponse(
        {
            "type": TYPE_PREFIX + slug,
            "title": str(title),
            "status": 404,
            "detail": _("Nicht gefunden."),
            "instance": request.path,
        },
        status=404,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )
