"""The portfolio's parts of pages that apps below it render: the board's dashboard, the
transparency report, the workspace's summary of a use case and the public organisation page."""

from typing import Any

from django import template

from accounts.models import Organisation, User
from portfolio import charts, permissions, selectors
from registry.models import UseCase

register = template.Library()

# How many rows each of the dashboard's portfolio lists shows.
DASHBOARD_ROWS = 5


@register.inclusion_tag("portfolio/includes/dashboard_outcomes.html")
def board_outcomes(organisation: Organisation) -> dict[str, Any]:
    """The dashboard's section: top candidates, outcome trend and charts, measurements due."""
    series = selectors.organisation_series(organisation)
    todos = list(selectors.outcome_todos_in(organisation)[: DASHBOARD_ROWS * 2])
    return {
        "organisation": organisation,
        "top": selectors.top_candidates(organisation, limit=DASHBOARD_ROWS),
        "trend": selectors.outcome_trend(organisation),
        "charts": [charts.line_chart(s) for s in series if s.points],
        "todos": todos,
    }


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
