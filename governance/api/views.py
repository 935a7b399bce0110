from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.risk import FactsError, classify, parse_facts, to_json


class RiskClassificationView(APIView):
    """EU AI Act risk class and obligations for a set of facts; needs no login, stores nothing."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    def post(self, request: Request) -> Response:
        try:
            facts = parse_facts(request.data)
        except FactsError as exc:
            raise ValidationError(exc.errors) from exc
        return Response(to_json(classify(facts)))
