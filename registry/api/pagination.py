"""Cursor pagination: stable pages while records change, no page counting on big tables."""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError

# The schema's name for the format of a cursor: opaque, valid only as a `next` or `previous`
# link handed it out (tests/api/test_schema.py generates such cursors for Schemathesis).
CURSOR_FORMAT = "cursor"


class CursorPagination(pagination.CursorPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-id"

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        # decode_cursor checks the cursor's position against the field the page is ordered by.
        self.model = queryset.model
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as exc:
            # A malformed cursor is a bad request, not a missing resource.
            raise ValidationError({self.cursor_query_param: [_("Ungültiger Cursor.")]}) from exc

    def decode_cursor(self, request: Any) -> Any:
        cursor = super().decode_cursor(request)
        position = None if cursor is None else cursor.position
        if position is not None and not self.is_position(position):
            raise NotFound(self.invalid_cursor_message)
        return cursor

    def is_position(self, position: str) -> bool:
        """Whether a cursor's position is a value of the field the page is ordered by.

        The position is compared with that field in the database: a value it cannot hold (a word
        for an id, NUL in text) would be a server error, not an empty page.
        """
        if "\x00" in position:
            return False
        try:
            field = self.model._meta.get_field(self.ordering[0].lstrip("-"))
        except FieldDoesNotExist:
            # The sort keys of a search (registry.api.filters.SearchOrderingFilter) are text.
            return True
        try:
            field.get_prep_value(field.to_python(position))
        except (DjangoValidationError, TypeError, ValueError):
            return False
        return True

    def get_page_size(self, request: Any) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Bitte eine Zahl von 1 bis %(max)d angeben.")
                        % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                }
            if parameter["name"] == self.cursor_query_param:
                parameter["schema"] = {"type": "string", "format": CURSOR_FORMAT}
        return parameters
