"""Filters, full-text search and ordering of the API's lists."""

import re
from datetime import UTC
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import connection, models
from django.db.models import (
    Q,
    QuerySet,
)
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.rest_framework import FilterSet as RestFilterSet
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend, OrderingFilter
from rest_framework.request import Request

from registry.converters import MAX_ID
from registry.models import AISystem, PublishedUseCase, UseCase
from registry.public.selectors import few_matches, unindexed


class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        # An id beyond what a database holds names nothing; comparing it would overflow.
        if value is not None and not 0 <= value <= MAX_ID:
            return qs.none()
        filtered: QuerySet[Any] = super().filter(qs, value)
        return filtered


class IdFilterSet(RestFilterSet):
    """Relations are filtered by id: an id that names nothing visible matches nothing.

    django-filter would check the id against every row of the related table: a 400 for an id
    that does not exist, a 200 for one of another organisation, so the answer told which ids
    exist elsewhere, and an id the schema allows was refused.
    """

    FILTER_DEFAULTS = {
        **RestFilterSet.FILTER_DEFAULTS,
        models.ForeignKey: {"filter_class": IdFilter},
    }


class IdFilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend whose `filterset_fields` filter relations by id (IdFilterSet)."""

    filterset_base = IdFilterSet


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 time compared in UTC: PostgreSQL takes offsets only up to 15:59 hours."""

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value is not None:
            try:
                value = value.astimezone(UTC)
            except OverflowError as exc:
                # Beyond year 9999 once in UTC.
                name = next(n for n, f in self.parent.filters.items() if f is self)
                invalid = forms.DateTimeField.default_error_messages["invalid"]
                raise ValidationError({name: [str(invalid)]}) from exc
        filtered: QuerySet[Any] = super().filter(qs, value)
        return filtered


class UseCaseFilter(IdFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=UseCase.Status.choices)
    workflow_state = django_filters.MultipleChoiceFilter(choices=UseCase.WorkflowState.choices)
    risk_class = django_filters.MultipleChoiceFilter(choices=UseCase.RiskClass.choices)
    updated_after = UtcDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    updated_before = UtcDateTimeFilter(field_name="updated_at", lookup_expr="lt")
    review_due_before = django_filters.DateFilter(field_name="next_review_date", lookup_expr="lte")

    class Meta:
        model = UseCase
        fields = [
            "organisation",
            "department",
            "ai_system",
            "status",
            "workflow_state",
            "risk_class",
            "is_published",
            "processes_personal_data",
        ]


class AISystemFilter(IdFilterSet):
    technique = django_filters.MultipleChoiceFilter(choices=AISystem.Technique.choices)
    hosting = django_filters.MultipleChoiceFilter(choices=AISystem.Hosting.choices)

    class Meta:
        model = AISystem
        fields = ["organisation", "technique", "hosting"]


class PublishedUseCaseFilter(IdFilterSet):
    organisation = django_filters.CharFilter(
        field_name="organisation__slug", help_text="Kurzname der Organisation"
    )
    ags = django_filters.CharFilter(
        field_name="organisation__ags", help_text="AGS der Organisation"
    )
    risk_class = django_filters.MultipleChoiceFilter(choices=UseCase.RiskClass.choices)
    status = django_filters.MultipleChoiceFilter(choices=UseCase.Status.choices)
    leika_key = django_filters.CharFilter(method="filter_leika_key", help_text="LeiKa-Schlüssel")

    class Meta:
        model = PublishedUseCase
        fields = ["organisation", "ags", "risk_class", "status"]

    def filter_leika_key(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        # The public record keeps its services as JSON; contains works on both databases.
        return queryset.filter(public_services__icontains=f'"{value}"')


def sorts_matches(request: Request, queryset: QuerySet[Any]) -> bool:
    """Whether a search's matches are to be sorted rather than read in an index's order.

    As on the public pages (registry.public.selectors.few_matches); walking the index here
    computes each row's text vector besides. Decided once per request.
    """
    decided = getattr(request, "_sorts_matches", None)
    if decided is None:
        searched = bool(request.query_params.get(FullTextSearchFilter.search_param, "").strip())
        decided = searched and few_matches(queryset)
        request._sorts_matches = decided
    return bool(decided)


class StrictOrderingFilter(OrderingFilter):
    """`?ordering=` that refuses unknown keys instead of silently ignoring them."""

    def remove_invalid_fields(
        self, queryset: QuerySet[Any], fields: list[str], view: Any, request: Request
    ) -> list[str]:
        valid = [
            name for name, _label in self.get_valid_fields(queryset, view, {"request": request})
        ]
        fields = [term for term in fields if term]
        unknown = [term for term in fields if term.removeprefix("-") not in valid]
        if unknown:
            raise ValidationError(
                {
                    self.ordering_param: [
                        _("Nach „%(terms)s“ kann nicht sortiert werden. Möglich: %(valid)s.")
                        % {
                            "terms": ", ".join(unknown),
                            "valid": ", ".join(f"{name}, -{name}" for name in valid),
                        }
                    ]
                }
            )
        return fields

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        # The keys the view sorts by, so that the schema promises no ordering the API refuses;
        # empty terms (as a trailing comma leaves) are skipped.
        terms = [f"{sign}{name}" for name in view.ordering_fields for sign in ("", "-")] + [""]
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.ordering_param:
                parameter["schema"] = {"type": "array", "items": {"type": "string", "enum": terms}}
                parameter["style"] = "form"
                parameter["explode"] = False
        return parameters


class SearchOrderingFilter(StrictOrderingFilter):
    """`?ordering=`; for a search with few matches, by sort keys that make the database sort
    the matches (named `<field>_sort_key`, so the cursor pagination pages by them too)."""

    suffix = "_sort_key"

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        ordering = super().get_ordering(request, queryset, view)
        if not ordering or not sorts_matches(request, queryset):
            return ordering
        return [
            term if term.lstrip("-").endswith(self.suffix) else term + self.suffix
            for term in ordering
        ]

    def filter_queryset(
        self, request: Request, queryset: QuerySet[Any], view: Any
    ) -> QuerySet[Any]:
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        keys = {
            term.lstrip("-"): unindexed(queryset.model, term.lstrip("-")[: -len(self.suffix)])
            for term in ordering
            if term.lstrip("-").endswith(self.suffix)
        }
        # The plugin types annotate() with computed keyword names as Any.
        ordered: QuerySet[Any] = queryset.annotate(**keys).order_by(*ordering)
        return ordered


HYPHEN_IN_WORD = re.compile(r"(?<=\w)-(?=\w)")


class FullTextSearchFilter(BaseFilterBackend):
    """`?search=`: German full-text search on PostgreSQL, word-by-word substring search elsewhere.

    The view names its fields in `search_fields`.
    """

    search_param = "search"

    def filter_queryset(
        self, request: Request, queryset: QuerySet[Any], view: Any
    ) -> QuerySet[Any]:
        # The parts of a hyphenated word are searched as words: "Kfz-Zulassung" finds "Kfz
        # Zulassung" too, and PostgreSQL needs no phrase search, which re-reads every match's
        # text (0.2 s instead of 0.02 s for 7,000 matches at tier L).
        term = HYPHEN_IN_WORD.sub(" ", request.query_params.get(self.search_param, "")).strip()
        fields: list[str] = getattr(view, "search_fields", [])
        if not term or not fields:
            return queryset
        try:
            # Filters' form fields refuse NUL; the term is read raw, and PostgreSQL cannot take it.
            ProhibitNullCharactersValidator()(term)
        except DjangoValidationError as exc:
            raise ValidationError({self.search_param: exc.messages}) from exc
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchVector

            vector = SearchVector(*fields, config="german")
            query = SearchQuery(term, search_type="websearch", config="german")
            searched: QuerySet[Any] = queryset.annotate(search_document=vector).filter(
                search_document=query
            )
            return searched
        for word in term.split():
            condition = Q()
            for field in fields:
                condition |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(condition)
        return queryset

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.search_param,
                "required": False,
                "in": "query",
                "description": (
                    'Volltextsuche (Wörter, "Phrasen", -ausschließen); die Teile eines Wortes '
                    "mit Bindestrich werden als einzelne Wörter gesucht"
                ),
                "schema": {"type": "string"},
            }
        ]
