"""Objections: the public form's protections, staff recording, handling, counts and erasure."""

import datetime
import time

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from incidents import forms, retention, selectors, services
from incidents.models import Objection, ObjectorContact
from registry.publication import publish_use_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    from django.core.cache import cache

    # The public forms' limit counts per address in the cache; each test starts at zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(use_case, board_member):
    publish_use_case(use_case, actor=board_member, reason="Test")
    return use_case


def _post(client, use_case, **fields):
    token = forms.form_token(use_case.pk, now=time.time() - 10)
    data = {"statement": "Mein Antrag wurde falsch vorgeprüft.", "token": token, **fields}
    return client.post(reverse("incidents:objection_form", args=[use_case.pk]), data)


def test_the_public_form_records_an_objection_and_acknowledges_it(
    client, published, department_head, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, published, email="erika@example.org", name="Erika", consent="on")
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.channel == "online" and objection.recorded_by is None
    assert objection.case_number.startswith(f"W-{timezone.now().year}-")
    assert objection.routed_to == published.responsible_role
    assert objection.due_date == timezone.localdate() + datetime.timedelta(days=30)
    to = sorted(address for message in mail.outbox for address in message.to)
    assert "erika@example.org" in to and department_head.email in to
    receipt = next(m for m in mail.outbox if m.to == ["erika@example.org"])
    assert objection.case_number in receipt.subject


def test_contact_data_without_consent_is_refused_and_nothing_is_stored(client, published):
    response = _post(client, published, email="erika@example.org")
    assert response.status_code == 400
    assert "willigen Sie ein" in response.content.decode()
    assert not Objection.objects.exists()


def test_an_anonymous_objection_needs_no_consent(client, published):
    assert _post(client, published).status_code == 302
    assert ObjectorContact.objects.get().consent_given_at is None


def test_the_honeypot_refuses_a_bot(client, published):
    assert _post(client, published, website="http://spam.example").status_code == 400
    assert not Objection.objects.exists()


def test_a_form_sent_within_seconds_or_with_a_forged_token_is_refused(client, published):
    fresh = forms.form_token(published.pk)
    url = reverse("incidents:objection_form", args=[published.pk])
    assert client.post(url, {"statement": "x", "token": fresh}).status_code == 400
    assert client.post(url, {"statement": "x", "token": "forged:token"}).status_code == 400
    other = forms.form_token(published.pk + 1, now=time.time() - 10)
    assert client.post(url, {"statement": "x", "token": other}).status_code == 400
    assert not Objection.objects.exists()


def test_the_public_form_of_an_unpublished_use_case_is_404(client, use_case):
    assert client.get(reverse("incidents:objection_form", args=[use_case.pk])).status_code == 404


def test_the_public_form_shares_the_rate_limit_of_public_forms(client, published, settings):
    settings.PUBLIC_FORM_RATE = "1/h"
    assert _post(client, published).status_code == 302
    assert _post(client, published).status_code == 429
    assert Objection.objects.count() == 1


def test_staff_record_a_letter_and_the_deadline_follows_the_setting(
    use_case, department_head, board_member, organisation
):
    services.update_response_settings(
        organisation, actor=board_member, reason="Satzung", fields={"objection_response_days": 14}
    )
    received = timezone.now() - datetime.timedelta(days=2)
    objection = services.record_objection(
        use_case,
        actor=department_head,
        channel="letter",
        received_at=received,
        contact={"statement": "Bitte prüfen", "postal_address": "Hauptstr. 1"},
    )
    assert objection.due_date == timezone.localdate(received) + datetime.timedelta(days=14)
    assert objection.history.get().history_user == department_head


def test_staff_cannot_record_the_online_channel_or_a_future_date(use_case, department_head):
    with pytest.raises(services.ValidationError) as exc:
        services.record_objection(
            use_case,
            actor=department_head,
            channel="online",
            received_at=timezone.now(),
            contact={"statement": "x"},
        )
    assert "channel" in exc.value.message_dict
    with pytest.raises(services.ValidationError) as exc:
        services.record_objection(
            use_case,
            actor=department_head,
            channel="phone",
            received_at=timezone.now() + datetime.timedelta(days=2),
            contact={"statement": "x"},
        )
    assert "received_at" in exc.value.message_dict


def test_a_foreign_board_cannot_record_or_see(use_case, department_head, foreign_board_member):
    from django.http import Http404

    with pytest.raises(Http404):
        services.record_objection(
            use_case,
            actor=foreign_board_member,
            channel="phone",
            received_at=timezone.now(),
            contact={"statement": "x"},
        )
    objection = services.record_objection(
        use_case,
        actor=department_head,
        channel="phone",
        received_at=timezone.now(),
        contact={"statement": "x"},
    )
    with pytest.raises(Http404):
        services.decide_objection(
            objection,
            actor=foreign_board_member,
            outcome="upheld",
            note="x",
            human_review_done=True,
        )


def test_deciding_documents_the_outcome_and_tells_the_person(
    use_case, department_head, django_capture_on_commit_callbacks
):
    objection = services.record_objection(
        use_case,
        actor=department_head,
        channel="email",
        received_at=timezone.now(),
        contact={"statement": "x", "email": "max@example.org"},
    )
    mail.outbox.clear()
    services.start_objection_review(objection, actor=department_head)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_objection(
            objection,
            actor=department_head,
            outcome="upheld",
            note="Vorprüfung war richtig",
            human_review_done=True,
        )
    objection.refresh_from_db()
    assert (objection.status, objection.outcome, objection.human_review_done) == (
        "decided",
        "upheld",
        True,
    )
    assert [m.to for m in mail.outbox] == [["max@example.org"]]
    assert "Entscheidung bestätigt" in mail.outbox[0].body


def test_counts_per_use_case_hold_no_content(use_case, department_head):
    for outcome in ("upheld", "changed"):
        objection = services.record_objection(
            use_case,
            actor=department_head,
            channel="phone",
            received_at=timezone.now(),
            contact={"statement": "x"},
        )
        services.decide_objection(
            objection,
            actor=department_head,
            outcome=outcome,
            note="geprüft",
            human_review_done=True,
        )
    services.record_objection(
        use_case,
        actor=department_head,
        channel="phone",
        received_at=timezone.now(),
        contact={"statement": "x"},
    )
    assert selectors.objection_counts([use_case.pk]) == {
        use_case.pk: {"received": 3, "decided": 2, "changed": 1}
    }


def test_erasure_after_retention_deletes_the_data_and_records_it_without_the_data(
    use_case, department_head, board_member, organisation
):
    services.update_response_settings(
        organisation,
        actor=board_member,
        reason="Löschkonzept",
        fields={"objector_data_retention_days": 10},
    )
    objection = services.record_objection(
        use_case,
        actor=department_head,
        channel="email",
        received_at=timezone.now(),
        contact={"statement": "Mein Name ist Erika Mustermann", "email": "erika@example.org"},
    )
    services.decide_objection(
        objection, actor=department_head, outcome="upheld", note="geprüft", human_review_done=True
    )
    assert retention.erase_objector_data(now=timezone.now() + datetime.timedelta(days=9)) == 0
    assert retention.erase_objector_data(now=timezone.now() + datetime.timedelta(days=11)) == 1
    objection.refresh_from_db()
    assert objection.personal_data_erased_at is not None
    assert not ObjectorContact.objects.exists()
    entry = objection.history.first()
    assert entry.history_user is None and "Aufbewahrungsfrist" in entry.history_change_reason
    for row in objection.history.all():
        assert "Erika" not in str(row.__dict__)
    # A second run finds nothing more to erase.
    assert retention.erase_objector_data(now=timezone.now() + datetime.timedelta(days=11)) == 0


def test_the_transparency_report_counts_objections_of_public_use_cases(
    published, department_head, organisation
):
    from governance.reports.content import build_report_content
    from governance.reports.periods import Period

    services.record_objection(
        published,
        actor=department_head,
        channel="letter",
        received_at=timezone.now(),
        contact={"statement": "Vertraulicher Inhalt"},
    )
    content = build_report_content(organisation, Period.year(timezone.localdate().year))
    assert [(row.title, row.received, row.decided) for row in content.objections] == [
        (published.title, 1, 0)
    ]
