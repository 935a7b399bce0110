"""/api/v1/incidents/ and /api/v1/objections/: lists from the visibility selectors, writes through
the services (which check who may act)."""

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from incidents import permissions, services
from incidents.api import serializers as api
from incidents.models import Incident, Objection
from registry.api.filters import IdFilterBackend, StrictOrderingFilter
from registry.api.views import ApiViewMixin


@extend_schema_view(
    list=extend_schema(summary="Störungen, die Sie sehen dürfen"),
    retrieve=extend_schema(summary="Eine Störung mit ihren Meldungen"),
    create=extend_schema(summary="Eine Störung erfassen"),
)
class IncidentViewSet(
    ApiViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = api.IncidentSerializer
    filter_backends = [IdFilterBackend, StrictOrderingFilter]
    ordering_fields = ["id", "aware_at"]
    ordering = "-aware_at"

    def get_queryset(self) -> Any:
        return permissions.incidents_visible_to(self.request.user).prefetch_related("reports")

    def get_object(self) -> Incident:
        return permissions.access_incident(self.actor(), self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        use_case = fields.pop("use_case")
        reason = fields.pop("reason", "")
        incident = services.record_incident(use_case, actor=self.actor(), reason=reason, **fields)
        response = self.respond_with(incident, status.HTTP_201_CREATED)
        response["Location"] = f"{request.path}{incident.pk}/"
        return response

    @extend_schema(
        summary="Eine Meldung erfassen",
        request=api.ReportRequestSerializer,
        responses=api.IncidentSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def reports(self, request: Request, pk: str) -> Response:
        body = api.ReportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        incident = self.get_object()
        services.record_report(incident, actor=self.actor(), **body.validated_data)
        return self.respond_with(Incident.objects.get(pk=incident.pk), status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Widersprüche zu Ihren Anwendungsfällen"),
    retrieve=extend_schema(summary="Ein Widerspruch (ohne Kontaktdaten)"),
    create=extend_schema(
        summary="Einen Widerspruch erfassen, der per Post, Telefon oder E-Mail kam",
        request=api.ObjectionCreateSerializer,
    ),
)
class ObjectionViewSet(
    ApiViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = api.ObjectionSerializer
    filter_backends = [IdFilterBackend, StrictOrderingFilter]
    ordering_fields = ["id", "received_at", "due_date"]
    ordering = "-received_at"

    def get_queryset(self) -> Any:
        return permissions.objections_visible_to(self.request.user)

    def get_object(self) -> Objection:
        return permissions.access_objection(self.actor(), self.kwargs["pk"])

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = api.ObjectionCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        contact = {
            key: data.pop(key, "")
            for key in ("statement", "name", "email", "postal_address", "phone")
        }
        objection = services.record_objection(
            data["use_case"],
            actor=self.actor(),
            channel=data["channel"],
            received_at=data["received_at"],
            contact=contact,
        )
        response = self.respond_with(objection, status.HTTP_201_CREATED)
        response["Location"] = f"{request.path}{objection.pk}/"
        return response

    @extend_schema(
        summary="Das Ergebnis der menschlichen Überprüfung dokumentieren",
        request=api.ObjectionDecisionSerializer,
        responses=api.ObjectionSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def decide(self, request: Request, pk: str) -> Response:
        body = api.ObjectionDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        objection = self.get_object()
        services.decide_objection(objection, actor=self.actor(), **body.validated_data)
        return self.respond_with(Objection.objects.get(pk=objection.pk))
