"""Representations of the governance side of a use case and of the workflow actions' input."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance.models import Decision, ObligationItem, SignOff, Submission
from governance.risk.dates import ROUTES
from governance.risk.engine import (
    ANNEX_III_POINTS,
    ART_6_3_CONDITIONS,
    EXCLUSIONS,
    LEGAL_FORMS,
    OBLIGATIONS,
    PROHIBITED_PRACTICES,
    QUESTION_FIELDS,
    RISK_CLASSES,
    ROLES,
)
from governance.workflow import REVIEWER_ROLE_CHOICES
from registry.api.serializers import (
    PrefetchedListSerializer,
    StrictSerializer,
    UseCaseSerializer,
)


class ObligationItemSerializer(serializers.ModelSerializer):
    # Today's state of the obligation under the AI Act's dates (null outside the Act).
    state = serializers.SerializerMethodField()
    days_left = serializers.SerializerMethodField()

    class Meta:
        model = ObligationItem
        list_serializer_class = PrefetchedListSerializer
        fields = [
            "id",
            "obligation",
            "applies",
            "status",
            "reason",
            "applies_from",
            "applies_from_source",
            "state",
            "days_left",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ChoiceField(choices=["in_force", "coming", "not_applicable"], allow_null=True)
    )
    def get_state(self, item: ObligationItem) -> str | None:
        timing = _timing_today(item)
        return timing[0] if timing else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_days_left(self, item: ObligationItem) -> int | None:
        timing = _timing_today(item)
        return timing[1] if timing else None


def _timing_today(item: ObligationItem) -> tuple[str, int | None] | None:
    """The item's timing today, worked out once for both fields: today's date goes through the
    request's time zone, a lookup that cost more than the rest of a bulk read's obligation row."""
    if not item.applies_from_source:
        return None
    cached: tuple[str, int | None] | None = item.__dict__.get("_timing_today")
    if cached is None:
        cached = item.__dict__["_timing_today"] = item.timing_on(timezone.localdate())
    return cached


class SubmissionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Submission
        list_serializer_class = PrefetchedListSerializer
        fields = ["id", "kind", "submitted_by", "submitted_at", "note"]
        read_only_fields = fields


class SignOffSerializer(serializers.ModelSerializer):
    class Meta:
        model = SignOff
        list_serializer_class = PrefetchedListSerializer
        fields = ["id", "submission", "role", "verdict", "reason", "signed_by", "signed_at"]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        list_serializer_class = PrefetchedListSerializer
        fields = ["id", "submission", "outcome", "rationale", "decided_by", "decided_at"]
        read_only_fields = fields


class GovernedUseCaseSerializer(UseCaseSerializer):
    """A use case with its obligations, review rounds, sign-offs and decisions (read-only)."""

    obligations = ObligationItemSerializer(source="obligation_items", many=True, read_only=True)
    submissions = SubmissionSerializer(many=True, read_only=True)
    sign_offs = SignOffSerializer(many=True, read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta(UseCaseSerializer.Meta):
        fields = [
            *UseCaseSerializer.Meta.fields,
            "obligations",
            "submissions",
            "sign_offs",
            "decisions",
        ]


class SubmitSerializer(StrictSerializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class SignOffRequestSerializer(StrictSerializer):
    role = serializers.ChoiceField(choices=REVIEWER_ROLE_CHOICES)
    verdict = serializers.ChoiceField(choices=SignOff.Verdict.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class DecideSerializer(StrictSerializer):
    outcome = serializers.ChoiceField(choices=Decision.Outcome.choices)
    rationale = serializers.CharField(max_length=4000)


class ReasonSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=4000)


def _multi(choices: tuple[str, ...]) -> serializers.ListField:
    return serializers.ListField(child=serializers.ChoiceField(choices=choices), required=False)


class FactsSerializer(StrictSerializer):
    """The questionnaire's answers (documentation; the engine parses them itself)."""

    is_ai_system = serializers.BooleanField(required=False)
    excluded = serializers.ChoiceField(choices=EXCLUSIONS, required=False, allow_null=True)
    role = serializers.ChoiceField(choices=ROLES, required=False)
    prohibited_practices = _multi(PROHIBITED_PRACTICES)
    annex_i_safety_component = serializers.BooleanField(required=False)
    annex_iii_points = _multi(ANNEX_III_POINTS)
    art_6_3_conditions = _multi(ART_6_3_CONDITIONS)
    profiles_natural_persons = serializers.BooleanField(required=False)
    interacts_with_natural_persons = serializers.BooleanField(required=False)
    generates_synthetic_content = serializers.BooleanField(required=False)
    emotion_recognition_or_biometric_categorisation = serializers.BooleanField(required=False)
    deep_fake = serializers.BooleanField(required=False)
    public_interest_text_without_editorial_review = serializers.BooleanField(required=False)
    deployer_legal_form = serializers.ChoiceField(
        choices=LEGAL_FORMS,
        required=False,
        help_text=_("Rechtsform des Betreibers (Art. 27 Abs. 1, Art. 26 Abs. 8, Art. 49 Abs. 3)"),
    )
    placed_on_market_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("Erstmals in Verkehr gebracht oder in Betrieb genommen (Art. 111 Abs. 2)"),
    )
    significant_design_change = serializers.BooleanField(required=False)
    unknown = serializers.ListField(
        child=serializers.ChoiceField(choices=QUESTION_FIELDS),
        required=False,
        help_text=_(
            "Fragen, die mit „weiß nicht“ beantwortet sind: Die Einstufung bleibt dann offen "
            "(undetermined), sofern die Frage auf dem Pfad des Entscheidungsbaums liegt."
        ),
    )


class ReasonEntrySerializer(serializers.Serializer):
    article = serializers.CharField()
    text = serializers.CharField()


class TimingEntrySerializer(serializers.Serializer):
    # The obligation items' choice set, so the schema names one enum for both.
    obligation = serializers.ChoiceField(choices=ObligationItem.Obligation.choices)
    route = serializers.ChoiceField(choices=ROUTES)
    applies_from = serializers.DateField(allow_null=True, help_text=_("gilt ab; null: gilt nicht"))
    source = serializers.CharField(help_text=_("Rechtsquelle des Datums"))
    state = serializers.ChoiceField(choices=["in_force", "coming", "not_applicable"])
    days_left = serializers.IntegerField(allow_null=True)


class ClassificationSerializer(serializers.Serializer):
    risk_class = serializers.ChoiceField(choices=RISK_CLASSES, help_text=_("Risikoklasse"))
    obligations = serializers.ListField(child=serializers.ChoiceField(choices=OBLIGATIONS))
    reasons = ReasonEntrySerializer(many=True)
    rule_set_version = serializers.CharField()
    reference_date = serializers.DateField(help_text=_("Stichtag der Angaben in timeline"))
    timeline = TimingEntrySerializer(many=True)
