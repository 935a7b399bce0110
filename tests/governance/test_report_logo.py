"""The organisation's logo in the transparency report's header (page and PDF) and on the
organisation's public page."""

import pytest
from django.urls import reverse

from accounts import services as account_services
from governance.reports import services
from tests.accounts.test_organisation_logo import image_bytes, upload
from tests.conftest import make_use_case
from tests.governance.pdf_text import pdf_images, pdf_text
from tests.governance.reports_helpers import approve, moment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def with_logo(organisation):
    return account_services.update_organisation(
        organisation, actor=None, reason="Logo", logo=upload(image_bytes(size=(120, 60)))
    )


def _publish(organisation, board_member, department, department_head, iso, capture):
    use_case = make_use_case(department_head, department, "Wohngeld-Vorprüfung")
    approve(use_case, head=department_head, iso=iso, board=board_member, when=moment(2025, 3, 1))
    with capture(execute=True):
        requested = services.request_report(organisation, actor=board_member, year=2025)
    requested.refresh_from_db()
    return services.publish_report(requested, actor=board_member)


@pytest.fixture
def report(
    organisation, board_member, department, department_head, iso, django_capture_on_commit_callbacks
):
    return _publish(
        organisation,
        board_member,
        department,
        department_head,
        iso,
        django_capture_on_commit_callbacks,
    )


def _pdf(client, report):
    url = reverse("reports:pdf", args=[report.organisation.slug, report.period_slug])
    return b"".join(client.get(url).streaming_content)


def _page(client, report):
    url = reverse("reports:detail", args=[report.organisation.slug, report.period_slug])
    return client.get(url).content.decode()


def test_the_report_pdf_embeds_the_organisations_logo(client, with_logo, report):
    pdf = _pdf(client, report)
    assert (120, 60) in pdf_images(pdf)
    assert "Transparenzbericht KI-Register" in pdf_text(pdf)


def test_a_report_without_a_logo_renders_without_an_image(client, report):
    pdf = _pdf(client, report)
    assert pdf_images(pdf) == []
    assert "Transparenzbericht KI-Register" in pdf_text(pdf)


def test_a_logo_whose_file_is_gone_leaves_the_pdf_without_it(client, with_logo, tmp_path, request):
    for stored in tmp_path.rglob("*.png"):
        stored.unlink()
    report = request.getfixturevalue("report")
    assert pdf_images(_pdf(client, report)) == []


def test_the_report_page_shows_the_logo_with_its_alt_text(client, with_logo, report):
    logo_url = reverse("registry:organisation_logo", args=[with_logo.slug, with_logo.logo_key])
    assert f'src="{logo_url}" alt="Logo: Stadt Lindenfeld"' in _page(client, report)
    assert client.get(logo_url)["Content-Type"] == "image/png"


def test_a_report_page_without_a_logo_has_no_image(client, report):
    html = _page(client, report)
    assert "organisation-logo" not in html
    assert "Logo:" not in html


def test_a_new_logo_changes_the_report_pages_tag(client, report, organisation):
    url = reverse("reports:detail", args=[report.organisation.slug, report.period_slug])
    before = client.get(url)["ETag"]
    account_services.update_organisation(
        organisation, actor=None, reason="Logo", logo=upload(image_bytes())
    )
    assert client.get(url, HTTP_IF_NONE_MATCH=before).status_code == 200


def test_the_organisation_page_shows_the_logo(client, with_logo, report):
    html = client.get(reverse("registry:organisation", args=[with_logo.slug])).content.decode()
    logo_url = reverse("registry:organisation_logo", args=[with_logo.slug, with_logo.logo_key])
    assert f'src="{logo_url}" alt="Logo: Stadt Lindenfeld"' in html
