"""The API's representations of the maturity records, schema "maturity-1.0".

Each representation names its schema version, so that a consumer can tell it from the
register's v1 representations and from later versions of this one. Answers are keyed as the
questionnaires (/api/v1/maturity/questionnaires/) name their questions and criteria.
"""

from typing import Any, Final

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Organisation
from maturity.models import (
    DIMENSION_CHOICES,
    MaturityMeasure,
    ReadinessAssessment,
    ServiceAssessment,
)
from maturity.questionnaires import (
    ASKED_CRITERIA,
    DIMENSIONS,
    GOVERNANCE_BASICS,
    READINESS_MAX_LEVEL,
    READINESS_QUESTIONS,
    SERVICE_MAX_LEVEL,
)
from registry.api.serializers import ReadOnlyModelSerializer, StrictSerializer

MATURITY_SCHEMA_VERSION: Final = "maturity-1.0"
SCHEMA_VERSION_FIELD = {"type": "string", "enum": [MATURITY_SCHEMA_VERSION]}


class SchemaVersionMixin(serializers.Serializer):
    schema_version = serializers.SerializerMethodField()

    @extend_schema_field(SCHEMA_VERSION_FIELD)
    def get_schema_version(self, obj: Any) -> str:
        return MATURITY_SCHEMA_VERSION


def _level(maximum: int, *, nullable: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer", "minimum": 0, "maximum": maximum}
    if nullable:
        schema["nullable"] = True
    return schema


READINESS_LEVELS_SCHEMA = {
    "type": "object",
    "description": "Stufe je Dimension (0–4); governance_basics nur für das KI-Gremium.",
    "properties": {d.key: _level(READINESS_MAX_LEVEL, nullable=d.derived) for d in DIMENSIONS},
    "required": [d.key for d in DIMENSIONS],
    "additionalProperties": False,
}
READINESS_ANSWERS_SCHEMA = {
    "type": "object",
    "description": "Stufe (0–4) je Frage des Fragebogens, nach ihrem Schlüssel.",
    "properties": {q.key: _level(READINESS_MAX_LEVEL) for q in READINESS_QUESTIONS},
    "additionalProperties": _level(READINESS_MAX_LEVEL),
}
GOVERNANCE_BASICS_SCHEMA = {
    "type": "object",
    "nullable": True,
    "description": (
        "Was das Register zum Zeitpunkt der Bewertung selbst prüfte (nur für das KI-Gremium): "
        "je Grundlage erfüllt oder nicht, die Zahl der laufenden Anwendungsfälle und wie viele "
        "davon eine verantwortliche Stelle, geregelte Aufsicht und einen Überprüfungstermin haben."
    ),
    "properties": {
        "met": {
            "type": "object",
            "properties": {b.key: {"type": "boolean"} for b in GOVERNANCE_BASICS},
            "additionalProperties": {"type": "boolean"},
        },
        "use_cases": {"type": "integer", "minimum": 0},
        "counts": {
            "type": "object",
            "additionalProperties": {"type": "integer", "minimum": 0},
        },
        "level": _level(READINESS_MAX_LEVEL),
    },
}
SERVICE_ANSWERS_SCHEMA = {
    "type": "object",
    "description": (
        "Erreichte Stufe (0–7) je Kriterium nach seinem Schlüssel; null, wo die Leistung das "
        "Kriterium nicht braucht."
    ),
    "properties": {c.key: _level(SERVICE_MAX_LEVEL, nullable=True) for c in ASKED_CRITERIA},
    "additionalProperties": _level(SERVICE_MAX_LEVEL, nullable=True),
}


class ReadinessAssessmentSerializer(SchemaVersionMixin, ReadOnlyModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    levels = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()
    governance_basics = serializers.SerializerMethodField()
    assessed_by = serializers.SerializerMethodField()

    class Meta:
        model = ReadinessAssessment
        fields = [
            "schema_version",
            "id",
            "organisation",
            "questionnaire_version",
            "levels",
            "answers",
            "governance_basics",
            "assessed_by",
            "assessed_at",
        ]

    @staticmethod
    def _board_view(obj: ReadinessAssessment) -> bool:
        # Annotated by maturity.permissions.readiness_assessments_visible_to.
        return bool(getattr(obj, "board_view", False))

    @extend_schema_field(READINESS_LEVELS_SCHEMA)
    def get_levels(self, obj: ReadinessAssessment) -> dict[str, int | None]:
        board_view = self._board_view(obj)
        return {
            d.key: obj.level_of(d.key) if board_view or not d.derived else None for d in DIMENSIONS
        }

    @extend_schema_field(READINESS_ANSWERS_SCHEMA)
    def get_answers(self, obj: ReadinessAssessment) -> dict[str, int]:
        return dict(obj.answers)

    @extend_schema_field(GOVERNANCE_BASICS_SCHEMA)
    def get_governance_basics(self, obj: ReadinessAssessment) -> dict[str, Any] | None:
        return dict(obj.governance_basics) if self._board_view(obj) else None

    @extend_schema_field(
        {
            "type": "string",
            "nullable": True,
            "description": "Wer beantwortet hat; nur für das KI-Gremium, sonst null.",
        }
    )
    def get_assessed_by(self, obj: ReadinessAssessment) -> str | None:
        if not self._board_view(obj):
            return None
        user = obj.assessed_by
        return user.get_full_name() or user.get_username()


class ServiceAssessmentSerializer(SchemaVersionMixin, ReadOnlyModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    answers = serializers.SerializerMethodField()

    class Meta:
        model = ServiceAssessment
        fields = [
            "schema_version",
            "id",
            "organisation",
            "leika_key",
            "service_name",
            "questionnaire_version",
            "level",
            "answers",
            "assessed_at",
        ]

    @extend_schema_field(SERVICE_ANSWERS_SCHEMA)
    def get_answers(self, obj: ServiceAssessment) -> dict[str, int | None]:
        return dict(obj.answers)


class MaturityMeasureSerializer(SchemaVersionMixin, ReadOnlyModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = MaturityMeasure
        fields = [
            "schema_version",
            "id",
            "organisation",
            "dimension",
            "title",
            "description",
            "owner_role",
            "due_date",
            "target_level",
            "status",
            "created_at",
            "updated_at",
        ]


def _reason() -> serializers.CharField:
    return serializers.CharField(
        write_only=True,
        max_length=2000,
        help_text="Grund; wird in der Historie gespeichert.",
    )


class MaturityMeasureWriteSerializer(StrictSerializer):
    """The fields of a measure a board sets, as maturity.services takes them."""

    dimension = serializers.ChoiceField(choices=DIMENSION_CHOICES)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    owner_role = serializers.CharField(
        max_length=200, help_text="Eine Funktion, kein Personenname, z. B. „Leitung Hauptamt“."
    )
    due_date = serializers.DateField()
    target_level = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=READINESS_MAX_LEVEL
    )
    reason = _reason()


class MaturityMeasureCreateSerializer(MaturityMeasureWriteSerializer):
    organisation = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.none(),
        help_text="Kürzel der Organisation, in deren KI-Gremium Sie sitzen.",
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            # Only the organisations whose maturity pages the caller may open exist here.
            self.fields["organisation"].queryset = organisations


class MaturityMeasureUpdateSerializer(MaturityMeasureWriteSerializer):
    status = serializers.ChoiceField(choices=MaturityMeasure.Status.choices, required=False)


# -- the questionnaires ---------------------------------------------------------------------------


class LevelTextSerializer(StrictSerializer):
    level = serializers.IntegerField(read_only=True)
    label = serializers.CharField(read_only=True)


class DimensionSerializer(StrictSerializer):
    key = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    source = serializers.CharField(read_only=True)
    derived = serializers.BooleanField(
        read_only=True, help_text="Vom Register berechnet, nicht erfragt."
    )


class ReadinessQuestionSerializer(StrictSerializer):
    key = serializers.CharField(read_only=True)
    dimension = serializers.CharField(read_only=True)
    text = serializers.CharField(read_only=True)
    next_step = serializers.CharField(read_only=True)
    source = serializers.CharField(read_only=True)


class GovernanceBasicSerializer(StrictSerializer):
    key = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    source = serializers.CharField(read_only=True)


class ReadinessQuestionnaireSerializer(StrictSerializer):
    version = serializers.CharField(read_only=True)
    source = serializers.CharField(read_only=True)
    max_level = serializers.IntegerField(read_only=True)
    level_rule = serializers.CharField(read_only=True)
    scale = LevelTextSerializer(many=True, read_only=True)
    dimensions = DimensionSerializer(many=True, read_only=True)
    questions = ReadinessQuestionSerializer(many=True, read_only=True)
    governance_basics = GovernanceBasicSerializer(many=True, read_only=True)


class BasicComponentSerializer(StrictSerializer):
    key = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)


class CriterionSerializer(StrictSerializer):
    key = serializers.CharField(read_only=True)
    number = serializers.IntegerField(read_only=True)
    label = serializers.CharField(read_only=True)
    wording_source_note = serializers.CharField(read_only=True)
    components = serializers.ListField(child=serializers.CharField(), read_only=True)
    optional = serializers.BooleanField(read_only=True)
    asked = serializers.BooleanField(
        read_only=True, help_text="Nicht erfragt, solange der Wortlaut nicht vorliegt."
    )


class ServiceQuestionnaireSerializer(StrictSerializer):
    version = serializers.CharField(read_only=True)
    source = serializers.CharField(read_only=True)
    max_level = serializers.IntegerField(read_only=True)
    level_rule = serializers.CharField(read_only=True)
    level_rule_source = serializers.CharField(read_only=True)
    levels = LevelTextSerializer(many=True, read_only=True)
    levels_source_note = serializers.CharField(read_only=True)
    basic_components = BasicComponentSerializer(many=True, read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)


class QuestionnairesSerializer(SchemaVersionMixin, StrictSerializer):
    readiness = ReadinessQuestionnaireSerializer(read_only=True)
    services = ServiceQuestionnaireSerializer(read_only=True)
