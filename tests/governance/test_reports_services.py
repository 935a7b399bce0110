"""Who may request, publish and withdraw transparency reports, and what bad input does."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from governance.models import TransparencyReport
from governance.reports import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def done_report(organisation, board_member, django_capture_on_commit_callbacks):
    # Tasks run eagerly in the tests: the commit renders the report in this process.
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_report(organisation, actor=board_member, year=2025)
    report.refresh_from_db()
    return report


def test_the_board_requests_a_report_for_a_calendar_year(organisation, board_member):
    report = services.request_report(organisation, actor=board_member, year=2025)
    assert (report.period_start, report.period_end) == (
        datetime.date(2025, 1, 1),
        datetime.date(2025, 12, 31),
    )
    assert report.status == TransparencyReport.Status.QUEUED
    assert report.requested_by == board_member


def test_the_board_requests_a_report_for_a_period_of_days(organisation, board_member):
    report = services.request_report(
        organisation,
        actor=board_member,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 6, 30),
    )
    assert report.period_slug == "2025-01-01--2025-06-30"


def test_the_request_renders_the_report_after_the_commit(done_report):
    assert done_report.status == TransparencyReport.Status.DONE
    assert done_report.progress == 100
    assert done_report.pdf.read(5) == b"%PDF-"
    assert "Überblick" in done_report.html


@pytest.mark.parametrize(
    "persona",
    [
        "department_head",
        "dpo",
        "iso",
        "staff_council",
        "auditor",
        "outsider",
        "foreign_board_member",
    ],
)
def test_only_the_board_of_the_organisation_requests_reports(request, organisation, persona):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.request_report(organisation, actor=actor, year=2025)
    assert not TransparencyReport.objects.exists()


@pytest.mark.parametrize(
    "persona", ["department_head", "auditor", "outsider", "foreign_board_member"]
)
def test_only_the_board_publishes_a_report(request, done_report, persona):
    with pytest.raises(PermissionDenied):
        services.publish_report(done_report, actor=request.getfixturevalue(persona))
    done_report.refresh_from_db()
    assert not done_report.is_published


@pytest.mark.parametrize(
    "persona", ["department_head", "auditor", "outsider", "foreign_board_member"]
)
def test_only_the_board_withdraws_a_report(request, done_report, board_member, persona):
    services.publish_report(done_report, actor=board_member)
    with pytest.raises(PermissionDenied):
        services.withdraw_report(done_report, actor=request.getfixturevalue(persona))
    done_report.refresh_from_db()
    assert done_report.is_published


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"year": 1999}, "year"),
        ({"year": timezone.localdate().year + 1}, "year"),
        ({"year": 2025, "period_start": datetime.date(2025, 1, 1)}, "year"),
        ({}, "period_start"),
        ({"period_start": datetime.date(2025, 1, 1)}, "period_end"),
        (
            {"period_start": datetime.date(2025, 6, 1), "period_end": datetime.date(2025, 5, 1)},
            "period_end",
        ),
        (
            {
                "period_start": timezone.localdate() + datetime.timedelta(days=1),
                "period_end": timezone.localdate() + datetime.timedelta(days=30),
            },
            "period_start",
        ),
    ],
)
def test_a_malformed_period_is_refused_naming_the_field(
    organisation, board_member, arguments, field
):
    with pytest.raises(ValidationError) as error:
        services.request_report(organisation, actor=board_member, **arguments)
    assert field in error.value.message_dict
    assert not TransparencyReport.objects.exists()


def test_a_second_request_for_a_period_being_rendered_is_refused(organisation, board_member):
    services.request_report(organisation, actor=board_member, year=2025)
    with pytest.raises(ValidationError) as error:
        services.request_report(organisation, actor=board_member, year=2025)
    assert "period_start" in error.value.message_dict
    assert TransparencyReport.objects.count() == 1


def test_a_report_that_is_not_done_cannot_be_published(organisation, board_member):
    report = services.request_report(organisation, actor=board_member, year=2025)
    with pytest.raises(ValidationError) as error:
        services.publish_report(report, actor=board_member)
    assert "status" in error.value.message_dict


def test_publishing_records_who_and_when(done_report, board_member):
    services.publish_report(done_report, actor=board_member)
    done_report.refresh_from_db()
    assert done_report.is_published
    assert done_report.published_by == board_member
    assert done_report.published_at is not None


def test_a_newer_report_replaces_the_published_one_of_the_same_period(
    organisation, board_member, done_report, django_capture_on_commit_callbacks
):
    services.publish_report(done_report, actor=board_member)
    with django_capture_on_commit_callbacks(execute=True):
        newer = services.request_report(organisation, actor=board_member, year=2025)
    services.publish_report(newer, actor=board_member)
    done_report.refresh_from_db()
    newer.refresh_from_db()
    assert newer.is_published
    assert not done_report.is_published
    assert done_report.withdrawn_by == board_member


def test_withdrawing_takes_the_report_off_and_records_who(done_report, board_member):
    services.publish_report(done_report, actor=board_member)
    services.withdraw_report(done_report, actor=board_member)
    done_report.refresh_from_db()
    assert not done_report.is_published
    assert done_report.withdrawn_by == board_member


def test_an_unpublished_report_cannot_be_withdrawn(done_report, board_member):
    with pytest.raises(ValidationError) as error:
        services.withdraw_report(done_report, actor=board_member)
    assert "is_published" in error.value.message_dict


def test_a_report_delivered_twice_is_rendered_once(done_report, tmp_path):
    from governance.reports.rendering import generate_report

    before = (done_report.pdf.name, done_report.finished_at)
    assert generate_report(done_report.pk) == "skipped"
    done_report.refresh_from_db()
    assert (done_report.pdf.name, done_report.finished_at) == before
    assert len(list(tmp_path.rglob("*.pdf"))) == 1


def test_a_run_overtaken_by_a_second_delivery_does_not_store_its_result(organisation, board_member):
    from governance.reports import rendering

    report = services.request_report(organisation, actor=board_member, year=2025)
    assert rendering._claim(report.pk, "first") is not None
    assert rendering._claim(report.pk, "second") is not None
    assert not rendering._finish(report.pk, "first", status="done", progress=100, html="alt")
    assert rendering._finish(report.pk, "second", status="done", progress=100, html="neu")
    report.refresh_from_db()
    assert report.html == "neu"


def test_a_failed_rendering_is_recorded_with_its_error(organisation, board_member, monkeypatch):
    from governance.reports import rendering

    report = services.request_report(organisation, actor=board_member, year=2025)

    def broken(content, body):
        raise ValueError("kaputt")

    monkeypatch.setattr(rendering, "render_report_pdf", broken)
    assert rendering.generate_report(report.pk) == "failed"
    report.refresh_from_db()
    assert report.status == TransparencyReport.Status.FAILED
    assert "kaputt" in report.error
    # A failed period may be requested again.
    services.request_report(organisation, actor=board_member, year=2025)
