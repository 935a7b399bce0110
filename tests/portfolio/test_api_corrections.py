"""Correcting a measurement through the API: If-Match, a reason, the history, who may."""

from decimal import Decimal

import pytest

from portfolio import services
from portfolio.models import Measurement
from tests.api.conftest import ApiClient
from tests.portfolio.conftest import measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def measurement(running, board_member):
    return measure(running, board_member, "processing_time", "baseline", 210, "30")


def _url(measurement, suffix=""):
    return f"/api/v1/outcome-measurements/{measurement.pk}/{suffix}"


def _etag(client, measurement):
    response = client.get(_url(measurement))
    assert response.status_code == 200
    return response["ETag"]


def test_a_correction_with_the_read_version_is_saved_with_its_reason(measurement, department_head):
    client = ApiClient(department_head)
    etag = _etag(client, measurement)
    response = client.patch(
        _url(measurement),
        {"value": "28.5", "source": "Fachverfahren, Auswertung Q2", "reason": "Tippfehler"},
        if_match=etag,
    )
    assert response.status_code == 200, response.content
    assert response.json()["value"] == "28.50"
    assert response["ETag"] != etag
    measurement.refresh_from_db()
    assert (measurement.value, measurement.source) == (
        Decimal("28.50"),
        "Fachverfahren, Auswertung Q2",
    )
    newest = measurement.history.order_by("-history_id").first()
    assert (newest.history_user, newest.history_change_reason) == (department_head, "Tippfehler")


def test_what_a_correction_does_not_name_stays_as_it_is(measurement, board_member):
    client = ApiClient(board_member)
    response = client.patch(
        _url(measurement),
        {"note": "Zweite Stichprobe", "reason": "Ergänzt"},
        if_match=_etag(client, measurement),
    )
    assert response.status_code == 200, response.content
    measurement.refresh_from_db()
    assert (measurement.value, measurement.source, measurement.note) == (
        Decimal("30.00"),
        "Fachverfahren",
        "Zweite Stichprobe",
    )


def test_a_correction_without_a_reason_is_refused_in_german_and_changes_nothing(
    measurement, board_member
):
    client = ApiClient(board_member)
    response = client.patch(_url(measurement), {"value": "1"}, if_match=_etag(client, measurement))
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    blank = client.patch(
        _url(measurement), {"value": "1", "reason": "  "}, if_match=_etag(client, measurement)
    )
    assert blank.status_code == 400
    assert "reason" in blank.json()["errors"]
    measurement.refresh_from_db()
    assert measurement.value == Decimal("30.00")
    assert measurement.history.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"value": "-1", "reason": "x"}, "value"),
        ({"value": "viel", "reason": "x"}, "value"),
        ({"source": "", "reason": "x"}, "source"),
        ({"phase": "follow_up", "reason": "x"}, "phase"),
    ],
)
def test_bad_corrections_name_the_field_and_change_nothing(measurement, board_member, body, field):
    client = ApiClient(board_member)
    response = client.patch(_url(measurement), body, if_match=_etag(client, measurement))
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    measurement.refresh_from_db()
    assert (measurement.value, measurement.source, measurement.phase) == (
        Decimal("30.00"),
        "Fachverfahren",
        "baseline",
    )


def test_a_correction_without_if_match_or_with_an_old_etag_is_refused(measurement, board_member):
    client = ApiClient(board_member)
    stale = _etag(client, measurement)
    assert client.patch(_url(measurement), {"value": "29", "reason": "x"}).status_code == 428
    assert (
        client.patch(_url(measurement), {"value": "29", "reason": "x"}, if_match="*").status_code
        == 428
    )
    # Someone corrects it meanwhile: the version read before is no longer the current one.
    services.correct_measurement(
        measurement, actor=board_member, value="31", source="Fachverfahren", reason="Nachtrag"
    )
    response = client.patch(_url(measurement), {"value": "29", "reason": "x"}, if_match=stale)
    assert response.status_code == 412
    measurement.refresh_from_db()
    assert measurement.value == Decimal("31.00")


def test_the_auditor_reads_but_may_not_correct(measurement, auditor, board_member):
    client = ApiClient(auditor)
    etag = _etag(client, measurement)
    response = client.patch(_url(measurement), {"value": "1", "reason": "Prüfung"}, if_match=etag)
    assert response.status_code == 403
    assert client.get(_url(measurement, "history/")).status_code == 200
    assert Measurement.objects.get(pk=measurement.pk).value == Decimal("30.00")


def test_others_neither_see_nor_correct_it(
    measurement, other_department_head, foreign_board_member, dpo
):
    for person in (other_department_head, foreign_board_member, dpo):
        client = ApiClient(person)
        assert client.get(_url(measurement)).status_code == 404
        assert client.get(_url(measurement, "history/")).status_code == 404
        response = client.patch(_url(measurement), {"value": "1", "reason": "x"}, if_match='"x"')
        assert response.status_code == 404
    assert Measurement.objects.get(pk=measurement.pk).value == Decimal("30.00")


def test_the_history_lists_the_recording_and_each_correction(measurement, board_member):
    client = ApiClient(board_member)
    client.patch(
        _url(measurement),
        {"value": "29", "reason": "Tippfehler"},
        if_match=_etag(client, measurement),
    )
    history = client.get(_url(measurement, "history/"))
    assert history.status_code == 200
    entries = history.json()
    assert [entry["change_type"] for entry in entries] == ["changed", "created"]
    assert entries[0]["reason"] == "Tippfehler"
    assert entries[0]["actor"]["id"] == board_member.pk
    assert entries[0]["object_type"] == "measurement"
    assert {"field": "value", "old": "30.00", "new": "29.00"} in entries[0]["changes"]
    assert entries[1]["reason"] == "Messwert erfasst"


def test_put_is_not_offered(measurement, board_member):
    client = ApiClient(board_member)
    response = client.put(_url(measurement), {"value": "1", "reason": "x"}, if_match='"x"')
    assert response.status_code == 405
