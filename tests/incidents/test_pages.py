"""The workspace's incident and objection pages: who gets what, and forms that refuse bad input."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.models import Incident, Objection
from tests.incidents.conftest import make_incident

pytestmark = pytest.mark.django_db

PERSONAS = (
    "outsider",
    "department_head",
    "other_department_head",
    "dpo",
    "auditor",
    "board_member",
    "foreign_board_member",
)


def _client(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    return client


# persona -> status of the incident page (serious incident without personal data).
INCIDENT_PAGE = {
    "outsider": 404,
    "department_head": 200,
    "other_department_head": 404,
    "dpo": 404,  # no personal data involved: not the DPO's
    "auditor": 200,
    "board_member": 200,
    "foreign_board_member": 404,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_incident_page_answers_each_persona(client, request, serious_incident, persona):
    response = _client(client, request, persona).get(
        reverse("workspace:incident", args=[serious_incident.pk])
    )
    assert response.status_code == INCIDENT_PAGE[persona]


@pytest.mark.parametrize("persona", ["dpo", "auditor", "other_department_head"])
def test_the_edit_page_is_refused_to_who_only_reads_or_does_not_see(
    client, request, data_incident, persona
):
    response = _client(client, request, persona).get(
        reverse("workspace:incident_edit", args=[data_incident.pk])
    )
    assert response.status_code in (403, 404)
    assert response.status_code == (404 if persona == "other_department_head" else 403)


def test_an_anonymous_visitor_is_sent_to_the_login(client, serious_incident):
    response = client.get(reverse("workspace:incident", args=[serious_incident.pk]))
    assert response.status_code == 302


def test_the_incident_page_shows_the_deadlines_and_time_left(
    client, department_head, serious_incident
):
    client.force_login(department_head)
    page = client.get(reverse("workspace:incident", args=[serious_incident.pk])).content.decode()
    assert "Art. 73 Abs. 2 KI-VO" in page
    assert "Art. 26 Abs. 5 UAbs. 1 KI-VO" in page
    assert "noch 14" in page  # 15 days minus the hour since awareness
    assert "Einsatz aussetzen" not in page  # the use case is not in operation


def test_recording_an_incident_through_the_form(client, department_head, use_case):
    client.force_login(department_head)
    response = client.post(
        reverse("workspace:incident_create"),
        {
            "use_case": use_case.pk,
            "title": "Ausfall",
            "description": "Keine Vorschläge seit 8 Uhr.",
            "aware_at": "2026-11-30T08:15",
            "effect": "none",
            "status": "open",
        },
    )
    incident = Incident.objects.get()
    assert response.status_code == 302
    # Entered in the organisation's time zone (Europe/Berlin, CET).
    assert incident.aware_at == datetime.datetime(2026, 11, 30, 7, 15, tzinfo=datetime.UTC)


def test_a_bad_form_names_the_field_and_saves_nothing(client, department_head, use_case):
    client.force_login(department_head)
    response = client.post(
        reverse("workspace:incident_create"),
        {
            "use_case": use_case.pk,
            "title": "",
            "description": "x",
            "aware_at": "gestern",
            "effect": "minor",
            "death": "on",
            "status": "open",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Kurzbezeichnung" in page and "Bemerkt am" in page
    assert not Incident.objects.exists()


def test_a_use_case_of_another_department_cannot_be_chosen(
    client, other_department_head, use_case, other_department_use_case
):
    client.force_login(other_department_head)
    response = client.post(
        reverse("workspace:incident_create"),
        {
            "use_case": use_case.pk,
            "title": "x",
            "description": "x",
            "aware_at": "2026-11-30T08:15",
            "effect": "none",
            "status": "open",
        },
    )
    assert response.status_code == 400
    assert not Incident.objects.exists()


def test_recording_a_report_on_the_page(client, department_head, data_incident):
    client.force_login(department_head)
    local_now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("workspace:incident_report", args=[data_incident.pk]),
        {"clock": "gdpr_breach", "reported_at": local_now, "reference": "LfD-1"},
    )
    assert response.status_code == 302
    assert Incident.objects.get().status == "reported"


def test_the_board_publishes_the_note_and_the_public_sees_only_the_note(
    client, board_member, serious_incident, use_case
):
    from registry.publication import publish_use_case

    publish_use_case(use_case, actor=board_member, reason="Test")
    client.force_login(board_member)
    client.post(
        reverse("workspace:incident_note", args=[serious_incident.pk]),
        {
            "public_note": "Falsche Vorschläge; das System ist korrigiert.",
            "published": "on",
            "reason": "Beschluss",
        },
    )
    client.logout()
    page = client.get(reverse("incidents:use_case_reports", args=[use_case.pk])).content.decode()
    assert "das System ist korrigiert" in page
    assert serious_incident.description not in page  # internal details stay internal


def test_the_objection_pages_follow_the_same_rules(
    client, department_head, dpo, foreign_board_member, use_case
):
    objection = services.record_objection(
        use_case,
        actor=department_head,
        channel="letter",
        received_at=timezone.now(),
        contact={"statement": "Bitte prüfen", "name": "Erika M."},
    )
    url = reverse("workspace:objection", args=[objection.pk])
    client.force_login(department_head)
    assert client.get(url).status_code == 200
    for person in (dpo, foreign_board_member):
        client.force_login(person)
        assert client.get(url).status_code == 404
    client.force_login(department_head)
    response = client.post(url, {"outcome": "upheld", "note": "geprüft"})
    assert response.status_code == 400  # no human review ticked
    assert Objection.objects.get().status == "received"
    response = client.post(
        url, {"outcome": "changed", "note": "neu entschieden", "human_review_done": "on"}
    )
    assert response.status_code == 302
    assert Objection.objects.get().outcome == "changed"


def test_the_dashboard_lists_overdue_reports(client, board_member, use_case, department_head):
    make_incident(
        use_case,
        department_head,
        personal_data_involved=True,
        title="Datenabfluss",
        aware_at=timezone.now() - datetime.timedelta(days=4),
    )
    client.force_login(board_member)
    page = client.get(reverse("governance:dashboard")).content.decode()
    assert "Überfällige Meldungen" in page and "Datenabfluss" in page


def test_the_board_sets_the_deadlines_and_others_are_refused(
    client, board_member, department_head, organisation
):
    from incidents.selectors import response_settings_of

    url = reverse("workspace:response_settings")
    client.force_login(department_head)
    assert client.get(url).status_code == 403
    client.force_login(board_member)
    assert client.get(url).status_code == 200
    assert client.get(url + "?organisation=elsewhere").status_code == 404
    data = {
        "time_zone": "Mars/Olympus",
        "objection_response_days": "14",
        "objector_data_retention_days": "90",
        "reminder_hours_before": "12",
        "reason": "Satzung",
    }
    assert client.post(url, data).status_code == 400
    assert response_settings_of(organisation.pk).pk is None  # nothing saved
    assert client.post(url, {**data, "time_zone": "Europe/Berlin"}).status_code == 302
    assert response_settings_of(organisation.pk).objection_response_days == 14


def _incident_posts(incident, action_pk: int) -> dict[str, tuple[str, dict]]:
    """Every address that changes an incident, with a body its keepers could send."""
    pk = incident.pk
    return {
        "report": (
            reverse("workspace:incident_report", args=[pk]),
            {"clock": "provider", "reported_at": "2026-11-30T08:00"},
        ),
        "action": (
            reverse("workspace:incident_action", args=[pk]),
            {"description": "Schulung", "owner": "Amtsleitung", "due_date": "2027-01-15"},
        ),
        "action_done": (
            reverse("workspace:incident_action_done", args=[pk, action_pk]),
            {},
        ),
        "note": (
            reverse("workspace:incident_note", args=[pk]),
            {"public_note": "Behoben.", "published": "on", "reason": "informieren"},
        ),
        "suspend": (reverse("workspace:incident_suspend", args=[pk]), {"reason": "Vorfall"}),
        "edit": (
            reverse("workspace:incident_edit", args=[pk]),
            {"title": "Geändert", "reason": "r"},
        ),
    }


@pytest.mark.parametrize("persona", ["outsider", "other_department_head", "foreign_board_member"])
def test_who_does_not_see_the_incident_gets_404_on_every_address_that_changes_it(
    client, request, serious_incident, department_head, persona
):
    action = services.add_follow_up_action(
        serious_incident,
        actor=department_head,
        description="Prüfen",
        owner="Amtsleitung",
        due_date=datetime.date(2027, 1, 10),
    )
    before = Incident.history.filter(id=serious_incident.pk).count()
    browser = _client(client, request, persona)
    for name, (url, body) in _incident_posts(serious_incident, action.pk).items():
        assert browser.post(url, body).status_code == 404, name
    # Nothing changed, nothing was added.
    assert Incident.history.filter(id=serious_incident.pk).count() == before
    assert serious_incident.actions.count() == 1
    action.refresh_from_db()
    assert action.done_at is None


def test_an_action_of_another_incident_is_404_not_a_page_of_this_one(
    client, department_head, use_case, serious_incident
):
    other = make_incident(use_case, department_head, title="Zweite Störung")
    foreign_action = services.add_follow_up_action(
        other,
        actor=department_head,
        description="Prüfen",
        owner="Amtsleitung",
        due_date=datetime.date(2027, 1, 10),
    )
    client.force_login(department_head)
    url = reverse("workspace:incident_action_done", args=[serious_incident.pk, foreign_action.pk])
    assert client.post(url).status_code == 404
    foreign_action.refresh_from_db()
    assert foreign_action.done_at is None


@pytest.mark.parametrize("persona", ["outsider", "dpo", "auditor"])
def test_who_keeps_no_use_case_cannot_open_the_forms_for_new_records(client, request, persona):
    browser = _client(client, request, persona)
    for name in ("workspace:incident_create", "workspace:objection_create"):
        assert browser.get(reverse(name)).status_code == 403, name
        assert browser.post(reverse(name), {}).status_code == 403, name
