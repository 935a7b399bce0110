"""Similar published use cases of other organisations: shared significant words, same technique.

The score is meant to be explained to the reader, not to be clever: one point per significant
word the two entries share (title, short description, purpose) and two for the same technique.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Final

from django.db.models import Q

from registry.models import PublishedUseCase

# Words that say nothing about what a use case does.
_STOPWORD_TEXT: Final = (
    "aber alle allem allen aller alles also anwendung anwendungsfall auch auf aus "
    "automatisch automatisiert bei beim bereits besser bzw bürger bürgerinnen damit "
    "dann darf dass daten deren dessen diese diesem diesen dieser dieses doch durch "
    "eine einem einen einer eines einfach einfacher einsatz etwa für gegen gemeinde "
    "haben hat hier immer in intelligenz ist jede jedem jeden jeder jedes kann keine "
    "ki kommune kreis können künstliche kürzer kürzere landkreis mehr mit muss nach "
    "neue nicht noch nur oder ohne prozess prozesse schnell schneller sich sind soll "
    "sollen sowie stadt system systeme um und uns unter unterstützt "
    "unterstützung verwaltung viel vom von vor wann warum was weil welche weniger "
    "wenn werden wie wir wird wo zum zur zwischen über"
)
STOPWORDS: Final[frozenset[str]] = frozenset(_STOPWORD_TEXT.split())
MIN_WORD_LENGTH: Final = 4
# At most this many words narrow the candidates in the query; longer texts add little.
QUERY_WORDS: Final = 12
CANDIDATE_LIMIT: Final = 200
TECHNIQUE_POINTS: Final = 2


def significant_words(*texts: str) -> set[str]:
    """Lower-case words of at least four letters that are not stop words."""
    words: set[str] = set()
    for text in texts:
        for word in re.findall(r"[\wäöüß]+", (text or "").lower()):
            if len(word) >= MIN_WORD_LENGTH and word not in STOPWORDS and not word.isdigit():
                words.add(word)
    return words


@dataclass(frozen=True)
class Suggestion:
    """A similar published use case and why it was suggested."""

    record: PublishedUseCase
    score: int
    shared_words: tuple[str, ...]
    same_technique: bool


def similar_published_use_cases(
    *,
    title: str,
    short_description: str = "",
    purpose: str = "",
    technique: str = "",
    exclude_organisation_ids: Iterable[int] = (),
    limit: int = 5,
) -> list[Suggestion]:
    """Published use cases of other organisations that share words or the technique."""
    words = significant_words(title, short_description, purpose)
    query_words = sorted(words, key=lambda w: (-len(w), w))[:QUERY_WORDS]
    conditions = [
        Q(title__icontains=w) | Q(short_description__icontains=w) | Q(purpose__icontains=w)
        for w in query_words
    ]
    if not conditions:
        # The technique alone would suggest half the register; it only breaks ties.
        return []
    candidates = (
        PublishedUseCase.objects.filter(reduce(or_, conditions))
        .exclude(organisation_id__in=list(exclude_organisation_ids))
        .select_related("organisation")
        .order_by("-published_at", "pk")[:CANDIDATE_LIMIT]
    )
    suggestions = []
    for record in candidates:
        shared = words & significant_words(record.title, record.short_description, record.purpose)
        same_technique = bool(technique) and record.technique == technique
        score = len(shared) + (TECHNIQUE_POINTS if same_technique else 0)
        if shared:
            suggestions.append(Suggestion(record, score, tuple(sorted(shared)), same_technique))
    suggestions.sort(key=lambda s: (-s.score, s.record.title, s.record.pk))
    return suggestions[:limit]
