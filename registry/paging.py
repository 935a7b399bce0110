"""Numbered pages of a list for the HTML pages: the public register's and the board's."""

import math
from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ResultPage:
    """One page of a list whose total may be known only as "more than" (counting is bounded).

    It offers the attributes of Django's Page that the templates use; the rows are fetched with
    one extra to tell whether a next page exists, so paging works past the counted limit.
    """

    object_list: list[Any]
    number: int
    per_page: int
    count: int
    count_is_lower_bound: bool
    has_next: bool

    @classmethod
    def fetch(
        cls, records: Any, number: str | None, *, per_page: int, count: int, lower_bound: bool
    ) -> "ResultPage":
        try:
            page_number = int(number or 1)
        except ValueError:
            page_number = 0
        if page_number < 1:
            raise Http404(_("Diese Seite der Ergebnisliste gibt es nicht."))
        offset = (page_number - 1) * per_page
        # Nothing matched: no need to look again for the rows.
        nothing = count == 0 and not lower_bound
        rows = [] if nothing else list(records[offset : offset + per_page + 1])
        if not rows and page_number > 1:
            raise Http404(_("Diese Seite der Ergebnisliste gibt es nicht."))
        return cls(
            object_list=rows[:per_page],
            number=page_number,
            per_page=per_page,
            count=count,
            count_is_lower_bound=lower_bound,
            has_next=len(rows) > per_page,
        )

    @property
    def num_pages(self) -> int | None:
        if self.count_is_lower_bound:
            return None
        return max(1, math.ceil(self.count / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.object_list else 0

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0

    def page_range(self, window: int = 2) -> list[int | None]:
        """The page numbers the pagination links: the first, those around the current one and
        the last where the count is known; None stands for numbers left out."""
        last = self.num_pages
        # Below a counted lower bound every page exists, and the next one when there is one.
        highest = last or max(math.ceil(self.count / self.per_page), self.number + self.has_next)
        shown = {1, *range(max(1, self.number - window), min(highest, self.number + window) + 1)}
        if last:
            shown.add(last)
        numbers: list[int | None] = []
        for number in sorted(shown):
            previous = numbers[-1] if numbers else None
            if previous is not None and number - previous == 2:
                numbers.append(number - 1)  # one left-out number is shorter than a gap
            elif previous is not None and number - previous > 2:
                numbers.append(None)
            numbers.append(number)
        return numbers
