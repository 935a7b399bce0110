"""Query expressions the selectors of several apps share."""

from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet


class _AnyOf(Func):
    """`column = ANY(ARRAY(SELECT …))` (PostgreSQL), a condition for `filter()`."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()


def one_of(column: str, ids: QuerySet[Any]) -> Q | _AnyOf:
    """A filter: `column` is one of the ids the one-column queryset `ids` selects.

    On PostgreSQL as `column = ANY(ARRAY(…))`: the ids are read first, then each one's rows from
    the column's index. With a join or `IN (SELECT …)` the planner takes an organisation of a few
    thousand use cases for an average one and scans an installation-wide index or table instead
    (the outcome series, the latest decisions). Elsewhere `IN (SELECT …)`.
    """
    if connection.vendor == "postgresql":
        return _AnyOf(F(column), ArraySubquery(ids))
    return Q(**{f"{column}__in": ids})
