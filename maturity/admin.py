"""The maturity records in the admin, read-only for the board: they are written on the maturity
pages and through the API, by maturity.services, with actor and reason."""

from django.contrib import admin

from accounts.admin_history import LabelledHistoryAdmin
from accounts.admin_scope import ReadOnlyScopedAdminMixin
from maturity.models import (
    AnswererNomination,
    MaturityMeasure,
    ReadinessAssessment,
    ServiceAssessment,
)


@admin.register(ReadinessAssessment)
class ReadinessAssessmentAdmin(ReadOnlyScopedAdminMixin, LabelledHistoryAdmin):
    list_display = (
        "organisation",
        "assessed_at",
        "level_digital_foundations",
        "level_process_clarity",
        "level_data_availability",
        "level_responsibilities",
        "level_governance_basics",
        "questionnaire_version",
    )
    list_filter = (("organisation", admin.RelatedOnlyFieldListFilter), "questionnaire_version")
    list_select_related = ("organisation",)
    date_hierarchy = "assessed_at"


@admin.register(ServiceAssessment)
class ServiceAssessmentAdmin(ReadOnlyScopedAdminMixin, LabelledHistoryAdmin):
    list_display = ("leika_key", "service_name", "level", "organisation", "assessed_at")
    list_filter = (("organisation", admin.RelatedOnlyFieldListFilter), "level")
    list_select_related = ("organisation",)
    search_fields = ("leika_key", "service_name")


@admin.register(MaturityMeasure)
class MaturityMeasureAdmin(ReadOnlyScopedAdminMixin, LabelledHistoryAdmin):
    list_display = ("title", "dimension", "owner_role", "due_date", "status", "organisation")
    list_filter = (("organisation", admin.RelatedOnlyFieldListFilter), "dimension", "status")
    list_select_related = ("organisation",)
    search_fields = ("title", "owner_role")


@admin.register(AnswererNomination)
class AnswererNominationAdmin(ReadOnlyScopedAdminMixin, LabelledHistoryAdmin):
    list_display = ("user", "scope", "is_active", "organisation", "nominated_at")
    list_filter = (("organisation", admin.RelatedOnlyFieldListFilter), "scope", "is_active")
    list_select_related = ("organisation", "user")
