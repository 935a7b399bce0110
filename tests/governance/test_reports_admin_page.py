"""A transparency report's own admin page: publish and withdraw there, the year pre-filled."""

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.reports import services
from tests.governance.reports_helpers import moment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def report(organisation, board_member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        requested = services.request_report(
            organisation,
            actor=board_member,
            period_start=moment(2025, 1, 1).date(),
            period_end=moment(2025, 6, 30).date(),
        )
    requested.refresh_from_db()
    return requested


def _staff(user):
    user.is_staff = True
    user.save()
    return user


def _change(report):
    return reverse("admin:governance_transparencyreport_change", args=[report.pk])


def test_the_board_publishes_and_withdraws_on_the_reports_own_page(client, board_member, report):
    client.force_login(_staff(board_member))
    page = client.get(_change(report)).content.decode()
    publish = reverse("admin:governance_transparencyreport_publish", args=[report.pk])
    assert f'formaction="{publish}"' in page and "Veröffentlichen" in page
    response = client.post(publish)
    assert response.status_code == 302 and response["Location"] == _change(report)
    report.refresh_from_db()
    assert report.is_published and report.published_by == board_member
    page = client.get(_change(report)).content.decode()
    withdraw = reverse("admin:governance_transparencyreport_withdraw", args=[report.pk])
    assert f'formaction="{withdraw}"' in page and f'formaction="{publish}"' not in page
    client.post(withdraw)
    report.refresh_from_db()
    assert not report.is_published


def test_publishing_twice_is_refused_with_a_message(client, board_member, report):
    client.force_login(_staff(board_member))
    publish = reverse("admin:governance_transparencyreport_publish", args=[report.pk])
    client.post(publish)
    followed = client.post(publish, follow=True)
    assert "Der Bericht ist bereits veröffentlicht." in followed.content.decode()


def test_publishing_by_get_changes_nothing(client, board_member, report):
    client.force_login(_staff(board_member))
    publish = reverse("admin:governance_transparencyreport_publish", args=[report.pk])
    assert client.get(publish).status_code == 405
    report.refresh_from_db()
    assert not report.is_published


def test_the_auditor_sees_no_button_and_cannot_publish(client, auditor, report):
    client.force_login(_staff(auditor))
    page = client.get(_change(report)).content.decode()
    assert "formaction=" not in page
    publish = reverse("admin:governance_transparencyreport_publish", args=[report.pk])
    assert client.post(publish).status_code == 403
    report.refresh_from_db()
    assert not report.is_published


def test_another_boards_report_cannot_be_published(client, foreign_board_member, report):
    client.force_login(_staff(foreign_board_member))
    publish = reverse("admin:governance_transparencyreport_publish", args=[report.pk])
    assert client.post(publish).status_code == 404
    report.refresh_from_db()
    assert not report.is_published


def test_the_request_form_offers_last_year(client, board_member):
    client.force_login(_staff(board_member))
    page = client.get(reverse("admin:governance_transparencyreport_add")).content.decode()
    assert f'value="{timezone.localdate().year - 1}"' in page
