"""The federal service catalogue (Leistungskatalog, LeiKa): reading an export, search, key checks.

The catalogue lives in the database (`LeikaService`, and one `LeikaCatalogue` row saying which
edition it is). A migration loads the extract shipped in `registry/data/leika_snapshot.csv`;
`manage.py import_leika FILE` replaces it with an export of the FIM portal
(https://fimportal.de/kataloge, "Leistungen" as CSV: columns `Schluessel` and `Bezeichnung`,
optionally `Synonyme`; separated by `;` or `,`, UTF-8 or ISO-8859-1). A file with any error
changes nothing.

Keys are checked against the catalogue only when it is complete: the shipped extract is not, so
until the full catalogue is imported a key is checked for its form (14 digits) alone.
"""

import csv
import datetime
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from registry.models import LeikaCatalogue, LeikaService

SNAPSHOT: Final = Path(__file__).parent / "data" / "leika_snapshot.csv"
KEY_PATTERN: Final = re.compile(r"[0-9]{14}")
KEY_COLUMN: Final = "Schluessel"
NAME_COLUMN: Final = "Bezeichnung"
SYNONYM_COLUMN: Final = "Synonyme"
# More errors than this are not listed one by one: the file is the wrong one.
MAX_LISTED_ERRORS: Final = 20
SEARCH_LIMIT: Final = 20


class CatalogueError(Exception):
    """The file is not a usable catalogue; `messages` say why, in German, with line numbers."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = list(messages)


@dataclass(frozen=True)
class Entry:
    """One service of the catalogue."""

    key: str
    name: str
    synonyms: str = ""


@dataclass(frozen=True)
class Header:
    """What the comment lines (`# name: value`) at the top of a file say about it."""

    source: str = ""
    as_of: datetime.date | None = None
    complete: bool | None = None


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("iso-8859-1")  # the FIM portal's export


def _header(comment_lines: Iterable[str]) -> Header:
    values: dict[str, str] = {}
    for line in comment_lines:
        name, sep, value = line.lstrip("#").partition(":")
        if sep:
            values[name.strip().lower()] = value.strip()
    as_of = None
    if values.get("stand"):
        try:
            as_of = datetime.date.fromisoformat(values["stand"])
        except ValueError:
            as_of = None
    complete = {"ja": True, "nein": False}.get(values.get("vollstaendig", "").lower())
    return Header(source=values.get("quelle", ""), as_of=as_of, complete=complete)


def parse_catalogue(raw: bytes) -> tuple[Header, list[Entry]]:
    """The entries of a catalogue file, or CatalogueError naming every problem (by line)."""
    text = _decode(raw)
    lines = text.splitlines()
    comments = []
    while lines and (lines[0].startswith("#") or not lines[0].strip()):
        comments.append(lines.pop(0))
    first_line = len(comments) + 1
    if not lines:
        raise CatalogueError([_("Die Datei enthält keine Zeilen.")])
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.DictReader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    columns = [name.strip() for name in reader.fieldnames or []]
    reader.fieldnames = columns
    missing = [name for name in (KEY_COLUMN, NAME_COLUMN) if name not in columns]
    if missing:
        raise CatalogueError(
            [
                _("Zeile %(line)d: Spalte „%(column)s“ fehlt (gefunden: %(found)s).")
                % {"line": first_line, "column": column, "found": ", ".join(columns) or "–"}
                for column in missing
            ]
        )
    errors: list[str] = []
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for offset, row in enumerate(reader, start=1):
        line = first_line + offset
        key = (row.get(KEY_COLUMN) or "").strip()
        name = (row.get(NAME_COLUMN) or "").strip()
        if not KEY_PATTERN.fullmatch(key):
            errors.append(
                _("Zeile %(line)d: Der LeiKa-Schlüssel „%(key)s“ besteht nicht aus 14 Ziffern.")
                % {"line": line, "key": key}
            )
        elif key in seen:
            errors.append(
                _("Zeile %(line)d: Der LeiKa-Schlüssel %(key)s steht schon in Zeile %(first)d.")
                % {"line": line, "key": key, "first": seen[key]}
            )
        else:
            seen[key] = line
        if not name:
            errors.append(_("Zeile %(line)d: Die Bezeichnung fehlt.") % {"line": line})
        elif len(name) > LeikaService._meta.get_field("name").max_length:  # type: ignore[operator]
            errors.append(_("Zeile %(line)d: Die Bezeichnung ist zu lang.") % {"line": line})
        entries.append(Entry(key, name, (row.get(SYNONYM_COLUMN) or "").strip()))
    if not entries and not errors:
        errors.append(_("Die Datei enthält keine Leistungen."))
    if errors:
        listed = errors[:MAX_LISTED_ERRORS]
        if len(errors) > MAX_LISTED_ERRORS:
            listed.append(
                _("… und %(count)d weitere Fehler.") % {"count": len(errors) - MAX_LISTED_ERRORS}
            )
        raise CatalogueError(listed)
    return _header(comments), entries


@transaction.atomic
def replace_catalogue(
    entries: Sequence[Entry], *, source: str, as_of: datetime.date, complete: bool
) -> LeikaCatalogue:
    """The catalogue in the database becomes `entries`, all or nothing."""
    if not source.strip():
        raise CatalogueError([_("Bitte geben Sie die Quelle des Katalogs an.")])
    LeikaService.objects.all().delete()
    # Reference data without history (no HistoricalRecords), so a bulk write is allowed here.
    LeikaService.objects.bulk_create(
        [LeikaService(key=e.key, name=e.name, synonyms=e.synonyms) for e in entries],
        batch_size=1000,
    )
    LeikaCatalogue.objects.all().delete()
    return LeikaCatalogue.objects.create(source=source, as_of=as_of, complete=complete)


def catalogue_edition() -> LeikaCatalogue | None:
    """Which catalogue the database holds, or None before any was loaded."""
    return LeikaCatalogue.objects.first()


def search(query: str, *, limit: int = SEARCH_LIMIT) -> list[LeikaService]:
    """Services whose key starts with the digits typed, or whose name or synonyms hold every
    word typed; by key."""
    query = query.strip()
    if not query:
        return []
    condition = Q()
    for word in query.split():
        if word.isdigit():
            condition &= Q(key__startswith=word)
        else:
            condition &= Q(name__icontains=word) | Q(synonyms__icontains=word)
    return list(LeikaService.objects.filter(condition).order_by("key")[:limit])


def names_of(keys: Iterable[str]) -> dict[str, str]:
    """The catalogue's name of each key it holds."""
    return dict(LeikaService.objects.filter(key__in=set(keys)).values_list("key", "name"))


def unknown_keys(keys: Iterable[str]) -> set[str]:
    """The keys a complete catalogue does not hold (none while only an extract is loaded)."""
    wanted = {key for key in keys if key}
    edition = catalogue_edition()
    if not wanted or edition is None or not edition.complete:
        return set()
    return wanted - set(names_of(wanted))
