"""The portfolio's parts of pages that apps below it render: the board's dashboard, the
transparency report, the workspace's summary of a use case and the public organisation page."""

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from accounts.models import Organisation, User
from portfolio import caching, charts, permissions, selectors
from registry.models import UseCase

register = template.Library()

# How many rows each of the dashboard's portfolio lists shows.
DASHBOARD_ROWS = 5


def _board_outcomes_context(organisation: Organisation) -> dict[str, Any]:
    series = selectors.organisation_series(organisation)
    todos = list(selectors.outcome_todos_in(organisation)[: DASHBOARD_ROWS * 2])
    return {
        "organisation": organisation,
        "top": selectors.top_candidates(organisation, limit=DASHBOARD_ROWS),
        "trend": selectors.outcome_trend(organisation),
        "charts": [charts.line_chart(s) for s in series if s.points],
        "todos": todos,
    }


@register.simple_tag
def board_outcomes(organisation: Organisation) -> SafeString:
    """The dashboard's section: top candidates, outcome trend and charts, measurements due.

    The same for every board member of the organisation (nothing in it depends on the person),
    so it is rendered once per version of the organisation's records (portfolio.caching).
    """

    def render() -> str:
        return render_to_string(
            "portfolio/includes/dashboard_outcomes.html", _board_outcomes_context(organisation)
        )

    html = caching.per_version(organisation.pk, "dashboard-section", render)
    return mark_safe(html)  # noqa: S308 - rendered, and escaped, by the template engine


@register.inclusion_tag("portfolio/includes/report_outcomes.html")
def report_outcomes(organisation: Organisation) -> dict[str, Any]:
    """The transparency report's section: the published indicators' before and after."""
    return {
        "trend": selectors.outcome_trend(organisation, published_only=True),
        "series": selectors.organisation_series(organisation, published_only=True),
    }


@register.inclusion_tag("portfolio/includes/use_case_outcomes.html")
def use_case_outcomes(use_case: UseCase, user: User) -> dict[str, Any]:
    """On a use case's summary: the links to its suitability and outcomes, and what is due."""
    visible = permissions.outcome_use_cases_visible_to(user).filter(pk=use_case.pk).exists()
    return {
        "use_case": use_case,
        "visible": visible,
        "todos": selectors.outcome_todos_of(use_case) if visible else None,
        "link": True,
    }


@register.inclusion_tag("portfolio/includes/public_link.html")
def public_outcomes_link(organisation: Organisation) -> dict[str, Any]:
    return {"organisation": organisation}
