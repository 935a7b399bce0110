"""Big imports run in a real Celery worker: the dry run, then (confirmed) all rows or none,
with a progress page that works by reloading."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from interop import jobs, services
from interop.models import ImportJob
from registry.models import UseCase
from tests.interop.test_imports import csv_file


def rows(count: int, *, bad: int | None = None) -> bytes:
    return csv_file(
        *(
            f",Sozialamt,{'' if number == bad else f'Fall {number}'},Kurz,Zweck,Stelle,idea,"
            for number in range(count)
        )
    )


@pytest.fixture
def small_threshold(monkeypatch):
    # Three rows count as big: the worker's path without a file of hundreds of rows.
    monkeypatch.setattr(jobs, "BACKGROUND_ROWS", 2)


def wait_for_status(job: ImportJob, *statuses: str) -> ImportJob:
    from tests.governance.conftest import wait_for

    wait_for(lambda: ImportJob.objects.get(pk=job.pk).status in statuses, timeout=60)
    return ImportJob.objects.get(pk=job.pk)


def test_the_worker_plans_then_imports_a_big_file(
    small_threshold, celery_worker, client, department_head, department
):
    client.force_login(department_head)
    upload = SimpleUploadedFile("gross.csv", rows(3), "text/csv")
    response = client.post(reverse("interop:import"), {"file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("interop:import_job", args=[job.pk])
    job = wait_for_status(job, ImportJob.Status.PLANNED, ImportJob.Status.FAILED)
    assert job.status == ImportJob.Status.PLANNED, job.message
    assert [row["action"] for row in job.plan] == ["create"] * 3
    assert UseCase.objects.count() == 0
    page = client.get(reverse("interop:import_job", args=[job.pk])).content.decode()
    assert "Alle 3 Zeilen importieren" in page
    response = client.post(reverse("interop:import_job", args=[job.pk]))
    assert response.status_code == 302
    job = wait_for_status(job, ImportJob.Status.DONE, ImportJob.Status.FAILED)
    assert job.status == ImportJob.Status.DONE, job.message
    assert UseCase.objects.filter(title__startswith="Fall ").count() == 3
    created = UseCase.objects.get(title="Fall 2")
    assert created.history.latest().history_user == department_head
    assert created.history.latest().history_change_reason == "Import aus „gross.csv“, Zeile 4"
    assert bytes(job.content) == b""
    assert (
        "3 Zeilen wurden importiert"
        in client.get(reverse("interop:import_job", args=[job.pk])).content.decode()
    )


def test_a_big_file_with_a_bad_row_is_planned_with_its_errors_and_cannot_be_confirmed(
    small_threshold, celery_worker, client, department_head, department
):
    job = services.start_import_job(
        actor=department_head,
        file_name="gross.csv",
        content=rows(3, bad=1),
        department=None,
        responsible_role="",
        total_rows=3,
    )
    job = wait_for_status(job, ImportJob.Status.PLANNED, ImportJob.Status.FAILED)
    client.force_login(department_head)
    page = client.get(reverse("interop:import_job", args=[job.pk])).content.decode()
    assert "Zeile 3, Spalte „Bezeichnung“" in page
    assert "importieren</span></button>" not in page
    response = client.post(reverse("interop:import_job", args=[job.pk]))
    assert response.status_code == 400
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.PLANNED
    assert UseCase.objects.count() == 0


def test_a_job_delivered_twice_imports_once(
    small_threshold, celery_worker, department_head, department
):
    from interop import tasks

    job = services.start_import_job(
        actor=department_head,
        file_name="gross.csv",
        content=rows(3),
        department=None,
        responsible_role="",
        total_rows=3,
    )
    job = wait_for_status(job, ImportJob.Status.PLANNED)
    services.confirm_import_job(job, actor=department_head)
    job = wait_for_status(job, ImportJob.Status.DONE)
    assert tasks.apply_import_job.delay(job.pk).get(timeout=30) == "skipped"
    assert tasks.plan_import_job.delay(job.pk).get(timeout=30) == "skipped"
    assert UseCase.objects.count() == 3


def test_progress_page_shows_the_steps_while_running(client, db, department_head):
    job = ImportJob.objects.create(
        requested_by=department_head,
        file_name="gross.csv",
        total_rows=40,
        status=ImportJob.Status.APPLYING,
    )
    from django.core.cache import cache

    cache.set(jobs.progress_key(job.pk), 50)
    client.force_login(department_head)
    page = client.get(reverse("interop:import_job", args=[job.pk])).content.decode()
    assert 'value="50"' in page and 'max="80"' in page
    assert "50 von 80 Schritten (62 %)" in page
    assert "Stand aktualisieren" in page


def test_someone_elses_job_is_404(client, db, department_head, other_department_head, dpo):
    job = ImportJob.objects.create(requested_by=department_head, file_name="x.csv", total_rows=3)
    for person in (other_department_head, dpo):
        client.force_login(person)
        assert client.get(reverse("interop:import_job", args=[job.pk])).status_code == 404
        assert client.post(reverse("interop:import_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("interop:import_job", args=[job.pk + 1])).status_code == 404
