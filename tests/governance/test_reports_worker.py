"""A real Celery worker on Redis renders a requested transparency report to HTML and PDF."""

import pytest

from governance import tasks
from governance.models import TransparencyReport
from governance.reports import services
from tests.conftest import make_use_case
from tests.governance.reports_helpers import approve, moment

pytestmark = pytest.mark.services


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _wait_until_finished(report: TransparencyReport) -> TransparencyReport:
    from tests.governance.conftest import wait_for

    finished = (TransparencyReport.Status.DONE, TransparencyReport.Status.FAILED)
    wait_for(lambda: TransparencyReport.objects.get(pk=report.pk).status in finished, timeout=60)
    return TransparencyReport.objects.get(pk=report.pk)


@pytest.fixture
def public_entry(transactional_db, board_member, department, department_head, iso):
    """Set up before the worker starts: on SQLite its mail tasks and these writes would collide."""
    use_case = make_use_case(department_head, department, "Wohngeld-Vorprüfung")
    approve(use_case, head=department_head, iso=iso, board=board_member, when=moment(2025, 3, 1))
    return use_case


def test_the_worker_renders_the_requested_report_to_a_pdf(
    public_entry, celery_worker, organisation, board_member
):
    report = services.request_report(organisation, actor=board_member, year=2025)
    report = _wait_until_finished(report)
    assert report.status == TransparencyReport.Status.DONE, report.error
    assert report.progress == 100
    assert report.started_at is not None and report.finished_at is not None
    assert "Wohngeld-Vorprüfung" in report.html
    with report.pdf.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_a_report_delivered_twice_to_the_worker_is_stored_once(
    celery_worker, organisation, board_member, tmp_path
):
    report = services.request_report(organisation, actor=board_member, year=2025)
    report = _wait_until_finished(report)
    again = tasks.render_transparency_report.delay(report.pk).get(timeout=30)
    assert again == "skipped"
    assert TransparencyReport.objects.get(pk=report.pk).finished_at == report.finished_at
    assert len(list(tmp_path.rglob("*.pdf"))) == 1
