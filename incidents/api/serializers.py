"""The API's representations of incidents and objections (never an objector's contact data)."""

from typing import Any

from rest_framework import serializers

from incidents.clocks import CLOCK_CHOICES
from incidents.models import Incident, IncidentReport, Objection
from incidents.services import INCIDENT_FIELDS
from registry.api.serializers import (
    ReadOnlyModelSerializer,
    StrictModelSerializer,
    StrictSerializer,
)
from registry.models import UseCase
from registry.permissions import use_cases_visible_to


def _visible_use_cases(serializer: serializers.Serializer[Any]) -> Any:
    """The use cases the caller sees: another organisation's is as unknown as a missing one."""
    request = serializer.context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return UseCase.objects.none()
    return use_cases_visible_to(user)


class IncidentReportSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = IncidentReport
        fields = ["clock", "clock_set_version", "reported_at", "reference"]


class IncidentSerializer(StrictModelSerializer):
    use_case = serializers.PrimaryKeyRelatedField(queryset=UseCase.objects.all())
    reports = IncidentReportSerializer(many=True, read_only=True)
    reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=2000
    )

    class Meta:
        model = Incident
        fields = [
            "id",
            "use_case",
            *INCIDENT_FIELDS,
            "note_published",
            "public_note",
            "reports",
            "created_at",
            "updated_at",
            "reason",
        ]
        read_only_fields = ["id", "note_published", "public_note", "created_at", "updated_at"]
        # The services check the rules (and the constraints) with German messages.
        validators: list[Any] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("use_case")
        if isinstance(field, serializers.PrimaryKeyRelatedField):
            field.queryset = _visible_use_cases(self)


class ReportRequestSerializer(StrictSerializer):
    clock = serializers.ChoiceField(choices=CLOCK_CHOICES)
    reported_at = serializers.DateTimeField()
    reference = serializers.CharField(required=False, allow_blank=True, max_length=300)


class ObjectionSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Objection
        fields = [
            "id",
            "use_case",
            "case_number",
            "channel",
            "received_at",
            "routed_to",
            "due_date",
            "status",
            "human_review_done",
            "outcome",
            "outcome_note",
            "decided_at",
            "personal_data_erased_at",
            "created_at",
            "updated_at",
        ]


class ObjectionCreateSerializer(StrictSerializer):
    use_case = serializers.PrimaryKeyRelatedField(queryset=UseCase.objects.all())
    channel = serializers.ChoiceField(
        choices=[c for c in Objection.Channel.choices if c[0] != Objection.Channel.ONLINE]
    )
    received_at = serializers.DateTimeField()
    statement = serializers.CharField(max_length=5000, write_only=True)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, write_only=True)
    email = serializers.EmailField(required=False, allow_blank=True, write_only=True)
    postal_address = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, write_only=True
    )
    phone = serializers.CharField(max_length=50, required=False, allow_blank=True, write_only=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["use_case"]
        assert isinstance(field, serializers.PrimaryKeyRelatedField)
        field.queryset = _visible_use_cases(self)


class ObjectionDecisionSerializer(StrictSerializer):
    outcome = serializers.ChoiceField(choices=Objection.Outcome.choices)
    note = serializers.CharField(max_length=4000)
    human_review_done = serializers.BooleanField()
