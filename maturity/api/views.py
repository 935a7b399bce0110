"""/api/v1/maturity/…: the maturity records as the maturity pages show them, schema "maturity-1.0".

Lists come from the visibility functions of maturity.permissions (the pages' rules, in the
query); single records from the same lists, so missing and not-visible are the same 404.
Measures are written through maturity.services, which check who may act.
"""

from typing import Any

import django_filters
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from maturity import permissions, selectors, services
from maturity.api import serializers as api
from maturity.models import (
    DIMENSION_CHOICES,
    MaturityMeasure,
    ReadinessAssessment,
    ServiceAssessment,
)
from maturity.questionnaires import (
    BASIC_COMPONENTS,
    CRITERIA,
    DIMENSIONS,
    GOVERNANCE_BASICS,
    READINESS_LEVEL_RULE,
    READINESS_MAX_LEVEL,
    READINESS_QUESTIONS,
    READINESS_SCALE,
    READINESS_VERSION,
    SEED_SOURCE,
    SERVICE_LEVEL_RULE,
    SERVICE_LEVEL_RULE_SOURCE,
    SERVICE_LEVEL_SOURCE_NOTE,
    SERVICE_LEVELS,
    SERVICE_MAX_LEVEL,
    SERVICE_MODEL_SOURCE,
    SERVICE_VERSION,
)
from registry.api.etags import etag_for, require_if_match
from registry.api.filters import IdFilterBackend, IdFilterSet, StrictOrderingFilter
from registry.api.views import FIELDS_PARAMETER, ApiViewMixin, EtagRetrieveMixin

ORGANISATION_HELP = "Kürzel der Organisation"


class ReadinessAssessmentFilter(IdFilterSet):
    organisation = django_filters.CharFilter(
        field_name="organisation__slug", help_text=ORGANISATION_HELP
    )

    class Meta:
        model = ReadinessAssessment
        fields = ["organisation"]


class ServiceAssessmentFilter(IdFilterSet):
    organisation = django_filters.CharFilter(
        field_name="organisation__slug", help_text=ORGANISATION_HELP
    )
    leika_key = django_filters.CharFilter(help_text="LeiKa-Schlüssel der Leistung")

    class Meta:
        model = ServiceAssessment
        fields = ["organisation", "leika_key"]


class MaturityMeasureFilter(IdFilterSet):
    organisation = django_filters.CharFilter(
        field_name="organisation__slug", help_text=ORGANISATION_HELP
    )
    dimension = django_filters.ChoiceFilter(choices=DIMENSION_CHOICES)
    status = django_filters.ChoiceFilter(choices=MaturityMeasure.Status.choices)

    class Meta:
        model = MaturityMeasure
        fields = ["organisation", "dimension", "status"]


class VisibleListMixin(ApiViewMixin):
    """A list of what the user may see; one record of it, or 404."""

    def get_object(self) -> Any:
        try:
            return self.get_queryset().get(pk=self.kwargs["pk"])  # type: ignore[attr-defined]
        except ObjectDoesNotExist as exc:
            raise Http404 from exc


@extend_schema_view(
    list=extend_schema(
        summary=_("Standortbestimmungen (KI-Bereitschaft), die Sie sehen dürfen"),
        description=_(
            "Das KI-Gremium sieht alle Bewertungen seiner Organisationen, wer beantwortet hat "
            "und die Governance-Grundlagen; wer für den Fragebogen benannt ist, die neueste "
            "Bewertung ohne diese Angaben. Schema maturity-1.0."
        ),
        parameters=[FIELDS_PARAMETER],
    ),
    retrieve=extend_schema(
        summary=_("Eine Standortbestimmung (KI-Bereitschaft)"), parameters=[FIELDS_PARAMETER]
    ),
)
class ReadinessAssessmentViewSet(VisibleListMixin, viewsets.ReadOnlyModelViewSet):
    """Readiness assessments with their levels per dimension and the answers they came from."""

    serializer_class = api.ReadinessAssessmentSerializer
    filter_backends = [IdFilterBackend, StrictOrderingFilter]
    filterset_class = ReadinessAssessmentFilter
    ordering_fields = ["id", "assessed_at"]
    ordering = "-id"

    def get_queryset(self) -> QuerySet[ReadinessAssessment]:
        if getattr(self, "swagger_fake_view", False):
            return ReadinessAssessment.objects.none()
        return permissions.readiness_assessments_visible_to(self.actor()).select_related(
            "organisation", "assessed_by"
        )


@extend_schema_view(
    list=extend_schema(
        summary=_("Reifegrade der Verwaltungsleistungen, die Sie sehen dürfen"),
        description=_(
            "Das KI-Gremium sieht alle Bewertungen; wer für den Fragebogen benannt ist, die "
            "neueste je Leistung. Schema maturity-1.0."
        ),
        parameters=[FIELDS_PARAMETER],
    ),
    retrieve=extend_schema(
        summary=_("Der Reifegrad einer Verwaltungsleistung"), parameters=[FIELDS_PARAMETER]
    ),
)
class ServiceAssessmentViewSet(VisibleListMixin, viewsets.ReadOnlyModelViewSet):
    """OZG maturity assessments of administrative services, with the answer per criterion."""

    serializer_class = api.ServiceAssessmentSerializer
    filter_backends = [IdFilterBackend, StrictOrderingFilter]
    filterset_class = ServiceAssessmentFilter
    ordering_fields = ["id", "assessed_at"]
    ordering = "-id"

    def get_queryset(self) -> QuerySet[ServiceAssessment]:
        if getattr(self, "swagger_fake_view", False):
            return ServiceAssessment.objects.none()
        return permissions.service_assessments_visible_to(self.actor()).select_related(
            "organisation"
        )


@extend_schema_view(
    list=extend_schema(
        summary=_("Maßnahmen zum Reifegrad (KI-Gremium)"), parameters=[FIELDS_PARAMETER]
    ),
    retrieve=extend_schema(summary=_("Eine Maßnahme zum Reifegrad"), parameters=[FIELDS_PARAMETER]),
    create=extend_schema(
        summary=_("Eine Maßnahme zum Reifegrad planen"),
        request=api.MaturityMeasureCreateSerializer,
        responses={201: api.MaturityMeasureSerializer},
    ),
    partial_update=extend_schema(
        summary=_("Eine Maßnahme zum Reifegrad ändern"),
        request=api.MaturityMeasureUpdateSerializer,
        responses={200: api.MaturityMeasureSerializer},
    ),
)
class MaturityMeasureViewSet(
    VisibleListMixin,
    EtagRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The board's measures against maturity gaps; changes name the version they were based on."""

    filter_backends = [IdFilterBackend, StrictOrderingFilter]
    filterset_class = MaturityMeasureFilter
    ordering_fields = ["id", "due_date"]
    ordering = "-id"
    read_serializer_class = api.MaturityMeasureSerializer

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action == "create":
            return api.MaturityMeasureCreateSerializer
        if self.action == "partial_update":
            return api.MaturityMeasureUpdateSerializer
        return api.MaturityMeasureSerializer

    def get_queryset(self) -> QuerySet[MaturityMeasure]:
        if getattr(self, "swagger_fake_view", False):
            return MaturityMeasure.objects.none()
        return permissions.measures_visible_to(self.actor()).select_related("organisation")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = api.MaturityMeasureCreateSerializer(
            data=request.data, organisations=selectors.maturity_organisations_of(self.actor())
        )
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        organisation = fields.pop("organisation")
        reason = fields.pop("reason")
        measure = services.create_measure(organisation, actor=self.actor(), reason=reason, **fields)
        response = self.respond_with(
            self.get_queryset().get(pk=measure.pk), status.HTTP_201_CREATED
        )
        response["Location"] = f"{request.path}{measure.pk}/"
        return response

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with transaction.atomic():
            measure = self.get_object()
            # The row lock makes the If-Match comparison and the write one step.
            current = (
                MaturityMeasure.objects.select_for_update(of=("self",))
                .select_related("organisation")
                .get(pk=measure.pk)
            )
            require_if_match(request, etag_for(self.representation(current)))
            body = api.MaturityMeasureUpdateSerializer(data=request.data, partial=True)
            body.is_valid(raise_exception=True)
            fields = dict(body.validated_data)
            reason = fields.pop("reason", "")
            services.update_measure(
                current,
                actor=self.actor(),
                reason=reason,
                expected_version=services.measure_version(current),
                **fields,
            )
        return self.respond_with(self.get_queryset().get(pk=measure.pk))


def _questionnaires() -> dict[str, Any]:
    """Both questionnaires as data, so that integrators can read the answers they get."""
    return {
        "readiness": {
            "version": READINESS_VERSION,
            "source": SEED_SOURCE,
            "max_level": READINESS_MAX_LEVEL,
            "level_rule": READINESS_LEVEL_RULE,
            "scale": [{"level": level, "label": label} for level, label in READINESS_SCALE],
            "dimensions": DIMENSIONS,
            "questions": READINESS_QUESTIONS,
            "governance_basics": GOVERNANCE_BASICS,
        },
        "services": {
            "version": SERVICE_VERSION,
            "source": SERVICE_MODEL_SOURCE,
            "max_level": SERVICE_MAX_LEVEL,
            "level_rule": SERVICE_LEVEL_RULE,
            "level_rule_source": SERVICE_LEVEL_RULE_SOURCE,
            "levels": [{"level": level, "label": label} for level, label in SERVICE_LEVELS],
            "levels_source_note": SERVICE_LEVEL_SOURCE_NOTE,
            "basic_components": [
                {"key": key, "label": label} for key, label in BASIC_COMPONENTS.items()
            ],
            "criteria": CRITERIA,
        },
    }


class QuestionnairesView(ApiViewMixin, APIView):
    """The readiness and the service maturity questionnaire, with versions and sources."""

    @extend_schema(
        summary=_("Die Fragebögen der Standortbestimmung mit Versionen und Quellen"),
        description=_(
            "Fragen, Kriterien, Stufen und Quellen, nach denen die Antworten der "
            "Standortbestimmungen zu lesen sind. Schema maturity-1.0."
        ),
        responses=api.QuestionnairesSerializer,
    )
    def get(self, request: Request) -> Response:
        return Response(api.QuestionnairesSerializer(_questionnaires()).data)
