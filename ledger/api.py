"""Public API of the change log: keys, signed heads, inclusion and consistency proofs.

No login: everything here is what the log publishes. Internal trees serve heads and
consistency proofs only (their hashes reveal nothing); inclusion proofs exist for the public
records' versions, in the public tree.
"""

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ledger import selectors
from ledger.models import LogTree
from registry.api.deprecation import DeprecatedV1Mixin, deprecation_headers_schema
from registry.public.selectors import access_published_use_case

SCOPES = (LogTree.Scope.PUBLIC, LogTree.Scope.INTERNAL)
TREE_PARAMETER = OpenApiParameter(
    "tree",
    str,
    enum=[str(s) for s in SCOPES],
    description=_("Baum: public (Standard) oder internal"),
)


def _size(request: Request, name: str, *, maximum: int, default: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        if default is None:
            raise serializers.ValidationError({name: [_("Bitte geben Sie eine Baumgröße an.")]})
        return default
    if not raw.isdigit() or len(raw) > 18:
        raise serializers.ValidationError({name: [_("Bitte geben Sie eine ganze Zahl an.")]})
    value = int(raw)
    if not 1 <= value <= maximum:
        raise serializers.ValidationError(
            {name: [_("Die Baumgröße muss zwischen 1 und %(max)s liegen.") % {"max": maximum}]}
        )
    return value


def _tree(request: Request, slug: str) -> LogTree:
    scope = request.query_params.get("tree", LogTree.Scope.PUBLIC)
    if scope not in SCOPES:
        raise serializers.ValidationError({"tree": [_("Erlaubt sind „public“ und „internal“.")]})
    tree = selectors.tree_of(selectors.access_log_organisation(slug), scope)
    if tree is None or tree.size == 0:
        raise Http404
    return tree


class PublicLogView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request: Request) -> str:
        return ""


class SigningKeysView(PublicLogView):
    @extend_schema(
        summary=_("Öffentliche Schlüssel des Änderungsprotokolls"),
        responses=OpenApiTypes.OBJECT,
        auth=[],
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "keys": [
                    {
                        "key_id": key.key_id,
                        "algorithm": "Ed25519",
                        "public_key": bytes(key.public_key).hex(),
                        "first_used_at": key.first_used_at,
                        "last_used_at": key.last_used_at,
                    }
                    for key in selectors.signing_keys()
                ]
            }
        )


class SignedHeadsView(PublicLogView):
    @extend_schema(
        summary=_("Signierte Baumköpfe einer Organisation"),
        parameters=[TREE_PARAMETER],
        responses=OpenApiTypes.OBJECT,
        auth=[],
    )
    def get(self, request: Request, slug: str) -> Response:
        tree = _tree(request, slug)
        heads = selectors.signed_heads(tree)[:100]
        return Response(
            {
                "log": tree.log_id,
                "size": tree.size,
                "signed_heads": [selectors.head_document(head) for head in heads],
            }
        )


class ConsistencyProofView(PublicLogView):
    @extend_schema(
        summary=_("Konsistenzbeweis zwischen zwei Baumgrößen"),
        parameters=[
            TREE_PARAMETER,
            OpenApiParameter("first", int, required=True, description=_("die kleinere Größe")),
            OpenApiParameter("second", int, required=True, description=_("die größere Größe")),
        ],
        responses=OpenApiTypes.OBJECT,
        auth=[],
    )
    def get(self, request: Request, slug: str) -> Response:
        tree = _tree(request, slug)
        second = _size(request, "second", maximum=tree.size)
        first = _size(request, "first", maximum=second)
        proof = selectors.consistency_proof(tree, first, second)
        return Response(
            {
                "log": tree.log_id,
                "first": first,
                "second": second,
                "proof": [p.hex() for p in proof],
            }
        )


INCLUSION_SIZE_PARAMETER = OpenApiParameter(
    "size", int, description=_("Baumgröße (Standard: der neueste signierte Baumkopf)")
)


class InclusionProofsView(PublicLogView):
    """/api/v2/public/use-cases/<id>/log-proofs/: each public version's inclusion proof."""

    @extend_schema(
        summary=_("Einschlussbeweise der Fassungen eines veröffentlichten Anwendungsfalls"),
        parameters=[INCLUSION_SIZE_PARAMETER],
        responses=OpenApiTypes.OBJECT,
        auth=[],
    )
    def get(self, request: Request, use_case_id: int) -> Response:
        record = access_published_use_case(use_case_id)
        tree = LogTree.objects.filter(
            scope=LogTree.Scope.PUBLIC, organisation_id=record.organisation_id
        ).first()
        if tree is None:
            raise Http404
        head = selectors.signed_heads(tree).first()
        size = _size(request, "size", maximum=tree.size, default=head.size if head else tree.size)
        head = selectors.signed_heads(tree).filter(size=size).first()
        versions = record.history.model.objects.filter(use_case_id=use_case_id).values_list(
            "history_id", flat=True
        )
        leaves = tree.leaves.filter(
            history_model=record.history.model._meta.label_lower,
            history_id__in=list(versions),
            index__lt=size,
        )
        entries = list(selectors.public_entries(tree, leaves))
        proofs = selectors.inclusion_proofs(tree, [e["index"] for e in entries], size)
        return Response(
            {
                "log": tree.log_id,
                "size": size,
                "signed_head": selectors.head_document(head) if head else None,
                "versions": [
                    {**entry, "inclusion_proof": [p.hex() for p in proofs[entry["index"]]]}
                    for entry in entries
                ],
            }
        )


class DeprecatedInclusionProofsView(DeprecatedV1Mixin, InclusionProofsView):
    """The same under /api/v1/public/use-cases/, deprecated with the rest of v1's public records."""

    @extend_schema(
        summary=_("Einschlussbeweise der Fassungen eines veröffentlichten Anwendungsfalls"),
        parameters=[INCLUSION_SIZE_PARAMETER, *deprecation_headers_schema()],
        responses=OpenApiTypes.OBJECT,
        auth=[],
        deprecated=True,
    )
    def get(self, request: Request, use_case_id: int) -> Response:
        return super().get(request, use_case_id)
