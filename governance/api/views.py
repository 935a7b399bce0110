"""Use cases over the API, with their governance record and workflow actions; the risk check."""

import datetime
import re
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet, prefetch_related_objects
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from governance import services, workflow
from governance.api import serializers as api
from governance.risk import FactsError, classify, parse_facts, to_json
from registry import permissions
from registry import services as registry_services
from registry.api import bulk
from registry.api import serializers as registry_api
from registry.api.etags import etag_for, require_if_match
from registry.api.filters import (
    FullTextSearchFilter,
    IdFilterBackend,
    SearchOrderingFilter,
    UseCaseFilter,
)
from registry.api.history import use_case_history
from registry.api.serializers import prefetch_children
from registry.api.views import FIELDS_PARAMETER, EtagRetrieveMixin
from registry.models import UseCase

GOVERNED_PREFETCH = prefetch_children(
    "legal_bases",
    "data_sources",
    "public_services",
    "withheld_fields",
    "obligation_items",
    "submissions",
    "sign_offs",
    "decisions",
)
REASON_PARAMETER = OpenApiParameter(
    "reason",
    OpenApiTypes.STR,
    required=True,
    description=_("Grund der Löschung; wird in der Historie gespeichert."),
)
EXPORT_TYPES = {
    "ndjson": "application/x-ndjson; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}
EXPORT_TYPE_PARAMETER = OpenApiParameter(
    "type",
    OpenApiTypes.STR,
    enum=list(EXPORT_TYPES),
    description=_(
        "Format: ndjson (Voreinstellung; eine Zeile JSON je Anwendungsfall, wie in der Liste) "
        "oder csv (Unterzeilen als JSON in ihrer Zelle)."
    ),
)
OPTIONAL_IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description=_("Optional: der ETag der gelesenen Fassung; passt er nicht mehr, folgt 412."),
)


REFERENCE_DATE_PARAMETER = OpenApiParameter(
    "on",
    OpenApiTypes.DATE,
    description=_(
        "Stichtag für den Stand jeder Pflicht (gilt, kommt, gilt nicht), etwa 2028-01-01; "
        "ohne Angabe: heute."
    ),
)


ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def reference_date(request: Request) -> datetime.date:
    """The `on` query parameter as a date (today without it); a clear 400 when malformed."""
    raw = request.query_params.get("on")
    if raw is None:
        return timezone.localdate()
    try:
        # Only the schema's full-date (2026-12-01); fromisoformat also takes 20261201, 2026-W49.
        if not ISO_DAY.fullmatch(raw):
            raise ValueError(raw)
        return datetime.date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationError(
            {"on": _("„%(value)s“ ist kein Datum wie 2026-12-01.") % {"value": raw}}
        ) from exc


class RiskClassificationView(APIView):
    """EU AI Act risk class and obligations for a set of facts; needs no login, stores nothing."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request: Request) -> str:
        return ""

    @extend_schema(
        summary=_("Risikoklasse nach KI-VO ermitteln"),
        request=api.FactsSerializer,
        responses=api.ClassificationSerializer,
        parameters=[REFERENCE_DATE_PARAMETER],
        auth=[],
    )
    def post(self, request: Request) -> Response:
        on = reference_date(request)
        try:
            facts = parse_facts(request.data)
        except FactsError as exc:
            raise ValidationError(exc.errors) from exc
        return Response(to_json(classify(facts), on=on))


def _workflow_action(
    summary: str, request_serializer: type[Serializer], url_path: str
) -> Callable[[Callable[..., Response]], Any]:
    def decorate(method: Callable[..., Response]) -> Any:
        # action() first: it replaces the function's kwargs, where extend_schema keeps its schema.
        method = action(detail=True, methods=["post"], url_path=url_path, filter_backends=[])(
            method
        )
        return extend_schema(
            summary=summary,
            request=request_serializer,
            responses=api.GovernedUseCaseSerializer,
            parameters=[OPTIONAL_IF_MATCH],
            filters=False,
        )(method)

    return decorate


@extend_schema_view(
    list=extend_schema(
        summary=_("Anwendungsfälle, die Sie sehen dürfen"), parameters=[FIELDS_PARAMETER]
    ),
    retrieve=extend_schema(summary=_("Ein Anwendungsfall"), parameters=[FIELDS_PARAMETER]),
    create=extend_schema(summary=_("Anwendungsfall anlegen")),
    update=extend_schema(summary=_("Anwendungsfall ersetzen")),
    partial_update=extend_schema(summary=_("Anwendungsfall ändern")),
    destroy=extend_schema(summary=_("Anwendungsfall löschen"), parameters=[REASON_PARAMETER]),
)
class UseCaseViewSet(EtagRetrieveMixin, viewsets.ModelViewSet):
    """Use cases with their governance record; changes and transitions go through governance."""

    filter_backends = [IdFilterBackend, FullTextSearchFilter, SearchOrderingFilter]
    filterset_class = UseCaseFilter
    search_fields = ["title", "short_description", "purpose"]
    ordering_fields = ["id", "title", "created_at", "updated_at"]
    ordering = "-updated_at"
    read_serializer_class = api.GovernedUseCaseSerializer
    # The permission each action needs on the object; PermissionDenied (403) when only visible.
    object_permissions = {
        "update": permissions.CHANGE,
        "partial_update": permissions.CHANGE,
        "destroy": permissions.DELETE,
        "history": permissions.VIEW_HISTORY,
    }

    def get_serializer_class(self) -> type[Serializer]:
        if self.action in {"list", "retrieve", "create"}:
            return api.GovernedUseCaseSerializer
        if self.action in {"update", "partial_update"}:
            return registry_api.UseCaseUpdateSerializer
        return registry_api.UseCaseSerializer

    def get_queryset(self) -> QuerySet[UseCase]:
        visible = permissions.use_cases_visible_to(self.request.user)
        if self.action == "list":
            # The page's child rows are read by the representation, one query per collection.
            return visible
        return visible.prefetch_related(*GOVERNED_PREFETCH)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A page of the list, represented from plain rows (registry.api.bulk), as the export."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        fields = self.selected_fields()
        representation = bulk.Representation.cached(
            api.GovernedUseCaseSerializer, tuple(fields) if fields is not None else None
        )
        documents = representation.documents([representation.row_of(item) for item in page])
        return self.get_paginated_response(documents)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The use case, represented from its row as in the list and the export
        (registry.api.bulk): DRF builds the serializer's fields anew for every request, which
        cost more than reading the record. The ETag is that of the same representation."""
        use_case = permissions.access_use_case(self.actor(), self.kwargs["pk"])
        fields = self.selected_fields()
        representation = bulk.Representation.cached(api.GovernedUseCaseSerializer)
        document = representation.documents([representation.row_of(use_case)])[0]
        response = Response(document if fields is None else {n: document[n] for n in fields})
        response["ETag"] = etag_for(document)
        return response

    def get_object(self) -> UseCase:
        perm = self.object_permissions.get(self.action, permissions.VIEW)
        use_case = permissions.access_use_case(self.actor(), self.kwargs["pk"], perm=perm)
        # The child rows onto the row just read, rather than reading it a second time.
        prefetch_related_objects([use_case], *GOVERNED_PREFETCH)
        return use_case

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        department = fields.pop("department")
        reason = fields.pop("reason", "")
        children = {key: fields.pop(key) for key in registry_api.CHILD_SERIALIZERS if key in fields}
        use_case = registry_services.create_use_case(
            actor=self.actor(), department=department, reason=reason, children=children, **fields
        )
        response = self.respond_with(
            UseCase.objects.prefetch_related(*GOVERNED_PREFETCH).get(pk=use_case.pk),
            status.HTTP_201_CREATED,
        )
        response["Location"] = f"{request.path}{use_case.pk}/"
        return response

    def _locked_representation(self, pk: int) -> UseCase:
        """The use case's row locked for the transaction, with the children its representation
        shows: one read, so the If-Match comparison and the write are one step."""
        return (
            UseCase.objects.select_for_update(of=("self",))
            .prefetch_related(*GOVERNED_PREFETCH)
            .get(pk=pk)
        )

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        # The one permission check of the request; the services take it instead of asking again.
        use_case, checked = permissions.check_use_case(
            self.actor(), self.kwargs["pk"], perm=self.object_permissions[self.action]
        )
        with transaction.atomic():
            current = self._locked_representation(use_case.pk)
            require_if_match(request, etag_for(self.representation(current)))
            serializer = self.get_serializer(current, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            fields = dict(serializer.validated_data)
            reason = fields.pop("reason")
            children = {
                key: fields.pop(key) for key in registry_api.CHILD_SERIALIZERS if key in fields
            }
            services.change_use_case(
                current,
                actor=self.actor(),
                reason=reason,
                children=children or None,
                checked=checked,
                **fields,
            )
        return self.respond_with(
            UseCase.objects.prefetch_related(*GOVERNED_PREFETCH).get(pk=use_case.pk)
        )

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        use_case = self.get_object()
        reason = request.query_params.get("reason", "")
        if not reason.strip():
            raise ValidationError(
                {"reason": [_("Bitte geben Sie einen Grund für die Löschung an.")]}
            )
        if request.headers.get("If-Match"):
            require_if_match(request, etag_for(self.representation(use_case)))
        services.delete_use_case(use_case, actor=self.actor(), reason=reason)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary=_("Historie eines Anwendungsfalls"),
        description=_(
            "Alle Fassungen des Anwendungsfalls und seiner Unterzeilen (Rechtsgrundlagen, "
            "Datenquellen, Leistungen, zurückgehaltene Angaben), neueste zuerst, mit Person, "
            "Zeitpunkt, Grund und den geänderten Feldern."
        ),
        responses=registry_api.HistoryEntrySerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request: Request, pk: str) -> Response:
        # The access check alone: the history reads none of the representation's child rows.
        perm = self.object_permissions["history"]
        use_case = permissions.access_use_case(self.actor(), pk, perm=perm)
        return Response(use_case_history(use_case.pk))

    @extend_schema(
        summary=_("Alle Anwendungsfälle, die Sie sehen dürfen, als Datenstrom"),
        description=_(
            "Für Fachverfahren und Datenabgleich: jeder sichtbare Anwendungsfall in derselben "
            "Darstellung wie in der Liste, älteste Änderung zuerst, als NDJSON oder CSV gestreamt. "
            "Mit updated_after (ISO 8601) nur, was sich seit diesem Zeitpunkt geändert hat "
            "(einschließlich): den größten erhaltenen updated_at-Wert beim nächsten Abruf "
            "mitsenden. Gelöschte Anwendungsfälle fehlen; sie meldet der Webhook "
            "use_case.deleted. Die übrigen Filter der Liste gelten ebenso."
        ),
        parameters=[EXPORT_TYPE_PARAMETER],
        responses={
            (200, "application/x-ndjson"): OpenApiResponse(
                OpenApiTypes.STR, description=_("Ein JSON-Objekt je Zeile")
            ),
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description=_("Eine Kopfzeile, dann eine Zeile je Fall")
            ),
        },
        filters=True,
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="export",
        pagination_class=None,
        filter_backends=[IdFilterBackend],
    )
    def export(self, request: Request) -> StreamingHttpResponse:
        kind = request.query_params.get("type", "ndjson")
        if kind not in EXPORT_TYPES:
            raise ValidationError({"type": [_("Bitte „ndjson“ oder „csv“ angeben.")]})
        use_cases = self.filter_queryset(permissions.use_cases_visible_to(self.actor()))
        representation = bulk.Representation.cached(api.GovernedUseCaseSerializer)
        documents = bulk.chunks(use_cases, representation)
        if kind == "csv":
            columns = representation.names
            response = StreamingHttpResponse(
                bulk.csv_lines(columns, documents), content_type=EXPORT_TYPES[kind]
            )
            response["Content-Disposition"] = 'attachment; filename="anwendungsfaelle.csv"'
            return response
        return StreamingHttpResponse(bulk.ndjson_lines(documents), content_type=EXPORT_TYPES[kind])

    def _transition(
        self, request: Request, serializer_class: type[Serializer], name: str
    ) -> Response:
        """Take the workflow table's transition `name` with the request's validated body."""
        run = services.service_of(workflow.TRANSITIONS[name])
        # The one visibility check of the request (each step checks its own role on the row).
        use_case, checked = permissions.check_use_case(self.actor(), self.kwargs["pk"])
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            if request.headers.get("If-Match"):
                current = self._locked_representation(use_case.pk)
                require_if_match(request, etag_for(self.representation(current)))
            run(use_case, actor=self.actor(), checked=checked, **serializer.validated_data)
        return self.respond_with(
            UseCase.objects.prefetch_related(*GOVERNED_PREFETCH).get(pk=use_case.pk)
        )

    @_workflow_action(_("Zur Prüfung einreichen"), api.SubmitSerializer, "submit")
    def submit(self, request: Request, pk: str) -> Response:
        return self._transition(request, api.SubmitSerializer, "submit")

    @_workflow_action(
        _("Votum abgeben (DSB, ISB, Personalrat)"), api.SignOffRequestSerializer, "sign-off"
    )
    def sign_off(self, request: Request, pk: str) -> Response:
        return self._transition(request, api.SignOffRequestSerializer, "sign_off")

    @_workflow_action(_("Entscheiden (KI-Gremium)"), api.DecideSerializer, "decide")
    def decide(self, request: Request, pk: str) -> Response:
        return self._transition(request, api.DecideSerializer, "decide")

    @_workflow_action(_("In Betrieb nehmen"), api.ReasonSerializer, "put-into-operation")
    def put_into_operation(self, request: Request, pk: str) -> Response:
        return self._transition(request, api.ReasonSerializer, "put_into_operation")

    @_workflow_action(_("Außer Betrieb nehmen"), api.ReasonSerializer, "retire")
    def retire(self, request: Request, pk: str) -> Response:
        return self._transition(request, api.ReasonSerializer, "retire")
