"""The transparency report's PDF in the site's typeface (Fira Sans, the files the site serves):
embedded, and nothing else fetched."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from weasyprint.urls import FatalURLFetchingError

from governance.reports import services
from governance.reports.rendering import PDF_FONT_FACES, html_to_pdf
from tests.conftest import make_use_case
from tests.governance.pdf_text import pdf_font_names, pdf_text
from tests.governance.reports_helpers import approve, moment

pytestmark = pytest.mark.django_db

DOCUMENT = (
    '<!DOCTYPE html><html lang="de"><head><title>Probe</title>'
    '<style>body {{ font-family: "Fira Sans", sans-serif; }}</style></head>'
    "<body><h1>Überschrift</h1><p>Grüße aus Lindenfeld</p>{extra}</body></html>"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def report(
    organisation, board_member, department, department_head, iso, django_capture_on_commit_callbacks
):
    use_case = make_use_case(department_head, department, "Wohngeld-Vorprüfung")
    approve(use_case, head=department_head, iso=iso, board=board_member, when=moment(2025, 3, 1))
    with django_capture_on_commit_callbacks(execute=True):
        requested = services.request_report(organisation, actor=board_member, year=2025)
    requested.refresh_from_db()
    return services.publish_report(requested, actor=board_member)


def test_a_pdf_embeds_fira_sans_in_the_weights_it_uses():
    pdf = html_to_pdf(DOCUMENT.format(extra="<p><b>fett</b> <i>kursiv</i></p>"))
    assert {"Fira-Sans", "Fira-Sans-Bold", "Fira-Sans-Italic"} <= pdf_font_names(pdf)
    assert "Grüße aus Lindenfeld" in pdf_text(pdf)


def test_the_report_pdf_is_set_in_fira_sans(client, report):
    url = reverse("reports:pdf", args=[report.organisation.slug, report.period_slug])
    names = pdf_font_names(b"".join(client.get(url).streaming_content))
    assert "Fira-Sans" in names
    # No fallback face of the machine's, not even in the page numbers of the margin.
    assert all(name.startswith("Fira-Sans") for name in names), names


@pytest.mark.parametrize(
    "address",
    [
        "https://example.invalid/logo.png",
        "file:///etc/hostname",
        "data:image/png;base64,iVBORw0KGgo=",
        "static/kern/fonts/fira-sans/FiraSans-Regular.woff2",
        "ki-register-font:FiraSans-Light.woff2",
        "ki-register-file:logo",
    ],
)
def test_any_other_address_in_a_pdf_is_refused(address):
    # Relative addresses resolve under SITE_URL; neither they nor a face outside the list nor a
    # file the caller did not embed are fetched.
    with pytest.raises(FatalURLFetchingError, match="Error fetching"):
        html_to_pdf(DOCUMENT.format(extra=f'<img src="{address}" alt="Probe">'))


def test_the_site_and_the_pdf_use_the_same_font_files():
    stylesheet = finders.find("css/fonts.css")
    with open(stylesheet, encoding="utf-8") as css:
        faces = re.findall(
            r'font-style: (\w+); font-weight: (\d+);.*?url\("\.\./([^"]+)"\)', css.read(), re.S
        )
    assert {(style, int(weight), path) for style, weight, path in faces} == set(PDF_FONT_FACES)
    assert all(finders.find(path) for _style, _weight, path in PDF_FONT_FACES)
