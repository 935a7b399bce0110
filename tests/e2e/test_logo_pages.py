"""The organisation's logo and the site's typeface in a real browser: the board sets the logo in
the admin (errors named), the report page shows it; axe-core and reflow on both pages."""

import pytest

from accounts import services as account_services
from governance.reports import services
from tests.accounts.test_organisation_logo import SVG, image_bytes, upload
from tests.conftest import make_use_case
from tests.e2e.conftest import check_page
from tests.governance.reports_helpers import approve, moment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The faces of "Fira Sans" the page has loaded, once the fonts it uses have arrived.
LOADED_FIRA_SANS = """
() => document.fonts.ready.then(() =>
  [...document.fonts].filter((f) => f.family.includes("Fira Sans") && f.status === "loaded")
    .map((f) => `${f.weight} ${f.style}`))
"""


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _log_in(page, live_server, next_url):
    page.goto(f"{live_server.url}/konto/anmelden/?next={next_url}")
    page.get_by_label("Benutzername").fill("board")
    page.get_by_label("Passwort").fill("pw")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"**{next_url}")


def test_the_board_sets_the_logo_in_the_admin(
    page, live_server, organisation, board_member, tmp_path
):
    change_url = f"/admin/accounts/organisation/{organisation.pk}/change/"
    _log_in(page, live_server, change_url)
    assert page.evaluate(LOADED_FIRA_SANS)  # the admin is set in KERN's typeface
    check_page(page, "admin-organisation-logo")

    svg = tmp_path / "wappen.svg"
    svg.write_bytes(SVG)
    page.get_by_label("Logo").set_input_files(str(svg))
    page.get_by_role("button", name="Sichern und weiter bearbeiten").click()
    page.get_by_text("Das Logo muss ein PNG- oder JPEG-Bild sein.").wait_for()
    check_page(page, "admin-organisation-logo-error")

    png = tmp_path / "wappen.png"
    png.write_bytes(image_bytes(size=(300, 120)))
    page.get_by_label("Logo").set_input_files(str(png))
    page.get_by_role("button", name="Sichern und weiter bearbeiten").click()
    page.wait_for_url(f"**{change_url}")
    organisation.refresh_from_db()
    assert organisation.logo.name.endswith(".png")
    current = page.get_by_role("link", name="Logo: Stadt Lindenfeld")
    assert current.get_attribute("href").endswith(f"/logo/{organisation.logo_key}")
    check_page(page, "admin-organisation-logo-set")


@pytest.fixture
def report_with_logo(organisation, board_member, department, department_head, iso):
    account_services.update_organisation(
        organisation, actor=None, reason="Logo", logo=upload(image_bytes(size=(600, 240)))
    )
    use_case = make_use_case(department_head, department, "Wohngeld-Vorprüfung")
    approve(use_case, head=department_head, iso=iso, board=board_member, when=moment(2025, 3, 1))
    requested = services.request_report(organisation, actor=board_member, year=2025)
    requested.refresh_from_db()
    return services.publish_report(requested, actor=board_member)


def test_the_report_page_shows_the_logo_in_the_sites_typeface(page, live_server, report_with_logo):
    page.goto(f"{live_server.url}/organisationen/lindenfeld/berichte/2025/")
    logo = page.get_by_role("img", name="Logo: Stadt Lindenfeld")
    assert logo.evaluate("(image) => image.complete && image.naturalWidth") == 600
    loaded = page.evaluate(LOADED_FIRA_SANS)
    assert "400 normal" in loaded
    check_page(page, "report-with-logo")
