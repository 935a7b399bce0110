"""The registry's REST API: parse the request, call one selector or service, render.

Lists start from the visibility selectors; single objects come through the access functions, so
missing and foreign records are the same 404 and visible-but-not-allowed is a 403.
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Department, Organisation, User
from accounts.roles import boards_of, organisations_where
from registry import permissions, services
from registry.api import serializers as api
from registry.api.deprecation import DeprecatedV1Mixin, deprecation_headers_schema
from registry.api.etags import etag_for, require_if_match
from registry.api.filters import (
    AISystemFilter,
    FullTextSearchFilter,
    IdFilterBackend,
    PublishedUseCaseFilter,
    SearchOrderingFilter,
    StrictOrderingFilter,
)
from registry.api.history import public_changes
from registry.models import AISystem, PublishedUseCase, WebhookDelivery, WebhookEndpoint
from registry.public import opendata
from registry.public import selectors as public_selectors
from registry.public.caching import cache_headers, cached_data, revalidate
from registry.webhooks.endpoints import (
    create_webhook_endpoint,
    delete_webhook_endpoint,
    rotate_webhook_secret,
    update_webhook_endpoint,
)
from registry.webhooks.events import replay_webhook_delivery

FIELDS_PARAMETER = OpenApiParameter(
    "fields",
    OpenApiTypes.STR,
    description=_("Nur diese Felder ausgeben, durch Kommas getrennt (z. B. id,title,status)."),
)


def selected_fields(request: Request, known: Callable[[], list[str]]) -> list[str] | None:
    """The fields `?fields=` names on a GET, each checked against `known()`; None: all of them."""
    raw = request.query_params.get("fields")
    if raw is None or request.method != "GET":
        return None
    names = [name.strip() for name in raw.split(",") if name.strip()]
    if not names:
        # Empty terms are skipped, as in ?ordering=; none at all is no narrowing.
        return None
    allowed = known()
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise ValidationError(
            {"fields": [_("Unbekannte Felder: %(names)s") % {"names": ", ".join(unknown)}]}
        )
    return names


class ApiViewMixin:
    """What every API view shares: bearer-token challenge, `?fields=`, ETags on writes."""

    # The router matches only ids a database can hold: anything else is not an address (404).
    lookup_value_converter = "id"
    # Views that take If-Match on PUT/PATCH and send an ETag; read by the schema too.
    uses_etags = False
    # Which serializer class renders the representation the ETag is computed from.
    read_serializer_class: type[serializers.Serializer] | None = None

    def get_authenticate_header(self, request: Request) -> str:
        # Anonymous callers get 401 with a challenge, never a bare 403.
        header = super().get_authenticate_header(request)  # type: ignore[misc]
        return header or 'Bearer realm="ki-register"'

    def actor(self) -> User:
        user = self.request.user  # type: ignore[attr-defined]
        assert isinstance(user, User)
        return user

    def field_names(self) -> list[str]:
        """The fields of this view's representation: what `?fields=` may name."""
        return api.output_fields(self.get_serializer_class(), self.get_serializer_context())  # type: ignore[attr-defined]

    def selected_fields(self) -> list[str] | None:
        return selected_fields(self.request, self.field_names)  # type: ignore[attr-defined]

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        fields = self.selected_fields()
        if fields is not None:
            kwargs["fields"] = fields
        return super().get_serializer(*args, **kwargs)  # type: ignore[misc]

    def representation(self, instance: Model) -> dict[str, Any]:
        serializer_class = self.read_serializer_class or self.get_serializer_class()  # type: ignore[attr-defined]
        rendered: dict[str, Any] = serializer_class(
            instance,
            context=self.get_serializer_context(),  # type: ignore[attr-defined]
        ).data
        return rendered

    def respond_with(self, instance: Model, status_code: int = 200) -> Response:
        data = self.representation(instance)
        response = Response(data, status=status_code)
        if self.uses_etags:
            response["ETag"] = etag_for(data)
        return response


class EtagRetrieveMixin(ApiViewMixin):
    uses_etags = True

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()  # type: ignore[attr-defined]
        fields = self.selected_fields()
        response = self.respond_with(instance)
        if fields is not None:
            response.data = {name: response.data[name] for name in fields}
        return response


# -- organisations and departments --------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=_("Organisationen, in denen Sie eine Rolle haben")),
    retrieve=extend_schema(summary=_("Eine Organisation")),
)
class OrganisationViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = api.OrganisationSerializer
    filter_backends = [FullTextSearchFilter, SearchOrderingFilter]
    search_fields = ["name", "slug", "ags"]
    ordering_fields = ["id", "name"]
    ordering = "name"

    def get_queryset(self) -> QuerySet[Organisation]:
        return organisations_where(self.request.user)


@extend_schema_view(
    list=extend_schema(summary=_("Fachbereiche Ihrer Organisationen")),
    retrieve=extend_schema(summary=_("Ein Fachbereich")),
)
class DepartmentViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = api.DepartmentSerializer
    filter_backends = [IdFilterBackend, FullTextSearchFilter, SearchOrderingFilter]
    filterset_fields = ["organisation"]
    search_fields = ["name"]
    ordering_fields = ["id", "name"]
    ordering = "name"

    def get_queryset(self) -> QuerySet[Department]:
        return Department.objects.filter(organisation__in=organisations_where(self.request.user))


# -- AI systems ---------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=_("KI-Systeme Ihrer Organisationen"), parameters=[FIELDS_PARAMETER]),
    retrieve=extend_schema(summary=_("Ein KI-System"), parameters=[FIELDS_PARAMETER]),
    create=extend_schema(summary=_("KI-System anlegen")),
    update=extend_schema(summary=_("KI-System ersetzen")),
    partial_update=extend_schema(summary=_("KI-System ändern")),
)
class AISystemViewSet(
    EtagRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    filter_backends = [IdFilterBackend, FullTextSearchFilter, SearchOrderingFilter]
    filterset_class = AISystemFilter
    search_fields = ["name", "vendor", "product", "model_name", "description"]
    ordering_fields = ["id", "name", "updated_at"]
    ordering = "name"
    read_serializer_class = api.AISystemSerializer

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action in {"update", "partial_update"}:
            return api.AISystemUpdateSerializer
        return api.AISystemSerializer

    def get_queryset(self) -> QuerySet[AISystem]:
        return permissions.ai_systems_visible_to(self.request.user)

    def get_object(self) -> AISystem:
        return permissions.access_ai_system(self.actor(), self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        organisation = fields.pop("organisation")
        reason = fields.pop("reason", "")
        ai_system = services.create_ai_system(
            actor=self.actor(), organisation=organisation, reason=reason, **fields
        )
        response = self.respond_with(ai_system, status.HTTP_201_CREATED)
        response["Location"] = f"{request.path}{ai_system.pk}/"
        return response

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            ai_system = permissions.access_ai_system(
                self.actor(), kwargs["pk"], perm=permissions.CHANGE_AI_SYSTEM
            )
            # The row lock makes the If-Match comparison and the write one step.
            ai_system = AISystem.objects.select_for_update().get(pk=ai_system.pk)
            require_if_match(request, etag_for(self.representation(ai_system)))
            serializer = self.get_serializer(ai_system, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            fields = dict(serializer.validated_data)
            reason = fields.pop("reason", "") or _("über die API geändert")
            services.update_ai_system(ai_system, actor=self.actor(), reason=reason, **fields)
        return self.respond_with(AISystem.objects.get(pk=ai_system.pk))


# -- public -------------------------------------------------------------------------------------


class PublicReadViewSet(viewsets.ReadOnlyModelViewSet):
    """What every version of the public records shares: no login, the same filters, search,
    ordering and cursor pages, the pages' ETag and caching, and the public change log."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    lookup_value_converter = "id"
    filter_backends = [IdFilterBackend, FullTextSearchFilter, SearchOrderingFilter]
    filterset_class = PublishedUseCaseFilter
    search_fields = ["title", "short_description", "purpose", "department_name"]
    ordering_fields = ["title", "published_at"]
    ordering = "title"
    lookup_field = "use_case_id"
    lookup_url_kwarg = "pk"

    def get_authenticate_header(self, request: Request) -> str:
        return ""

    def get_queryset(self) -> QuerySet[PublishedUseCase]:
        return PublishedUseCase.objects.select_related("organisation")

    @staticmethod
    def conditional(request: Request, version: Any, build: Callable[[], Any]) -> Any:
        """Answer 304 to a current copy, else the data, serialized once per version (see
        registry.public.caching): the public API has the ETag and Last-Modified of the pages."""
        etag, cached = revalidate(request, version, "api", request.get_host())
        if cached is not None:
            return cached
        response = Response(cached_data(request, etag, version, build))
        return cache_headers(request, response, etag, version)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.conditional(
            request,
            public_selectors.register_freshness(),
            lambda: super(PublicReadViewSet, self).list(request, *args, **kwargs).data,
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.conditional(
            request,
            public_selectors.use_case_freshness(int(self.kwargs["pk"])),
            lambda: super(PublicReadViewSet, self).retrieve(request, *args, **kwargs).data,
        )

    @extend_schema(
        summary=_("Öffentliches Änderungsprotokoll"),
        responses=api.PublicChangeSerializer(many=True),
        filters=False,
        auth=[],
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def changes(self, request: Request, pk: str) -> Response:
        def build() -> Any:
            return public_changes(self.get_object())

        return self.conditional(request, public_selectors.use_case_freshness(int(pk)), build)


@extend_schema_view(
    list=extend_schema(
        summary=_("Veröffentlichte Anwendungsfälle"),
        description=_("Ohne Anmeldung; jeder Eintrag genau wie in den offenen Daten (JSON)."),
        auth=[],
        parameters=[FIELDS_PARAMETER],
    ),
    retrieve=extend_schema(
        summary=_("Ein veröffentlichter Anwendungsfall"), auth=[], parameters=[FIELDS_PARAMETER]
    ),
)
class PublicRecordViewSet(PublicReadViewSet):
    """/api/v2/public/use-cases/: the open data's record (registry.public.opendata)."""

    serializer_class = api.PublicRecordSerializer

    def field_names(self) -> list[str]:
        """The record's top-level properties, as the open data's schema names them."""
        return list(opendata.record_definitions()["use_case"]["properties"])

    def get_serializer_context(self) -> dict[str, Any]:
        page = reverse("registry:use_case", args=[opendata.UrlFor.PLACEHOLDER])
        url_for = opendata.UrlFor(self.request.build_absolute_uri(page))
        context = {**super().get_serializer_context(), "url_for": url_for}
        if self.action in {"list", "retrieve"}:
            context["fields"] = selected_fields(self.request, self.field_names)
        return context


@extend_schema_view(
    list=extend_schema(
        summary=_("Veröffentlichte Anwendungsfälle"),
        description=_("Ohne Anmeldung; genau die öffentlichen Angaben des Transparenzregisters."),
        auth=[],
        deprecated=True,
        parameters=deprecation_headers_schema(),
    ),
    retrieve=extend_schema(
        summary=_("Ein veröffentlichter Anwendungsfall"),
        auth=[],
        deprecated=True,
        parameters=deprecation_headers_schema(),
    ),
    changes=extend_schema(deprecated=True, parameters=deprecation_headers_schema()),
)
class PublicUseCaseViewSet(DeprecatedV1Mixin, ApiViewMixin, PublicReadViewSet):
    """/api/v1/public/use-cases/: flat fields; deprecated for v2, answered until its sunset."""

    serializer_class = api.PublishedUseCaseSerializer

    def get_authenticate_header(self, request: Request) -> str:
        return ""


# -- webhooks -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=_("Webhook-Empfänger (KI-Gremium)")),
    retrieve=extend_schema(summary=_("Ein Webhook-Empfänger")),
    create=extend_schema(
        summary=_("Webhook-Empfänger anlegen"),
        responses={201: api.WebhookEndpointWithSecretSerializer},
    ),
    update=extend_schema(summary=_("Webhook-Empfänger ersetzen")),
    partial_update=extend_schema(summary=_("Webhook-Empfänger ändern")),
    destroy=extend_schema(summary=_("Webhook-Empfänger löschen")),
)
class WebhookEndpointViewSet(EtagRetrieveMixin, viewsets.ModelViewSet):
    filter_backends = [IdFilterBackend, StrictOrderingFilter]
    filterset_fields = ["organisation", "is_active"]
    ordering_fields = ["id", "created_at"]
    ordering = "id"
    read_serializer_class = api.WebhookEndpointSerializer

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action in {"update", "partial_update"}:
            return api.WebhookEndpointUpdateSerializer
        if self.action == "deliveries":
            return api.WebhookDeliverySerializer
        return api.WebhookEndpointSerializer

    def get_queryset(self) -> QuerySet[WebhookEndpoint]:
        return permissions.webhook_endpoints_visible_to(self.request.user)

    def get_object(self) -> WebhookEndpoint:
        return permissions.access_webhook_endpoint(self.actor(), self.kwargs["pk"])

    def _require_board_somewhere(self) -> None:
        if not boards_of(self.actor()).exists():
            raise PermissionDenied(_("Nur das KI-Gremium verwaltet Webhooks."))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._require_board_somewhere()
        return super().list(request, *args, **kwargs)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._require_board_somewhere()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = create_webhook_endpoint(actor=self.actor(), **serializer.validated_data)
        data = api.WebhookEndpointWithSecretSerializer(
            endpoint, context=self.get_serializer_context()
        ).data
        response = Response(data, status=status.HTTP_201_CREATED)
        response["ETag"] = etag_for(self.representation(endpoint))
        response["Location"] = f"{request.path}{endpoint.pk}/"
        return response

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            endpoint = permissions.access_webhook_endpoint(self.actor(), kwargs["pk"])
            endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
            require_if_match(request, etag_for(self.representation(endpoint)))
            serializer = self.get_serializer(endpoint, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            update_webhook_endpoint(endpoint, actor=self.actor(), **serializer.validated_data)
        return self.respond_with(WebhookEndpoint.objects.get(pk=endpoint.pk))

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        endpoint = self.get_object()
        delete_webhook_endpoint(endpoint, actor=self.actor())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary=_("Signaturschlüssel erneuern"),
        request=None,
        responses=api.WebhookEndpointWithSecretSerializer,
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, pk: str) -> Response:
        endpoint = rotate_webhook_secret(self.get_object(), actor=self.actor())
        data = api.WebhookEndpointWithSecretSerializer(
            endpoint, context=self.get_serializer_context()
        ).data
        response = Response(data)
        response["ETag"] = etag_for(self.representation(endpoint))
        return response

    @extend_schema(
        summary=_("Zustellungen an diesen Empfänger, neueste zuerst"),
        responses=api.WebhookDeliverySerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def deliveries(self, request: Request, pk: str) -> Response:
        endpoint = self.get_object()
        queryset = (
            WebhookDelivery.objects.filter(endpoint=endpoint)
            .prefetch_related("attempts")
            .order_by("-id")
        )
        page = self.paginate_queryset(queryset)
        serializer = api.WebhookDeliverySerializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        summary=_("Zustellung wiederholen"),
        request=None,
        responses={202: api.WebhookDeliverySerializer},
        parameters=[OpenApiParameter("delivery_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="deliveries/<id:delivery_id>/replay",
        url_name="replay-delivery",
    )
    def replay(self, request: Request, pk: str, delivery_id: str) -> Response:
        endpoint = self.get_object()
        delivery = WebhookDelivery.objects.filter(endpoint=endpoint, pk=delivery_id).first()
        if delivery is None:
            raise Http404
        replay = replay_webhook_delivery(delivery, actor=self.actor())
        return Response(api.WebhookDeliverySerializer(replay).data, status=status.HTTP_202_ACCEPTED)
