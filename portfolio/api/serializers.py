"""The API's representations of outcomes and candidates, schema "outcomes-1.0".

Each representation names its schema version, so a consumer can tell this schema from the
register's v1 representations (which stay as they are) and from later versions of this one.
"""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portfolio.models import Measurement
from portfolio.opendata import OUTCOMES_SCHEMA_VERSION
from registry.api.history import HISTORY_CHANGE_TYPES
from registry.api.serializers import (
    ActorSerializer,
    FieldChangeSerializer,
    ReadOnlyModelSerializer,
    StrictSerializer,
)
from registry.models import UseCase

SCHEMA_VERSION_FIELD = {"type": "string", "enum": [OUTCOMES_SCHEMA_VERSION]}


class SchemaVersionMixin(serializers.Serializer):
    schema_version = serializers.SerializerMethodField()

    @extend_schema_field(SCHEMA_VERSION_FIELD)
    def get_schema_version(self, obj: Any) -> str:
        return OUTCOMES_SCHEMA_VERSION


def indicator_key(measurement: Measurement) -> str:
    indicator = measurement.indicator
    return indicator.kind if indicator.kind != "custom" else f"custom:{indicator.pk}"


class MeasurementSerializer(SchemaVersionMixin, ReadOnlyModelSerializer):
    indicator = serializers.SerializerMethodField()
    indicator_name = serializers.CharField(source="indicator.name")
    unit = serializers.CharField(source="indicator.unit")
    better = serializers.CharField(source="indicator.direction")
    entered_by = serializers.SerializerMethodField()

    class Meta:
        model = Measurement
        fields = [
            "schema_version",
            "id",
            "use_case",
            "indicator",
            "indicator_name",
            "unit",
            "better",
            "phase",
            "period_start",
            "period_end",
            "value",
            "source",
            "note",
            "entered_by",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field({"type": "string", "example": "processing_time"})
    def get_indicator(self, obj: Measurement) -> str:
        return indicator_key(obj)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_entered_by(self, obj: Measurement) -> str | None:
        user = obj.entered_by
        return None if user is None else (user.get_full_name() or user.get_username())


class MeasurementCreateSerializer(StrictSerializer):
    use_case = serializers.PrimaryKeyRelatedField(queryset=UseCase.objects.all())
    indicator = serializers.CharField(
        max_length=40,
        help_text="A standard kind (processing_time, follow_up_rate, case_volume, staff_hours, "
        "error_rate) or the id of an indicator the board defined.",
    )
    phase = serializers.ChoiceField(choices=Measurement.Phase.choices)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    value = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    source = serializers.CharField(max_length=200)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def validate_indicator(self, value: str) -> str:
        # "custom:12" as the representation names it, or the bare id.
        return value.removeprefix("custom:")


class MeasurementUpdateSerializer(StrictSerializer):
    """A correction: the value, its source or the note, always with a reason (the history keeps
    the old value). What is not sent stays as it is."""

    value = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    source = serializers.CharField(max_length=200, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    reason = serializers.CharField(max_length=2000)


class MeasurementHistoryEntrySerializer(serializers.Serializer):
    """One version of a measurement: recorded or corrected, by whom, when, why and what changed."""

    version = serializers.IntegerField(help_text="ID der Fassung")
    object_type = serializers.ChoiceField(choices=["measurement"])
    object_id = serializers.IntegerField()
    change_type = serializers.ChoiceField(choices=HISTORY_CHANGE_TYPES)
    changed_at = serializers.DateTimeField()
    actor = ActorSerializer(allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    changes = FieldChangeSerializer(many=True)


class PublicMeasurementSerializer(SchemaVersionMixin, StrictSerializer):
    id = serializers.IntegerField(read_only=True)
    organisation = serializers.CharField(source="organisation_slug", read_only=True)
    organisation_name = serializers.CharField(read_only=True)
    use_case_id = serializers.IntegerField(read_only=True)
    use_case_title = serializers.CharField(source="public_title", read_only=True)
    indicator = serializers.SerializerMethodField()
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    unit = serializers.CharField(source="indicator.unit", read_only=True)
    better = serializers.CharField(source="indicator.direction", read_only=True)
    phase = serializers.ChoiceField(choices=Measurement.Phase.choices, read_only=True)
    period_start = serializers.DateField(read_only=True)
    period_end = serializers.DateField(read_only=True)
    value = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    source = serializers.CharField(read_only=True)

    @extend_schema_field({"type": "string", "example": "processing_time"})
    def get_indicator(self, obj: Measurement) -> str:
        return indicator_key(obj)


class TermSerializer(StrictSerializer):
    key = serializers.CharField(source="term.key", read_only=True)
    label = serializers.CharField(source="term.label", read_only=True)
    axis = serializers.CharField(source="term.axis", read_only=True)
    value = serializers.CharField(read_only=True)
    points = serializers.FloatField(read_only=True)
    text = serializers.CharField(read_only=True)


class CandidateSerializer(SchemaVersionMixin, StrictSerializer):
    use_case_id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    department = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    risk_class = serializers.CharField(read_only=True)
    yearly_case_volume = serializers.IntegerField(read_only=True, allow_null=True)
    rated = serializers.BooleanField(read_only=True)
    score = serializers.FloatField(read_only=True)
    benefit = serializers.FloatField(read_only=True)
    feasibility = serializers.FloatField(read_only=True)
    formula_version = serializers.IntegerField(read_only=True)
    terms = TermSerializer(many=True, read_only=True)


class CandidateListSerializer(SchemaVersionMixin, StrictSerializer):
    organisation = serializers.CharField(read_only=True)
    formula_version = serializers.IntegerField(read_only=True)
    results = CandidateSerializer(many=True, read_only=True)
