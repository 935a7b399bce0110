"""Correcting a measurement: who may, the reason it needs, its history, and no silent overwrite."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import formats

from portfolio import selectors, services
from portfolio.models import Measurement
from tests.conftest import make_use_case
from tests.portfolio.conftest import measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def measurement(running, board_member):
    return measure(running, board_member, "processing_time", "baseline", 210, "30")


def _url(measurement, use_case_id=None):
    use_case_id = use_case_id or measurement.use_case_id
    return f"/arbeitsbereich/{use_case_id}/wirkung/{measurement.pk}/korrigieren/"


def _form(client, url):
    """The correction form's fields as the page rendered them (value, source, note, version)."""
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    return {name: form[name].value() for name in ("value", "source", "note", "version")}


# --- the service -------------------------------------------------------------------------------


def test_a_correction_from_an_older_version_is_refused_and_saves_nothing(measurement, board_member):
    shown = services.measurement_version(measurement)
    services.correct_measurement(
        measurement, actor=board_member, value="29", source="Fachverfahren", reason="Tippfehler"
    )
    with pytest.raises(services.ConcurrentChange):
        services.correct_measurement(
            measurement,
            actor=board_member,
            value="28",
            source="Stichprobe",
            reason="Neu ausgewertet",
            expected_version=shown,
        )
    measurement.refresh_from_db()
    assert (measurement.value, measurement.source) == (Decimal("29.00"), "Fachverfahren")
    assert measurement.history.count() == 2


def test_a_correction_from_the_current_version_is_saved(measurement, department_head):
    services.correct_measurement(
        measurement,
        actor=department_head,
        value="27,5",
        source="Stichprobe",
        note="100 Akten",
        reason="Neu ausgewertet",
        expected_version=services.measurement_version(measurement),
    )
    newest = measurement.history.latest("history_id")
    assert (newest.value, newest.note, newest.history_user, newest.history_change_reason) == (
        Decimal("27.50"),
        "100 Akten",
        department_head,
        "Neu ausgewertet",
    )


def test_a_correction_that_changes_nothing_leaves_no_history_row(measurement, board_member):
    services.correct_measurement(
        measurement, actor=board_member, value="30,00", source="Fachverfahren", reason="Geprüft"
    )
    assert measurement.history.count() == 1


def test_a_bad_value_is_refused_naming_the_field(measurement, board_member):
    with pytest.raises(ValidationError) as exc:
        services.correct_measurement(
            measurement, actor=board_member, value="-1", source="Fachverfahren", reason="x"
        )
    assert "negativ" in exc.value.message_dict["value"][0]
    measurement.refresh_from_db()
    assert measurement.value == Decimal("30.00")


def test_the_history_names_each_version_with_labels_and_german_values(
    measurement, board_member, department_head
):
    services.correct_measurement(
        measurement, actor=department_head, value="1234,5", source="Stichprobe", reason="Tippfehler"
    )
    newest, recorded = selectors.measurement_history(measurement)
    assert (newest.who, newest.reason, newest.recorded) == ("head", "Tippfehler", False)
    # Only what changed, by its label, the number as a German reader writes it.
    assert [(c.field, c.old, c.new) for c in newest.changes] == [
        ("Wert", "30,00", "1.234,50"),
        ("Quelle", "Fachverfahren", "Stichprobe"),
    ]
    assert (recorded.who, recorded.reason, recorded.recorded) == (
        "board",
        "Messwert erfasst",
        True,
    )
    first = {c.field: c.new for c in recorded.changes}
    assert first["Kennzahl"] == "Bearbeitungszeit (Median, Tage)"
    assert first["Phase"] == "Ausgangswert vor der Einführung"
    assert first["Zeitraum bis"] == formats.date_format(measurement.period_end, "SHORT_DATE_FORMAT")


# --- the page: who may ---------------------------------------------------------------------------

PERSONAS = (
    "outsider",
    "department_head",
    "other_department_head",
    "dpo",
    "auditor",
    "board_member",
    "foreign_board_member",
)
# The same personas as the outcome page (tests/portfolio/test_pages.py): whoever maintains a
# use case's outcomes may correct them, the auditor reads a measurement's history; everybody
# else gets the 404 of a missing page.
EXPECTED = dict(zip(PERSONAS, (404, 200, 404, 404, 200, 200, 404), strict=True))
CORRECTORS = {"department_head", "board_member"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_what_the_outcome_page_gives(client, request, measurement, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(measurement)).status_code == EXPECTED[persona]


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p not in CORRECTORS])
def test_a_refused_persona_cannot_post_a_correction(client, request, measurement, persona):
    client.force_login(request.getfixturevalue(persona))
    data = {"value": "1", "source": "x", "reason": "x", "version": ""}
    # The auditor, who reads the page, is refused (403); everybody else finds nothing (404).
    assert client.post(_url(measurement), data).status_code == (
        403 if persona == "auditor" else 404
    )
    measurement.refresh_from_db()
    assert measurement.value == Decimal("30.00") and measurement.history.count() == 1


def test_anonymous_callers_are_sent_to_the_login_and_change_nothing(client, measurement):
    assert "/konto/anmelden/" in client.get(_url(measurement))["Location"]
    data = {"value": "1", "source": "x", "reason": "x", "version": ""}
    response = client.post(_url(measurement), data)
    assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]
    assert Measurement.objects.get().value == Decimal("30.00")


def test_a_measurement_of_another_use_case_than_the_address_names_is_a_404(
    client, board_member, department_head, department, measurement
):
    other = make_use_case(department_head, department, "Andere Anwendung")
    client.force_login(board_member)
    # The board sees both use cases; the measurement belongs to one of them only.
    assert client.get(f"/arbeitsbereich/{other.pk}/wirkung/").status_code == 200
    assert client.get(_url(measurement, use_case_id=other.pk)).status_code == 404
    assert client.get(f"/arbeitsbereich/{other.pk}/wirkung/999999/korrigieren/").status_code == 404
    assert (
        client.get(
            f"/arbeitsbereich/{other.pk}/wirkung/99999999999999999999/korrigieren/"
        ).status_code
        == 404
    )


# --- the page: correcting ------------------------------------------------------------------------


def test_the_outcome_page_links_each_measurement_to_its_correction(
    client, department_head, measurement
):
    client.force_login(department_head)
    page = client.get(f"/arbeitsbereich/{measurement.use_case_id}/wirkung/").content.decode()
    assert f'href="{_url(measurement)}"' in page and "Korrigieren" in page


def test_a_correction_without_a_reason_names_the_field_and_changes_nothing(
    client, department_head, measurement
):
    client.force_login(department_head)
    fields = _form(client, _url(measurement))
    response = client.post(_url(measurement), {**fields, "value": "29", "reason": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Grund der Korrektur: Dieses Feld ist zwingend erforderlich." in page
    bad = client.post(_url(measurement), {**fields, "value": "viel", "reason": "x"})
    assert bad.status_code == 400 and "Wert:" in bad.content.decode()
    measurement.refresh_from_db()
    assert measurement.value == Decimal("30.00") and measurement.history.count() == 1


def test_a_correction_is_saved_and_shown_in_the_history(client, department_head, measurement):
    client.force_login(department_head)
    fields = _form(client, _url(measurement))
    assert fields["value"] == Decimal("30.00") and fields["source"] == "Fachverfahren"
    response = client.post(
        _url(measurement), {**fields, "value": "29,5", "reason": "Tippfehler"}, follow=True
    )
    page = response.content.decode()
    assert "Die Korrektur ist gespeichert." in page
    assert "Wert: 30,00 → 29,50" in page and "Tippfehler" in page
    measurement.refresh_from_db()
    assert measurement.value == Decimal("29.50")


def test_a_correction_changing_nothing_says_so(client, department_head, measurement):
    client.force_login(department_head)
    fields = _form(client, _url(measurement))
    response = client.post(_url(measurement), {**fields, "reason": "geprüft"}, follow=True)
    assert "Keine Änderungen – es war nichts zu speichern." in response.content.decode()
    assert measurement.history.count() == 1


def test_two_people_correcting_at_once_do_not_overwrite_each_other(
    client, board_member, department_head, measurement
):
    client.force_login(board_member)
    board_form = _form(client, _url(measurement))
    client.force_login(department_head)
    head_form = _form(client, _url(measurement))
    assert client.post(_url(measurement), {**head_form, "value": "29", "reason": "Tippfehler"})[
        "Location"
    ].endswith(_url(measurement))
    client.force_login(board_member)
    stale = client.post(_url(measurement), {**board_form, "value": "31", "reason": "Auswertung"})
    page = stale.content.decode()
    assert stale.status_code == 409
    assert "Jemand hat diesen Messwert inzwischen geändert" in page
    # The current value and the other person's change are shown; the board's input is kept.
    assert "Wert: 30,00 → 29,00" in page and 'value="31"' in page
    measurement.refresh_from_db()
    assert measurement.value == Decimal("29.00")
    # Saving again from what the page now shows is a knowing override.
    again = stale.context["form"]["version"].value()
    assert again == services.measurement_version(measurement) != board_form["version"]
    saved = client.post(
        _url(measurement), {**board_form, "version": again, "value": "31", "reason": "Auswertung"}
    )
    assert saved.status_code == 302
    measurement.refresh_from_db()
    assert measurement.value == Decimal("31.00")
