"""The public pages of transparency reports and the board's report admin."""

import pytest
from django.urls import reverse

from governance.models import TransparencyReport
from governance.reports import services
from registry.models import PublishedUseCase
from tests.conftest import make_use_case
from tests.governance.pdf_text import pdf_links, pdf_text
from tests.governance.reports_helpers import approve, moment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _render(organisation, actor, capture, **period):
    with capture(execute=True):
        report = services.request_report(organisation, actor=actor, **(period or {"year": 2025}))
    report.refresh_from_db()
    return report


@pytest.fixture
def published_report(
    organisation,
    board_member,
    department,
    department_head,
    iso,
    django_capture_on_commit_callbacks,
):
    use_case = make_use_case(department_head, department, "Wohngeld-Vorprüfung")
    approve(use_case, head=department_head, iso=iso, board=board_member, when=moment(2025, 3, 1))
    report = _render(organisation, board_member, django_capture_on_commit_callbacks)
    return services.publish_report(report, actor=board_member)


@pytest.fixture
def unpublished_report(organisation, board_member, django_capture_on_commit_callbacks):
    return _render(
        organisation,
        board_member,
        django_capture_on_commit_callbacks,
        period_start=moment(2025, 1, 1).date(),
        period_end=moment(2025, 6, 30).date(),
    )


def _detail(report, period=None, slug=None):
    return reverse(
        "reports:detail", args=[slug or report.organisation.slug, period or report.period_slug]
    )


def _pdf(report, period=None, slug=None):
    return reverse(
        "reports:pdf", args=[slug or report.organisation.slug, period or report.period_slug]
    )


def test_a_published_report_is_a_public_page(client, published_report):
    response = client.get("/organisationen/lindenfeld/berichte/2025/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Transparenzbericht 2025 – Stadt Lindenfeld" in text
    assert "Wohngeld-Vorprüfung" in text
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=300"}


def test_the_report_page_names_the_stadt_and_links_its_entries(client, published_report):
    text = client.get(_detail(published_report)).content.decode()
    assert "welche KI-Anwendungsfälle die Stadt Lindenfeld im Zeitraum" in text
    assert "in ihrem öffentlichen KI-Register" in text
    (entry,) = PublishedUseCase.objects.filter(organisation=published_report.organisation)
    assert f'href="/anwendungsfaelle/{entry.use_case_id}/">Wohngeld-Vorprüfung</a>' in text


def test_the_pdf_names_the_stadt_and_links_its_entries_under_the_site_address(
    client, published_report, settings
):
    pdf = b"".join(client.get(_pdf(published_report)).streaming_content)
    text = " ".join(pdf_text(pdf).split())
    assert "welche KI-Anwendungsfälle die Stadt Lindenfeld im Zeitraum" in text
    (entry,) = PublishedUseCase.objects.filter(organisation=published_report.organisation)
    site = settings.SITE_URL.rstrip("/")
    assert set(pdf_links(pdf)) == {f"{site}/anwendungsfaelle/{entry.use_case_id}/"}


def test_the_pdf_downloads_with_its_file_name(client, published_report):
    response = client.get(_pdf(published_report))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="ki-transparenzbericht-lindenfeld-2025.pdf"'
    )
    assert "public" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_an_unchanged_report_answers_not_modified(client, published_report):
    first = client.get(_detail(published_report))
    again = client.get(_detail(published_report), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_a_signed_in_visitors_report_page_is_not_cached(client, published_report, outsider):
    client.force_login(outsider)
    response = client.get(_detail(published_report))
    assert "no-store" in response["Cache-Control"]


def test_an_unpublished_report_is_not_found(client, published_report, unpublished_report):
    assert client.get(_detail(unpublished_report)).status_code == 404
    assert client.get(_pdf(unpublished_report)).status_code == 404


def test_a_withdrawn_report_is_not_found(client, published_report, board_member):
    services.withdraw_report(published_report, actor=board_member)
    assert client.get(_detail(published_report)).status_code == 404
    assert client.get(_pdf(published_report)).status_code == 404


def test_a_report_of_another_organisation_is_not_found_under_this_one(
    client, published_report, other_organisation
):
    assert client.get(_detail(published_report, slug=other_organisation.slug)).status_code == 404


def test_a_period_without_a_report_is_not_found(client, published_report):
    assert client.get(_detail(published_report, period="2024")).status_code == 404
    assert client.get(_detail(published_report, slug="gibt-es-nicht")).status_code == 404


@pytest.mark.parametrize(
    "period", ["20x5", "2025-13-01--2025-12-31", "2025-06-30--2025-01-01", "2025-1-1--2025-2-1"]
)
def test_a_malformed_period_is_a_bad_request_naming_the_period(client, published_report, period):
    for url in (_detail(published_report, period=period), _pdf(published_report, period=period)):
        response = client.get(url)
        assert response.status_code == 400
        assert "Zeitraum" in response.content.decode()


def test_the_list_shows_only_published_reports(client, published_report, unpublished_report):
    response = client.get(reverse("reports:list", args=["lindenfeld"]))
    text = response.content.decode()
    assert response.status_code == 200
    assert _detail(published_report) in text
    assert _detail(unpublished_report) not in text


def test_the_list_of_an_organisation_without_public_content_is_not_found(
    client, other_organisation
):
    assert client.get(reverse("reports:list", args=[other_organisation.slug])).status_code == 404


def test_the_organisation_page_links_to_its_reports(client, published_report):
    response = client.get(reverse("registry:organisation", args=["lindenfeld"]))
    assert reverse("reports:list", args=["lindenfeld"]) in response.content.decode()


def test_the_public_report_list_needs_a_bounded_number_of_queries(
    client, published_report, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        client.get(reverse("reports:list", args=["lindenfeld"]))


# -- the board's admin ---------------------------------------------------------------------------


def _staff(user):
    user.is_staff = True
    user.save()
    return user


def test_the_board_requests_a_report_in_the_admin(client, board_member, organisation):
    client.force_login(_staff(board_member))
    response = client.post(
        reverse("admin:governance_transparencyreport_add"),
        {"organisation": organisation.pk, "year": "2025"},
    )
    report = TransparencyReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:governance_transparencyreport_change", args=[report.pk]
    )
    assert report.requested_by == board_member


def test_a_malformed_request_in_the_admin_names_the_field(client, board_member, organisation):
    client.force_login(_staff(board_member))
    response = client.post(
        reverse("admin:governance_transparencyreport_add"),
        {"organisation": organisation.pk, "period_start": "2025-06-01", "period_end": "2025-05-01"},
    )
    assert response.status_code == 200
    assert "Das Ende liegt vor dem Beginn des Zeitraums." in response.content.decode()
    assert not TransparencyReport.objects.exists()


def test_the_admin_offers_only_the_boards_organisations(
    client, board_member, organisation, other_organisation
):
    client.force_login(_staff(board_member))
    response = client.post(
        reverse("admin:governance_transparencyreport_add"),
        {"organisation": other_organisation.pk, "year": "2025"},
    )
    assert response.status_code == 200
    assert not TransparencyReport.objects.exists()


def test_the_board_publishes_through_the_admin_action(client, board_member, unpublished_report):
    client.force_login(_staff(board_member))
    client.post(
        reverse("admin:governance_transparencyreport_changelist"),
        {"action": "publish_reports", "_selected_action": [unpublished_report.pk]},
    )
    unpublished_report.refresh_from_db()
    assert unpublished_report.is_published


def test_the_admin_shows_progress_and_downloads(client, board_member, unpublished_report):
    client.force_login(_staff(board_member))
    page = client.get(reverse("admin:governance_transparencyreport_changelist"))
    assert '<progress max="100" value="100"' in page.content.decode()
    progress = client.get(
        reverse("admin:governance_transparencyreport_progress", args=[unpublished_report.pk])
    )
    assert progress.json() == {
        "status": "done",
        "status_label": "fertig",
        "progress": 100,
        "finished": True,
    }
    pdf = client.get(
        reverse("admin:governance_transparencyreport_pdf", args=[unpublished_report.pk])
    )
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")


def test_another_boards_report_is_not_found_in_the_admin(
    client, foreign_board_member, unpublished_report
):
    client.force_login(_staff(foreign_board_member))
    for name in ("change", "pdf", "html", "progress"):
        url = reverse(f"admin:governance_transparencyreport_{name}", args=[unpublished_report.pk])
        assert client.get(url).status_code == 404, name


def test_the_auditor_reads_reports_but_cannot_request_or_publish(
    client, auditor, unpublished_report
):
    client.force_login(_staff(auditor))
    assert client.get(reverse("admin:governance_transparencyreport_changelist")).status_code == 200
    assert client.get(reverse("admin:governance_transparencyreport_add")).status_code == 403
    client.post(
        reverse("admin:governance_transparencyreport_changelist"),
        {"action": "publish_reports", "_selected_action": [unpublished_report.pk]},
    )
    unpublished_report.refresh_from_db()
    assert not unpublished_report.is_published


def test_the_change_page_of_a_report_in_progress_follows_its_progress(
    client, board_member, organisation
):
    report = services.request_report(organisation, actor=board_member, year=2025)
    client.force_login(_staff(board_member))
    page = client.get(reverse("admin:governance_transparencyreport_change", args=[report.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert '<progress max="100" value="0"' in text
    assert reverse("admin:governance_transparencyreport_progress", args=[report.pk]) in text
    assert 'name="_save"' not in text  # nothing on a report is edited by hand
