"""Detail, earlier versions, change log and objection route of a published use case."""

from governance import services as governance_services
from registry import services
from registry.models import PublishedUseCase
from registry.publication import withdraw_use_case
from tests.public.conftest import change


def test_detail_page_shows_the_public_fields(client, published):
    html = client.get(f"/anwendungsfaelle/{published.use_case_id}/").content.decode()
    assert "Wohngeld-Vorprüfung" in html
    assert "Kürzere Bearbeitungszeiten." in html
    assert "Sachgebietsleitung Wohngeld" in html


def test_detail_page_of_an_unpublished_use_case_gives_404(client, use_case):
    assert client.get(f"/anwendungsfaelle/{use_case.pk}/").status_code == 404


def test_detail_page_of_a_withdrawn_use_case_gives_404(client, published, use_case, board_member):
    withdraw_use_case(use_case, actor=board_member, reason="intern")
    assert client.get(f"/anwendungsfaelle/{use_case.pk}/").status_code == 404


def test_a_withheld_group_shows_its_reason_and_not_its_value(
    client, use_case, board_member, publish
):
    governance_services.change_use_case(
        use_case, actor=board_member, reason="x", interfaces="SAP-Modul Geheim"
    )
    services.set_use_case_children(
        use_case,
        actor=board_member,
        reason="x",
        key="withheld_fields",
        rows=[{"field": "interfaces", "reason": "Schutz der IT-Sicherheit"}],
    )
    publish(use_case)
    html = client.get(f"/anwendungsfaelle/{use_case.pk}/").content.decode()
    assert "Diese Angabe wird nicht veröffentlicht." in html
    assert "Schutz der IT-Sicherheit" in html
    assert "SAP-Modul Geheim" not in html


def test_change_log_names_the_changed_fields_with_german_labels(
    client, published, use_case, board_member, publish
):
    change(use_case, board_member, title="Wohngeld-Assistent", purpose="Schneller entscheiden.")
    publish(use_case, reason="Änderung freigegeben")
    html = client.get(f"/anwendungsfaelle/{use_case.pk}/").content.decode()
    log = html[html.index("Änderungsprotokoll") :]
    assert "geändert" in log
    assert "<li>Bezeichnung</li>" in log and "<li>Zweck</li>" in log
    assert "veröffentlicht" in log
    # The reason is the reviewers' internal note and stays internal.
    assert "Änderung freigegeben" not in html


def test_an_earlier_version_shows_the_entry_as_published_then(
    client, published, use_case, board_member, publish
):
    first_version = PublishedUseCase.history.get()
    change(use_case, board_member, title="Wohngeld-Assistent")
    publish(use_case)
    url = f"/anwendungsfaelle/{use_case.pk}/versionen/{first_version.history_id}/"
    html = client.get(url).content.decode()
    assert "Wohngeld-Vorprüfung" in html
    assert "frühere Fassung" in html
    assert "Wohngeld-Assistent" not in html


def test_a_version_of_another_use_case_gives_404(client, published, foreign_use_case, publish):
    other = publish(foreign_use_case)
    other_version = other.history.get()
    url = f"/anwendungsfaelle/{published.use_case_id}/versionen/{other_version.history_id}/"
    assert client.get(url).status_code == 404


def test_a_malformed_or_unknown_version_id_gives_404(client, published):
    base = f"/anwendungsfaelle/{published.use_case_id}/versionen/"
    assert client.get(base + "abc/").status_code == 404
    assert client.get(base + "999999/").status_code == 404


def test_the_404_page_is_in_the_visitors_language(client, published):
    client.cookies["django_language"] = "en"
    response = client.get("/anwendungsfaelle/999999/")
    assert response.status_code == 404
    assert '<html lang="en">' in response.content.decode()


def test_objection_page_names_the_procedure_and_the_contact(
    client, use_case, board_member, publish
):
    change(
        use_case,
        board_member,
        objection_procedure="Widerspruch beim Sozialamt einlegen.",
        public_contact_email="wohngeld@lf.example",
    )
    publish(use_case)
    html = client.get(f"/anwendungsfaelle/{use_case.pk}/widerspruch/").content.decode()
    assert "Widerspruch beim Sozialamt einlegen." in html
    assert "mailto:wohngeld@lf.example" in html


def test_detail_page_query_count_does_not_grow_with_versions(
    client, published, use_case, board_member, publish, django_assert_max_num_queries
):
    # Three for the record and its change log, two for the reuse note (interop: where it was
    # adopted from, how many others use it), one for the published documents (evidence; when
    # they changed is part of the record's version); none grows with versions.
    with django_assert_max_num_queries(6):
        client.get(f"/anwendungsfaelle/{use_case.pk}/")
    for n in range(10):
        change(use_case, board_member, title=f"Titel {n}")
        publish(use_case)
    with django_assert_max_num_queries(6):
        response = client.get(f"/anwendungsfaelle/{use_case.pk}/")
    assert response.content.decode().count("Fassung vom") == 11
