"""The API's representations. Input is strict: unknown and read-only fields are named in a 400."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Department, Organisation
from accounts.roles import boards_of, organisations_where
from registry import permissions, services
from registry.api.history import HISTORY_CHANGE_TYPES, PUBLIC_CHANGE_TYPES
from registry.field_groups import DERIVED_FIELDS
from registry.models import (
    AISystem,
    DataSource,
    LegalBasis,
    PublicService,
    PublishedUseCase,
    UseCase,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WithheldField,
)
from registry.public.opendata import record_document


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know or that cannot be written, instead of ignoring them.

    `fields=[…]` narrows the output to the named fields (the `?fields=` parameter).
    """

    def __init__(self, *args: Any, fields: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if fields is not None:
            for name in set(self.fields) - set(fields):
                self.fields.pop(name)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            errors: dict[str, list[str]] = {}
            for name in data:
                field = self.fields.get(name)
                if field is None:
                    errors[name] = [_("Dieses Feld gibt es nicht.")]
                elif field.read_only:
                    errors[name] = [_("Dieses Feld ist schreibgeschützt.")]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def output_fields(serializer_class: type[serializers.Serializer], context: Any) -> list[str]:
    """The fields a representation has: what `?fields=` may name (write-only ones it has not)."""
    fields = serializer_class(context=context).fields
    return [name for name, field in fields.items() if not field.write_only]


class StrictModelSerializer(StrictSerializer, serializers.ModelSerializer):
    pass


class ReadOnlyModelSerializer(StrictModelSerializer):
    """Every field read-only: a representation the API gives out and never takes in."""

    def get_fields(self) -> dict[str, Any]:
        # Read-only after building, not through Meta.read_only_fields: DRF would drop allow_blank
        # with it, and the schema would deny the "" of an empty choice, address or link.
        fields: dict[str, Any] = super().get_fields()
        for field in fields.values():
            field.read_only = True
        return fields


def optional_reason() -> serializers.CharField:
    """The reason a write may give; it is saved in the history."""
    return serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text=_("Grund der Änderung; wird in der Historie gespeichert."),
    )


def _request_user(serializer: serializers.Serializer) -> Any:
    request = serializer.context.get("request")
    return getattr(request, "user", None)


# -- organisations and departments --------------------------------------------------------------


class OrganisationSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "slug", "ags", "contact_email", "website"]


class DepartmentSerializer(StrictModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "organisation", "name"]
        read_only_fields = fields


# -- AI systems ---------------------------------------------------------------------------------


class AISystemSerializer(StrictModelSerializer):
    reason = optional_reason()

    class Meta:
        model = AISystem
        fields = [
            "id",
            "organisation",
            "name",
            "vendor",
            "product",
            "model_name",
            "technique",
            "hosting",
            "description",
            "created_at",
            "updated_at",
            "reason",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        # The service checks the name is unique within the organisation.
        validators: list[Any] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = _request_user(self)
        field = self.fields.get("organisation")
        if isinstance(field, serializers.PrimaryKeyRelatedField):
            field.queryset = (
                organisations_where(user) if user is not None else Organisation.objects.none()
            )


class AISystemUpdateSerializer(AISystemSerializer):
    class Meta(AISystemSerializer.Meta):
        read_only_fields = ["id", "organisation", "created_at", "updated_at"]


# -- use cases ----------------------------------------------------------------------------------


PREFETCHED = "prefetched_"


def prefetch_children(*relations: str) -> list[Prefetch[Any]]:
    """Prefetch the use case's child rows into plain lists (see PrefetchedListSerializer)."""
    return [Prefetch(relation, to_attr=PREFETCHED + relation) for relation in relations]


class PrefetchedListSerializer(serializers.ListSerializer):
    """Reads a child collection from the list prefetch_children left on the instance.

    Django's prefetch into a related manager builds a queryset per instance and relation; on a
    page of 50 use cases with eight relations that cost more than the queries themselves. A
    plain list costs nothing. Without the prefetch the relation is read as usual.
    """

    def get_attribute(self, instance: Any) -> Any:
        prefetched = getattr(instance, PREFETCHED + str(self.source), None)
        if prefetched is not None:
            return prefetched
        return super().get_attribute(instance)


class ChildSerializer(StrictModelSerializer):
    id = serializers.IntegerField(
        required=False,
        help_text=_("Beim Ändern: die ID einer bestehenden Zeile; ohne ID wird sie neu angelegt."),
    )


class LegalBasisSerializer(ChildSerializer):
    class Meta:
        model = LegalBasis
        list_serializer_class = PrefetchedListSerializer
        fields = ["id", "law", "provision", "url"]


class DataSourceSerializer(ChildSerializer):
    class Meta:
        model = DataSource
        list_serializer_class = PrefetchedListSerializer
        fields = ["id", "name", "register", "description"]


class PublicServiceSerializer(ChildSerializer):
    class Meta:
        model = PublicService
        list_serializer_class = PrefetchedListSerializer
        fields = ["id", "leika_key", "name"]
        validators: list[Any] = []


class WithheldFieldSerializer(ChildSerializer):
    class Meta:
        model = WithheldField
        list_serializer_class = PrefetchedListSerializer
        fields = ["id", "field", "reason"]
        validators: list[Any] = []


CHILD_SERIALIZERS: dict[str, type[ChildSerializer]] = {
    "legal_bases": LegalBasisSerializer,
    "data_sources": DataSourceSerializer,
    "public_services": PublicServiceSerializer,
    "withheld_fields": WithheldFieldSerializer,
}
USE_CASE_FIELDS = [
    f.name
    for f in UseCase._meta.concrete_fields
    if f.name in services.EDITABLE_USE_CASE_FIELDS - {"department", "ai_system"}
]


CHILD_ROWS: dict[str, Any] = {
    "many": True,
    "required": False,
    "max_length": services.MAX_CHILD_ROWS,
}


class UseCaseSerializer(StrictModelSerializer):
    legal_bases = LegalBasisSerializer(
        many=True, required=False, max_length=services.MAX_CHILD_ROWS
    )
    data_sources = DataSourceSerializer(
        many=True, required=False, max_length=services.MAX_CHILD_ROWS
    )
    public_services = PublicServiceSerializer(
        many=True, required=False, max_length=services.MAX_CHILD_ROWS
    )
    withheld_fields = WithheldFieldSerializer(
        many=True, required=False, max_length=services.MAX_CHILD_ROWS
    )
    reason = optional_reason()

    class Meta:
        model = UseCase
        fields = [
            "id",
            "organisation",
            "department",
            "ai_system",
            "workflow_state",
            *USE_CASE_FIELDS,
            *CHILD_SERIALIZERS,
            "created_at",
            "updated_at",
            "reason",
        ]
        # Workflow state, review schedule and risk class are set by the workflow's steps and the
        # questionnaire (registry.field_groups.DERIVED_FIELDS), never typed.
        read_only_fields = [
            "id",
            "organisation",
            *sorted(DERIVED_FIELDS),
            "created_at",
            "updated_at",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = _request_user(self)
        department = self.fields.get("department")
        if isinstance(department, serializers.PrimaryKeyRelatedField):
            # Every department the user knows; creating in one the user may not is a 403 later.
            department.queryset = (
                Department.objects.filter(
                    Q(organisation__in=organisations_where(user))
                    | Q(pk__in=permissions.departments_creatable_by(user).values("pk"))
                )
                if user is not None
                else Department.objects.none()
            )
        ai_system = self.fields.get("ai_system")
        if isinstance(ai_system, serializers.PrimaryKeyRelatedField):
            ai_system.queryset = (
                permissions.ai_systems_visible_to(user)
                if user is not None
                else AISystem.objects.none()
            )


class UseCaseUpdateSerializer(UseCaseSerializer):
    """Changing a use case needs a reason; it goes into the history."""

    reason = serializers.CharField(
        write_only=True,
        max_length=2000,
        help_text=_("Grund der Änderung; wird in der Historie gespeichert."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Checked here, not by `required`, so that PATCH needs it as well.
        if not str(attrs.get("reason", "")).strip():
            raise serializers.ValidationError(
                {"reason": [_("Bitte geben Sie einen Grund für die Änderung an.")]}
            )
        return attrs


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class ActorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()


class HistoryEntrySerializer(serializers.Serializer):
    """One version of the use case or of one of its child rows."""

    version = serializers.IntegerField(help_text=_("ID der Fassung"))
    object_type = serializers.ChoiceField(
        choices=["use_case", *CHILD_SERIALIZERS], help_text=_("Was geändert wurde")
    )
    object_id = serializers.IntegerField()
    change_type = serializers.ChoiceField(
        choices=HISTORY_CHANGE_TYPES, help_text=_("Art der Änderung")
    )
    changed_at = serializers.DateTimeField()
    actor = ActorSerializer(allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    changes = FieldChangeSerializer(many=True)


# -- public -------------------------------------------------------------------------------------


class PublicOrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["name", "slug", "ags"]


PUBLIC_FIELDS = [
    f.name
    for f in PublishedUseCase._meta.concrete_fields
    if f.name not in {"id", "use_case", "organisation"}
]


class PublishedUseCaseSerializer(ReadOnlyModelSerializer):
    """Exactly the public record: what the transparency page shows."""

    id = serializers.IntegerField(source="use_case_id", read_only=True)
    organisation = PublicOrganisationSerializer(read_only=True)
    legal_bases = serializers.JSONField(read_only=True)
    data_sources = serializers.JSONField(read_only=True)
    public_services = serializers.JSONField(read_only=True)
    withheld = serializers.JSONField(read_only=True)

    class Meta:
        model = PublishedUseCase
        fields = ["id", "organisation", *PUBLIC_FIELDS]


@extend_schema_field({"type": "object", "additionalProperties": True})
class _FreeObjectField(serializers.JSONField):
    pass


class PublicFieldChangeSerializer(FieldChangeSerializer):
    withheld = serializers.BooleanField(
        help_text=_(
            "Die Angabe wird nicht veröffentlicht: Die Änderung ist verzeichnet, ihre Werte "
            "(old, new) sind null."
        )
    )


class PublicChangeSerializer(serializers.Serializer):
    changed_at = serializers.DateTimeField()
    change_type = serializers.ChoiceField(choices=PUBLIC_CHANGE_TYPES)
    changes = PublicFieldChangeSerializer(many=True)


class PublicRecordSerializer(serializers.BaseSerializer):
    """A published use case exactly as the open data give it (`record_document`), with its
    page's address from the context's `url_for` (a registry.public.opendata.UrlFor)."""

    def to_representation(self, instance: PublishedUseCase) -> dict[str, Any]:
        document = record_document(instance, self.context["url_for"](instance.use_case_id))
        fields = self.context.get("fields")
        if fields is None:
            return document
        # `?fields=`: the named properties in the order asked for, as v1 answers them.
        return {name: document[name] for name in fields}


# -- webhooks -----------------------------------------------------------------------------------


class WebhookEndpointSerializer(StrictModelSerializer):
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEndpoint.Event.choices),
        min_length=1,
        max_length=len(WebhookEndpoint.Event.choices),
        help_text=_("Die Ereignisse, die gesendet werden."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "organisation",
            "url",
            "events",
            "description",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = _request_user(self)
        field = self.fields.get("organisation")
        if isinstance(field, serializers.PrimaryKeyRelatedField):
            field.queryset = boards_of(user) if user is not None else Organisation.objects.none()


class WebhookEndpointUpdateSerializer(WebhookEndpointSerializer):
    class Meta(WebhookEndpointSerializer.Meta):
        read_only_fields = ["id", "organisation", "created_at", "updated_at"]


class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    """Shown once, when an endpoint is created or its secret renewed."""

    secret = serializers.CharField(
        read_only=True, help_text=_("Signaturschlüssel; nur jetzt sichtbar, bitte sicher ablegen.")
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["id", "attempted_at", "response_status", "response_body", "error"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    attempts = WebhookAttemptSerializer(many=True, read_only=True)
    payload = _FreeObjectField(read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "event_id",
            "use_case_pk",
            "payload",
            "status",
            "attempt_count",
            "replay_of",
            "created_at",
            "delivered_at",
            "attempts",
        ]
        read_only_fields = fields
