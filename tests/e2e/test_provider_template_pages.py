"""IT service providers' templates in a real browser: the provider's staff publish one, a member
municipality's department head adopts it with one click from the workspace, and the provenance
and the template's public page read right; every page passes the reflow and axe check."""

import re

import pytest
from playwright.sync_api import expect

from accounts import services as account_services
from accounts.models import Membership, Organisation
from interop.models import Adoption
from interop.services import create_template
from registry.publication import publish_use_case
from tests.conftest import make_person
from tests.e2e.conftest import check_page
from tests.e2e.test_workspace_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_provider_publishes_a_member_adopts_and_the_provenance_shows(
    page, live_server, idp, organisation, department_head, department, board_member
):
    provider = account_services.create_organisation(
        name="Kommunale IT Süd",
        slug="kit-sued",
        ags="",  # a Zweckverband has no Gemeindeschlüssel
        kind=Organisation.Kind.IT_SERVICE_PROVIDER,
        actor=None,
        reason="Testdaten",
    )
    products = account_services.create_department(
        organisation=provider, name="Produkte", actor=None, reason="Testdaten"
    )
    staff = make_person("provider_head", provider, Membership.Role.DEPARTMENT_HEAD, (products,))
    account_services.add_provider_member(
        provider, organisation=organisation, actor=None, reason="Testdaten"
    )
    template = create_template(
        actor=staff,
        provider=provider,
        title="KI-Posteingang im Produkt X",
        content={
            "short_description": "Eingangspost wird dem Fachbereich vorgeschlagen.",
            "purpose": "Schnellere Zuordnung.",
            "responsible_role": "Leitung Poststelle",
        },
    )
    log_in(page, live_server, idp, staff, next_path=f"/arbeitsbereich/vorlagen/{template.pk}/")
    check_page(page, "template-form")
    page.get_by_role("button", name="Für die Mitgliedskommunen veröffentlichen").click()
    expect(page.locator("[role=status]").first).to_contain_text("veröffentlicht")
    page.context.clear_cookies()

    log_in(page, live_server, idp, department_head)
    page.get_by_role("link", name="Vorlagen Ihres IT-Dienstleisters").click()
    check_page(page, "templates-offered")
    page.get_by_role("button", name="„KI-Posteingang im Produkt X“ nachnutzen").click()
    page.wait_for_url(re.compile(r"/arbeitsbereich/\d+/$"))
    adoption = Adoption.objects.get(template=template)
    assert page.url.endswith(f"/arbeitsbereich/{adoption.use_case_id}/")

    publish_use_case(adoption.use_case, actor=board_member, reason="freigegeben")
    page.goto(f"{live_server.url}/anwendungsfaelle/{adoption.use_case_id}/")
    expect(page.locator("#herkunft")).to_contain_text("des IT-Dienstleisters Kommunale IT Süd")
    page.locator("#herkunft").get_by_role("link", name="Zur Vorlage").click()
    expect(page.get_by_role("link", name="Stadt Lindenfeld")).to_be_visible()
    check_page(page, "template-public")
