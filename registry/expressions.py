"""Query expressions the selectors of several apps share."""

from collections.abc import Sequence
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value


class _AnyOf(Func):
    """`column = ANY(…)` of an array (PostgreSQL), a condition for `filter()`."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()


def one_of(column: str, ids: QuerySet[Any] | Sequence[int]) -> Q | _AnyOf:
    """A filter: `column` is one of `ids`, a one-column queryset or a list of ids.

    On PostgreSQL as `column = ANY(…)`. Of a queryset, `ANY(ARRAY(SELECT …))`: the ids are read
    first, then each one's rows from the column's index. With a join or `IN (SELECT …)` the
    planner takes an organisation of a few thousand use cases for an average one and scans an
    installation-wide index or table instead (the outcome series, the latest decisions). Of a
    list, one array parameter instead of `IN (%s, %s, …)`: a thousand placeholders cost more to
    build, send and parse than the rows they find (the bulk read's child rows). Elsewhere `IN`.
    """
    if connection.vendor == "postgresql":
        if isinstance(ids, QuerySet):
            return _AnyOf(F(column), ArraySubquery(ids))
        # No output field: the list goes to the driver as one array, not element by element.
        return _AnyOf(F(column), Value(list(ids)))
    return Q(**{f"{column}__in": ids})
