"""The service catalogue (LeiKa): the shipped extract, import_leika, search and key checks."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from registry import leika
from registry.models import LeikaCatalogue, LeikaService

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shipped_extract():
    """The migration's extract, as a fresh database holds it: a transactional test that ran
    before on this worker flushed every table, the migration's rows included."""
    migration = importlib.import_module("registry.migrations.0015_add_leika_catalogue")
    migration.load_snapshot(apps, None)


EXPORT = (
    "Schluessel;Bezeichnung;Bezeichnung2;Synonyme\n"
    "99102112000000;Anmeldung der Beförderung von unversteuertem Bier;;Bier|Steuer\n"
    "99000000000001;Wohngeld Bewilligung;Mietzuschuss;Wohngeld|Lastenzuschuss\n"
)


def _import(tmp_path, text, *args, encoding="utf-8"):
    path = tmp_path / "leika.csv"
    path.write_bytes(text.encode(encoding))
    call_command("import_leika", str(path), *args)


def test_the_migration_ships_an_extract_with_source_and_date():
    edition = leika.catalogue_edition()
    assert edition is not None and not edition.complete
    assert edition.as_of == datetime.date(2026, 12, 1)
    assert "fimportal.de" in edition.source
    assert LeikaService.objects.filter(key="99102112000000").exists()


def test_import_replaces_the_catalogue_and_marks_it_complete(tmp_path):
    _import(tmp_path, EXPORT, "--as-of", "2026-11-15")
    edition = leika.catalogue_edition()
    assert edition.complete and edition.as_of == datetime.date(2026, 11, 15)
    assert LeikaCatalogue.objects.count() == 1
    assert set(LeikaService.objects.values_list("key", flat=True)) == {
        "99102112000000",
        "99000000000001",
    }


def test_the_fim_portals_latin_1_comma_export_is_read(tmp_path):
    _import(
        tmp_path,
        "Schluessel,Bezeichnung\n99000000000002,Gewerbeanmeldung für Straßenverkauf\n",
        encoding="iso-8859-1",
    )
    assert LeikaService.objects.get().name == "Gewerbeanmeldung für Straßenverkauf"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Key;Name\n99000000000001;X\n", "Spalte „Schluessel“ fehlt"),
        ("Schluessel;Bezeichnung\n9900;Zu kurz\n", "Zeile 2: Der LeiKa-Schlüssel „9900“"),
        ("Schluessel;Bezeichnung\n99000000000001;\n", "Zeile 2: Die Bezeichnung fehlt."),
        (
            "Schluessel;Bezeichnung\n99000000000001;A\n99000000000001;B\n",
            "Zeile 3: Der LeiKa-Schlüssel 99000000000001 steht schon in Zeile 2.",
        ),
        ("Schluessel;Bezeichnung\n", "keine Leistungen"),
        ("", "keine Zeilen"),
    ],
)
def test_a_bad_file_is_refused_with_the_line_and_changes_nothing(tmp_path, text, message):
    before = list(LeikaService.objects.values_list("key", "name"))
    with pytest.raises(CommandError) as refused:
        _import(tmp_path, text)
    assert message in str(refused.value)
    assert "nichts ist geändert" in str(refused.value)
    assert list(LeikaService.objects.values_list("key", "name")) == before
    assert not leika.catalogue_edition().complete


def test_a_missing_file_and_a_bad_date_are_named(tmp_path):
    with pytest.raises(CommandError, match="nicht lesbar"):
        call_command("import_leika", str(tmp_path / "fehlt.csv"))
    with pytest.raises(CommandError, match="--as-of"):
        _import(tmp_path, EXPORT, "--as-of", "gestern")


def test_search_by_words_synonyms_and_key_prefix(tmp_path):
    _import(tmp_path, EXPORT)
    assert [s.key for s in leika.search("wohngeld")] == ["99000000000001"]
    assert [s.key for s in leika.search("lastenzuschuss")] == ["99000000000001"]
    assert [s.key for s in leika.search("991021")] == ["99102112000000"]
    assert leika.search("bier wohngeld") == []
    assert leika.search("   ") == []


def test_keys_are_checked_only_against_a_complete_catalogue(tmp_path):
    # The shipped extract cannot know every key: nothing is refused until the full import.
    assert leika.unknown_keys(["99999999999999"]) == set()
    _import(tmp_path, EXPORT)
    assert leika.unknown_keys(["99999999999999", "99000000000001"]) == {"99999999999999"}
    _import(tmp_path, EXPORT, "--extract")
    assert leika.unknown_keys(["99999999999999"]) == set()
