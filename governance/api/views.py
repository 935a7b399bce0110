"""Governance over the API: the risk classification and the workflow actions on use cases."""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from governance import services
from governance.api import serializers as api
from governance.risk import FactsError, classify, parse_facts, to_json
from registry import permissions
from registry.api.etags import etag_for, require_if_match
from registry.api.serializers import prefetch_children
from registry.api.views import UseCaseViewSet
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
OPTIONAL_IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description=_("Optional: der ETag der gelesenen Fassung; passt er nicht mehr, folgt 412."),
)


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
        auth=[],
    )
    def post(self, request: Request) -> Response:
        try:
            facts = parse_facts(request.data)
        except FactsError as exc:
            raise ValidationError(exc.errors) from exc
        return Response(to_json(classify(facts)))


def _workflow_action(
    summary: str, request_serializer: type[Serializer], url_path: str
) -> Callable[[Callable[..., Response]], Any]:
    def decorate(method: Callable[..., Response]) -> Any:
        method = extend_schema(
            summary=summary,
            request=request_serializer,
            responses=api.GovernedUseCaseSerializer,
            parameters=[OPTIONAL_IF_MATCH],
            filters=False,
        )(method)
        return action(detail=True, methods=["post"], url_path=url_path, filter_backends=[])(method)

    return decorate


class GovernedUseCaseViewSet(UseCaseViewSet):
    """Use cases with their governance record; changes and transitions go through governance."""

    read_serializer_class = api.GovernedUseCaseSerializer

    @staticmethod
    def change_service(use_case: UseCase, **kwargs: Any) -> Any:
        return services.change_use_case(use_case, **kwargs)

    def get_serializer_class(self) -> type[Serializer]:
        if self.action in {"list", "retrieve", "create"}:
            return api.GovernedUseCaseSerializer
        return super().get_serializer_class()

    def get_queryset(self) -> Any:
        return permissions.use_cases_visible_to(self.request.user).prefetch_related(  # type: ignore[arg-type]
            *GOVERNED_PREFETCH
        )

    def get_object(self) -> UseCase:
        perm = self.object_permissions.get(self.action, permissions.VIEW)
        use_case = permissions.access_use_case(self.actor(), self.kwargs["pk"], perm=perm)
        return UseCase.objects.prefetch_related(*GOVERNED_PREFETCH).get(pk=use_case.pk)

    def _transition(
        self, request: Request, serializer_class: type[Serializer], run: Callable[..., Any]
    ) -> Response:
        use_case = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            if request.headers.get("If-Match"):
                UseCase.objects.select_for_update().filter(pk=use_case.pk).first()
                require_if_match(request, etag_for(self.representation(use_case)))
            run(use_case, actor=self.actor(), **serializer.validated_data)
        return self.respond_with(
            UseCase.objects.prefetch_related(*GOVERNED_PREFETCH).get(pk=use_case.pk)
        )

    @_workflow_action(_("Zur Prüfung einreichen"), api.SubmitSerializer, "submit")
    def submit(self, request: Request, pk: str) -> Response:
        return self._transition(request, api.SubmitSerializer, services.submit_use_case)

    @_workflow_action(
        _("Votum abgeben (DSB, ISB, Personalrat)"), api.SignOffRequestSerializer, "sign-off"
    )
    def sign_off(self, request: Request, pk: str) -> Response:
        return self._transition(request, api.SignOffRequestSerializer, services.sign_off_use_case)

    @_workflow_action(_("Entscheiden (KI-Gremium)"), api.DecideSerializer, "decide")
    def decide(self, request: Request, pk: str) -> Response:
        return self._transition(request, api.DecideSerializer, services.decide_use_case)

    @_workflow_action(_("In Betrieb nehmen"), api.ReasonSerializer, "put-into-operation")
    def put_into_operation(self, request: Request, pk: str) -> Response:
        return self._transition(request, api.ReasonSerializer, services.put_into_operation)

    @_workflow_action(_("Außer Betrieb nehmen"), api.ReasonSerializer, "retire")
    def retire(self, request: Request, pk: str) -> Response:
        return self._transition(request, api.ReasonSerializer, services.retire_use_case)
