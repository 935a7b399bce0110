"""Impressum (§ 5 DDG) and Datenschutzerklärung (Art. 13 DSGVO) from the operator's settings."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(settings):
    settings.OPERATOR_NAME = "Gemeinde Musterau"
    settings.OPERATOR_ADDRESS = "Am Markt 2\n99999 Musterau"
    settings.OPERATOR_REPRESENTATIVE = "den Bürgermeister"
    settings.OPERATOR_EMAIL = "ki@musterau.example"
    settings.DATA_PROTECTION_OFFICER_CONTACT = "dsb@musterau.example"
    return settings


def test_imprint_names_the_operator_its_address_representative_and_contact(client, operator):
    content = client.get("/impressum/").content.decode()
    assert "§ 5 Digitale-Dienste-Gesetz" in content
    for text in ("Gemeinde Musterau", "Am Markt 2", "den Bürgermeister", "ki@musterau.example"):
        assert text in content


def test_privacy_notice_names_controller_dpo_rights_and_the_complaint_authority(client, operator):
    content = client.get("/datenschutz/").content.decode()
    for text in ("Art. 13", "Gemeinde Musterau", "dsb@musterau.example", "Art. 77 DSGVO"):
        assert text in content


def test_every_public_page_names_the_operator_and_links_the_legal_pages(client, operator):
    content = client.get("/").content.decode()
    assert "Offizielle Website: Gemeinde Musterau" in content
    assert "Transparenzregister der öffentlichen Verwaltung" not in content
    assert 'href="/impressum/"' in content and 'href="/datenschutz/"' in content


def test_the_operators_own_legal_pages_replace_the_built_in_links(client, operator):
    operator.IMPRINT_URL = "https://musterau.example/impressum"
    content = client.get("/barrierefreiheit/").content.decode()
    assert 'href="https://musterau.example/impressum"' in content


def test_accessibility_statement_names_the_operator_and_site_not_the_host(client, operator):
    operator.SITE_URL = "https://ki.musterau.example"
    content = client.get("/barrierefreiheit/").content.decode()
    assert (
        "Gemeinde Musterau ist bemüht, das KI-Register unter https://ki.musterau.example" in content
    )
