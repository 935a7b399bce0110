"""Documents over the REST API: list what the caller may see, upload (multipart), download.

Lists start from evidence.permissions.documents_visible_to; one document comes through
access_document, so a foreign organisation's document is the same 404 as a missing one.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from evidence import services, targets
from evidence.api.serializers import (
    DocumentSerializer,
    DocumentUploadSerializer,
    DocumentVersionSerializer,
    UploadSerializer,
)
from evidence.models import Document
from evidence.permissions import access_document, access_target, documents_visible_to
from evidence.selectors import _with_versions
from evidence.views import file_response
from registry.api.parsers import BoundedMultiPartParser
from registry.api.views import ApiViewMixin
from registry.converters import MAX_ID

FILTERS = [
    OpenApiParameter(
        "use_case",
        OpenApiTypes.INT,
        description=_("Nur Dokumente dieses Anwendungsfalls (mit seinen Pflichten und Voten)."),
    ),
    OpenApiParameter(
        "target_kind",
        OpenApiTypes.STR,
        description=_("Art des Ziels: use_case, obligation, sign_off, organisation, …"),
    ),
    OpenApiParameter(
        "target_id", OpenApiTypes.INT, description=_("Nummer des Ziels (mit target_kind).")
    ),
]


def _int_param(request: Request, name: str) -> int | None:
    """The filter's integer; one no database can hold is -1, which names no record."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    digits = raw.removeprefix("-")
    if not digits.isascii() or not digits.isdigit():
        raise ValidationError({name: [_("Bitte geben Sie eine Nummer an.")]})
    # Like the id filters of the other lists: a number that names nothing matches nothing.
    if raw.startswith("-") or len(digits) > 18 or int(digits) > MAX_ID:
        return -1
    return int(digits)


@extend_schema_view(
    list=extend_schema(summary=_("Dokumente, die der Aufrufer sehen darf"), parameters=FILTERS),
    retrieve=extend_schema(summary=_("Ein Dokument mit allen Versionen")),
    create=extend_schema(
        summary=_("Dokument hochladen (multipart/form-data)"),
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DocumentSerializer},
    ),
)
class DocumentViewSet(
    ApiViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = DocumentSerializer
    read_serializer_class = DocumentSerializer
    parser_classes = [BoundedMultiPartParser]
    filter_backends: list[Any] = []

    def get_serializer_class(self) -> Any:
        if self.action == "create":
            return DocumentUploadSerializer
        if self.action == "versions":
            return UploadSerializer
        return DocumentSerializer

    def get_queryset(self) -> QuerySet[Document]:
        documents = (
            documents_visible_to(self.actor())
            if self.request.user.is_authenticated
            else Document.objects.none()
        )
        use_case = _int_param(self.request, "use_case")
        if use_case is not None:
            documents = documents.filter(use_case_id=use_case)
        kind = self.request.query_params.get("target_kind")
        if kind is not None:
            # An undeclared kind names no document (and never reaches the database as text).
            documents = (
                documents.filter(target_kind=kind) if targets.get(kind) else documents.none()
            )
        target_id = _int_param(self.request, "target_id")
        if target_id is not None:
            documents = documents.filter(target_id=target_id)
        return _with_versions(documents).order_by("-created_at", "-pk")

    def get_object(self) -> Document:
        document = access_document(self.actor(), self.kwargs["pk"])
        return _with_versions(Document.objects.filter(pk=document.pk)).get()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = DocumentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        upload = data["file"]
        try:
            access_target(self.actor(), data["target_kind"], data["target_id"])
        except Http404 as exc:
            # The record is named in the body: like a department of another organisation in a
            # new use case, a missing and a foreign one are the same refusal of the field.
            raise ValidationError(
                {"target_id": [_("Diesen Eintrag gibt es nicht, oder Sie dürfen ihn nicht sehen.")]}
            ) from exc
        document = services.attach_document(
            actor=self.actor(),
            target_kind=data["target_kind"],
            target_id=data["target_id"],
            title=data["title"],
            category=data["category"],
            file=upload,
            file_name=upload.name or "",
            evidence_date=data["evidence_date"],
            reason=data["reason"],
        )
        response = self.respond_with(
            _with_versions(Document.objects.filter(pk=document.pk)).get(), status.HTTP_201_CREATED
        )
        response["Location"] = f"{request.path}{document.pk}/"
        return response

    @extend_schema(
        summary=_("Neue Version hochladen (multipart/form-data)"),
        request={"multipart/form-data": UploadSerializer},
        responses={201: DocumentVersionSerializer},
    )
    @action(detail=True, methods=["post"])
    def versions(self, request: Request, pk: str) -> Response:
        document = access_document(self.actor(), pk)
        serializer = UploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = services.add_document_version(
            document,
            actor=self.actor(),
            file=data["file"],
            file_name=data["file"].name or "",
            evidence_date=data["evidence_date"],
            reason=data["reason"],
        )
        body = DocumentVersionSerializer(version, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Datei einer Version herunterladen"),
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="versions/<id:number>/file",
        url_name="version-file",
    )
    def version_file(self, request: Request, pk: str, number: str) -> FileResponse:
        document = access_document(self.actor(), pk)
        version = document.versions.filter(number=int(number)).first()
        if version is None:
            raise Http404
        return file_response(version)
