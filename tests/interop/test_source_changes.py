"""Adopters hear when their source changes (workspace notice, mail, webhook event) with the
difference, and take changes over field by field, through the services, refused when stale."""

import pytest
from django.core import mail
from django.urls import reverse

from governance import services as governance_services
from governance import versions
from interop import changes
from interop.models import Adoption
from interop.services import adopt_use_case, take_over_source_changes
from registry.models import WebhookDelivery
from registry.publication import publish_use_case
from registry.webhooks.endpoints import create_webhook_endpoint


@pytest.fixture
def adopted(published_register, foreign_department_head, foreign_department):
    """Birkenau's draft adopted from Lindenfeld's fully described use case."""
    return adopt_use_case(
        published_register[0], actor=foreign_department_head, department=foreign_department
    )


@pytest.fixture
def change_source(published_register, board_member):
    source = published_register[0].use_case

    def _change(**fields):
        governance_services.change_use_case(
            source, actor=board_member, reason="überarbeitet", **fields
        )
        publish_use_case(source, actor=board_member, reason="erneut freigegeben")

    return _change


def test_an_unchanged_source_shows_no_change(adopted):
    assert changes.source_changes(Adoption.objects.get(use_case=adopted)) == []
    assert not changes.changed_adoptions().exists()


def test_a_republished_source_shows_each_changed_field_with_old_and_new(adopted, change_source):
    change_source(benefit="Schnellere Bescheide", proportionality="Neu abgewogen")
    found = changes.source_changes(Adoption.objects.get(use_case=adopted))
    assert {c.name for c in found} == {"benefit", "proportionality"}
    benefit = next(c for c in found if c.name == "benefit")
    assert benefit.new == "Schnellere Bescheide"
    assert benefit.old == adopted.benefit
    assert benefit.label == "Nutzen"


def test_adopters_are_told_once_by_mail_and_webhook_with_the_difference(
    adopted, change_source, foreign_board_member, foreign_department_head
):
    create_webhook_endpoint(
        actor=foreign_board_member,
        organisation=adopted.organisation,
        url="http://127.0.0.1:9/h",
        events=["use_case.source_changed"],
    )
    change_source(benefit="Schnellere Bescheide")
    mail.outbox.clear()
    assert changes.notify_adopters() == 1
    assert changes.notify_adopters() == 0
    [message] = [m for m in mail.outbox if "Vorlage" in m.subject]
    assert message.to == [foreign_department_head.email]
    assert "Schnellere Bescheide" in message.body
    assert reverse("interop:source_changes", args=[adopted.pk]) in message.body
    [delivery] = WebhookDelivery.objects.filter(event="use_case.source_changed")
    assert delivery.payload["use_case"]["id"] == adopted.pk
    assert delivery.payload["changed_fields"] == ["benefit"]
    assert delivery.payload["subject"]["kind"] == "source"


def test_taking_over_one_field_changes_only_it_with_the_source_in_the_reason(
    adopted, change_source, foreign_department_head
):
    change_source(benefit="Schnellere Bescheide", proportionality="Neu abgewogen")
    adoption = Adoption.objects.get(use_case=adopted)
    take_over_source_changes(
        adoption,
        actor=foreign_department_head,
        fields=["benefit"],
        expected_version=versions.use_case_version(adopted.pk),
    )
    adopted.refresh_from_db()
    assert adopted.benefit == "Schnellere Bescheide"
    assert adopted.proportionality != "Neu abgewogen"
    latest = adopted.history.latest()
    assert latest.history_user == foreign_department_head
    assert latest.history_change_reason.startswith(
        "Änderungen der Vorlage von Stadt Lindenfeld übernommen (Fassung vom"
    )
    # Reviewed: the notice is gone until the source changes again.
    assert not changes.changed_adoptions().exists()


def test_a_stale_page_is_refused_and_changes_nothing(
    client, adopted, change_source, foreign_department_head
):
    change_source(benefit="Schnellere Bescheide")
    client.force_login(foreign_department_head)
    url = reverse("interop:source_changes", args=[adopted.pk])
    page = client.get(url)
    token = page.context["version"]
    governance_services.change_use_case(
        adopted, actor=foreign_department_head, reason="dazwischen", purpose="Anders"
    )
    response = client.post(url, {"take": ["benefit"], "version": token})
    assert response.status_code == 409
    assert "Inzwischen hat jemand anderes" in response.content.decode()
    adopted.refresh_from_db()
    assert adopted.benefit != "Schnellere Bescheide"
    assert changes.changed_adoptions().exists()


def test_notice_page_and_form_take_over_the_checked_field(
    client, adopted, change_source, foreign_department_head
):
    change_source(benefit="Schnellere Bescheide")
    client.force_login(foreign_department_head)
    index = client.get(reverse("workspace:index")).content.decode()
    url = reverse("interop:source_changes", args=[adopted.pk])
    assert url in index
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Schnellere Bescheide" in body and 'value="benefit"' in body
    response = client.post(url, {"take": ["benefit"], "version": page.context["version"]})
    assert response.status_code == 302
    adopted.refresh_from_db()
    assert adopted.benefit == "Schnellere Bescheide"
    assert url not in client.get(reverse("workspace:index")).content.decode()


def test_a_field_the_source_did_not_change_is_refused_in_german(
    client, adopted, change_source, foreign_department_head
):
    change_source(benefit="Schnellere Bescheide")
    client.force_login(foreign_department_head)
    url = reverse("interop:source_changes", args=[adopted.pk])
    token = client.get(url).context["version"]
    response = client.post(url, {"take": ["title"], "version": token})
    assert response.status_code == 400
    assert "Auswahl" in response.content.decode()
    adopted.refresh_from_db()
    assert adopted.benefit != "Schnellere Bescheide"


def test_others_get_404_for_the_changes_page(
    client, adopted, change_source, department_head, outsider, dpo
):
    change_source(benefit="Schnellere Bescheide")
    url = reverse("interop:source_changes", args=[adopted.pk])
    # The source organisation's department head and DPO, and an outsider.
    for person in (department_head, outsider, dpo):
        client.force_login(person)
        assert client.get(url).status_code == 404, person
        assert client.post(url, {"take": ["benefit"], "version": "x"}).status_code == 404


def test_a_use_case_that_was_not_adopted_has_no_changes_page(
    client, published_register, department_head
):
    client.force_login(department_head)
    own = published_register[0].use_case_id
    assert client.get(reverse("interop:source_changes", args=[own])).status_code == 404


def test_the_notice_costs_the_same_queries_for_more_adoptions(
    published_register,
    publish_many,
    board_member,
    foreign_department_head,
    foreign_department,
    django_assert_max_num_queries,
):
    from interop.templatetags.interop import source_change_notice

    for record in publish_many(5):
        adopt_use_case(record, actor=foreign_department_head, department=foreign_department)
        governance_services.change_use_case(
            record.use_case, actor=board_member, reason="überarbeitet", benefit="Neu"
        )
        publish_use_case(record.use_case, actor=board_member, reason="erneut freigegeben")
    # Whether anything changed, role lookups, then one query for the adoptions with their
    # sources and use cases.
    with django_assert_max_num_queries(4):
        notice = source_change_notice(foreign_department_head)
        assert len(notice["adoptions"]) == 5
        assert {a.source_organisation.name for a in notice["adoptions"]} == {"Stadt Lindenfeld"}
        assert all(a.use_case.title for a in notice["adoptions"])
