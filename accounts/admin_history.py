"""Every admin's "Änderungsverlauf" as people read it: labels, German values, whole texts."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin

from accounts.field_diff import compared_fields, labelled_changes


class LabelledHistoryAdmin(SimpleHistoryAdmin):
    """An admin whose "Änderungsverlauf" lists each version's changes as people read them.

    The changes come from `accounts.field_diff.labelled_changes` (the one field diff) instead of
    simple-history's own: field labels, choice labels, Ja/Nein, dates, names for ids and whole
    texts. Fields the history leaves out (a webhook's secret) are no change anybody can read.
    """

    def set_history_delta_changes(
        self, request: HttpRequest, historical_records: Any, foreign_keys_are_objs: bool = True
    ) -> None:
        kept = {f.name for f in self.model.history.model._meta.concrete_fields}
        fields = tuple(f for f in compared_fields(self.model) if f.name in kept)
        records = list(historical_records)
        for position, record in enumerate(records):
            # Records are newest first; the oldest on a page is compared with the one before it.
            older = records[position + 1] if position + 1 < len(records) else record.prev_record
            if older is not None:
                record.history_delta_changes = labelled_changes(older, record, fields=fields)

    def history_view_title(self, request: HttpRequest, obj: Any) -> str:
        title: str = gettext("Änderungsverlauf: %s") % obj
        return title
