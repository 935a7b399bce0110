"""The services step: search the catalogue without JavaScript, take a service, keys checked."""

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

EXPORT = (
    "Schluessel;Bezeichnung;Synonyme\n"
    "99000000000001;Wohngeld Bewilligung;Mietzuschuss\n"
    "99000000000002;Gewerbeanmeldung;\n"
)


@pytest.fixture
def full_catalogue(tmp_path):
    path = tmp_path / "leika.csv"
    path.write_text(EXPORT, encoding="utf-8")
    call_command("import_leika", str(path), "--as-of", "2026-11-15")


def _step(use_case):
    return reverse("workspace:step", args=[use_case.pk, "leistungen"])


def _post(client, use_case, key, name="", **extra):
    version = client.get(_step(use_case)).context["version"]
    return client.post(
        _step(use_case),
        {
            "version": version,
            "public_services-TOTAL_FORMS": "1",
            "public_services-INITIAL_FORMS": "0",
            "public_services-0-leika_key": key,
            "public_services-0-name": name,
            "action": "save",
            **extra,
        },
    )


def test_search_lists_services_with_a_link_to_take_one(
    client, department_head, use_case, full_catalogue
):
    client.force_login(department_head)
    content = client.get(_step(use_case), {"leika_suche": "mietzuschuss"}).content.decode()
    assert "Wohngeld Bewilligung" in content and "99000000000001" in content
    assert "?leika=99000000000001" in content
    assert "Gewerbeanmeldung" not in content
    assert "Stand 15.11.2026" in content


def test_a_taken_service_is_a_row_that_saving_keeps(
    client, department_head, use_case, full_catalogue
):
    client.force_login(department_head)
    response = client.get(_step(use_case), {"leika": "99000000000002"})
    content = response.content.decode()
    assert 'value="99000000000002"' in content
    assert "noch nicht gespeichert" in content
    assert not use_case.public_services.exists()
    assert _post(client, use_case, "99000000000002", "Gewerbeanmeldung").status_code == 302
    assert use_case.public_services.get().leika_key == "99000000000002"


def test_an_unknown_key_is_refused_beside_its_field(
    client, department_head, use_case, full_catalogue
):
    client.force_login(department_head)
    response = _post(client, use_case, "99999999999999", "Erfunden")
    assert response.status_code == 400
    content = response.content.decode()
    assert "Der LeiKa-Schlüssel 99999999999999 steht nicht im Leistungskatalog" in content
    assert 'href="#id_public_services-0-leika_key"' in content
    assert not use_case.public_services.exists()


def test_a_known_key_without_a_name_gets_the_catalogues_name(
    client, department_head, use_case, full_catalogue
):
    client.force_login(department_head)
    assert _post(client, use_case, "99000000000001").status_code == 302
    assert use_case.public_services.get().name == "Wohngeld Bewilligung"


def test_a_stored_key_is_not_refused_by_a_newer_catalogue(
    client, department_head, use_case, tmp_path
):
    client.force_login(department_head)
    assert _post(client, use_case, "99999999999999", "Alt").status_code == 302  # extract only
    # The full catalogue arrives later, without that key: the stored row can still be saved.
    path = tmp_path / "leika.csv"
    path.write_text(EXPORT, encoding="utf-8")
    call_command("import_leika", str(path))
    row = use_case.public_services.get()
    version = client.get(_step(use_case)).context["version"]
    response = client.post(
        _step(use_case),
        {
            "version": version,
            "public_services-TOTAL_FORMS": "2",
            "public_services-INITIAL_FORMS": "1",
            "public_services-0-id": str(row.pk),
            "public_services-0-leika_key": row.leika_key,
            "public_services-0-name": "Alt, umbenannt",
            "action": "save",
        },
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.name == "Alt, umbenannt"
