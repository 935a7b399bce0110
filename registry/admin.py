"""The governance board's admin of AI systems and webhooks, and the parts of the use case admin.

Use cases themselves are registered once, in governance.admin, whose changes go through the
review workflow; the form, inlines and filters it is built from live here, beside the models.
"""

import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import ForeignKey, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_history import LabelledHistoryAdmin
from accounts.admin_scope import (
    OrganisationScopedAdminMixin,
    acting_user,
    board_organisations,
    readable_organisations,
)
from accounts.models import User
from registry import permissions, services
from registry.models import (
    AccessGrant,
    AISystem,
    DataSource,
    LegalBasis,
    PublicService,
    UseCase,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WithheldField,
)
from registry.webhooks.endpoints import (
    create_webhook_endpoint,
    delete_webhook_endpoint,
    rotate_webhook_secret,
    update_webhook_endpoint,
)
from registry.webhooks.events import replay_webhook_delivery

CHANGE_REASON_LABEL = _("Grund der Änderung")
CHANGE_REASON_HELP = _("Wird mit der Änderung in der Historie gespeichert.")


class ReviewDueFilter(admin.SimpleListFilter):
    title = _("Überprüfung fällig")
    parameter_name = "review_due"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("overdue", _("überfällig")), ("30d", _("in den nächsten 30 Tagen"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[UseCase]) -> QuerySet[UseCase]:
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.filter(next_review_date__lt=today)
        if self.value() == "30d":
            return queryset.filter(
                next_review_date__gte=today,
                next_review_date__lte=today + datetime.timedelta(days=30),
            )
        return queryset


class UseCaseAdminForm(forms.ModelForm[UseCase]):
    change_reason = forms.CharField(
        label=CHANGE_REASON_LABEL,
        help_text=CHANGE_REASON_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = UseCase
        fields = sorted(services.EDITABLE_USE_CASE_FIELDS | {"department"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        department = data.get("department")
        ai_system = data.get("ai_system")
        if department and ai_system and ai_system.organisation_id != department.organisation_id:
            self.add_error("ai_system", _("Das KI-System gehört zu einer anderen Organisation."))
        return data

    def _post_clean(self) -> None:
        # The organisation follows the department, so the model's own checks see both.
        department = self.cleaned_data.get("department")
        if department is not None:
            self.instance.organisation = department.organisation
        super()._post_clean()  # type: ignore[misc]


class UseCaseChildInline(admin.TabularInline[Any, UseCase]):
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return board_organisations(request).exists()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return board_organisations(request).exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return board_organisations(request).exists()

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return readable_organisations(request).exists()


class LegalBasisInline(UseCaseChildInline):
    model = LegalBasis
    fields = ("law", "provision", "url")


class DataSourceInline(UseCaseChildInline):
    model = DataSource
    fields = ("name", "register", "description")


class PublicServiceInline(UseCaseChildInline):
    model = PublicService
    fields = ("leika_key", "name")


class WithheldFieldInline(UseCaseChildInline):
    model = WithheldField
    fields = ("field", "reason")


class AccessGrantInline(UseCaseChildInline):
    """Single-person grants; existing ones can only be revoked, not edited."""

    model = AccessGrant
    fields = ("user", "permission", "reason", "granted_by", "granted_at")
    readonly_fields = ("granted_by", "granted_at")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(
                memberships__organisation__in=board_organisations(request), is_active=True
            ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


CHILD_INLINE_KEYS = {
    LegalBasis: "legal_bases",
    DataSource: "data_sources",
    PublicService: "public_services",
    WithheldField: "withheld_fields",
}


def formset_rows(formset: Any) -> list[dict[str, Any]]:
    """The rows an inline formset submits, in the shape registry.services expects."""
    deleted = {id(f) for f in formset.deleted_forms}
    rows = []
    for child_form in formset.forms:
        if id(child_form) in deleted:
            continue
        if child_form.instance.pk is None and not child_form.has_changed():
            continue
        row = {
            name: value
            for name, value in child_form.cleaned_data.items()
            if name not in {"id", "use_case", "DELETE"}
        }
        if child_form.instance.pk is not None:
            row["id"] = child_form.instance.pk
        rows.append(row)
    return rows


@admin.register(AISystem)
class AISystemAdmin(OrganisationScopedAdminMixin, LabelledHistoryAdmin):
    list_display = ("name", "vendor", "product", "technique", "hosting", "organisation")
    list_filter = ("technique", "hosting", ("organisation", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "vendor", "product", "model_name")

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if db_field.name == "organisation":
            kwargs["queryset"] = board_organisations(request)
        field: forms.ModelChoiceField[Any] | None = super().formfield_for_foreignkey(
            db_field, request, **kwargs
        )
        return field

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("organisation",) if obj is not None else ()

    def save_model(
        self, request: HttpRequest, obj: AISystem, form: forms.ModelForm[AISystem], change: bool
    ) -> None:
        fields = {n: form.cleaned_data[n] for n in form.cleaned_data if n != "organisation"}
        if change:
            changed = {n: fields[n] for n in form.changed_data if n in fields}
            services.update_ai_system(
                permissions.access_ai_system(
                    acting_user(request), obj.pk, perm=permissions.CHANGE_AI_SYSTEM
                ),
                actor=acting_user(request),
                reason=gettext("im Admin geändert"),
                **changed,
            )
            return
        created = services.create_ai_system(
            actor=acting_user(request), organisation=form.cleaned_data["organisation"], **fields
        )
        obj.pk = created.pk
        obj._state.adding = False


# -- webhooks: the board's, per organisation -----------------------------------------------------


class BoardOnlyAdminMixin(OrganisationScopedAdminMixin):
    """Webhooks carry signing secrets: only the board of the organisation sees them, not audit."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        return queryset.filter(**{f"{self.organisation_path}__in": board_organisations(request)})

    def has_module_permission(self, request: HttpRequest) -> bool:
        return board_organisations(request).exists()

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_change_permission(request, obj)


class WebhookEndpointAdminForm(forms.ModelForm[WebhookEndpoint]):
    events = forms.MultipleChoiceField(
        label=_("Ereignisse"),
        choices=WebhookEndpoint.Event.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("organisation", "url", "events", "description", "is_active")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(BoardOnlyAdminMixin, LabelledHistoryAdmin):
    form = WebhookEndpointAdminForm
    list_display = ("url", "organisation", "is_active", "updated_at")
    list_filter = ("is_active", ("organisation", admin.RelatedOnlyFieldListFilter))
    readonly_fields = ("secret_hint", "created_at", "updated_at")
    actions = ["rotate_secrets"]

    @admin.display(description=_("Signaturgeheimnis"))
    def secret_hint(self, obj: WebhookEndpoint) -> str:
        # Shown in full once, when created or renewed; afterwards only enough to recognise it.
        return _("…%(end)s (vollständig nur beim Anlegen und Erneuern angezeigt)") % {
            "end": obj.secret[-4:]
        }

    def _show_secret_once(self, request: HttpRequest, endpoint: WebhookEndpoint) -> None:
        messages.warning(
            request,
            _(
                "Signaturgeheimnis für %(url)s – jetzt beim Empfänger hinterlegen, es wird nicht "
                "wieder angezeigt: %(secret)s"
            )
            % {"url": endpoint.url, "secret": endpoint.secret},
        )

    def response_add(self, request: HttpRequest, obj: WebhookEndpoint, *args: Any) -> Any:
        self._show_secret_once(request, WebhookEndpoint.objects.get(pk=obj.pk))
        return super().response_add(request, obj, *args)

    @admin.action(description=_("Signaturgeheimnis erneuern"))
    def rotate_secrets(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        actor = acting_user(request)
        for endpoint in queryset:
            renewed = rotate_webhook_secret(
                permissions.access_webhook_endpoint(actor, endpoint.pk), actor=actor
            )
            self._show_secret_once(request, renewed)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        return ("organisation", *self.readonly_fields)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if db_field.name == "organisation":
            kwargs["queryset"] = board_organisations(request)
        field: forms.ModelChoiceField[Any] | None = super().formfield_for_foreignkey(
            db_field, request, **kwargs
        )
        return field

    def save_model(
        self,
        request: HttpRequest,
        obj: WebhookEndpoint,
        form: forms.ModelForm[WebhookEndpoint],
        change: bool,
    ) -> None:
        fields = {n: form.cleaned_data[n] for n in ("url", "events", "description", "is_active")}
        if change:
            update_webhook_endpoint(
                permissions.access_webhook_endpoint(acting_user(request), obj.pk),
                actor=acting_user(request),
                **fields,
            )
            return
        created = create_webhook_endpoint(
            actor=acting_user(request), organisation=form.cleaned_data["organisation"], **fields
        )
        obj.pk = created.pk
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: WebhookEndpoint) -> None:
        delete_webhook_endpoint(obj, actor=acting_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            self.delete_model(request, endpoint)


class WebhookAttemptInline(admin.TabularInline[WebhookAttempt, WebhookDelivery]):
    model = WebhookAttempt
    fields = ("attempted_at", "response_status", "response_body", "error")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return board_organisations(request).exists()


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(BoardOnlyAdminMixin, admin.ModelAdmin[WebhookDelivery]):
    """The delivery log: read-only, with replay."""

    organisation_path = "endpoint__organisation"
    list_display = ("event", "endpoint", "status", "attempt_count", "created_at", "delivered_at")
    list_filter = ("status", "event")
    list_select_related = ("endpoint",)
    readonly_fields = (
        "endpoint",
        "event",
        "event_id",
        "use_case_pk",
        "payload",
        "status",
        "attempt_count",
        "replay_of",
        "created_at",
        "delivered_at",
    )
    fields = readonly_fields
    inlines = (WebhookAttemptInline,)
    actions = ("replay",)

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Viewing needs this to be true for the board; the form has nothing editable.
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("Ausgewählte Zustellungen erneut senden"))
    def replay(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        for delivery in queryset.select_related("endpoint__organisation"):
            replay_webhook_delivery(delivery, actor=acting_user(request))
        self.message_user(
            request,
            gettext("%(count)d Zustellungen werden erneut gesendet.") % {"count": queryset.count()},
        )
