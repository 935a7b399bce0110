"""/api/v1/outcome-measurements/, /api/v1/portfolio/candidates/ and /api/v1/public/outcomes/:
lists from the visibility selectors, writes through the services (which check who may act)."""

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portfolio import formula, permissions, selectors, services
from portfolio.api import serializers as api
from portfolio.models import Measurement
from portfolio.opendata import OUTCOMES_SCHEMA_VERSION
from registry import permissions as registry_permissions
from registry.api.etags import etag_for, require_if_match
from registry.api.filters import IdFilterBackend, StrictOrderingFilter
from registry.api.history import record_history
from registry.api.views import ApiViewMixin, EtagRetrieveMixin


@extend_schema_view(
    list=extend_schema(summary="Messwerte der Wirkung, die Sie sehen dürfen (Schema outcomes-1.0)"),
    retrieve=extend_schema(summary="Ein Messwert der Wirkung"),
    create=extend_schema(
        summary="Einen Messwert erfassen",
        request=api.MeasurementCreateSerializer,
        responses={201: api.MeasurementSerializer},
    ),
    partial_update=extend_schema(
        summary="Einen Messwert korrigieren (mit Grund; die Historie behält den alten Wert)",
        request=api.MeasurementUpdateSerializer,
        responses={200: api.MeasurementSerializer},
    ),
)
class MeasurementViewSet(
    EtagRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = api.MeasurementSerializer
    filter_backends = [IdFilterBackend, StrictOrderingFilter]
    filterset_fields = ["use_case", "phase"]
    ordering_fields = ["id", "period_end"]
    ordering = "-id"
    read_serializer_class = api.MeasurementSerializer

    def get_queryset(self) -> QuerySet[Measurement]:
        if getattr(self, "swagger_fake_view", False):
            return Measurement.objects.none()
        visible = permissions.outcome_use_cases_visible_to(self.actor())
        return Measurement.objects.filter(use_case__in=visible).select_related(
            "indicator", "entered_by"
        )

    def get_object(self) -> Measurement:
        try:
            return self.get_queryset().get(pk=self.kwargs["pk"])
        except Measurement.DoesNotExist as exc:
            raise Http404 from exc

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = api.MeasurementCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        use_case = data.pop("use_case")
        # A use case the caller cannot see is not there; one it sees but may not measure is 403.
        if (
            not registry_permissions.use_cases_visible_to(self.actor())
            .filter(pk=use_case.pk)
            .exists()
        ):
            raise Http404
        measurement = services.record_measurement(use_case, actor=self.actor(), **data)
        response = self.respond_with(
            Measurement.objects.select_related("indicator", "entered_by").get(pk=measurement.pk),
            status.HTTP_201_CREATED,
        )
        response["Location"] = f"{request.path}{measurement.pk}/"
        return response

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with transaction.atomic():
            measurement = self.get_object()
            # The row lock makes the If-Match comparison and the correction one step.
            current = (
                Measurement.objects.select_for_update(of=("self",))
                .select_related("indicator", "entered_by")
                .get(pk=measurement.pk)
            )
            require_if_match(request, etag_for(self.representation(current)))
            body = api.MeasurementUpdateSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            fields = dict(body.validated_data)
            services.correct_measurement(
                current,
                actor=self.actor(),
                value=fields.get("value", current.value),
                source=fields.get("source", current.source),
                note=fields.get("note"),
                reason=fields["reason"],
                expected_version=services.measurement_version(current),
            )
        return self.respond_with(self.get_queryset().get(pk=measurement.pk))

    @extend_schema(
        summary="Historie eines Messwerts",
        description=(
            "Alle Fassungen des Messwerts, neueste zuerst: erfasst und jede Korrektur, mit "
            "Person, Zeitpunkt, Grund und den geänderten Feldern."
        ),
        responses=api.MeasurementHistoryEntrySerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request: Request, pk: str) -> Response:
        measurement = self.get_object()
        return Response(record_history(Measurement, "measurement", measurement.pk))


@extend_schema_view(
    list=extend_schema(summary="Veröffentlichte Wirkungskennzahlen (Schema outcomes-1.0)"),
)
class PublicMeasurementViewSet(ApiViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    serializer_class = api.PublicMeasurementSerializer
    filter_backends: list[Any] = []

    def get_authenticate_header(self, request: Request) -> str:
        return ""

    def get_queryset(self) -> QuerySet[Measurement]:
        return selectors.public_measurements()


class CandidateListView(ApiViewMixin, APIView):
    """The board's portfolio of one organisation, highest suitability score first; read by the
    organisation's auditors too."""

    @extend_schema(
        summary="Portfolio: Anwendungsfälle nach Eignung mit ihren Bausteinen",
        parameters=[
            OpenApiParameter(
                "slug",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description=(
                    "Kürzel der Organisation, in deren KI-Gremium Sie sitzen oder die Sie prüfen"
                ),
            )
        ],
        responses=api.CandidateListSerializer,
    )
    def get(self, request: Request, slug: str) -> Response:
        organisation, _all = permissions.access_portfolio(self.actor(), slug, audit=True)
        document = {
            "organisation": organisation.slug,
            "formula_version": formula.FORMULA_VERSION,
            "results": selectors.portfolio_of(organisation),
        }
        data = api.CandidateListSerializer(document).data
        assert data["schema_version"] == OUTCOMES_SCHEMA_VERSION
        return Response(data)
