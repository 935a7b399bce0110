"""The governance board's dashboard: what is where in review, what is overdue, what is missing."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet, Window
from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView

from accounts.models import Organisation, User
from governance import selectors
from governance.risk.dates import APPLICATION_DATES, describe
from incidents.selectors import overdue_reports


def _bars(rows: list[tuple[Any, Any, int]]) -> list[dict[str, Any]]:
    """Rows of a bar chart: label, count and the bar's share of the longest bar in percent."""
    longest = max((count for _key, _label, count in rows), default=0)
    return [
        {
            "key": key,
            "label": label,
            "count": count,
            "percent": round(100 * count / longest) if longest else 0,
        }
        for key, label, count in rows
    ]


# How many rows each list of the dashboard shows; the full lists are in the admin.
DASHBOARD_LIST_LIMIT = 20


@dataclass(frozen=True)
class ShortList:
    """The first rows of a dashboard list and how many there are in all."""

    rows: list[Any]
    total: int

    @classmethod
    def of(cls, queryset: QuerySet[Any]) -> "ShortList":
        # The total comes with the rows (a window over the whole result): one query per list.
        rows = list(queryset.annotate(list_total=Window(Count("pk")))[:DASHBOARD_LIST_LIMIT])
        return cls(rows=rows, total=rows[0].list_total if rows else 0)

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


class DashboardView(LoginRequiredMixin, TemplateView):
    """Counts, overdue reviews, open obligations and recent decisions of one organisation."""

    template_name = "governance/dashboard.html"

    def _organisation(self, user: User) -> tuple[Organisation, list[Organisation]]:
        organisations = list(selectors.board_organisations_of(user).order_by("name"))
        if not organisations:
            raise PermissionDenied
        wanted = self.request.GET.get("organisation")
        if not wanted:
            return organisations[0], organisations
        for organisation in organisations:
            if organisation.slug == wanted:
                return organisation, organisations
        # Another organisation's dashboard looks exactly like a missing one.
        raise Http404

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        assert isinstance(user, User)  # LoginRequiredMixin let only logged-in users in
        organisation, organisations = self._organisation(user)
        counts = selectors.dashboard_counts(organisation)
        context.update(
            organisation=organisation,
            organisations=organisations,
            total=counts["total"],
            state_bars=_bars(counts["by_state"]),
            risk_bars=_bars(counts["by_risk_class"]),
            department_bars=_bars(counts["by_department"]),
            awaiting_decision=ShortList.of(selectors.awaiting_decision(organisation)),
            overdue_reviews=ShortList.of(selectors.overdue_reviews(organisation)),
            open_obligations=ShortList.of(selectors.open_obligations(organisation)),
            recent_decisions=list(selectors.recent_decisions(organisation)),
            reclassified=ShortList.of(selectors.reclassification_changes(organisation)),
            ai_literacy_measures=list(selectors.ai_literacy_measures_of(organisation)[:10]),
            art_4_since=describe(
                APPLICATION_DATES["chapter_i_ii"].applies_from, "", timezone.localdate()
            ),
            overdue_reports=overdue_reports(organisation)[:DASHBOARD_LIST_LIMIT],
        )
        return context
