"""The portfolio's records in the admin, read-only for the board: ratings, indicators and
measurements are written on the portfolio pages and through the API, by portfolio.services."""

from django.contrib import admin

from accounts.admin_history import LabelledHistoryAdmin
from accounts.admin_scope import ReadOnlyScopedAdminMixin
from portfolio.models import CandidateRating, Indicator, Measurement


@admin.register(CandidateRating)
class CandidateRatingAdmin(ReadOnlyScopedAdminMixin, LabelledHistoryAdmin):
    organisation_path = "use_case__organisation"
    list_display = ("use_case", "benefit", "effort", "updated_at")
    list_filter = (("use_case__organisation", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("use_case",)
    search_fields = ("use_case__title",)


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyScopedAdminMixin, LabelledHistoryAdmin):
    list_display = ("name", "kind", "unit", "direction", "is_public", "organisation")
    list_filter = (("organisation", admin.RelatedOnlyFieldListFilter), "kind", "is_public")
    list_select_related = ("organisation",)
    search_fields = ("name",)


@admin.register(Measurement)
class MeasurementAdmin(ReadOnlyScopedAdminMixin, LabelledHistoryAdmin):
    organisation_path = "use_case__organisation"
    list_display = ("use_case", "indicator", "phase", "period_start", "period_end", "value")
    list_filter = (("use_case__organisation", admin.RelatedOnlyFieldListFilter), "phase")
    list_select_related = ("use_case", "indicator")
    search_fields = ("use_case__title", "source")
