"""The board's view of documents: every document of its organisations, read-only, with every
version and its history; publishing and withdrawing go through evidence.services."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_scope import OrganisationScopedAdminMixin, acting_user
from evidence import services
from evidence.models import Document, DocumentVersion


class DocumentVersionInline(admin.TabularInline[DocumentVersion, Document]):
    model = DocumentVersion
    extra = 0
    can_delete = False
    fields = (
        "number",
        "download",
        "content_type",
        "size",
        "evidence_date",
        "reason",
        "uploaded_by",
        "uploaded_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The document's admin already limits it to the user's organisations (404 otherwise).
        return True

    @admin.display(description=_("Datei"))
    def download(self, version: DocumentVersion) -> SafeString:
        url = reverse("evidence:download-version", args=[version.document_id, version.number])
        return format_html('<a href="{}">{}</a>', url, version.file_name)


@admin.register(Document)
class DocumentAdmin(OrganisationScopedAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "title",
        "category",
        "use_case",
        "target_kind",
        "organisation",
        "is_published",
        "created_at",
    )
    list_filter = ("category", "is_published", "target_kind")
    list_select_related = ("organisation", "use_case")
    search_fields = ("title",)
    readonly_fields = (
        "organisation",
        "use_case",
        "target_kind",
        "target_id",
        "title",
        "category",
        "is_published",
        "published_at",
        "published_by",
        "created_by",
        "created_at",
    )
    fields = readonly_fields
    inlines = (DocumentVersionInline,)
    actions = ("publish", "withdraw")

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        # Documents are uploaded in the workspace or over the API, never typed into a form.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Evidence is kept: a wrong document is followed by a corrected version.
        return False

    def _each(
        self, request: HttpRequest, queryset: QuerySet[Document], service: Any, reason: str
    ) -> None:
        done = 0
        for document in queryset:
            try:
                service(document, actor=acting_user(request), reason=reason)
            except PermissionDenied as exc:
                self.message_user(request, f"{document}: {exc}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, gettext("%(count)d Dokumente geändert.") % {"count": done})

    @admin.action(description=_("Ausgewählte Dokumente veröffentlichen"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Document]) -> None:
        self._each(
            request, queryset, services.publish_document, gettext("Vom KI-Gremium veröffentlicht")
        )

    @admin.action(description=_("Veröffentlichung der ausgewählten Dokumente zurückziehen"))
    def withdraw(self, request: HttpRequest, queryset: QuerySet[Document]) -> None:
        self._each(
            request, queryset, services.withdraw_document, gettext("Vom KI-Gremium zurückgezogen")
        )
