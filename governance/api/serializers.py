"""Representations of the governance side of a use case and of the workflow actions' input."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from governance.models import Decision, ObligationItem, SignOff, Submission
from governance.risk.engine import (
    ANNEX_III_POINTS,
    ART_6_3_CONDITIONS,
    EXCLUSIONS,
    OBLIGATIONS,
    PROHIBITED_PRACTICES,
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
    class Meta:
        model = ObligationItem
        list_serializer_class = PrefetchedListSerializer
        fields = ["id", "obligation", "applies", "status", "reason", "updated_at"]
        read_only_fields = fields


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


class ReasonEntrySerializer(serializers.Serializer):
    article = serializers.CharField()
    text = serializers.CharField()


class ClassificationSerializer(serializers.Serializer):
    risk_class = serializers.ChoiceField(choices=RISK_CLASSES, help_text=_("Risikoklasse"))
    obligations = serializers.ListField(child=serializers.ChoiceField(choices=OBLIGATIONS))
    reasons = ReasonEntrySerializer(many=True)
    rule_set_version = serializers.CharField()
